// Face pipeline: decode -> detection (BlazeFace + HOG) -> per face, 5-point landmarks on
// the full image -> aligned chips -> quality measures, the 128-d dlib ResNet descriptor
// and the 512-d FaceNet descriptor.
#include "face_detect.hpp"
#include "face_networks.hpp"
#include "image_decode.hpp"
#include "vigil_vision.h"

#include <dlib/image_processing.h>
#include <dlib/opencv.h>
#include <opencv2/dnn.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <cmath>
#include <string>

struct vv_face_engine {
    explicit vv_face_engine(const std::string &dir)
        : detector(dir + "/face_detection_front_128x128.onnx", dir + "/mmod_human_face_detector.dat"),
          facenet(cv::dnn::readNetFromTensorflow(dir + "/facenet_inception_resnet_v1_casia.pb")) {
        dlib::deserialize(dir + "/shape_predictor_5_face_landmarks.dat") >> landmarks;
        dlib::deserialize(dir + "/dlib_face_recognition_resnet_model_v1.dat") >> descriptor_net;
        facenet.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
        facenet.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
    }
    vigil::FaceDetector detector;
    cv::dnn::Net facenet;
    dlib::shape_predictor landmarks;
    vigil::nets::face_descriptor_net descriptor_net;
};

namespace {

constexpr uint64_t kDefaultMaxPixels = 40'000'000;
constexpr int kDefaultDetectionSide = 1024;
// dlib's ResNet was trained on 150x150 chips with 0.25 padding around its canonical face.
constexpr unsigned long kChipSize = 150;
constexpr double kChipPadding = 0.25;
// FaceNet (davidsandberg, 20180408-102900) was trained on 160x160 crops of MTCNN boxes
// with a margin, at its own scale; aligned here by dlib's landmarks instead. Padding
// measured on the Western calibration sets lfw10 + johns only (FaceNet alone, EER):
// 0.1 -> 11.3%, 0.25 -> 3.7%, 0.4 -> 2.6%, 0.5 -> 2.5%, 0.65 -> 3.2%; 0.4 had the best
// TAR at FAR 0.1% (94.9%).
constexpr unsigned long kFaceNetSize = 160;
constexpr double kFaceNetPadding = 0.4;

void measure_chip(const dlib::matrix<dlib::rgb_pixel> &chip, vv_face &out) {
    cv::Mat rgb = dlib::toMat(const_cast<dlib::matrix<dlib::rgb_pixel> &>(chip));
    cv::Mat grey, laplacian;
    cv::cvtColor(rgb, grey, cv::COLOR_RGB2GRAY);
    cv::Laplacian(grey, laplacian, CV_64F);
    cv::Scalar mean, stddev;
    cv::meanStdDev(laplacian, mean, stddev);
    out.sharpness = float(stddev[0] * stddev[0]);
    out.brightness = float(cv::mean(grey)[0]);
}

bool write_unit(const float *values, long count, float *out) {
    double sum = 0;
    for (long i = 0; i < count; ++i) sum += double(values[i]) * values[i];
    const double norm = std::sqrt(sum);
    if (!(norm > 0) || !std::isfinite(norm)) return false;
    for (long i = 0; i < count; ++i) out[i] = float(values[i] / norm);
    return true;
}

vv_status facenet_descriptor(vv_face_engine &engine, const dlib::cv_image<dlib::rgb_pixel> &image,
                             const dlib::full_object_detection &shape, vv_face &out) {
    dlib::matrix<dlib::rgb_pixel> chip;
    dlib::extract_image_chip(image, dlib::get_face_chip_details(shape, kFaceNetSize, kFaceNetPadding), chip);
    // Fixed standardisation the model was trained with: (x - 127.5) / 128, RGB, NCHW.
    cv::Mat rgb = dlib::toMat(chip), input;
    rgb.convertTo(input, CV_32FC3, 1.0 / 128.0, -127.5 / 128.0);
    engine.facenet.setInput(cv::dnn::blobFromImage(input));
    const cv::Mat embedding = engine.facenet.forward();
    if (embedding.total() != VV_FACENET_DIM) return VV_ERR_INTERNAL;
    return write_unit(embedding.ptr<float>(), VV_FACENET_DIM, out.facenet) ? VV_OK : VV_ERR_INTERNAL;
}

vv_status describe(vv_face_engine &engine, const dlib::cv_image<dlib::rgb_pixel> &image,
                   const vigil::FaceBox &found, vv_face &out) {
    const dlib::rectangle box(long(std::lround(found.box.x)), long(std::lround(found.box.y)),
                              long(std::lround(found.box.x + found.box.width)) - 1,
                              long(std::lround(found.box.y + found.box.height)) - 1);
    out.box_x = int32_t(box.left());
    out.box_y = int32_t(box.top());
    out.box_width = int32_t(box.width());
    out.box_height = int32_t(box.height());
    out.detection_score = found.score;

    const dlib::full_object_detection shape = engine.landmarks(image, box);
    for (unsigned long i = 0; i < VV_LANDMARK_COUNT; ++i) {
        out.landmarks[i] = vv_point{float(shape.part(i).x()), float(shape.part(i).y())};
    }
    // 5-point model: parts 0-1 and 2-3 are the corners of each eye.
    const float ex = (out.landmarks[0].x + out.landmarks[1].x - out.landmarks[2].x - out.landmarks[3].x) / 2;
    const float ey = (out.landmarks[0].y + out.landmarks[1].y - out.landmarks[2].y - out.landmarks[3].y) / 2;
    out.inter_eye_distance = std::sqrt(ex * ex + ey * ey);

    dlib::matrix<dlib::rgb_pixel> chip;
    dlib::extract_image_chip(image, dlib::get_face_chip_details(shape, kChipSize, kChipPadding), chip);
    measure_chip(chip, out);

    const dlib::matrix<float, 0, 1> descriptor = engine.descriptor_net(chip);
    if (!write_unit(&descriptor(0), VV_DESCRIPTOR_DIM, out.descriptor)) return VV_ERR_INTERNAL;
    return facenet_descriptor(engine, image, shape, out);
}

vv_status analyze(vv_face_engine &engine, const uint8_t *bytes, size_t length,
                  const vv_face_options &options, vv_face_analysis &out) {
    cv::Mat bgr;
    const uint64_t max_pixels = options.max_pixels ? options.max_pixels : kDefaultMaxPixels;
    vv_status s = vigil::decode_image(bytes, length, max_pixels, cv::IMREAD_COLOR, bgr);
    if (s != VV_OK) return s;
    out.image_width = bgr.cols;
    out.image_height = bgr.rows;

    const int side = options.detection_max_side > 0 ? options.detection_max_side : kDefaultDetectionSide;
    std::vector<vigil::FaceBox> faces = engine.detector.detect(bgr, side);
    out.face_count = int32_t(faces.size());
    if (faces.empty()) return VV_OK;

    // Subject first: the face with the most area inside the frame (a face cut by the
    // edge, a bystander, can have a larger box that lies partly outside), then the rest
    // by the same measure.
    const cv::Rect2f frame(0, 0, float(bgr.cols), float(bgr.rows));
    std::stable_sort(faces.begin(), faces.end(), [&](const vigil::FaceBox &a, const vigil::FaceBox &b) {
        return (a.box & frame).area() > (b.box & frame).area();
    });

    cv::Mat rgb;
    cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
    dlib::cv_image<dlib::rgb_pixel> image(rgb);
    const int wanted = std::clamp(options.max_faces > 0 ? options.max_faces : 1, 1, VV_MAX_FACES);
    for (const auto &face : faces) {
        if (out.described_count == wanted) break;
        // The subject is always described (a face too small still gets its quality verdict,
        // "step closer"); the others only above the minimum, and they come in size order.
        if (out.described_count > 0 && std::min(face.box.width, face.box.height) < float(options.min_face_side)) break;
        s = describe(engine, image, face, out.faces[out.described_count]);
        if (s != VV_OK) return s;
        out.described_count += 1;
    }
    return VV_OK;
}

}  // namespace

