#include "fingerprint_enhance.hpp"

#include "fingerprint_sampling.hpp"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <optional>
#include <vector>

namespace vigil {
namespace {

constexpr int kOrientations = 16;
constexpr double kLocalSigma = 8;   // pixels: the neighbourhood of local contrast normalisation
// The bank's periods, relative to the print's: a quarter of an octave either
// side. Ridges are closer at the fingertip and wider apart near the crease
// and on a pressed-flat print than the print's median says, by about this
// much; a Gabor filter with Hong's envelope still responds across a quarter
// octave, so three periods cover that range without gaps.
constexpr std::array<double, 3> kPeriodRatios{0.8409, 1.0, 1.1892};   // 2^-1/4, 1, 2^1/4
// Each pixel's period is the one whose filter responds most strongly over
// this many ridge periods around it (the response's energy, Gaussian-
// weighted): one period would follow the sinusoid's phase, not its period.
constexpr double kSelectionPeriods = 3;

// Lanes of 8 floats, summed lane by lane in a fixed order, so every build
// gives the same responses (the shim is compiled without fused multiply-adds).
typedef float Lanes __attribute__((vector_size(32)));

// Oriented Gabor kernels at each of the bank's periods, one envelope for all
// (the print's: Hong's σ of 4 px at the 9 px period) so that they differ
// only in the period they are tuned to, each of unit energy so that their
// responses compare. Rows are padded with zeros to whole lanes.
struct GaborBank {
    int radius = 0, width = 0, stride = 0;
    std::vector<float> weights;   // [orientation][period][row][stride]

    explicit GaborBank(double period) {
        const double sigma = 4.0 * period / kNominalPeriod;
        radius = int(std::ceil(3 * sigma));
        width = 2 * radius + 1;
        stride = (width + 7) / 8 * 8;
        weights.assign(size_t(kOrientations) * kPeriodRatios.size() * width * stride, 0.0f);
        for (int k = 0; k < kOrientations; ++k) {
            for (size_t j = 0; j < kPeriodRatios.size(); ++j) {
                cv::Mat kernel = cv::getGaborKernel(cv::Size(width, width), sigma, k * CV_PI / kOrientations,
                                                    period * kPeriodRatios[j], 1.0, 0, CV_64F);
                kernel -= cv::mean(kernel)[0];   // no response to flat areas
                kernel /= std::max(1e-12, cv::norm(kernel));
                float *out = kernelAt(k, j);
                for (int r = 0; r < width; ++r) {
                    for (int c = 0; c < width; ++c) out[r * stride + c] = float(kernel.at<double>(r, c));
                }
            }
        }
    }

    float *kernelAt(int orientation, size_t period) { return &weights[offset(orientation, period)]; }
    const float *kernelAt(int orientation, size_t period) const { return &weights[offset(orientation, period)]; }

private:
    size_t offset(int orientation, size_t period) const {
        return ((size_t(orientation) * kPeriodRatios.size() + period) * width) * stride;
    }
};

// The kernel's response at the window's centre. Gabor kernels with zero
// phase are point-symmetric, so correlation and convolution agree.
float response(const float *window, size_t windowStep, const float *kernel, const GaborBank &bank) {
    Lanes sum = {0, 0, 0, 0, 0, 0, 0, 0};
    for (int r = 0; r < bank.width; ++r) {
        const float *row = window + r * windowStep, *weights = kernel + r * bank.stride;
        for (int c = 0; c < bank.stride; c += 8) {
            Lanes a, b;
            std::memcpy(&a, row + c, sizeof a);
            std::memcpy(&b, weights + c, sizeof b);
            sum += a * b;
        }
    }
    return ((sum[0] + sum[1]) + (sum[2] + sum[3])) + ((sum[4] + sum[5]) + (sum[6] + sum[7]));
}

}  // namespace

cv::Mat locallyNormalised(const cv::Mat &norm) {
    cv::Mat mean, deviation;
    cv::GaussianBlur(norm, mean, cv::Size(), kLocalSigma);
    const cv::Mat centred = norm - mean;
    cv::GaussianBlur(centred.mul(centred), deviation, cv::Size(), kLocalSigma);
    cv::sqrt(deviation + 0.01, deviation);
    return centred / deviation;
}

// Each pixel is filtered only by its own orientation's kernels, directly:
// filtering the whole image with every kernel through the Fourier transform,
// as before, computed sixteen responses per pixel to keep one, and with three
// periods took twice as long as this.
cv::Mat gaborEnhanced(const cv::Mat &local, const OrientationField &field, double period) {
    const GaborBank bank(period);
    cv::Mat padded;
    // Mirrored by the radius on every side, as cv::filter2D's default border,
    // and wide enough on the right that a padded kernel row never reads past the end.
    cv::copyMakeBorder(local, padded, bank.radius, bank.radius, bank.radius, bank.radius + bank.stride, cv::BORDER_REFLECT_101);
    std::array<cv::Mat_<float>, kPeriodRatios.size()> responses;
    for (cv::Mat_<float> &r : responses) r.create(local.size());
    const size_t step = padded.step1();
    for (int y = 0; y < local.rows; ++y) {
        for (int x = 0; x < local.cols; ++x) {
            // The filter tuned nearest the pixel's ridge orientation.
            const int orientation = int(std::lround(field.gradientAngle.at<float>(y, x) / (CV_PI / kOrientations)) % kOrientations);
            const float *window = padded.ptr<float>(y) + x;
            for (size_t j = 0; j < kPeriodRatios.size(); ++j) {
                responses[j](y, x) = response(window, step, bank.kernelAt(orientation, j), bank);
            }
        }
    }
    // A per-block period measured from the ridges' spacing (the x-signature's
    // peaks) was tried before and was not sturdy enough to keep (docs/fingerprints.md);
    // the filters' own energy is measured wherever they respond.
    cv::Mat_<float> enhanced = responses[0].clone(), strongest;
    cv::GaussianBlur(responses[0].mul(responses[0]), strongest, cv::Size(), kSelectionPeriods * period);
    for (size_t j = 1; j < kPeriodRatios.size(); ++j) {
        cv::Mat energy;
        cv::GaussianBlur(responses[j].mul(responses[j]), energy, cv::Size(), kSelectionPeriods * period);
        const cv::Mat stronger = energy > strongest;
        responses[j].copyTo(enhanced, stronger);
        energy.copyTo(strongest, stronger);
    }
    return enhanced;
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
