// Internal: face detection for the face engine.
#pragma once

#include "face_networks.hpp"

#include <dlib/image_processing/frontal_face_detector.h>
#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>

#include <string>
#include <vector>

namespace vigil {

struct FaceBox {
    cv::Rect2f box;      // image coordinates
    float score;         // detector confidence, 0..1 (HOG boxes: 0.5)
};

// Two detectors whose failures differ, merged:
//  - MediaPipe BlazeFace (short range, 128x128 ONNX) on the whole image, letterboxed to a
//    square: a CNN that finds bearded, turbaned, veiled and tightly framed faces where
//    HOG's single frontal template fails, in a few milliseconds;
//  - dlib's HOG detector on a bounded copy, which finds the small faces of a group photo
//    that BlazeFace's 128-pixel input cannot resolve.
// A BlazeFace box is added only where no HOG box already covers that face. BlazeFace
// boxes scored in the uncertain band (0.5 to 0.7) are kept only when dlib's MMOD CNN,
// an independently trained detector, also finds a face in a small crop around them.
class FaceDetector {
public:
    FaceDetector(const std::string &blazeface_onnx, const std::string &mmod_dat);
    std::vector<FaceBox> detect(const cv::Mat &bgr, int hog_max_side);

private:
    std::vector<FaceBox> blazeface(const cv::Mat &bgr);
    std::vector<FaceBox> hog(const cv::Mat &bgr, int max_side);
    bool confirmed_by_mmod(const cv::Mat &bgr, const cv::Rect2f &box);

    cv::dnn::Net net_;
    dlib::frontal_face_detector hog_ = dlib::get_frontal_face_detector();
    nets::mmod_face_detector mmod_;
    std::vector<cv::Point2f> anchors_;
};

}  // namespace vigil
