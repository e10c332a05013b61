#include "fingerprint_skeleton.hpp"

namespace vigil {

const std::array<Point, 8> kRing = {{{1, 0}, {1, 1}, {0, 1}, {-1, 1}, {-1, 0}, {-1, -1}, {0, -1}, {1, -1}}};

bool onSkeleton(const cv::Mat &skeleton, int x, int y) {
    return x >= 0 && y >= 0 && x < skeleton.cols && y < skeleton.rows && skeleton.at<uchar>(y, x) != 0;
}

int crossingNumber(const cv::Mat &skeleton, int x, int y) {
    int transitions = 0;
    for (int i = 0; i < 8; ++i) {
        const bool a = onSkeleton(skeleton, x + kRing[i].x, y + kRing[i].y);
        const bool b = onSkeleton(skeleton, x + kRing[(i + 1) % 8].x, y + kRing[(i + 1) % 8].y);
        transitions += a != b;
    }
    return transitions / 2;
}

std::vector<Point> branches(const cv::Mat &skeleton, int x, int y) {
    std::vector<Point> starts;
    for (int i = 0; i < 8; ++i) {
        const Point d = kRing[i], before = kRing[(i + 7) % 8];
        if (onSkeleton(skeleton, x + d.x, y + d.y) && !onSkeleton(skeleton, x + before.x, y + before.y)) starts.push_back(d);
    }
    return starts;
}

}  // namespace vigil
