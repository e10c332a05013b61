// Face pipeline: decode -> detection (BlazeFace + HOG) -> per face, 5-point landmarks on
// the full image -> aligned chip -> quality measures and every configured recognizer's
// embedding.
#include "face_detect.hpp"
#include "face_recognizers.hpp"
#include "image_decode.hpp"
#include "vigil_vision.h"

#include <dlib/image_processing.h>
#include <dlib/opencv.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

struct vv_face_engine {
    explicit vv_face_engine(const vv_face_engine_config &config)
        : detector(std::string(config.models_dir) + "/face_detection_front_128x128.onnx",
                   std::string(config.models_dir) + "/mmod_human_face_detector.dat") {
        dlib::deserialize(std::string(config.models_dir) + "/shape_predictor_5_face_landmarks.dat") >> landmarks;
        for (int32_t i = 0; i < config.recognizer_count; ++i) {
            recognizers.emplace_back(config.recognizers[i]);
            embedding_length += recognizers.back().dimension();
        }
    }
    vigil::FaceDetector detector;
    dlib::shape_predictor landmarks;
    std::vector<vigil::FaceRecognizer> recognizers;
    int32_t embedding_length = 0;
};

namespace {

constexpr uint64_t kDefaultMaxPixels = 40'000'000;
constexpr int kDefaultDetectionSide = 1024;

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

vv_status describe(vv_face_engine &engine, const dlib::cv_image<dlib::rgb_pixel> &image,
                   const vigil::FaceBox &found, vv_face &out, float *embeddings) {
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
    dlib::extract_image_chip(image, dlib::get_face_chip_details(shape, vigil::kDlibChipSize, vigil::kDlibChipPadding), chip);
    measure_chip(chip, out);

    for (auto &recognizer : engine.recognizers) {
        if (!recognizer.embed(image, shape, chip, embeddings)) return VV_ERR_INTERNAL;
        embeddings += recognizer.dimension();
    }
    return VV_OK;
}

int wanted_faces(const vv_face_options &options) {
    return std::clamp(options.max_faces > 0 ? options.max_faces : 1, 1, VV_MAX_FACES);
}

vv_status analyze(vv_face_engine &engine, const uint8_t *bytes, size_t length,
                  const vv_face_options &options, vv_face_analysis &out, float *embeddings) {
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
    const int wanted = wanted_faces(options);
    for (const auto &face : faces) {
        if (out.described_count == wanted) break;
        // The subject is always described (a face too small still gets its quality verdict,
        // "step closer"); the others only above the minimum, and they come in size order.
        if (out.described_count > 0 && std::min(face.box.width, face.box.height) < float(options.min_face_side)) break;
        s = describe(engine, image, face, out.faces[out.described_count],
                     embeddings + size_t(out.described_count) * size_t(engine.embedding_length));
        if (s != VV_OK) return s;
        out.described_count += 1;
    }
    return VV_OK;
}

}  // namespace

extern "C" vv_status vv_face_engine_create(const vv_face_engine_config *config, vv_face_engine **out,
                                           char *message, size_t message_capacity) {
    if (out == nullptr) return VV_ERR_INVALID_ARGUMENT;
    *out = nullptr;
    if (config == nullptr || config->models_dir == nullptr || config->recognizers == nullptr ||
        config->recognizer_count < 1 || config->recognizer_count > VV_MAX_RECOGNIZERS) {
        vigil::write_message(message, message_capacity, "the engine needs a models folder and 1 to 4 recognizers");
        return VV_ERR_INVALID_ARGUMENT;
    }
    try {
        *out = new vv_face_engine(*config);
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

extern "C" int32_t vv_face_engine_embedding_length(const vv_face_engine *engine) {
    return engine ? engine->embedding_length : 0;
}

extern "C" vv_status vv_face_analyze(vv_face_engine *engine, const uint8_t *bytes, size_t length,
                                     const vv_face_options *options, vv_face_analysis *out,
                                     float *embeddings, size_t embedding_capacity,
                                     char *message, size_t message_capacity) {
    if (engine == nullptr || out == nullptr || (bytes == nullptr && length > 0)) return VV_ERR_INVALID_ARGUMENT;
    *out = vv_face_analysis{};
    const vv_face_options defaults{};
    const vv_face_options &chosen = options ? *options : defaults;
    if (embeddings == nullptr ||
        embedding_capacity < size_t(wanted_faces(chosen)) * size_t(engine->embedding_length)) {
        vigil::write_message(message, message_capacity, "the embeddings buffer cannot hold max_faces faces");
        return VV_ERR_INVALID_ARGUMENT;
    }
    return vigil::guarded(message, message_capacity,
        [&] { return analyze(*engine, bytes, length, chosen, *out, embeddings); },
        [&] {
            // Keep the decoded size: it helps a client explain the refusal.
            const int32_t w = out->image_width, h = out->image_height;
            *out = vv_face_analysis{};
            out->image_width = w;
            out->image_height = h;
        });
}
