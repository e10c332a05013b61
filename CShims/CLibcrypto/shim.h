// OpenCV's neighbour: the system's OpenSSL libcrypto (Debian libssl-dev),
// used only to open sealed templates in bulk (VigilStorage's GCMOpening):
// its AES-GCM context keeps the key schedule between calls.
#include <openssl/evp.h>
