// Container-header parsing for the accepted image formats. It runs before any
// decoder sees the bytes so that (1) only an allow-list of formats reaches
// cv::imdecode (which would otherwise also hand data to GDAL and friends),
// (2) declared dimensions can be checked against the pixel limit before a
// decompression bomb allocates anything, and (3) truncated containers are
// rejected instead of being decoded into half-grey images.
#include "vigil_vision.h"
#include "wsq_codestream.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace {

struct Reader {
    const uint8_t *p;
    size_t n;
    bool has(size_t off, size_t len) const { return off <= n && len <= n - off; }
    uint16_t be16(size_t o) const { return uint16_t(p[o] << 8 | p[o + 1]); }
    uint32_t be32(size_t o) const { return uint32_t(p[o]) << 24 | uint32_t(p[o + 1]) << 16 | uint32_t(p[o + 2]) << 8 | p[o + 3]; }
    uint16_t le16(size_t o) const { return uint16_t(p[o] | p[o + 1] << 8); }
    uint32_t le32(size_t o) const { return uint32_t(p[o]) | uint32_t(p[o + 1]) << 8 | uint32_t(p[o + 2]) << 16 | uint32_t(p[o + 3]) << 24; }
};

vv_status finish(vv_image_info *out, vv_image_format f, int64_t w, int64_t h) {
    if (w <= 0 || h <= 0 || w > INT32_MAX || h > INT32_MAX) return VV_ERR_DECODE_FAILED;
    out->format = f;
    out->width = int32_t(w);
    out->height = int32_t(h);
    return VV_OK;
}

// A stated density in pixels per `unit` inch (0: no unit stated) as whole pixels per inch.
int32_t ppi(double density, double inchesPerUnit) {
    const double v = inchesPerUnit > 0 ? density * inchesPerUnit : 0;
    return v >= 1 && v < 1e6 ? int32_t(v + 0.5) : 0;
}

vv_status probe_jpeg(const Reader &r, vv_image_info *out) {
    // An encoder always ends with EOI; some append padding, so look near the end.
    bool eoi = false;
    size_t tail = r.n > 4096 ? r.n - 4096 : 2;
    for (size_t i = r.n - 1; i > tail && !eoi; --i) eoi = r.p[i - 1] == 0xFF && r.p[i] == 0xD9;
    size_t o = 2;
    while (r.has(o, 4)) {
        if (r.p[o] != 0xFF) return VV_ERR_DECODE_FAILED;
        uint8_t m = r.p[o + 1];
        if (m == 0xFF) { ++o; continue; }                    // fill byte
        if (m == 0x01 || (m >= 0xD0 && m <= 0xD7)) { o += 2; continue; }  // no length
        uint16_t len = r.be16(o + 2);
        if (len < 2) return VV_ERR_DECODE_FAILED;
        if (m == 0xE0 && len >= 14 && r.has(o + 4, 12) && std::memcmp(r.p + o + 4, "JFIF\0", 5) == 0) {
            out->ppi = ppi(r.be16(o + 12), r.p[o + 11] == 1 ? 1.0 : r.p[o + 11] == 2 ? 2.54 : 0.0);
        }
        bool sof = m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
        if (sof) {
            if (!r.has(o + 4, 5)) return VV_ERR_TRUNCATED;
            vv_status s = finish(out, VV_FORMAT_JPEG, r.be16(o + 7), r.be16(o + 5));
            return s == VV_OK && !eoi ? VV_ERR_TRUNCATED : s;
        }
        if (m == 0xDA || m == 0xD9) return VV_ERR_DECODE_FAILED;  // scan before any frame header
        o += 2 + size_t(len);
    }
    return VV_ERR_TRUNCATED;
}

