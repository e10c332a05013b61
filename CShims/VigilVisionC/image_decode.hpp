// Internal: safe decoding of untrusted image bytes into a cv::Mat.
#pragma once

#include "vigil_vision.h"

#include <opencv2/core.hpp>

namespace vigil {

// Probes the header (format allow-list, pixel limit, truncation), then decodes.
// imread_flags is a cv::ImreadModes value (IMREAD_COLOR for faces).
vv_status decode_image(const uint8_t *bytes, size_t length, uint64_t max_pixels,
                       int imread_flags, cv::Mat &out);

// Copies a message into a caller buffer, always NUL-terminated.
void write_message(char *buffer, size_t capacity, const char *text);

}  // namespace vigil
