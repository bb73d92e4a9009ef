#pragma once

// FaceDetector::detect's second scan: a decode larger than the marketplace's
// scanned again reduced to the marketplace's size, and the faces only it
// finds added to the first scan's.

#include <opencv2/core/mat.hpp>

#include <vector>

namespace cv {
class CascadeClassifier;
}

namespace listinglens::face_scan {

// When `scanned` (the image the first scan ran on, no longer than
// face_detector.cpp's kMaxSide) has a short side over kSecondScanAbove, scans
// it reduced to kReducedSide on its short side (both in face_reduced_scan.cpp) and
// appends to `found` (the first scan's faces, in `scanned`'s pixels) each
// face that overlaps none of them by more than kSameFaceOverlap. If the scan
// fails, `found` is left as the first scan made it and the failure logged.
void addReducedScanFaces(cv::CascadeClassifier &cascade, const cv::Mat &scanned, std::vector<cv::Rect> &found);

} // namespace listinglens::face_scan