vv_status probe_png(const Reader &r, vv_image_info *out) {
    if (!r.has(8, 16) || std::memcmp(r.p + 12, "IHDR", 4) != 0) return VV_ERR_TRUNCATED;
    vv_status s = finish(out, VV_FORMAT_PNG, r.be32(16), r.be32(20));
    if (s != VV_OK) return s;
    // The last chunk must be IEND (length 0, type, CRC).
    if (r.n < 12 + 33 || std::memcmp(r.p + r.n - 8, "IEND", 4) != 0) return VV_ERR_TRUNCATED;
    // pHYs (pixels per metre when its unit byte is 1) comes before the first IDAT.
    for (size_t o = 8; r.has(o, 12);) {
        const uint32_t len = r.be32(o);
        if (std::memcmp(r.p + o + 4, "IDAT", 4) == 0 || !r.has(o + 8, size_t(len) + 4)) break;
        if (std::memcmp(r.p + o + 4, "pHYs", 4) == 0 && len == 9) out->ppi = ppi(r.be32(o + 8), r.p[o + 16] == 1 ? 0.0254 : 0.0);
        o += 12 + size_t(len);
    }
    return VV_OK;
}

vv_status probe_bmp(const Reader &r, vv_image_info *out) {
    if (!r.has(0, 26)) return VV_ERR_TRUNCATED;
    if (r.le32(2) > r.n) return VV_ERR_TRUNCATED;
    int32_t w = int32_t(r.le32(18)), h = int32_t(r.le32(22));
    if (r.le32(14) >= 40 && r.has(38, 4)) out->ppi = ppi(int32_t(r.le32(38)), 0.0254);   // BITMAPINFOHEADER and later
    return finish(out, VV_FORMAT_BMP, w, h < 0 ? -int64_t(h) : h);
}

// TIFF: dimensions from IFD0, and every strip/tile must lie inside the file.
struct Tiff {
    const Reader &r;
    bool le;
    uint16_t u16(size_t o) const { return le ? r.le16(o) : r.be16(o); }
    uint32_t u32(size_t o) const { return le ? r.le32(o) : r.be32(o); }
    // Value i of an entry (SHORT or LONG), inline or at the pointed offset.
    bool value(size_t entry, uint32_t i, uint64_t &v) const {
        uint16_t type = u16(entry + 2);
        uint32_t count = u32(entry + 4);
        size_t size = type == 3 ? 2 : type == 4 ? 4 : 0;
        if (size == 0 || i >= count) return false;
        size_t base = uint64_t(count) * size <= 4 ? entry + 8 : u32(entry + 8);
        size_t at = base + size_t(i) * size;
        if (!r.has(at, size)) return false;
        v = size == 2 ? u16(at) : u32(at);
        return true;
    }
    // A RATIONAL entry's value (always stored at the pointed offset).
    bool rational(size_t entry, double &v) const {
        if (u16(entry + 2) != 5 || u32(entry + 4) < 1) return false;
        const size_t at = u32(entry + 8);
        if (!r.has(at, 8) || u32(at + 4) == 0) return false;
        v = double(u32(at)) / double(u32(at + 4));
        return true;
    }
};

