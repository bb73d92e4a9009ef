#pragma once

#include <opencv2/core/mat.hpp>

#include <array>
#include <vector>

namespace listinglens {

// How a model wants its input (from the model manifest).
struct PreprocessSpec {
    int resizeShorter = 256;   // shorter side after resizing
    int cropSize = 224;        // centre crop, square
    std::array<float, 3> mean{0.485f, 0.456f, 0.406f}; // RGB, on [0,1] values
    std::array<float, 3> std{0.229f, 0.224f, 0.225f};

    int tensorSize() const { return 3 * cropSize * cropSize; }
};

// Resizes the shorter side to spec.resizeShorter with antialiased bilinear
// interpolation (the triangle filter widened by the scale factor, as PIL and
// torchvision's antialias=True do), centre-crops, converts BGR to RGB and
// normalises with mean/std. Writes spec.tensorSize() floats in CHW order.
// Only the pixels inside the crop are computed.
void preprocess(const cv::Mat &bgr, const PreprocessSpec &spec, float *out);

std::vector<float> preprocess(const cv::Mat &bgr, const PreprocessSpec &spec);

} // namespace listinglens
