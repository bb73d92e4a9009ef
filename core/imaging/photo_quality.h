#pragma once

#include <QStringList>

#include <opencv2/core/mat.hpp>

#include <cstdint>

namespace listinglens {

// Every quality threshold in one place.
struct QualityThresholds {
    // Variance of the Laplacian, measured on the photo scaled so that its longer
    // side is kMeasureSide (so the figure does not depend on resolution).
    double blurryBelow = 60.0;
    double tooDarkBelow = 45.0;      // mean luma, 0..255
    double tooBrightAbove = 225.0;   // mean luma, 0..255
    int lowResolutionShortSide = 360; // pixels, full-resolution shorter side
    int duplicateMaxHamming = 6;     // perceptual-hash bits that may differ
};

inline constexpr int kMeasureSide = 512;

struct PhotoQuality {
    int width = 0;          // full resolution, as displayed
    int height = 0;
    double sharpness = 0.0;
    double brightness = 0.0;
    std::uint64_t phash = 0;
    QStringList flags;      // "blurry", "too_dark", "too_bright", "low_resolution"; the classifier
                            // adds "duplicate" when its listing index holds a near-identical photo
};

// bgr may be a reduced decode; width/height are the photo's full size.
PhotoQuality assessQuality(const cv::Mat &bgr, int width, int height, const QualityThresholds &t = {});

// 64-bit DCT perceptual hash: robust to scaling and re-encoding.
std::uint64_t perceptualHash(const cv::Mat &bgr);
int hammingDistance(std::uint64_t a, std::uint64_t b);
QString phashToHex(std::uint64_t hash);

} // namespace listinglens