vv_status probe_tiff(const Reader &r, vv_image_info *out) {
    if (!r.has(0, 8)) return VV_ERR_TRUNCATED;
    Tiff t{r, r.p[0] == 'I'};
    size_t ifd = t.u32(4);
    if (!r.has(ifd, 2)) return VV_ERR_TRUNCATED;
    uint16_t entries = t.u16(ifd);
    if (!r.has(ifd + 2, size_t(entries) * 12)) return VV_ERR_TRUNCATED;
    uint64_t w = 0, h = 0, unit = 2;   // ResolutionUnit: 2 inch (the default), 3 centimetre
    double resolution = 0;
    size_t offsets = 0, counts = 0;
    for (uint16_t e = 0; e < entries; ++e) {
        size_t entry = ifd + 2 + size_t(e) * 12;
        switch (t.u16(entry)) {
            case 256: t.value(entry, 0, w); break;
            case 257: t.value(entry, 0, h); break;
            case 273: case 324: offsets = entry; break;  // StripOffsets / TileOffsets
            case 279: case 325: counts = entry; break;   // StripByteCounts / TileByteCounts
            case 282: t.rational(entry, resolution); break;   // XResolution
            case 296: t.value(entry, 0, unit); break;
        }
    }
    out->ppi = ppi(resolution, unit == 2 ? 1.0 : unit == 3 ? 2.54 : 0.0);
    vv_status s = finish(out, VV_FORMAT_TIFF, int64_t(w), int64_t(h));
    if (s != VV_OK) return s;
    if (offsets == 0 || counts == 0) return VV_ERR_DECODE_FAILED;
    uint32_t n = t.u32(offsets + 4);
    if (n != t.u32(counts + 4) || n == 0) return VV_ERR_DECODE_FAILED;
    for (uint32_t i = 0; i < n; ++i) {
        uint64_t off = 0, len = 0;
        if (!t.value(offsets, i, off) || !t.value(counts, i, len)) return VV_ERR_TRUNCATED;
        if (off + len > r.n) return VV_ERR_TRUNCATED;
    }
    return VV_OK;
}

vv_status probe_webp(const Reader &r, vv_image_info *out) {
    if (!r.has(0, 30)) return VV_ERR_TRUNCATED;
    if (uint64_t(r.le32(4)) + 8 > r.n) return VV_ERR_TRUNCATED;
    const uint8_t *c = r.p + 12;
    if (std::memcmp(c, "VP8X", 4) == 0)
        return finish(out, VV_FORMAT_WEBP, 1 + int64_t(r.le32(24) & 0xFFFFFF), 1 + int64_t(r.le32(27) & 0xFFFFFF));
    if (std::memcmp(c, "VP8L", 4) == 0) {
        if (r.p[20] != 0x2F) return VV_ERR_DECODE_FAILED;
        uint32_t bits = r.le32(21);
        return finish(out, VV_FORMAT_WEBP, 1 + int64_t(bits & 0x3FFF), 1 + int64_t((bits >> 14) & 0x3FFF));
    }
    if (std::memcmp(c, "VP8 ", 4) == 0) {
        if (r.p[23] != 0x9D || r.p[24] != 0x01 || r.p[25] != 0x2A) return VV_ERR_DECODE_FAILED;
        return finish(out, VV_FORMAT_WEBP, r.le16(26) & 0x3FFF, r.le16(28) & 0x3FFF);
    }
    return VV_ERR_UNSUPPORTED_FORMAT;
}

vv_status probe_wsq(const Reader &r, vv_image_info *out) {
    vigil::wsq::Frame frame;
    const vv_status s = vigil::wsq::read_frame(r.p, r.n, frame);
    if (s != VV_OK) return s;
    out->ppi = frame.ppi;
    return finish(out, VV_FORMAT_WSQ, frame.width, frame.height);
}

// The image size from a JPEG 2000 codestream's SIZ segment, which follows SOC.
vv_status probe_j2k_codestream(const Reader &r, size_t at, size_t end, vv_image_info *out) {
    if (end - at < 4 + 2 + 2 + 16 || r.be16(at) != 0xFF4F || r.be16(at + 2) != 0xFF51) return VV_ERR_DECODE_FAILED;
    // The codestream ends with EOC.
    if (r.be16(end - 2) != 0xFFD9) return VV_ERR_TRUNCATED;
    const int64_t w = int64_t(r.be32(at + 8)) - int64_t(r.be32(at + 16));
    const int64_t h = int64_t(r.be32(at + 12)) - int64_t(r.be32(at + 20));
    return finish(out, VV_FORMAT_JPEG2000, w, h);
}

