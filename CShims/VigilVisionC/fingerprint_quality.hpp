// Fingerprint quality features and their combination (see vv_fingerprint_quality).
#pragma once

#include "vigil_vision.h"

#include <opencv2/core.hpp>

#include <vector>

namespace vigil {

struct QualityInputs {
    const cv::Mat &norm;       // grey levels, zero mean and unit variance, at 500 dpi
    const cv::Mat &mask;       // print foreground (CV_8U)
    const cv::Mat &coherence;  // orientation coherence per pixel, 0..1
    const cv::Mat &ridges;     // binarised ridges (CV_8U) from the enhanced image
    int printBlocks;           // blocks on the print where a ridge period was sought
    const std::vector<double> &periods;   // the ridge periods measured there
    double period;             // the print's ridge period
    const std::vector<vv_minutia> &minutiae;
};

vv_fingerprint_quality qualityFeatures(const QualityInputs &in);

// 0..100: weighted geometric mean of the features, so that one useless
// aspect (no print area, no clear ridges) cannot be made up by the others.
float qualityScore(const vv_fingerprint_quality &f);

}  // namespace vigil
