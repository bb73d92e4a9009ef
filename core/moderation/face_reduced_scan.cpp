#include "face_reduced_scan.h"

#include "face_detector.h"
#include "face_scan_p.h"
#include "logging.h"

#include <opencv2/imgproc.hpp>
#include <opencv2/objdetect.hpp>

#include <algorithm>
#include <exception>

namespace listinglens::face_scan {

namespace {

// A decode larger than the marketplace's (a phone photo's, 500 x 375) is
// also scanned reduced to the marketplace's size, kReducedSide on its short
// side: the cascade accepts a marginal face by fewer windows on the larger
// image than on the 256 px one, and scans other scales of it. The faces of
// that scan that the first one did not find (no box over kSameFaceOverlap of one)
// are added, in `scanned`'s pixels: one box a face, the larger scan's when
// both find it. The larger scan alone keeps faces the reduction loses (the
// sample laptop.jpg's tilted face, on its phone-sized photo).
constexpr int kSecondScanAbove = 320;
constexpr int kReducedSide = 256;
constexpr int kReducedNeighbours = 4;
// The smallest face looked for on the reduction: 40 px, a sixth of its
// short side (the faces it gains are a sixth of the photo or more): with
// 32 px, as on a marketplace decode, it finds as many on the 45 enlarged
// marketplace photos (41 of their 49) with one scale more to scan (its CPU
// could not be told apart from 40 px's on a loaded machine); 44 px finds 39.
// INTER_LINEAR, not INTER_AREA: the reduction scanned alone finds 41 of the 49 against 35.
constexpr int kReducedMinFace = 40;

void addFaces(cv::CascadeClassifier &cascade, const cv::Mat &scanned, std::vector<cv::Rect> &found)
{
    const double k = double(std::min(scanned.cols, scanned.rows)) / kReducedSide; // scanned px per reduced px
    cv::Mat small;
    cv::resize(scanned, small, cv::Size(cvRound(scanned.cols / k), cvRound(scanned.rows / k)), 0, 0, cv::INTER_LINEAR);
    cv::Mat g = grey(small);
    if (g.empty())
        return;
    cv::equalizeHist(g, g);
    const double kx = double(scanned.cols) / small.cols, ky = double(scanned.rows) / small.rows;
    const std::size_t first = found.size();
    for (const cv::Rect &r : facesOn(cascade, small, g, kReducedMinFace, kReducedNeighbours)) {
        const cv::Rect box(cvRound(r.x * kx), cvRound(r.y * ky), cvRound(r.width * kx), cvRound(r.height * ky));
        const auto same = [&](const cv::Rect &f) {
            return faceOverlap(QRect(f.x, f.y, f.width, f.height), QRect(box.x, box.y, box.width, box.height)) > kSameFaceOverlap;
        };
        if (std::none_of(found.begin(), found.begin() + std::ptrdiff_t(first), same))
            found.push_back(box);
    }
}

} // namespace

void addReducedScanFaces(cv::CascadeClassifier &cascade, const cv::Mat &scanned, std::vector<cv::Rect> &found)
{
    if (std::min(scanned.cols, scanned.rows) <= kSecondScanAbove)
        return;
    // A failed second scan (memory; 8-bit signed or 32-bit integer pixels, which its INTER_LINEAR
    // rejects) keeps the first scan's faces: none would leave the thumbnail unblurred.
    try {
        addFaces(cascade, scanned, found);
    } catch (const std::exception &e) {
        qCWarning(lcImage) << "face detection's reduced scan failed, its first scan's faces kept:" << e.what();
    }
}

} // namespace listinglens::face_scan