// A JP2 file: boxes (length, type); the header box's resolution box may state the
// capture resolution (pixels per metre), and the contiguous codestream box holds the image.
vv_status probe_jp2(const Reader &r, vv_image_info *out) {
    int32_t ppiStated = 0;
    auto boxes = [&](size_t at, size_t end, auto &&visit) -> vv_status {
        while (end - at >= 8) {
            uint64_t len = r.be32(at);
            size_t header = 8;
            if (len == 1) {
                if (end - at < 16) return VV_ERR_TRUNCATED;
                len = uint64_t(r.be32(at + 8)) << 32 | r.be32(at + 12);
                header = 16;
            } else if (len == 0) {
                len = end - at;   // the last box runs to the end
            }
            if (len < header || len > end - at) return VV_ERR_TRUNCATED;
            const vv_status s = visit(r.be32(at + 4), at + header, at + size_t(len));
            if (s != VV_ERR_INTERNAL) return s;   // VV_ERR_INTERNAL: keep walking
            at += size_t(len);
        }
        return VV_ERR_TRUNCATED;
    };
    const uint32_t jp2h = 0x6A703268, res = 0x72657320, resc = 0x72657363, jp2c = 0x6A703263;
    return boxes(0, r.n, [&](uint32_t type, size_t begin, size_t end) -> vv_status {
        if (type == jp2h) {
            boxes(begin, end, [&](uint32_t inner, size_t b, size_t e) -> vv_status {
                if (inner != res) return VV_ERR_INTERNAL;
                return boxes(b, e, [&](uint32_t t, size_t rb, size_t re) -> vv_status {
                    if (t == resc && re - rb >= 10) {
                        const double perMetre = double(r.be16(rb + 4)) / std::max(1, int(r.be16(rb + 6))) *
                                                std::pow(10.0, double(int8_t(r.p[rb + 9])));
                        ppiStated = ppi(perMetre, 0.0254);
                    }
                    return VV_ERR_INTERNAL;
                });
            });
            return VV_ERR_INTERNAL;
        }
        if (type != jp2c) return VV_ERR_INTERNAL;
        const vv_status s = probe_j2k_codestream(r, begin, end, out);
        out->ppi = ppiStated;
        return s;
    });
}

}  // namespace

extern "C" vv_status vv_image_probe(const uint8_t *bytes, size_t length, vv_image_info *out) {
    if (out == nullptr || (bytes == nullptr && length > 0)) return VV_ERR_INVALID_ARGUMENT;
    *out = vv_image_info{VV_FORMAT_UNKNOWN, 0, 0, 0};
    if (length == 0) return VV_ERR_EMPTY_INPUT;
    Reader r{bytes, length};
    auto starts = [&](const char *sig, size_t n) { return r.has(0, n) && std::memcmp(bytes, sig, n) == 0; };
    if (starts("\xFF\xD8\xFF", 3)) return probe_jpeg(r, out);
    if (starts("\x89PNG\r\n\x1A\n", 8)) return probe_png(r, out);
    if (starts("BM", 2)) return probe_bmp(r, out);
    if (starts("II*\0", 4) || starts("MM\0*", 4)) return probe_tiff(r, out);
    if (starts("RIFF", 4) && r.has(8, 4) && std::memcmp(bytes + 8, "WEBP", 4) == 0) return probe_webp(r, out);
    if (starts("\xFF\xA0\xFF", 3)) return probe_wsq(r, out);
    if (starts("\0\0\0\x0CjP  \r\n\x87\n", 12)) return probe_jp2(r, out);
    if (starts("\xFF\x4F\xFF\x51", 4)) return probe_j2k_codestream(r, 0, r.n, out);
    if (starts("\xFF\xA0\xFF", 3)) return probe_wsq(r, out);
    if (starts("\0\0\0\x0CjP  \r\n\x87\n", 12)) return probe_jp2(r, out);
    if (starts("\xFF\x4F\xFF\x51", 4)) return probe_j2k_codestream(r, 0, r.n, out);
    return VV_ERR_UNSUPPORTED_FORMAT;
}
