// Pixels out of any accepted format, and PNG with its resolution back in:
// how images leave an ANSI/NIST-ITL transaction in a form any tool reads.
#include "image_decode.hpp"

#include <opencv2/imgcodecs.hpp>
#include <zlib.h>

#include <cstring>
#include <vector>

extern "C" vv_status vv_image_decode_pixels(const uint8_t *bytes, size_t length, uint64_t max_pixels, int32_t channels,
                                            uint8_t *pixels, size_t capacity, vv_image_info *out) {
    if (out == nullptr || (bytes == nullptr && length > 0) || (pixels == nullptr && capacity > 0) || (channels != 1 && channels != 3)) {
        return VV_ERR_INVALID_ARGUMENT;
    }
    *out = vv_image_info{};
    char ignored[8];
    return vigil::guarded(ignored, sizeof ignored, [&] {
        cv::Mat image;
        const int flags = channels == 1 ? cv::IMREAD_GRAYSCALE : cv::IMREAD_COLOR;
        const vv_status s = vigil::decode_image(bytes, length, max_pixels ? max_pixels : 40'000'000, flags, image, out);
        if (s != VV_OK) return s;
        const size_t row = size_t(image.cols) * size_t(channels);
        if (row * size_t(image.rows) > capacity) return VV_ERR_INVALID_ARGUMENT;
        for (int y = 0; y < image.rows; ++y) std::memcpy(pixels + size_t(y) * row, image.ptr<uint8_t>(y), row);
        return VV_OK;
    }, [&] { *out = vv_image_info{}; });
}

extern "C" size_t vv_encode_capacity(int32_t width, int32_t height, int32_t channels) {
    if (width <= 0 || height <= 0 || (channels != 1 && channels != 3)) return 0;
    const uLong raw = uLong(height) * (uLong(width) * uLong(channels) + 1);   // a filter byte per row
    // PNG: zlib's worst case, one chunk header per 8 KiB IDAT, signature, IHDR, pHYs, IEND.
    // Lossless JPEG 2000 stays within the raw size plus its headers and per-tile markers.
    return size_t(compressBound(raw)) + size_t(raw / 8192 + 1) * 12 + 65536;
}

namespace {

void put32(std::vector<uint8_t> &v, uint32_t x) {
    for (int s = 24; s >= 0; s -= 8) v.push_back(uint8_t(x >> s));
}

// A pHYs chunk stating `ppi` in both directions, in pixels per metre.
std::vector<uint8_t> physical(int32_t ppi) {
    std::vector<uint8_t> chunk;
    const uint32_t perMetre = uint32_t(double(ppi) / 0.0254 + 0.5);
    put32(chunk, 9);
    const size_t typeAt = chunk.size();
    for (char c : {'p', 'H', 'Y', 's'}) chunk.push_back(uint8_t(c));
    put32(chunk, perMetre);
    put32(chunk, perMetre);
    chunk.push_back(1);   // unit: the metre
    put32(chunk, uint32_t(crc32(0, chunk.data() + typeAt, uInt(chunk.size() - typeAt))));
    return chunk;
}

}  // namespace

extern "C" vv_status vv_image_encode(const uint8_t *pixels, int32_t width, int32_t height, int32_t channels, int32_t format,
                                     int32_t ppi, uint8_t *png, size_t capacity, size_t *written) {
    if (pixels == nullptr || png == nullptr || written == nullptr || width <= 0 || height <= 0 || ppi < 0 ||
        (channels != 1 && channels != 3) || (format != VV_FORMAT_PNG && format != VV_FORMAT_JPEG2000)) {
        return VV_ERR_INVALID_ARGUMENT;
    }
    *written = 0;
    char ignored[8];
    return vigil::guarded(ignored, sizeof ignored, [&] {
        const cv::Mat image(height, width, channels == 1 ? CV_8UC1 : CV_8UC3, const_cast<uint8_t *>(pixels));
        std::vector<uint8_t> encoded;
        // JPEG 2000 at OpenCV's highest rate (1000 per mille): OpenJPEG's reversible path.
        const std::vector<int> params = format == VV_FORMAT_PNG ? std::vector<int>{} : std::vector<int>{cv::IMWRITE_JPEG2000_COMPRESSION_X1000, 1000};
        if (!cv::imencode(format == VV_FORMAT_PNG ? ".png" : ".jp2", image, encoded, params)) return VV_ERR_INTERNAL;
        // The signature (8 bytes) and IHDR (25) come first; pHYs must come before IDAT.
        constexpr size_t afterHeader = 8 + 25;
        if (format == VV_FORMAT_PNG && ppi > 0) {
            const std::vector<uint8_t> chunk = physical(ppi);
            encoded.insert(encoded.begin() + afterHeader, chunk.begin(), chunk.end());
        }
        if (encoded.size() > capacity) return VV_ERR_INVALID_ARGUMENT;
        std::memcpy(png, encoded.data(), encoded.size());
        *written = encoded.size();
        return VV_OK;
    }, [&] { *written = 0; });
}
