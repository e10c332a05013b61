// Minutiae extraction, written from the published algorithms: normalisation,
// block-variance segmentation of the print (one region, holes filled),
// gradient orientation field with coherence at two scales (fingerprint_field.hpp),
// local contrast normalisation, oriented Gabor enhancement (Hong, Wan & Jain
// 1998, each pixel at the best of three periods around the print's;
// fingerprint_enhance.hpp), binarisation,
// Zhang-Suen thinning, minutiae by crossing number, and removal of false
// minutiae near the background, by the skeleton's structure
// (fingerprint_minutiae.hpp) and where the enhanced ridges are unclear.
#include "fingerprint_enhance.hpp"
#include "fingerprint_field.hpp"
#include "fingerprint_minutiae.hpp"
#include "fingerprint_quality.hpp"
#include "fingerprint_sampling.hpp"
#include "fingerprint_skeleton.hpp"
#include "image_decode.hpp"
#include "vigil_vision.h"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

namespace {

constexpr int kBlock = 16;
constexpr int kTrace = 10;             // pixels followed along the skeleton for directions
constexpr double kBorderMargin = 12;   // minutiae closer to the background are dropped (chosen over 10 and 14 on all eight FVC databases)
constexpr int kMinComponent = 30;      // pixels: smaller ridge fragments and valley islands are noise
// Minutiae where the enhanced ridges are less than half as clear as the
// print's median are dropped: there binarisation draws ridges the filters did
// not find, and their endings and forks are noise. Half the print's own
// median, not a constant of one sensor's contrast. Measured on all eight
// development databases (docs/fingerprints.md).
constexpr float kMinClarity = 0.5f;
constexpr float kForegroundShare = 0.15f;  // of the 95th-percentile local variance

cv::Mat normalised(const cv::Mat &grey) {
    cv::Mat f;
    grey.convertTo(f, CV_32F);
    cv::Scalar mean, stddev;
    cv::meanStdDev(f, mean, stddev);
    return (f - mean[0]) / std::max(1.0, stddev[0]);
}

// Foreground: local variance above a share of the image's high local
// variances (its 95th percentile), so low-contrast sensors whose prints fill
// the frame are not cut down by a bright border's contrast.
cv::Mat segment(const cv::Mat &norm) {
    cv::Mat mean, sq, var;
    cv::boxFilter(norm, mean, CV_32F, cv::Size(kBlock, kBlock));
    cv::boxFilter(norm.mul(norm), sq, CV_32F, cv::Size(kBlock, kBlock));
    var = sq - mean.mul(mean);
    const float high = *vigil::sampledPercentile(var, cv::Mat(), 95);   // a non-empty image has samples
    cv::Mat mask = var > std::min(0.2f, kForegroundShare * high);
    cv::Mat kernel = cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(kBlock, kBlock));
    cv::morphologyEx(mask, mask, cv::MORPH_CLOSE, kernel);
    cv::morphologyEx(mask, mask, cv::MORPH_OPEN, kernel);
    // One capture holds one finger: the largest region is the print, the
    // rest (sensor edges, smudges, residue) is not.
    cv::Mat labels, stats, centroids;
    const int regions = cv::connectedComponentsWithStats(mask, labels, stats, centroids, 8, CV_32S);
    int largest = 0;
    for (int i = 1; i < regions; ++i) {
        if (largest == 0 || stats.at<int>(i, cv::CC_STAT_AREA) > stats.at<int>(largest, cv::CC_STAT_AREA)) largest = i;
    }
    mask = (labels == largest) & mask;
    // Holes inside the print (a wet, flat patch) are print too: fill what the outside cannot reach.
    cv::Mat outside;
    cv::copyMakeBorder(mask, outside, 1, 1, 1, 1, cv::BORDER_CONSTANT, cv::Scalar(0));
    cv::floodFill(outside, cv::Point(0, 0), cv::Scalar(128));
    mask.setTo(255, outside(cv::Rect(1, 1, mask.cols, mask.rows)) == 0);
    return mask;
}

