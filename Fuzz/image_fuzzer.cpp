// libFuzzer harness for the shim's untrusted-image path: the header probe
// (format allow-list, pixel limit, truncation) and the guarded decode.
// Built and run by scripts/fuzz.sh (`make fuzz`).
#include "image_decode.hpp"

#include <opencv2/imgcodecs.hpp>

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    vv_image_info info{};
    (void)vv_image_probe(data, size, &info);
    cv::Mat image;
    char message[128];
    // A small pixel cap keeps each run fast; the limit logic is the same.
    (void)vigil::guarded(message, sizeof message,
                         [&] { return vigil::decode_image(data, size, 1u << 20, cv::IMREAD_COLOR, image); },
                         [&] { image.release(); });
    return 0;
}
