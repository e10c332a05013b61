// Internal: the WSQ codestream (FBI IAFIS-IC-0110 v3.1, Part 1): its markers,
// tables and entropy-coded blocks, read into quantized wavelet coefficients.
// Written from the specification; reconstruction is in wsq_reconstruct.hpp.
#pragma once

#include "vigil_vision.h"

#include <array>
#include <cstdint>
#include <vector>

namespace vigil::wsq {

// The frame header (SOF) and what the NISTCOM comment states.
struct Frame {
    int32_t width = 0;
    int32_t height = 0;
    double mean_shift = 0;   // M: the encoder subtracted it from every pixel
    double rescale = 1;      // R: ... and divided by it
    int32_t ppi = 0;         // from a "NIST_COM" comment's PPI line; 0 when none states it
};

constexpr int kSubbands = 64;

// The quantizer of every subband (DQT). A step of 0 means the subband was not transmitted.
struct Quantization {
    double bin_center = 0;   // C
    std::array<double, kSubbands> step{};      // Q_k
    std::array<double, kSubbands> zero_bin{};  // Z_k
};

// The analysis filter pair (DTT), each written out in full: tap i at index centre + i.
struct Filters {
    std::vector<double> low;
    std::vector<double> high;
};

struct Codestream {
    Frame frame;
    Filters filters;
    Quantization quantization;
    // Quantized coefficients of the transmitted subbands, subband after subband in
    // subband order, each row by row.
    std::vector<int32_t> coefficients;
};

// Reads the markers up to the frame header; never touches entropy-coded data.
// Refuses a stream that does not end with EOI (truncated).
vv_status read_frame(const uint8_t *bytes, size_t length, Frame &frame);

// Reads the whole codestream. The pixel limit is checked on the frame header,
// before anything the size of the image is allocated.
vv_status read_codestream(const uint8_t *bytes, size_t length, uint64_t max_pixels, Codestream &out);

}  // namespace vigil::wsq