// Clears connected components of `binary` smaller than `minArea` pixels.
void removeSmallComponents(cv::Mat &binary, int minArea) {
    cv::Mat labels, stats, centroids;
    const int n = cv::connectedComponentsWithStats(binary, labels, stats, centroids, 8, CV_32S);
    std::vector<uchar> keep(n, 1);
    for (int i = 1; i < n; ++i) keep[i] = stats.at<int>(i, cv::CC_STAT_AREA) >= minArea;
    for (int y = 0; y < binary.rows; ++y) {
        for (int x = 0; x < binary.cols; ++x) {
            if (!keep[labels.at<int>(y, x)]) binary.at<uchar>(y, x) = 0;
        }
    }
}

// Ending: from the ridge towards its end. Bifurcation: into the fork, along
// the mean of the two branches that are closest in angle.
bool direction(const cv::Mat &skeleton, int x, int y, int type, float &angle) {
    const std::vector<vigil::Point> starts = vigil::branches(skeleton, x, y);
    std::vector<double> angles;
    for (const vigil::Point &s : starts) {
        const vigil::Point end = vigil::trace(skeleton, x, y, s, kTrace - 1, [](vigil::Point, int) { return false; });
        angles.push_back(std::atan2(double(end.y - y), double(end.x - x)));
    }
    if (type == VV_MINUTIA_ENDING) {
        if (angles.size() != 1) return false;
        angle = float(angles[0]);
        return true;
    }
    if (angles.size() != 3) return false;
    int a = 0, b = 1;
    double best = 10;
    for (int i = 0; i < 3; ++i) {
        for (int j = i + 1; j < 3; ++j) {
            const double gap = std::abs(std::remainder(angles[i] - angles[j], 2 * CV_PI));
            if (gap < best) { best = gap; a = i; b = j; }
        }
    }
    angle = float(std::atan2(std::sin(angles[a]) + std::sin(angles[b]), std::cos(angles[a]) + std::cos(angles[b])));
    return true;
}

