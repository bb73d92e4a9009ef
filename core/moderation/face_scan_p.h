#pragma once

// The scan face_detector.cpp runs on the image it is given, shared with the
// reduced second scan (face_reduced_scan.h); not part of the moderation
// library's interface.

#include <opencv2/core/mat.hpp>

#include <vector>

namespace cv {
class CascadeClassifier;
}

namespace listinglens::face_scan {

// The faces on `bgr` (the image scanned) and `g` (its equalised grey): the
// cascade run over each area where a face could be (faceAreas).
std::vector<cv::Rect> facesOn(cv::CascadeClassifier &cascade, const cv::Mat &bgr, const cv::Mat &g, int minFace, int minNeighbours);

// `image` as 8-bit grey (1, 3 or 4 channels); empty for another channel count.
cv::Mat grey(const cv::Mat &image);

} // namespace listinglens::face_scan
