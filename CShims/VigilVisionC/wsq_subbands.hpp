// Internal: where WSQ's 64 subbands lie in the coefficient image, and the
// splits that made them (IAFIS-IC-0110 v3.1, Part 1, the wavelet packet
// decomposition and its subband numbering).
#pragma once

#include <array>
#include <cstddef>
#include <vector>

namespace vigil::wsq {

// A rectangle of the coefficient image. A split of it filters its rows into a
// lowpass half of ceil(width / 2) samples (even positions) and a highpass half
// of floor(width / 2) (odd positions), and its columns the same way. The
// halves are stored lowpass first, unless the rectangle is inverted in that
// direction: then highpass first. A rectangle is inverted in x when it is the
// right half of its parent, in y when it is the bottom half, so that after the
// spectral reversal a highpass band undergoes, every subband sits in the order
// of the frequencies it holds.
struct Rect {
    int x = 0, y = 0, width = 0, height = 0;
    bool invert_x = false, invert_y = false;
};

struct Decomposition {
    std::array<Rect, 64> subbands;   // by subband number
    std::vector<Rect> splits;        // in the order the encoder made them
};

// The three entropy-coded blocks hold subbands [kBlockStart[b], kBlockStart[b + 1]).
constexpr std::array<int, 4> kBlockStart{0, 19, 52, 64};

Decomposition decompose(int width, int height);

}  // namespace vigil::wsq
