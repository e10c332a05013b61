#include "wsq_reconstruct.hpp"

#include "wsq_subbands.hpp"

#include <algorithm>
#include <cmath>

namespace vigil::wsq {

namespace {

using Sample = float;

// The synthesis pair of an odd-length analysis pair (h0, h1) that filters
// even positions with h0 and odd ones with h1: g0[m] = (-1)^m h1[m],
// g1[m] = (-1)^m h0[m], taps centred like the analysis filters.
struct Synthesis {
    std::vector<Sample> low, high;   // tap m at index centre + m
    int lowHalf, highHalf;
    explicit Synthesis(const Filters &f) {
        auto modulated = [](const std::vector<double> &h) {
            const int half = int(h.size()) / 2;
            std::vector<Sample> g(h.size());
            for (int m = -half; m <= half; ++m) g[size_t(half + m)] = Sample((m % 2 ? -1 : 1) * h[size_t(half + m)]);
            return g;
        };
        low = modulated(f.high);
        high = modulated(f.low);
        lowHalf = int(low.size()) / 2;
        highHalf = int(high.size()) / 2;
    }
};

// Whole-sample symmetric reflection of a position into [0, n) (n >= 2); it keeps the
// position's parity, so lowpass samples stay on even positions and highpass on odd.
int reflect(int i, int n) {
    const int period = 2 * (n - 1);
    int j = i % period;
    if (j < 0) j += period;
    return j > n - 1 ? period - j : j;
}

// Rebuilds `n` samples at line[0], line[stride], ... from the lowpass and
// highpass halves stored there (highpass first when `inverted`).
void synthesize_line(Sample *line, ptrdiff_t stride, int n, bool inverted, const Synthesis &g,
                     std::vector<Sample> &even, std::vector<Sample> &odd) {
    const int lows = (n + 1) / 2, highs = n / 2;
    const int pad = std::max(g.lowHalf, g.highHalf) + 1;
    // Upsampled halves, reflected beyond both ends: even[pad + p] is the lowpass
    // sample at position p (0 at odd p), odd[pad + p] the highpass one.
    even.assign(size_t(n + 2 * pad), 0);
    odd.assign(size_t(n + 2 * pad), 0);
    const ptrdiff_t lowAt = inverted ? highs : 0, highAt = inverted ? 0 : lows;
    for (int p = -pad; p < n + pad; ++p) {
        const int q = reflect(p, n);
        if (q % 2 == 0) even[size_t(p + pad)] = line[(lowAt + q / 2) * stride];
        else odd[size_t(p + pad)] = line[(highAt + q / 2) * stride];
    }
    for (int i = 0; i < n; ++i) {
        Sample v = 0;
        const Sample *e = even.data() + pad + i, *o = odd.data() + pad + i;
        for (int m = -g.lowHalf; m <= g.lowHalf; ++m) v += g.low[size_t(g.lowHalf + m)] * e[-m];
        for (int m = -g.highHalf; m <= g.highHalf; ++m) v += g.high[size_t(g.highHalf + m)] * o[-m];
        line[ptrdiff_t(i) * stride] = v;
    }
}

void synthesize(cv::Mat &plane, const Rect &r, const Synthesis &g) {
    std::vector<Sample> even, odd;
    for (int x = 0; x < r.width; ++x) {   // columns
        synthesize_line(plane.ptr<Sample>(r.y) + r.x + x, plane.step1(), r.height, r.invert_y, g, even, odd);
    }
    for (int y = 0; y < r.height; ++y) {  // rows
        synthesize_line(plane.ptr<Sample>(r.y + y) + r.x, 1, r.width, r.invert_x, g, even, odd);
    }
}

}  // namespace

vv_status reconstruct(const Codestream &c, cv::Mat &grey) {
    const Decomposition layout = decompose(c.frame.width, c.frame.height);
    for (const Rect &r : layout.splits) {
        if (r.width < 2 || r.height < 2) return VV_ERR_DECODE_FAILED;   // too small to have been split
    }
    cv::Mat plane(c.frame.height, c.frame.width, cv::DataType<Sample>::type, cv::Scalar(0));
    // Dequantization: the centre of the bin, C of the way from the zero bin's edge.
    const Quantization &q = c.quantization;
    size_t next = 0;
    for (int k = 0; k < kSubbands; ++k) {
        if (q.step[k] == 0) continue;
        const Rect &r = layout.subbands[size_t(k)];
        const double step = q.step[k], half = q.zero_bin[k] / 2, centre = q.bin_center;
        for (int y = 0; y < r.height; ++y) {
            Sample *row = plane.ptr<Sample>(r.y + y) + r.x;
            for (int x = 0; x < r.width; ++x) {
                const int32_t v = c.coefficients[next++];
                row[x] = v > 0 ? Sample((v - centre) * step + half) : v < 0 ? Sample((v + centre) * step - half) : 0;
            }
        }
    }
    const Synthesis g(c.filters);
    for (auto r = layout.splits.rbegin(); r != layout.splits.rend(); ++r) synthesize(plane, *r, g);
    grey.create(c.frame.height, c.frame.width, CV_8UC1);
    for (int y = 0; y < grey.rows; ++y) {
        const Sample *in = plane.ptr<Sample>(y);
        uint8_t *out = grey.ptr<uint8_t>(y);
        for (int x = 0; x < grey.cols; ++x) {
            const double v = std::floor(double(in[x]) * c.frame.rescale + c.frame.mean_shift + 0.5);
            out[x] = uint8_t(std::clamp(v, 0.0, 255.0));
        }
    }
    return VV_OK;
}

vv_status decode(const uint8_t *bytes, size_t length, uint64_t max_pixels, cv::Mat &grey) {
    Codestream c;
    const vv_status s = read_codestream(bytes, length, max_pixels, c);
    return s == VV_OK ? reconstruct(c, grey) : s;
}

}  // namespace vigil::wsq
