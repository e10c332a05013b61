// Internal: a WSQ image from its codestream: dequantization, then the wavelet
// synthesis, split by split in the reverse of the encoder's order.
#pragma once

#include "wsq_codestream.hpp"

#include <opencv2/core.hpp>

namespace vigil::wsq {

// 8-bit grey pixels (CV_8UC1) of the frame's size.
vv_status reconstruct(const Codestream &codestream, cv::Mat &grey);

// The whole decode of untrusted bytes: codestream, then reconstruction.
vv_status decode(const uint8_t *bytes, size_t length, uint64_t max_pixels, cv::Mat &grey);

}  // namespace vigil::wsq
