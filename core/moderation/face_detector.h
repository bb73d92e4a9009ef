#pragma once

#include "error.h"

#include <QRect>
#include <QString>

#include <opencv2/core/mat.hpp>

#include <memory>
#include <vector>

namespace listinglens {

// People in the photo: frontal faces found with an OpenCV cascade (Debian
// opencv-data's haarcascade_frontalface_alt2.xml by default) on the reduced
// decode the model sees, so blurred in previews and thumbnails and flagged
// as person_in_photo.
//
// Thread safety: detect() is const and may run on several threads at once
// (Classifier::prepare does). A cv::CascadeClassifier is not documented as
// thread-safe, so the detector keeps a small pool of them: each call borrows
// one (loading another from the same file when all are in use) and gives it
// back, so the pool grows to the number of threads that detect at once.
class FaceDetector {
public:
    // cascadePath empty: $LISTINGLENS_FACE_CASCADE, else opencv-data's file
    // (/usr/share/opencv4/haarcascades/haarcascade_frontalface_alt2.xml).
    // A missing or unreadable file is a ModelError.
    static Result<std::unique_ptr<FaceDetector>> open(const QString &cascadePath = {});
    static QString defaultCascadePath();
    ~FaceDetector();

    // Faces on `bgr`, the photo decoded at 1/decodeScale (8-bit, 1, 3 or 4
    // channels), as boxes in full-photo pixels (multiplied by decodeScale),
    // largest first. Empty for an empty or tiny image; never throws. Images
    // larger than the decode the model sees are reduced first (bounded time).
    // An image whose short side, once its long side is reduced to 512 px,
    // is over 320 px (321-512) is also scanned reduced to 256 px, and the
    // faces only that scan finds are added: one box a face. The lane's
    // decodes of 4032 x 3024 (504 x 378), 2560 x 1920, 1024 x 768 and
    // 640 x 480 photos take it, as do 4:3 PNGs of 512 px or more; those of
    // 3264 x 2448 (408 x 306) and the marketplace's 512 x 512 (256) do not.
    // If it fails, the first scan's faces are returned.
    std::vector<QRect> detect(const cv::Mat &bgr, int decodeScale) const;

    const QString &cascadePath() const { return m_path; }

private:
    struct Pool;
    FaceDetector(QString path, std::unique_ptr<Pool> pool);

    QString m_path;
    std::unique_ptr<Pool> m_pool;
};

// Two boxes overlapping by more than kSameFaceOverlap of their union
// (intersection over union) are one face: the detector's second scan adds
// only faces over no box of the first by this much, and `listinglens-bench
// faces --against` counts a face found again by it.
inline constexpr double kSameFaceOverlap = 0.3;
// Intersection over union of two boxes; 0 when they do not meet or one is empty.
double faceOverlap(const QRect &a, const QRect &b);

// Blurs each face (full-photo pixels, as detect() gives them) in `bgr`, the
// photo decoded at 1/decodeScale, in place: the box padded by a fifth on each
// side is pixelated to about eight cells across and smoothed, so it cannot
// be sharpened back. Boxes outside the image are clipped or skipped.
void blurFaces(cv::Mat &bgr, const std::vector<QRect> &faces, int decodeScale);

} // namespace listinglens
