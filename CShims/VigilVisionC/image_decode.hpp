// Internal: safe decoding of untrusted image bytes into a cv::Mat.
#pragma once

#include "vigil_vision.h"

#include <opencv2/core.hpp>

namespace vigil {

// Probes the header (format allow-list, pixel limit, truncation), then decodes.
// imread_flags is a cv::ImreadModes value (IMREAD_COLOR for faces). `probed`,
// when given, receives what the header said (its stated resolution, say).
vv_status decode_image(const uint8_t *bytes, size_t length, uint64_t max_pixels,
                       int imread_flags, cv::Mat &out, vv_image_info *probed = nullptr);

// Copies a message into a caller buffer, always NUL-terminated.
void write_message(char *buffer, size_t capacity, const char *text);

// Runs `body` (returning a vv_status) so that no C++ exception crosses the C
// boundary: a failure status or exception writes its message and runs
// `reset` to leave the caller's output empty.
template <typename Body, typename Reset>
vv_status guarded(char *message, size_t capacity, Body &&body, Reset &&reset) {
    try {
        const vv_status s = body();
        if (s != VV_OK) {
            reset();
            write_message(message, capacity, vv_status_name(s));
        }
        return s;
    } catch (const std::exception &e) {
        reset();
        write_message(message, capacity, e.what());
    } catch (...) {
        reset();
        write_message(message, capacity, "unknown internal error");
    }
    return VV_ERR_INTERNAL;
}

}  // namespace vigil
