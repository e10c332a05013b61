#include "wsq_subbands.hpp"

namespace vigil::wsq {

namespace {

// The four quarters of a split: top-left, top-right, bottom-left, bottom-right.
std::array<Rect, 4> quarters(const Rect &r) {
    const int lowW = (r.width + 1) / 2, lowH = (r.height + 1) / 2;
    const int left = r.invert_x ? r.width - lowW : lowW;
    const int top = r.invert_y ? r.height - lowH : lowH;
    return {Rect{r.x, r.y, left, top, false, false},
            Rect{r.x + left, r.y, r.width - left, top, true, false},
            Rect{r.x, r.y + top, left, r.height - top, false, true},
            Rect{r.x + left, r.y + top, r.width - left, r.height - top, true, true}};
}

// Two levels of splits: 16 subbands, quarter by quarter, each quarter's own quarters in order.
void sixteen(const Rect &r, Decomposition &d, std::vector<Rect> &out) {
    d.splits.push_back(r);
    for (const Rect &q : quarters(r)) {
        d.splits.push_back(q);
        for (const Rect &s : quarters(q)) out.push_back(s);
    }
}

}  // namespace

Decomposition decompose(int width, int height) {
    Decomposition d;
    std::vector<Rect> bands;
    const Rect image{0, 0, width, height, false, false};
    d.splits.push_back(image);
    const auto [low, right, bottom, diagonal] = quarters(image);
    // The lowpass quarter is split twice more, three of its quarters into 16
    // subbands each; the lowest of those 16 (of its top-left quarter) once more.
    d.splits.push_back(low);
    const auto inner = quarters(low);
    std::vector<Rect> lowest;
    sixteen(inner[0], d, lowest);
    d.splits.push_back(lowest[0]);
    for (const Rect &s : quarters(lowest[0])) bands.push_back(s);          // 0..3
    bands.insert(bands.end(), lowest.begin() + 1, lowest.end());          // 4..18
    sixteen(inner[1], d, bands);                                           // 19..34
    sixteen(inner[2], d, bands);                                           // 35..50
    bands.push_back(inner[3]);                                             // 51
    for (const Rect &q : {right, bottom, diagonal}) {                      // 52..63
        d.splits.push_back(q);
        for (const Rect &s : quarters(q)) bands.push_back(s);
    }
    for (std::size_t i = 0; i < d.subbands.size(); ++i) d.subbands[i] = bands[i];
    return d;
}

}  // namespace vigil::wsq
