// Face pipeline: decode -> HOG detection on a bounded-size copy -> 5-point
// landmarks on the full image -> aligned 150x150 chip -> quality measures
// and the 128-d ResNet descriptor.
#include "face_networks.hpp"
#include "image_decode.hpp"
#include "vigil_vision.h"

#include <dlib/image_processing.h>
#include <dlib/image_processing/frontal_face_detector.h>
#include <dlib/opencv.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <cmath>
#include <string>

struct vv_face_engine {
    dlib::frontal_face_detector detector = dlib::get_frontal_face_detector();
    dlib::shape_predictor landmarks;
    vigil::nets::face_descriptor_net descriptor_net;
};

namespace {

constexpr uint64_t kDefaultMaxPixels = 40'000'000;
constexpr int kDefaultDetectionSide = 1024;
constexpr unsigned long kChipSize = 150;
constexpr double kChipPadding = 0.25;

// The HOG detector's window is 80x80; small photos are upsampled so faces of
// about 40 px are still found, large ones are reduced to bound the cost.
double detection_scale(const cv::Mat &image, int max_side) {
    const int longer = std::max(image.cols, image.rows);
    if (longer * 2 <= max_side) return 2.0;
    return std::min(1.0, double(max_side) / longer);
}

std::vector<dlib::rectangle> detect(vv_face_engine &engine, const cv::Mat &bgr, double scale) {
    cv::Mat grey, scaled;
    cv::cvtColor(bgr, grey, cv::COLOR_BGR2GRAY);
    cv::resize(grey, scaled, cv::Size(), scale, scale, scale > 1 ? cv::INTER_LINEAR : cv::INTER_AREA);
    dlib::cv_image<unsigned char> view(scaled);
    std::vector<dlib::rectangle> found = engine.detector(view);
    for (auto &r : found) {
        r = dlib::rectangle(long(std::lround(r.left() / scale)), long(std::lround(r.top() / scale)),
                            long(std::lround(r.right() / scale)), long(std::lround(r.bottom() / scale)));
    }
    return found;
}

void measure_chip(const dlib::matrix<dlib::rgb_pixel> &chip, vv_face_analysis &out) {
    cv::Mat rgb = dlib::toMat(const_cast<dlib::matrix<dlib::rgb_pixel> &>(chip));
    cv::Mat grey, laplacian;
    cv::cvtColor(rgb, grey, cv::COLOR_RGB2GRAY);
    cv::Laplacian(grey, laplacian, CV_64F);
    cv::Scalar mean, stddev;
    cv::meanStdDev(laplacian, mean, stddev);
    out.sharpness = float(stddev[0] * stddev[0]);
    out.brightness = float(cv::mean(grey)[0]);
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
    std::vector<dlib::rectangle> faces = detect(engine, bgr, detection_scale(bgr, side));
    out.face_count = int32_t(faces.size());
    if (faces.empty()) return VV_OK;

    // The subject is the face with the most area inside the frame: a face cut
    // by the edge (a bystander) can have a larger box that lies partly outside.
    const dlib::rectangle frame(0, 0, bgr.cols - 1, bgr.rows - 1);
    const dlib::rectangle subject = *std::max_element(faces.begin(), faces.end(),
        [&](const dlib::rectangle &a, const dlib::rectangle &b) {
            return a.intersect(frame).area() < b.intersect(frame).area();
        });
    out.box_x = int32_t(subject.left());
    out.box_y = int32_t(subject.top());
    out.box_width = int32_t(subject.width());
    out.box_height = int32_t(subject.height());

    cv::Mat rgb;
    cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
    dlib::cv_image<dlib::rgb_pixel> image(rgb);
    const dlib::full_object_detection shape = engine.landmarks(image, subject);
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
    const float norm = dlib::length(descriptor);
    if (!(norm > 0) || !std::isfinite(norm)) return VV_ERR_INTERNAL;
    for (long i = 0; i < VV_DESCRIPTOR_DIM; ++i) out.descriptor[i] = descriptor(i) / norm;
    return VV_OK;
}

}  // namespace

extern "C" vv_status vv_face_engine_create(const char *models_dir, vv_face_engine **out,
                                           char *message, size_t message_capacity) {
    if (out == nullptr || models_dir == nullptr) return VV_ERR_INVALID_ARGUMENT;
    *out = nullptr;
    const std::string dir(models_dir);
    try {
        auto engine = std::make_unique<vv_face_engine>();
        dlib::deserialize(dir + "/shape_predictor_5_face_landmarks.dat") >> engine->landmarks;
        dlib::deserialize(dir + "/dlib_face_recognition_resnet_model_v1.dat") >> engine->descriptor_net;
        *out = engine.release();
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
