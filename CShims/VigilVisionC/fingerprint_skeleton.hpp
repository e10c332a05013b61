// A one-pixel-wide ridge skeleton: thinning, and walking it (neighbours,
// crossing number, branch starts and tracing along a branch).
#pragma once

#include <opencv2/core.hpp>

#include <array>
#include <vector>

namespace vigil {

struct Point { int x, y; };

// Zhang & Suen's parallel thinning (CACM 27(3), 1984) of a 0/255 image: the
// same skeleton as cv::ximgproc::thinning(THINNING_ZHANGSUEN), which
// rescanned every pixel with per-pixel arithmetic and took a fifth of the
// extraction; here each pass visits only the pixels still set and looks
// their neighbourhood up in a table of the 256 cases.
cv::Mat thinned(const cv::Mat &binary);

// The 8-neighbourhood, in order around the pixel.
extern const std::array<Point, 8> kRing;

bool onSkeleton(const cv::Mat &skeleton, int x, int y);

// Half the number of on/off transitions around (x, y): 1 at a ridge ending, 3 at a bifurcation.
int crossingNumber(const cv::Mat &skeleton, int x, int y);

// Skeleton neighbours of (x, y) that begin separate branches.
std::vector<Point> branches(const cv::Mat &skeleton, int x, int y);

// Follows the branch leaving (x, y) through neighbour `first` for at most
// `steps` pixels, calling `stop(point, step)` at each pixel reached (step
// 1 is the neighbour itself); returns the last pixel reached.
template <typename Stop>
Point trace(const cv::Mat &skeleton, int x, int y, Point first, int steps, Stop &&stop) {
    Point previous{x, y}, current{x + first.x, y + first.y};
    for (int step = 1; step <= steps; ++step) {
        if (stop(current, step)) break;
        bool moved = false;
        for (const Point &d : kRing) {
            const Point next{current.x + d.x, current.y + d.y};
            if ((next.x == previous.x && next.y == previous.y) || (next.x == x && next.y == y)) continue;
            if (std::abs(next.x - previous.x) <= 1 && std::abs(next.y - previous.y) <= 1) continue;   // stay on the branch
            if (onSkeleton(skeleton, next.x, next.y)) {
                previous = current;
                current = next;
                moved = true;
                break;
            }
        }
        if (!moved) break;
    }
    return current;
}

}  // namespace vigil
