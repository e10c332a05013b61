// Removal of false minutiae by the skeleton's structure (after Tico &
// Kuosmanen 2000 and Ratha et al. 1995), with lengths relative to the
// print's ridge period.
#pragma once

#include "vigil_vision.h"

#include <opencv2/core.hpp>

#include <vector>

namespace vigil {

// Keeps the candidates that are not artefacts of the skeleton:
// - duplicates: crossing-number pixels of one junction, closer than 2.5 px (one is kept);
// - spurs: an ending joined to a bifurcation by less than a ridge period of skeleton;
// - bridges: two bifurcations joined by less than a ridge period (a broken valley);
// - short ridges: two endings joined by less than a ridge period;
// - broken ridges: two endings facing each other across a gap under 1.5 ridge periods;
// - what is left closer than half a ridge period to another minutia (both
//   dropped: two real minutiae are never that close).
std::vector<vv_minutia> removeFalseMinutiae(const cv::Mat &skeleton, const std::vector<vv_minutia> &candidates, double period);

}  // namespace vigil
