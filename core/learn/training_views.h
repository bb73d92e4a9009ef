#pragma once

#include "preprocessor.h"

#include <opencv2/core/mat.hpp>

#include <random>
#include <vector>

namespace listinglens {

// Augmented views of a photo for fine-tuning, as model inputs (the
// preprocessor's normalised CHW floats): a random resized crop of 60-100 %
// of the area (aspect 3:4 to 4:3), mirrored half of the time, brightness,
// contrast and saturation each within +-20 %. The centre view is the
// product's own preprocessing.
class TrainingViews {
public:
    static constexpr double kMinArea = 0.6;
    static constexpr double kJitter = 0.2;

    static std::vector<float> centre(const cv::Mat &bgr, const PreprocessSpec &spec);
    static std::vector<float> augmented(const cv::Mat &bgr, const PreprocessSpec &spec, std::mt19937_64 &random);
};

} // namespace listinglens
