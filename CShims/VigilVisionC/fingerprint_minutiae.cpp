#include "fingerprint_minutiae.hpp"

#include "fingerprint_skeleton.hpp"

#include <cmath>

namespace vigil {
namespace {

double distance(const vv_minutia &a, const vv_minutia &b) { return std::hypot(a.x - b.x, a.y - b.y); }

// |a − b| as an angle on [0, π].
double separation(double a, double b) { return std::abs(std::remainder(a - b, 2 * CV_PI)); }

}  // namespace

std::vector<vv_minutia> removeFalseMinutiae(const cv::Mat &skeleton, const std::vector<vv_minutia> &candidates, double period) {
    const size_t n = candidates.size();
    std::vector<bool> drop(n, false);
    // Duplicates first: the owner map sends every pixel of a junction to the minutia kept for it.
    cv::Mat_<int> owner(skeleton.size(), -1);
    for (size_t i = 0; i < n; ++i) {
        for (size_t j = 0; j < i && !drop[i]; ++j) {
            if (!drop[j] && candidates[j].type == candidates[i].type && distance(candidates[i], candidates[j]) < 2.5) drop[i] = true;
        }
        const int x = int(candidates[i].x), y = int(candidates[i].y);
        if (owner(y, x) < 0) owner(y, x) = int(i);
    }
    for (size_t i = 0; i < n; ++i) {
        if (!drop[i]) continue;
        for (size_t j = 0; j < n; ++j) {
            if (!drop[j] && candidates[j].type == candidates[i].type && distance(candidates[i], candidates[j]) < 2.5) {
                owner(int(candidates[i].y), int(candidates[i].x)) = int(j);
                break;
            }
        }
    }
    std::vector<bool> artefact(n, false);
    const int reach = int(std::lround(period));
    for (size_t i = 0; i < n; ++i) {
        if (drop[i]) continue;
        const vv_minutia &m = candidates[i];
        const int x = int(m.x), y = int(m.y);
        for (const Point &start : branches(skeleton, x, y)) {
            trace(skeleton, x, y, start, reach, [&](Point p, int) {
                const int other = owner(p.y, p.x);
                if (other < 0 || size_t(other) == i || drop[other]) return false;
                // ending–bifurcation: a spur; bifurcation–bifurcation: a bridge; ending–ending: a short ridge.
                artefact[i] = artefact[other] = true;
                return true;
            });
        }
    }
    // Broken ridges: endings pointing away from each other along the line that joins them.
    for (size_t i = 0; i < n; ++i) {
        if (drop[i] || candidates[i].type != VV_MINUTIA_ENDING) continue;
        for (size_t j = i + 1; j < n; ++j) {
            if (drop[j] || candidates[j].type != VV_MINUTIA_ENDING) continue;
            const vv_minutia &a = candidates[i], &b = candidates[j];
            const double gap = distance(a, b);
            if (gap >= 1.5 * period || gap < 1) continue;
            const double towardsB = std::atan2(b.y - a.y, b.x - a.x);
            // An ending points into its own ridge, so across a gap each points away from the other.
            if (separation(a.direction, towardsB + CV_PI) < CV_PI / 6 && separation(b.direction, towardsB) < CV_PI / 6) {
                artefact[i] = artefact[j] = true;
            }
        }
    }
    std::vector<vv_minutia> kept;
    for (size_t i = 0; i < n; ++i) {
        if (drop[i] || artefact[i]) continue;
        bool crowded = false;
        for (size_t j = 0; j < n && !crowded; ++j) {
            crowded = j != i && !drop[j] && !artefact[j] && distance(candidates[i], candidates[j]) < period / 2;
        }
        if (!crowded) kept.push_back(candidates[i]);
    }
    return kept;
}

}  // namespace vigil