vv_status extract(const uint8_t *bytes, size_t length, const vv_fingerprint_options &options,
                  std::vector<vv_minutia> &found, vv_fingerprint_result &out) {
    cv::Mat grey;
    vv_image_info info{};
    const uint64_t maxPixels = options.max_pixels ? options.max_pixels : 40'000'000;
    vv_status s = vigil::decode_image(bytes, length, maxPixels, cv::IMREAD_GRAYSCALE, grey, &info);
    if (s != VV_OK) return s;
    out.image_width = grey.cols;
    out.image_height = grey.rows;
    if (options.dpi != 0 && (options.dpi < 300 || options.dpi > 600)) return VV_ERR_INVALID_ARGUMENT;
    // 72 and 96 ppi are what image software writes when it knows no resolution.
    const int dpi = options.dpi ? options.dpi : info.ppi >= 150 ? info.ppi : 500;
    if (dpi < 300 || dpi > 600) return VV_ERR_RESOLUTION;
    out.dpi = dpi;
    const double scale = 500.0 / dpi;   // work at 500 dpi, report in the image's pixels
    cv::Mat work = grey;
    if (dpi != 500) cv::resize(grey, work, cv::Size(), scale, scale, cv::INTER_LINEAR);

    const cv::Mat norm = normalised(work);
    const cv::Mat mask = segment(norm);
    const vigil::OrientationField field = vigil::orientationField(norm);
    const vigil::RidgePeriods periods = vigil::ridgePeriods(norm, mask, field);
    const cv::Mat enhanced = vigil::gaborEnhanced(vigil::locallyNormalised(norm), field, periods.period);
    cv::Mat ridges = (enhanced < 0) & mask;   // ridges are dark
    cv::medianBlur(ridges, ridges, 3);
    // Ridge fragments become false endings, valley islands false bridges.
    removeSmallComponents(ridges, kMinComponent);
    cv::Mat valleys = ~ridges & mask;
    removeSmallComponents(valleys, kMinComponent);
    ridges = ~valleys & mask;
    const cv::Mat skeleton = vigil::thinned(ridges);

    // Distance to the background, the image's own edge counting as
    // background: ridges cut off by the frame end there without being minutiae.
    cv::Mat framed, inside;
    cv::copyMakeBorder(mask, framed, 1, 1, 1, 1, cv::BORDER_CONSTANT, cv::Scalar(0));
    cv::distanceTransform(framed, inside, cv::DIST_L2, 3);
    inside = inside(cv::Rect(1, 1, mask.cols, mask.rows));
    std::vector<vv_minutia> candidates;
    for (int y = 1; y < skeleton.rows - 1; ++y) {
        for (int x = 1; x < skeleton.cols - 1; ++x) {
            if (!skeleton.at<uchar>(y, x) || inside.at<float>(y, x) < kBorderMargin) continue;
            const int cn = vigil::crossingNumber(skeleton, x, y);
            const int type = cn == 1 ? VV_MINUTIA_ENDING : cn == 3 ? VV_MINUTIA_BIFURCATION : 0;
            if (!type) continue;
            float angle = 0;
            if (!direction(skeleton, x, y, type, angle)) continue;
            // The smoothed field gives the ridge line more precisely than a
            // 10-pixel trace; the trace only decides which way along it.
            const float ridge = field.gradientAngle.at<float>(y, x) + float(CV_PI / 2);
            angle = std::cos(ridge - angle) >= 0 ? float(std::remainder(ridge, 2 * CV_PI))
                                                 : float(std::remainder(ridge + CV_PI, 2 * CV_PI));
            candidates.push_back(vv_minutia{float(x), float(y), angle, type, field.coherence.at<float>(y, x)});
        }
    }
    found = vigil::removeFalseMinutiae(skeleton, candidates, periods.period);
    const cv::Mat clear = vigil::clarity(enhanced, mask, periods.period);
    found.erase(std::remove_if(found.begin(), found.end(),
                               [&](const vv_minutia &m) { return clear.at<float>(int(m.y), int(m.x)) < kMinClarity; }),
                found.end());
    out.features = vigil::qualityFeatures({norm, mask, field.coherence, ridges, periods.printBlocks, periods.measured,
                                           periods.period, found});
    out.quality = vigil::qualityScore(out.features);
    for (vv_minutia &m : found) {   // back to the image's own pixels
        m.x = float(m.x / scale);
        m.y = float(m.y / scale);
    }
    return VV_OK;
}

}  // namespace

extern "C" vv_status vv_fingerprint_extract(const uint8_t *bytes, size_t length, const vv_fingerprint_options *options,
                                            vv_minutia *minutiae, int32_t capacity, vv_fingerprint_result *out,
                                            char *message, size_t message_capacity) {
    if (out == nullptr || (bytes == nullptr && length > 0) || (minutiae == nullptr && capacity > 0) || capacity < 0) {
        return VV_ERR_INVALID_ARGUMENT;
    }
    *out = vv_fingerprint_result{};
    const vv_fingerprint_options defaults{};
    std::vector<vv_minutia> found;
    return vigil::guarded(message, message_capacity,
        [&] {
            const vv_status s = extract(bytes, length, options ? *options : defaults, found, *out);
            if (s == VV_OK) {
                out->found = int32_t(found.size());
                out->count = std::min(capacity, out->found);
                if (out->count < out->found) {   // the most reliable fit
                    std::stable_sort(found.begin(), found.end(),
                                     [](const vv_minutia &a, const vv_minutia &b) { return a.reliability > b.reliability; });
                }
                std::copy(found.begin(), found.begin() + out->count, minutiae);
            }
            return s;
        },
        [&] { *out = vv_fingerprint_result{}; });
}