extern "C" vv_status vv_face_engine_create(const char *models_dir, vv_face_engine **out,
                                           char *message, size_t message_capacity) {
    if (out == nullptr || models_dir == nullptr) return VV_ERR_INVALID_ARGUMENT;
    *out = nullptr;
    try {
        *out = new vv_face_engine(std::string(models_dir));
        return VV_OK;
    } catch (const std::exception &e) {
        vigil::write_message(message, message_capacity, e.what());
        return VV_ERR_MODEL_LOAD;
    } catch (...) {
        vigil::write_message(message, message_capacity, "unknown error while loading models");
        return VV_ERR_MODEL_LOAD;
    }
}

extern "C" void vv_face_engine_free(vv_face_engine *engine) { delete engine; }

extern "C" vv_status vv_face_analyze(vv_face_engine *engine, const uint8_t *bytes, size_t length,
                                     const vv_face_options *options, vv_face_analysis *out,
                                     char *message, size_t message_capacity) {
    if (engine == nullptr || out == nullptr || (bytes == nullptr && length > 0)) return VV_ERR_INVALID_ARGUMENT;
    *out = vv_face_analysis{};
    const vv_face_options defaults{};
    return vigil::guarded(message, message_capacity,
        [&] { return analyze(*engine, bytes, length, options ? *options : defaults, *out); },
        [&] {
            // Keep the decoded size: it helps a client explain the refusal.
            const int32_t w = out->image_width, h = out->image_height;
            *out = vv_face_analysis{};
            out->image_width = w;
            out->image_height = h;
        });
}
