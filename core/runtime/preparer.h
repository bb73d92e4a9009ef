#pragma once

#include "classifier.h"
#include "face_detector.h"
#include "image_loader.h"
#include "photo_source.h"
#include "routed_photo.h"

#include <memory>

namespace listinglens {

struct PrepareOptions {
    LoadLimits limits;         // targetShortSide is the model's (JPEGs are decoded no larger than its resize needs)
    int previewSide = 0;       // > 0: a preview at most this long, as pixels (a window shows it)
    int thumbnailSide = 0;     // > 0: the stored thumbnail, faces blurred (made here unless the lane makes it)
    bool fingerprint = false;  // the SHA-256 of the photo's bytes
    bool forLane = false;      // keep what the moderation lane reads: the decode and the bytes
};

// The route's first stage: a photo decoded once, within the loader's limits,
// and turned into everything the later stages need: the model's input, its
// quality and colour, its fingerprint, a preview for a window, and either
// what the moderation lane reads or, without a lane, its faces and the
// thumbnail stored of it (faces blurred: findFacesAndThumbnail, the one path).
// prepare() is const and thread-safe: the route's decode threads share one.
class Preparer {
public:
    Preparer(const Classifier &classifier, PrepareOptions options);

    RoutedPhoto prepare(const PhotoSource &source) const;

    const ImageLoader &loader() const { return m_loader; }
    const PrepareOptions &options() const { return m_options; }

private:
    Result<LoadedImage> decode(const PhotoSource &source, RoutedPhoto &photo) const;
    Result<LoadedImage> fromPixels(const cv::Mat &bgr) const;
    void measure(const LoadedImage &image, RoutedPhoto &photo) const;

    PreprocessSpec m_preprocess;
    QualityThresholds m_quality;
    ImageLoader m_loader;
    PrepareOptions m_options;
    std::shared_ptr<const FaceDetector> m_faces; // thumbnails without a lane; null when its cascade is missing
};

} // namespace listinglens
