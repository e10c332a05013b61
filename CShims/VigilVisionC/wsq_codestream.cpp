#include "wsq_codestream.hpp"

#include "wsq_subbands.hpp"

#include <cmath>
#include <cstring>
#include <string>

namespace vigil::wsq {

namespace {

enum Marker : uint16_t {
    SOI = 0xFFA0, EOI = 0xFFA1, SOF = 0xFFA2, SOB = 0xFFA3, DTT = 0xFFA4,
    DQT = 0xFFA5, DHT = 0xFFA6, DRT = 0xFFA7, COM = 0xFFA8,
    RST0 = 0xFFB0, RST7 = 0xFFB7,
};

// Bounds-checked big-endian reads over one marker segment; every read past its
// end sets `short_` and yields 0, so parsers check once at the end.
struct Segment {
    const uint8_t *p;
    size_t n;
    size_t at = 0;
    bool short_ = false;
    uint32_t take(int bytes) {
        if (n - at < size_t(bytes) || at > n) { short_ = true; at = n; return 0; }
        uint32_t v = 0;
        for (int i = 0; i < bytes; ++i) v = v << 8 | p[at++];
        return v;
    }
    uint8_t u8() { return uint8_t(take(1)); }
    uint16_t u16() { return uint16_t(take(2)); }
    uint32_t u32() { return take(4); }
    bool done() const { return at == n; }
};

// A value written as an exponent and an integer: integer / 10^exponent.
double scaled(uint8_t exponent, uint32_t value) { return double(value) / std::pow(10.0, double(exponent)); }

// A canonical Huffman table (the JPEG construction the specification adopts):
// for each code length, the largest code and where its values start.
struct Huffman {
    bool defined = false;
    std::array<int32_t, 17> max_code{};   // -1: no code of that length
    std::array<int32_t, 17> first_code{};
    std::array<int32_t, 17> first_index{};
    std::vector<uint8_t> values;
};

vv_status read_huffman(Segment &s, std::array<Huffman, 8> &tables) {
    while (!s.done()) {
        const uint8_t id = s.u8();
        std::array<uint8_t, 17> counts{};
        int total = 0;
        for (int len = 1; len <= 16; ++len) total += counts[len] = s.u8();
        if (s.short_ || id >= tables.size() || total == 0 || total > 256) return VV_ERR_DECODE_FAILED;
        Huffman h;
        h.defined = true;
        int32_t code = 0, index = 0;
        for (int len = 1; len <= 16; ++len) {
            h.first_code[len] = code;
            h.first_index[len] = index;
            code += counts[len];
            index += counts[len];
            h.max_code[len] = counts[len] ? code - 1 : -1;
            if (code > (1 << len)) return VV_ERR_DECODE_FAILED;   // more codes than the length allows
            code <<= 1;
        }
        for (int i = 0; i < total; ++i) h.values.push_back(s.u8());
        if (s.short_) return VV_ERR_TRUNCATED;
        tables[id] = std::move(h);
    }
    return VV_OK;
}

vv_status read_filters(Segment &s, Filters &f) {
    const uint8_t lowTaps = s.u8(), highTaps = s.u8();
    // Only odd-length (whole-sample symmetric) filter pairs, the kind every FBI-certified
    // encoder writes; even-length pairs are refused rather than decoded wrongly.
    if (s.short_ || lowTaps % 2 == 0 || highTaps % 2 == 0 || lowTaps > 31 || highTaps > 31) return VV_ERR_DECODE_FAILED;
    for (auto [taps, out] : {std::pair{lowTaps, &f.low}, std::pair{highTaps, &f.high}}) {
        const int half = taps / 2;
        out->assign(taps, 0.0);
        for (int i = 0; i <= half; ++i) {   // the centre tap first, then outwards
            const uint8_t sign = s.u8(), exponent = s.u8();
            const double v = scaled(exponent, s.u32()) * (sign ? -1 : 1);
            (*out)[half + i] = (*out)[half - i] = v;
        }
    }
    return s.short_ ? VV_ERR_TRUNCATED : s.done() ? VV_OK : VV_ERR_DECODE_FAILED;
}

vv_status read_quantization(Segment &s, Quantization &q) {
    const uint8_t e = s.u8();
    q.bin_center = scaled(e, s.u16());
    for (int k = 0; k < kSubbands; ++k) {
        const uint8_t eq = s.u8();
        q.step[k] = scaled(eq, s.u16());
        const uint8_t ez = s.u8();
        q.zero_bin[k] = scaled(ez, s.u16());
    }
    return s.short_ ? VV_ERR_TRUNCATED : VV_OK;
}

vv_status read_frame_header(Segment &s, Frame &f) {
    s.u8();   // A: the black level
    s.u8();   // B: the white level
    f.height = s.u16();
    f.width = s.u16();
    const uint8_t em = s.u8();
    f.mean_shift = scaled(em, s.u16());
    const uint8_t er = s.u8();
    f.rescale = scaled(er, s.u16());
    s.u8();   // encoder number
    s.u16();  // software implementation number
    if (s.short_) return VV_ERR_TRUNCATED;
    return f.width > 0 && f.height > 0 && f.rescale > 0 ? VV_OK : VV_ERR_DECODE_FAILED;
}

// A NISTCOM comment: "NIST_COM n" then name-value lines; PPI is the resolution.
void read_comment(const uint8_t *p, size_t n, Frame &f) {
    const std::string text(reinterpret_cast<const char *>(p), n);
    if (text.rfind("NIST_COM", 0) != 0) return;
    const size_t at = text.find("\nPPI ");
    if (at == std::string::npos) return;
    long v = std::strtol(text.c_str() + at + 5, nullptr, 10);
    f.ppi = v > 0 && v < 100000 ? int32_t(v) : 0;
}

// Reads bits of one block's entropy-coded data, most significant first, undoing
// byte stuffing (0xFF 0x00) and restarting at RSTn markers. Any other marker
// ends the data: reads past it fail.
struct Bits {
    const uint8_t *p;
    size_t n;
    size_t at;
    uint32_t buffer = 0;
    int count = 0;
    bool fill() {
        while (true) {
            if (at >= n) return false;
            if (p[at] != 0xFF) { buffer = p[at++]; count = 8; return true; }
            if (at + 1 >= n) return false;
            const uint8_t next = p[at + 1];
            if (next == 0x00) { buffer = 0xFF; count = 8; at += 2; return true; }
            if (next >= 0xB0 && next <= 0xB7) { at += 2; count = 0; continue; }
            return false;   // a marker: the block's data ended
        }
    }
    // The next `bits` bits as an unsigned value; false when the data ended.
    bool read(int bits, uint32_t &v) {
        v = 0;
        for (int i = 0; i < bits; ++i) {
            if (count == 0 && !fill()) return false;
            v = v << 1 | ((buffer >> --count) & 1);
        }
        return true;
    }
    // Before a restart marker an encoder pads its last byte with 1 bits, and no
    // code of a canonical table is all ones: ones left before RSTn are padding.
    void skipRestart() {
        const uint32_t rest = (1u << count) - 1;
        if ((buffer & rest) != rest || at + 1 >= n || p[at] != 0xFF || p[at + 1] < 0xB0 || p[at + 1] > 0xB7) return;
        at += 2;
        count = 0;
    }
};

bool decode_symbol(Bits &bits, const Huffman &h, uint8_t &symbol) {
    int32_t code = 0;
    for (int len = 1; len <= 16; ++len) {
        uint32_t bit;
        if (!bits.read(1, bit)) return false;
        code = code << 1 | int32_t(bit);
        if (h.max_code[len] >= 0 && code <= h.max_code[len] && code >= h.first_code[len]) {
            symbol = h.values[size_t(h.first_index[len] + code - h.first_code[len])];
            return true;
        }
    }
    return false;
}

// Decodes one block's coefficients, exactly `expected` of them, appended to `out`.
// Returns the offset just past the block's data (the next marker).
vv_status decode_block(const uint8_t *p, size_t n, size_t at, const Huffman &h, size_t expected,
                       std::vector<int32_t> &out, size_t &end) {
    Bits bits{p, n, at};
    size_t produced = 0;
    auto zeros = [&](uint32_t run) {
        if (run > expected - produced) return false;   // a run past the block's end: not this image's data
        out.insert(out.end(), run, 0);
        produced += run;
        return true;
    };
    auto value = [&](int32_t v) {
        if (produced == expected) return false;
        out.push_back(v);
        ++produced;
        return true;
    };
    while (produced < expected) {
        uint8_t s;
        if (!decode_symbol(bits, h, s)) return VV_ERR_TRUNCATED;
        uint32_t extra = 0;
        bool ok;
        if (s >= 1 && s <= 100) ok = zeros(s);
        else if (s == 101 || s == 102) ok = bits.read(8, extra) && value(s == 101 ? int32_t(extra) : -int32_t(extra));
        else if (s == 103 || s == 104) ok = bits.read(16, extra) && value(s == 103 ? int32_t(extra) : -int32_t(extra));
        else if (s == 105) ok = bits.read(8, extra) && zeros(extra);
        else if (s == 106) ok = bits.read(16, extra) && zeros(extra);
        else if (s >= 107 && s <= 254) ok = value(int32_t(s) - 180);
        else ok = false;
        if (!ok) return VV_ERR_DECODE_FAILED;
        bits.skipRestart();
    }
    // Padding bits end the block; skip to the next marker that is not a restart.
    size_t i = bits.at;
    while (i + 1 < n && !(p[i] == 0xFF && p[i + 1] != 0x00 && (p[i + 1] < 0xB0 || p[i + 1] > 0xB7))) ++i;
    end = i;
    return VV_OK;
}

bool ends_with_eoi(const uint8_t *p, size_t n) {
    // An encoder always ends with EOI; tolerate a little padding after it.
    const size_t tail = n > 64 ? n - 64 : 0;
    for (size_t i = n; i >= tail + 2; --i) {
        if (p[i - 2] == 0xFF && p[i - 1] == 0xA1) return true;
    }
    return false;
}

// Walks the marker segments, calling `visit(marker, segment)` for each one with a
// length; `visit` returns VV_OK to go on or a status to stop with (VV_OK via `stop`).
template <typename Visit>
vv_status walk(const uint8_t *p, size_t n, Visit &&visit) {
    if (n < 4 || p[0] != 0xFF || p[1] != 0xA0) return VV_ERR_UNSUPPORTED_FORMAT;
    if (!ends_with_eoi(p, n)) return VV_ERR_TRUNCATED;
    size_t at = 2;
    while (true) {
        if (n - at < 2) return VV_ERR_TRUNCATED;
        const uint16_t marker = uint16_t(p[at] << 8 | p[at + 1]);
        if (marker == EOI) return VV_OK;
        if (n - at < 4) return VV_ERR_TRUNCATED;
        const size_t length = size_t(p[at + 2] << 8 | p[at + 3]);
        if (length < 2 || n - at - 2 < length) return marker >= SOI && marker <= COM ? VV_ERR_TRUNCATED : VV_ERR_DECODE_FAILED;
        if (marker < SOF || marker > COM) return VV_ERR_DECODE_FAILED;
        Segment s{p + at + 4, length - 2};
        size_t next = at + 2 + length;
        const vv_status v = visit(Marker(marker), s, next);
        if (v != VV_OK) return v;
        if (next <= at) return VV_ERR_DECODE_FAILED;
        at = next;
    }
}

constexpr vv_status kStop = VV_ERR_INTERNAL;   // internal: the walk ended on purpose

}  // namespace

vv_status read_frame(const uint8_t *bytes, size_t length, Frame &frame) {
    bool found = false;
    vv_status s = walk(bytes, length, [&](Marker m, Segment &seg, size_t &) -> vv_status {
        if (m == COM) read_comment(seg.p, seg.n, frame);
        if (m == SOB) return VV_ERR_DECODE_FAILED;   // a block before the frame header
        if (m != SOF) return VV_OK;
        const vv_status f = read_frame_header(seg, frame);
        found = f == VV_OK;
        return f == VV_OK ? kStop : f;
    });
    if (s == kStop && found) return VV_OK;
    return s == VV_OK ? VV_ERR_DECODE_FAILED : s;
}

vv_status read_codestream(const uint8_t *bytes, size_t length, uint64_t max_pixels, Codestream &out) {
    std::array<Huffman, 8> tables;
    bool haveFrame = false, haveFilters = false, haveQuantization = false;
    int block = 0;
    Decomposition layout;
    std::array<size_t, 3> expected{};
    const vv_status s = walk(bytes, length, [&](Marker m, Segment &seg, size_t &next) -> vv_status {
        vv_status r = VV_OK;
        switch (m) {
            case SOF:
                if (haveFrame) return VV_ERR_DECODE_FAILED;
                if ((r = read_frame_header(seg, out.frame)) != VV_OK) return r;
                if (uint64_t(out.frame.width) * uint64_t(out.frame.height) > max_pixels) return VV_ERR_TOO_MANY_PIXELS;
                haveFrame = true;
                return VV_OK;
            case DTT: haveFilters = true; return read_filters(seg, out.filters);
            case DQT: haveQuantization = true; return read_quantization(seg, out.quantization);
            case DHT: return read_huffman(seg, tables);
            case DRT: return VV_OK;   // restart markers are honoured wherever they appear
            case COM: read_comment(seg.p, seg.n, out.frame); return VV_OK;
            case SOB: {
                const uint8_t id = seg.u8();
                if (seg.short_ || !haveFrame || !haveFilters || !haveQuantization || block >= 3) return VV_ERR_DECODE_FAILED;
                if (id >= tables.size() || !tables[id].defined) return VV_ERR_DECODE_FAILED;
                if (block == 0) {
                    layout = decompose(out.frame.width, out.frame.height);
                    for (int b = 0; b < 3; ++b) {
                        for (int k = kBlockStart[b]; k < kBlockStart[b + 1]; ++k) {
                            if (out.quantization.step[k] == 0) continue;
                            expected[b] += size_t(layout.subbands[k].width) * size_t(layout.subbands[k].height);
                        }
                    }
                    out.coefficients.reserve(expected[0] + expected[1] + expected[2]);
                }
                // A block whose subbands were all left out is still announced; it holds no coefficients.
                r = decode_block(bytes, length, next, tables[id], expected[block], out.coefficients, next);
                ++block;
                return r;
            }
            default: return VV_ERR_DECODE_FAILED;
        }
    });
    if (s != VV_OK) return s;
    if (!haveFrame || block == 0) return VV_ERR_TRUNCATED;
    size_t total = 0;
    for (int b = 0; b < block; ++b) total += expected[b];
    for (int b = block; b < 3; ++b) {
        if (expected[b] != 0) return VV_ERR_TRUNCATED;   // blocks missing that should carry coefficients
    }
    return out.coefficients.size() == total ? VV_OK : VV_ERR_DECODE_FAILED;
}

}  // namespace vigil::wsq
