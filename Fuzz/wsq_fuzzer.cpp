// libFuzzer harness for Vigil's own WSQ decoder: the codestream reader (markers,
// tables, Huffman blocks) and the reconstruction, on untrusted bytes.
// Built and run by scripts/fuzz.sh (`make fuzz`).
#include "wsq_reconstruct.hpp"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    vigil::wsq::Frame frame;
    (void)vigil::wsq::read_frame(data, size, frame);
    cv::Mat grey;
    // A pixel cap of about one fingerprint keeps each run fast; the limit logic is the same.
    (void)vigil::wsq::decode(data, size, 1u << 20, grey);
    return 0;
}
