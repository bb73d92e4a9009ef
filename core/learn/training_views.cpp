#include "training_views.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>

namespace listinglens {

std::vector<float> TrainingViews::centre(const cv::Mat &bgr, const PreprocessSpec &spec)
{
    return preprocess(bgr, spec);
}

std::vector<float> TrainingViews::augmented(const cv::Mat &bgr, const PreprocessSpec &spec, std::mt19937_64 &random)
{
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    const double area = (kMinArea + (1 - kMinArea) * unit(random)) * bgr.cols * bgr.rows;
    const double aspect = std::exp(std::log(3.0 / 4.0) + (std::log(4.0 / 3.0) - std::log(3.0 / 4.0)) * unit(random));
    const int w = std::clamp(int(std::lround(std::sqrt(area * aspect))), 1, bgr.cols);
    const int h = std::clamp(int(std::lround(std::sqrt(area / aspect))), 1, bgr.rows);
    const cv::Rect crop(int((bgr.cols - w) * unit(random)), int((bgr.rows - h) * unit(random)), w, h);
    cv::Mat view;
    cv::resize(bgr(crop), view, cv::Size(spec.cropSize, spec.cropSize), 0, 0, w > spec.cropSize ? cv::INTER_AREA : cv::INTER_LINEAR);
    if (unit(random) < 0.5)
        cv::flip(view, view, 1);
    // Colour jitter on floats: brightness, contrast (about the mean grey), saturation (about each pixel's grey).
    const auto factor = [&] { return 1 - kJitter + 2 * kJitter * unit(random); };
    const double brightness = factor(), contrast = factor(), saturation = factor();
    cv::Mat f;
    view.convertTo(f, CV_32FC3, brightness);
    cv::Mat grey;
    cv::cvtColor(f, grey, cv::COLOR_BGR2GRAY);
    const double meanGrey = cv::mean(grey)[0];
    f = (f - cv::Scalar::all(meanGrey)) * contrast + cv::Scalar::all(meanGrey);
    cv::cvtColor(f, grey, cv::COLOR_BGR2GRAY);
    cv::Mat grey3;
    cv::cvtColor(grey, grey3, cv::COLOR_GRAY2BGR);
    f = grey3 + (f - grey3) * saturation;
    f.convertTo(view, CV_8UC3); // saturates to [0, 255]
    PreprocessSpec square = spec;
    square.resizeShorter = spec.cropSize;
    return preprocess(view, square);
}

} // namespace listinglens
