// Quality features in the spirit of NFIQ 2 (ISO/IEC 29794-4), each 0..1.
// NFIQ 2 feeds such features to a trained random forest; Vigil combines them
// with fixed, documented weights and checks the result the way ISO/IEC
// 29794-1 checks a quality measure: rejecting the lowest-quality samples
// must lower the false non-match rate (`vigil eval fingers` reports it).
#include "fingerprint_quality.hpp"

#include <algorithm>
#include <cmath>

namespace vigil {
namespace {

constexpr int kClarityBlock = 32;          // NFIQ 2's local block size at 500 dpi
constexpr double kPlainImpression = 300.0 * 300.0;   // 0.6 x 0.6 inch at 500 dpi, pixels
constexpr double kFullMinutiae = 40;
constexpr float kReliable = 0.5f;

// Local clarity: in each block that is mostly print, how far apart the grey
// levels under the ridges and under the valleys are (d' = mean gap over the
// pooled deviation), 3 or more counting as fully clear.
float clarity(const cv::Mat &norm, const cv::Mat &mask, const cv::Mat &ridges) {
    double total = 0;
    int blocks = 0;
    for (int y0 = 0; y0 + kClarityBlock <= norm.rows; y0 += kClarityBlock) {
        for (int x0 = 0; x0 + kClarityBlock <= norm.cols; x0 += kClarityBlock) {
            const cv::Rect block(x0, y0, kClarityBlock, kClarityBlock);
            if (cv::countNonZero(mask(block)) < kClarityBlock * kClarityBlock * 3 / 4) continue;
            double sum[2] = {0, 0}, squares[2] = {0, 0};
            int count[2] = {0, 0};
            for (int y = y0; y < y0 + kClarityBlock; ++y) {
                for (int x = x0; x < x0 + kClarityBlock; ++x) {
                    if (!mask.at<uchar>(y, x)) continue;
                    const int ridge = ridges.at<uchar>(y, x) ? 1 : 0;
                    const double v = norm.at<float>(y, x);
                    sum[ridge] += v;
                    squares[ridge] += v * v;
                    ++count[ridge];
                }
            }
            ++blocks;
            if (count[0] < 16 || count[1] < 16) continue;   // no ridge structure: clarity 0
            double mean[2], variance[2];
            for (int k = 0; k < 2; ++k) {
                mean[k] = sum[k] / count[k];
                variance[k] = std::max(0.0, squares[k] / count[k] - mean[k] * mean[k]);
            }
            const double spread = std::sqrt((variance[0] + variance[1]) / 2);
            const double separation = spread > 1e-9 ? std::abs(mean[0] - mean[1]) / spread : 0;
            total += std::min(1.0, separation / 3);
        }
    }
    return blocks ? float(total / blocks) : 0.0f;
}

}  // namespace

vv_fingerprint_quality qualityFeatures(const QualityInputs &in) {
    vv_fingerprint_quality f{};
    f.clarity = clarity(in.norm, in.mask, in.ridges);
    const int printPixels = cv::countNonZero(in.mask);
    f.orientation = printPixels ? float(cv::mean(in.coherence, in.mask)[0]) : 0.0f;
    int consistent = 0;
    for (double p : in.periods) consistent += std::abs(p - in.period) <= 0.25 * in.period;
    f.frequency = in.printBlocks ? float(consistent) / float(in.printBlocks) : 0.0f;
    f.area = float(std::min(1.0, printPixels / kPlainImpression));
    const auto reliable = std::count_if(in.minutiae.begin(), in.minutiae.end(),
                                        [](const vv_minutia &m) { return m.reliability >= kReliable; });
    f.minutiae = float(std::min(1.0, double(reliable) / kFullMinutiae));
    return f;
}

float qualityScore(const vv_fingerprint_quality &f) {
    // Clarity weighs most (it says directly whether ridges can be told from
    // valleys), then the ridge flow's regularity, then the amount of print
    // and of minutiae.
    const double weighted = 0.30 * std::log(std::max(1e-4f, f.clarity)) + 0.20 * std::log(std::max(1e-4f, f.orientation))
                          + 0.20 * std::log(std::max(1e-4f, f.frequency)) + 0.15 * std::log(std::max(1e-4f, f.area))
                          + 0.15 * std::log(std::max(1e-4f, f.minutiae));
    return float(std::clamp(100.0 * std::exp(weighted), 0.0, 100.0));
}

}  // namespace vigil
