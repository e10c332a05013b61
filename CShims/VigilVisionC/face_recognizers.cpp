#include "face_recognizers.hpp"

#include <dlib/opencv.h>
#include <opencv2/imgproc.hpp>

#include <cmath>
#include <stdexcept>
#include <string>

namespace vigil {

bool write_unit(const float *values, long count, float *out) {
    double sum = 0;
    for (long i = 0; i < count; ++i) sum += double(values[i]) * values[i];
    const double norm = std::sqrt(sum);
    if (!(norm > 0) || !std::isfinite(norm)) return false;
    for (long i = 0; i < count; ++i) out[i] = float(values[i] / norm);
    return true;
}

FaceRecognizer::FaceRecognizer(const vv_recognizer_spec &spec) : kind_(spec.kind), dimension_(spec.dimension) {
    if (spec.model_path == nullptr) throw std::invalid_argument("recognizer without a model file");
    const std::string path(spec.model_path);
    if (spec.kind == VV_RECOGNIZER_DLIB_RESNET) {
        if (spec.dimension != VV_DLIB_RESNET_DIM) throw std::invalid_argument("dlib's ResNet gives 128 values");
        dlib_ = std::make_unique<nets::face_descriptor_net>();
        dlib::deserialize(path) >> *dlib_;
        return;
    }
    if (spec.kind != VV_RECOGNIZER_DNN) throw std::invalid_argument("unknown recognizer kind");
    if (spec.dimension <= 0 || spec.dimension > VV_MAX_EMBEDDING_DIM) throw std::invalid_argument("recognizer dimension out of range");
    if (spec.input_size < 32 || spec.input_size > 1024) throw std::invalid_argument("recognizer input size out of range (32 to 1024)");
    if (!(spec.padding >= 0 && spec.padding <= 2)) throw std::invalid_argument("recognizer padding out of range (0 to 2)");
    input_size_ = spec.input_size;
    padding_ = spec.padding;
    mean_ = cv::Scalar(spec.mean[0], spec.mean[1], spec.mean[2]);
    scale_ = cv::Scalar(spec.scale[0], spec.scale[1], spec.scale[2]);
    bgr_ = spec.bgr != 0;
    // readNet picks the importer by the file's extension (.onnx, .pb, .caffemodel, ...).
    net_ = cv::dnn::readNet(path);
    if (net_.empty()) throw std::runtime_error("OpenCV could not read " + path);
    net_.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
    net_.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
}

bool FaceRecognizer::embed(const dlib::cv_image<dlib::rgb_pixel> &image, const dlib::full_object_detection &shape,
                           const dlib::matrix<dlib::rgb_pixel> &dlib_chip, float *out) {
    if (dlib_) {
        const dlib::matrix<float, 0, 1> descriptor = (*dlib_)(dlib_chip);
        return descriptor.size() == dimension_ && write_unit(&descriptor(0), dimension_, out);
    }
    return embed_dnn(image, shape, out);
}

bool FaceRecognizer::embed_dnn(const dlib::cv_image<dlib::rgb_pixel> &image, const dlib::full_object_detection &shape,
                               float *out) {
    // Aligned by dlib's 5-point landmarks onto its canonical face, with the configured
    // border: one alignment for every recognizer, so a deployment describes its model by
    // input size, padding and normalisation only.
    dlib::matrix<dlib::rgb_pixel> chip;
    dlib::extract_image_chip(image, dlib::get_face_chip_details(shape, (unsigned long)input_size_, padding_), chip);
    cv::Mat pixels = dlib::toMat(chip), input;
    if (bgr_) cv::cvtColor(pixels, pixels, cv::COLOR_RGB2BGR);
    pixels.convertTo(input, CV_32FC3);
    cv::subtract(input, mean_, input);
    cv::multiply(input, scale_, input);
    net_.setInput(cv::dnn::blobFromImage(input));  // NCHW, no further scaling or swapping
    const cv::Mat embedding = net_.forward();
    if (embedding.total() != size_t(dimension_) || embedding.depth() != CV_32F) return false;
    return write_unit(embedding.ptr<float>(), dimension_, out);
}

}  // namespace vigil
