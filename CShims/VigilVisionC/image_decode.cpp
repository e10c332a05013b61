#include "image_decode.hpp"

#include "wsq_reconstruct.hpp"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <cstring>

namespace vigil {

vv_status decode_image(const uint8_t *bytes, size_t length, uint64_t max_pixels,
                       int imread_flags, cv::Mat &out, vv_image_info *probed) {
    vv_image_info info{};
    vv_status s = vv_image_probe(bytes, length, &info);
    if (s != VV_OK) return s;
    if (probed) *probed = info;
    if (uint64_t(info.width) * uint64_t(info.height) > max_pixels) return VV_ERR_TOO_MANY_PIXELS;
    if (info.format == VV_FORMAT_WSQ) {   // Vigil's own decoder; OpenCV has none
        cv::Mat grey;
        if ((s = wsq::decode(bytes, length, max_pixels, grey)) != VV_OK) return s;
        if (imread_flags == cv::IMREAD_GRAYSCALE) out = grey;
        else cv::cvtColor(grey, out, cv::COLOR_GRAY2BGR);
        return VV_OK;
    }
    // imdecode wants a Mat header over the bytes; it does not modify them.
    const cv::Mat raw(1, int(length), CV_8UC1, const_cast<uint8_t *>(bytes));
    out = cv::imdecode(raw, imread_flags);
    if (out.empty()) return VV_ERR_DECODE_FAILED;
    // A header that lies about its size is not the image it claims to be.
    if (out.cols != info.width || out.rows != info.height) return VV_ERR_DECODE_FAILED;
    return VV_OK;
}

void write_message(char *buffer, size_t capacity, const char *text) {
    if (buffer == nullptr || capacity == 0) return;
    std::strncpy(buffer, text, capacity - 1);
    buffer[capacity - 1] = '\0';
}

}  // namespace vigil
