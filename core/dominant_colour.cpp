#include "dominant_colour.h"

#include <opencv2/imgproc.hpp>

#include <array>
#include <cmath>

namespace listinglens {

namespace {

enum Colour { Black, White, Grey, Red, Orange, Brown, Beige, Yellow, Green, Blue, Purple, Pink, Count };

constexpr std::array<const char *, Count> kNames = {"black", "white", "grey", "red", "orange", "brown",
                                                    "beige", "yellow", "green", "blue", "purple", "pink"};

// h in degrees [0,360), s and v in [0,1].
Colour classify(float h, float s, float v)
{
    if (v < 0.22f)
        return Black;
    if (s < 0.18f)
        return v > 0.80f ? White : Grey;
    if (h >= 15.f && h < 50.f) {
        if (v < 0.60f)
            return Brown;
        if (s < 0.40f)
            return Beige;
        return h < 40.f ? Orange : Yellow;
    }
    if (h < 15.f || h >= 345.f)
        return (v < 0.45f) ? Brown : (s < 0.45f ? Pink : Red);
    if (h < 70.f)
        return Yellow;
    if (h < 170.f)
        return Green;
    if (h < 255.f)
        return Blue;
    if (h < 290.f)
        return Purple;
    return Pink;
}

} // namespace

DominantColour dominantColour(const cv::Mat &bgr)
{
    constexpr int kSide = 64;
    cv::Mat small, hsv;
    cv::resize(bgr, small, cv::Size(kSide, kSide), 0, 0, cv::INTER_AREA);
    small.convertTo(small, CV_32F, 1.0 / 255.0);
    cv::cvtColor(small, hsv, cv::COLOR_BGR2HSV); // float: H in degrees, S and V in [0,1]

    std::array<double, Count> votes{};
    double total = 0.0;
    const double sigma = kSide * 0.25;
    for (int y = 0; y < kSide; ++y) {
        for (int x = 0; x < kSide; ++x) {
            const double dx = x - (kSide - 1) / 2.0, dy = y - (kSide - 1) / 2.0;
            const double w = std::exp(-(dx * dx + dy * dy) / (2 * sigma * sigma));
            const auto p = hsv.at<cv::Vec3f>(y, x);
            votes[classify(p[0], p[1], p[2])] += w;
            total += w;
        }
    }
    int best = 0;
    for (int i = 1; i < Count; ++i) {
        if (votes[i] > votes[best])
            best = i;
    }
    return {QString::fromLatin1(kNames[best]), total > 0 ? votes[best] / total : 0.0};
}

} // namespace listinglens
