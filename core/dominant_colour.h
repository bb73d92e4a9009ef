#pragma once

#include <QString>

#include <opencv2/core/mat.hpp>

namespace listinglens {

struct DominantColour {
    QString name;       // basic colour word: "black", "red", ... ; empty when unknown
    double share = 0.0; // weighted fraction of the photo's centre that has it
};

// Names the dominant colour of the photo, weighting its centre (where the
// item usually is) over the background.
DominantColour dominantColour(const cv::Mat &bgr);

} // namespace listinglens
