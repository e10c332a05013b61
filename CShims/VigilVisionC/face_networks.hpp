// dlib network types matching the serialized face models. These typedefs
// must mirror the architecture the weights were trained with (dlib's
// published ResNet-29 metric network, 128-d output, 150x150 RGB input);
// deserialization fails on any mismatch.
#pragma once

#include <dlib/dnn.h>

namespace vigil::nets {

using namespace dlib;

template <template <int, template <typename> class, int, typename> class Block, int N,
          template <typename> class BN, typename Subnet>
using residual = add_prev1<Block<N, BN, 1, tag1<Subnet>>>;

template <template <int, template <typename> class, int, typename> class Block, int N,
          template <typename> class BN, typename Subnet>
using residual_down = add_prev2<avg_pool<2, 2, 2, 2, skip1<tag2<Block<N, BN, 2, tag1<Subnet>>>>>>;

template <int N, template <typename> class BN, int Stride, typename Subnet>
using block = BN<con<N, 3, 3, 1, 1, relu<BN<con<N, 3, 3, Stride, Stride, Subnet>>>>>;

template <int N, typename Subnet> using ares = relu<residual<block, N, affine, Subnet>>;
template <int N, typename Subnet> using ares_down = relu<residual_down<block, N, affine, Subnet>>;

template <typename Subnet> using level0 = ares_down<256, Subnet>;
template <typename Subnet> using level1 = ares<256, ares<256, ares_down<256, Subnet>>>;
template <typename Subnet> using level2 = ares<128, ares<128, ares_down<128, Subnet>>>;
template <typename Subnet> using level3 = ares<64, ares<64, ares<64, ares_down<64, Subnet>>>>;
template <typename Subnet> using level4 = ares<32, ares<32, ares<32, Subnet>>>;

using face_descriptor_net = loss_metric<fc_no_bias<128, avg_pool_everything<
    level0<level1<level2<level3<level4<
    max_pool<3, 3, 2, 2, relu<affine<con<32, 7, 7, 2, 2, input_rgb_image_sized<150>>>>>>>>>>>>>;

}  // namespace vigil::nets

namespace vigil::nets {

// dlib's MMOD CNN face detector (mmod_human_face_detector.dat, from dlib's
// dnn_mmod_face_detection_ex): 5x5 convolutions downsampling by 8, a 9x9
// detection filter, on an image pyramid.
template <long N, typename Subnet> using con5d = con<N, 5, 5, 2, 2, Subnet>;
template <long N, typename Subnet> using con5 = con<N, 5, 5, 1, 1, Subnet>;
template <typename Subnet> using downsampler = relu<affine<con5d<32, relu<affine<con5d<32, relu<affine<con5d<16, Subnet>>>>>>>>>;
template <typename Subnet> using rcon5 = relu<affine<con5<45, Subnet>>>;
using mmod_face_detector = loss_mmod<con<1, 9, 9, 1, 1, rcon5<rcon5<rcon5<downsampler<input_rgb_image_pyramid<pyramid_down<6>>>>>>>>;

}  // namespace vigil::nets
