#include "fingerprint_enhance.hpp"

#include "fingerprint_sampling.hpp"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <optional>

namespace vigil {
namespace {

constexpr int kOrientations = 16;
constexpr double kLocalSigma = 8;   // pixels: the neighbourhood of local contrast normalisation

// The image's spectrum, computed once for the whole filter bank: filtering
// with 16 kernels by cv::filter2D transformed the image 16 times. The image is
// mirrored by the kernel's radius on every side, as filter2D's default
// border does, and the transform is large enough that the circular
// convolution never wraps into the part kept.
struct SharedSpectrum {
    cv::Mat spectrum;   // CCS-packed, as cv::dft gives it
    cv::Size frame;     // the transform's size
    int radius;
    cv::Size image;

    SharedSpectrum(const cv::Mat &image, int radius) : radius(radius), image(image.size()) {
        cv::Mat mirrored;
        cv::copyMakeBorder(image, mirrored, radius, radius, radius, radius, cv::BORDER_REFLECT_101);
        frame = cv::Size(cv::getOptimalDFTSize(mirrored.cols), cv::getOptimalDFTSize(mirrored.rows));
        cv::Mat padded = cv::Mat::zeros(frame, CV_32F);
        mirrored.copyTo(padded(cv::Rect(0, 0, mirrored.cols, mirrored.rows)));
        cv::dft(padded, spectrum, 0, mirrored.rows);
    }

    // The image filtered by a point-symmetric kernel of (2·radius + 1)² (so
    // convolution and filter2D's correlation agree), a view into
    // `work.full`, valid until the next call. With the kernel at the frame's origin, the response centred on image
    // pixel p lands at p + 2·radius. `work` holds the transforms between
    // calls: a bank of filters reuses its memory instead of mapping fresh
    // pages for every filter.
    struct Work { cv::Mat padded, kernelSpectrum, product, full; };
    cv::Mat filtered(const cv::Mat &kernel, Work &work) const {
        const int size = 2 * radius + 1;
        work.padded.create(frame, CV_32F);
        work.padded.setTo(0);
        kernel.copyTo(work.padded(cv::Rect(0, 0, size, size)));
        cv::dft(work.padded, work.kernelSpectrum, 0, size);
        cv::mulSpectrums(spectrum, work.kernelSpectrum, work.product, 0);
        const cv::Rect kept(2 * radius, 2 * radius, image.width, image.height);
        cv::idft(work.product, work.full, cv::DFT_SCALE | cv::DFT_REAL_OUTPUT, kept.y + kept.height);
        return work.full(kept);
    }
};

}  // namespace

cv::Mat locallyNormalised(const cv::Mat &norm) {
    cv::Mat mean, deviation;
    cv::GaussianBlur(norm, mean, cv::Size(), kLocalSigma);
    const cv::Mat centred = norm - mean;
    cv::GaussianBlur(centred.mul(centred), deviation, cv::Size(), kLocalSigma);
    cv::sqrt(deviation + 0.01, deviation);
    return centred / deviation;
}

cv::Mat gaborEnhanced(const cv::Mat &local, const OrientationField &field, double period) {
    const double sigma = 4.0 * period / kNominalPeriod;   // Hong's sigma of 4 at the 9-pixel period
    const int radius = int(std::ceil(3 * sigma));
    const SharedSpectrum input(local, radius);
    // Each pixel's filter: the one tuned nearest its ridge orientation.
    cv::Mat_<uchar> bin(local.size());
    for (int y = 0; y < local.rows; ++y) {
        for (int x = 0; x < local.cols; ++x) {
            bin(y, x) = uchar(std::lround(field.gradientAngle.at<float>(y, x) / (CV_PI / kOrientations)) % kOrientations);
        }
    }
    cv::Mat_<float> out(local.size(), 0.0f);
    SharedSpectrum::Work work;
    for (int k = 0; k < kOrientations; ++k) {
        cv::Mat kernel = cv::getGaborKernel(cv::Size(2 * radius + 1, 2 * radius + 1), sigma, k * CV_PI / kOrientations,
                                            period, 1.0, 0, CV_32F);
        kernel -= cv::mean(kernel)[0];   // no response to flat areas
        input.filtered(kernel, work).copyTo(out, bin == k);
    }
    return out;
}

cv::Mat clarity(const cv::Mat &enhanced, const cv::Mat &mask, double period) {
    cv::Mat amplitude;
    cv::GaussianBlur(enhanced.mul(enhanced), amplitude, cv::Size(), period);
    cv::sqrt(amplitude, amplitude);
    const std::optional<float> median = sampledPercentile(amplitude, mask, 50);
    if (!median) return cv::Mat::ones(enhanced.size(), CV_32F);   // no print: nothing to compare with
    return amplitude / std::max(1e-6f, *median);
}

}  // namespace vigil
