// Internal: the configured face recognizers, each turning a face (given by its 5-point
// landmarks) into a unit embedding.
#pragma once

#include "face_networks.hpp"
#include "vigil_vision.h"

#include <dlib/image_processing.h>
#include <dlib/opencv/cv_image.h>
#include <opencv2/dnn.hpp>

#include <memory>
#include <vector>

namespace vigil {

// One recognizer. dlib's ResNet is a dlib network with its own fixed chip; every other
// network is read by OpenCV's dnn module and fed the chip its spec describes.
class FaceRecognizer {
public:
    explicit FaceRecognizer(const vv_recognizer_spec &spec);
    int dimension() const { return dimension_; }
    // Writes the unit embedding of the face into out[0 ..< dimension()]; false when the
    // network's output is not usable (wrong length, zero or not finite).
    bool embed(const dlib::cv_image<dlib::rgb_pixel> &image, const dlib::full_object_detection &shape,
               const dlib::matrix<dlib::rgb_pixel> &dlib_chip, float *out);

private:
    bool embed_dnn(const dlib::cv_image<dlib::rgb_pixel> &image, const dlib::full_object_detection &shape, float *out);

    int32_t kind_;
    int dimension_;
    int input_size_ = 0;
    double padding_ = 0;
    cv::Scalar mean_, scale_;
    bool bgr_ = false;
    std::unique_ptr<nets::face_descriptor_net> dlib_;
    cv::dnn::Net net_;
};

// dlib's ResNet was trained on 150x150 chips with 0.25 padding around its canonical face;
// the engine cuts that chip for every face anyway (its quality measures are taken on it).
constexpr unsigned long kDlibChipSize = 150;
constexpr double kDlibChipPadding = 0.25;

// Scales values to unit length into out; false when their norm is zero or not finite.
bool write_unit(const float *values, long count, float *out);

}  // namespace vigil
