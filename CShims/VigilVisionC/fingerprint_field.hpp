// The ridge flow of a print: its orientation field with coherence, and its
// ridge period.
#pragma once

#include <opencv2/core.hpp>

#include <vector>

namespace vigil {

constexpr double kNominalPeriod = 9.0;   // ridge period at 500 dpi, pixels

struct OrientationField {
    cv::Mat gradientAngle;  // dominant gradient direction, radians mod π (CV_32F)
    cv::Mat coherence;      // 0..1 (CV_32F)
};

// Gradient moments (Kass & Witkin; Bazen & Gerez) smoothed at two integration
// scales; each pixel takes the scale at which its flow is more coherent: the
// fine one near cores and deltas, where a wide window averages curved flow
// away; the wide one in noisy, scarred or pore-broken areas, where the fine
// one follows the noise.
OrientationField orientationField(const cv::Mat &norm);

struct RidgePeriods {
    double period = kNominalPeriod;   // the print's median over the blocks measured
    int printBlocks = 0;              // blocks on the print
    std::vector<double> measured;     // the periods of the clean ones
};

// Hong, Wan & Jain's x-signature in each clean block (coherent flow): the
// spacing of the peaks of the intensities averaged along the ridges and
// sampled across them; the print's period is the median over the blocks.
// Where the ridges are closer or wider apart than that, the enhancement's
// filter bank finds it (fingerprint_enhance.hpp): a per-block map of
// x-signature periods was measured and not kept, as its peak counts were
// too noisy block by block (docs/fingerprints.md).
RidgePeriods ridgePeriods(const cv::Mat &norm, const cv::Mat &mask, const OrientationField &field);

}  // namespace vigil
