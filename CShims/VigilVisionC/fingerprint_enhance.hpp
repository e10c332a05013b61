// Ridge enhancement: contrast normalised locally, then each pixel filtered by
// the Gabor filter tuned to its ridge orientation and its local period
// (Hong, Wan & Jain 1998); and the clarity of the result, the local quality
// that decides which minutiae are trusted.
#pragma once

#include "fingerprint_field.hpp"

#include <opencv2/core.hpp>

namespace vigil {

// Zero mean and unit deviation within about two ridge periods of each pixel,
// so that ridges in a dark (wet) or faint (dry) part of the print reach the
// filters with the contrast of the rest.
cv::Mat locallyNormalised(const cv::Mat &norm);

// The oriented Gabor response at every pixel of a locally normalised image:
// ridges negative, valleys positive. Each pixel's filter is tuned to its
// ridge orientation and to whichever of three periods (the print's, a
// quarter octave either side) responds most strongly around it, so ridges
// closer at the fingertip or wider on a pressed-flat print are followed too.
cv::Mat gaborEnhanced(const cv::Mat &local, const OrientationField &field, double period);

// The enhanced signal's local amplitude (RMS over about one ridge period)
// relative to its median over the print: near 1 where ridges are as clear as
// the print's typical ridges, low where the filters found no ridge pattern
// to follow (smudges, scars, creases, noise) and binarisation invents one.
cv::Mat clarity(const cv::Mat &enhanced, const cv::Mat &mask, double period);

}  // namespace vigil
