// A quantile of a float map read at every fourth pixel each way: enough
// samples for a print-wide statistic at a sixteenth of the work.
#pragma once

#include <opencv2/core.hpp>

#include <algorithm>
#include <optional>
#include <vector>

namespace vigil {

// The `percent`-th percentile (lower) of `values` (CV_32F) over the sampled
// pixels where `mask` (CV_8U) is set, or over all of them when `mask` is
// empty; nothing when no sampled pixel qualifies.
inline std::optional<float> sampledPercentile(const cv::Mat &values, const cv::Mat &mask, int percent) {
    std::vector<float> samples;
    for (int y = 0; y < values.rows; y += 4) {
        for (int x = 0; x < values.cols; x += 4) {
            if (mask.empty() || mask.at<uchar>(y, x)) samples.push_back(values.at<float>(y, x));
        }
    }
    if (samples.empty()) return std::nullopt;
    const size_t at = samples.size() * size_t(percent) / 100;
    std::nth_element(samples.begin(), samples.begin() + at, samples.end());
    return samples[at];
}

}  // namespace vigil
