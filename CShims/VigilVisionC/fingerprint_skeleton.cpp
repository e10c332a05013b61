#include "fingerprint_skeleton.hpp"

#include <algorithm>
#include <cstdint>
#include <vector>

namespace vigil {
namespace {

// Zhang & Suen's neighbours P2..P9, clockwise from north, as (dx, dy); bit
// i - 2 of a neighbourhood code is P_i.
constexpr std::array<Point, 8> kZhangSuenOrder = {{{0, -1}, {1, -1}, {1, 0}, {1, 1}, {0, 1}, {-1, 1}, {-1, 0}, {-1, -1}}};

// For each pass and each neighbourhood code: whether a set pixel with that
// neighbourhood is deleted. Both passes need 2 ≤ B ≤ 6 set neighbours and
// exactly one 0→1 transition A around the ring; the first pass then needs
// P2·P4·P6 = 0 and P4·P6·P8 = 0 (a south or east boundary point, or a north-west
// corner), the second P2·P4·P8 = 0 and P2·P6·P8 = 0.
std::array<std::array<uint8_t, 256>, 2> zhangSuenTables() {
    std::array<std::array<uint8_t, 256>, 2> tables{};
    for (int code = 0; code < 256; ++code) {
        const auto p = [code](int i) { return (code >> (i - 2)) & 1; };
        int b = 0, a = 0;
        for (int i = 2; i <= 9; ++i) {
            b += p(i);
            a += !p(i) && p(i == 9 ? 2 : i + 1);
        }
        const bool shape = a == 1 && b >= 2 && b <= 6;
        tables[0][code] = shape && !(p(2) && p(4) && p(6)) && !(p(4) && p(6) && p(8));
        tables[1][code] = shape && !(p(2) && p(4) && p(8)) && !(p(2) && p(6) && p(8));
    }
    return tables;
}

}  // namespace

cv::Mat thinned(const cv::Mat &binary) {
    static const std::array<std::array<uint8_t, 256>, 2> tables = zhangSuenTables();
    cv::Mat image = binary != 0;
    // The frame's pixels are never deleted (they lack a full neighbourhood),
    // as in OpenCV's implementation. Pixels are addressed by their offset in
    // the (continuous) image.
    const int step = int(image.step);
    uchar *data = image.data;
    std::vector<int> set, deleted;
    for (int y = 1; y < image.rows - 1; ++y) {
        for (int x = 1; x < image.cols - 1; ++x) {
            if (data[y * step + x]) set.push_back(y * step + x);
        }
    }
    std::array<int, 8> offsets{};
    for (int i = 0; i < 8; ++i) offsets[i] = kZhangSuenOrder[i].y * step + kZhangSuenOrder[i].x;
    bool changed = true;
    while (changed) {
        changed = false;
        for (const std::array<uint8_t, 256> &table : tables) {
            deleted.clear();
            for (const int index : set) {
                int code = 0;
                for (int i = 0; i < 8; ++i) code |= (data[index + offsets[i]] != 0) << i;
                if (table[code]) deleted.push_back(index);
            }
            // Every decision of a pass reads the image as the pass found it.
            for (const int index : deleted) data[index] = 0;
            if (!deleted.empty()) {
                changed = true;
                set.erase(std::remove_if(set.begin(), set.end(),
                                         [data](int index) { return data[index] == 0; }),
                          set.end());
            }
        }
    }
    return image;
}

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
