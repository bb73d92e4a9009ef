#pragma once

#include <QString>

#include <opencv2/core/mat.hpp>

namespace listinglens {

struct DominantColour {
    QString name;       // basic colour word: "black", "red", ... ; empty when unknown
    double share = 0.0; // weighted fraction of the item (centre, background set aside) that has it
};

// Names the dominant colour of the item in a photo: colours common along the
// border are taken as background and set aside, and the centre, where the item
// usually is, weighs most. Empty when the item cannot be told from the background.
DominantColour dominantColour(const cv::Mat &bgr);

} // namespace listinglens
