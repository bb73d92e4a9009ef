#include "dominant_colour.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
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

// The photo without the black (or white) bars a letterboxed or padded photo
// carries: those bars are not the background the item stands on. A row or
// column is a bar when it is all one extreme (JPEG noise allowed); at most
// 40 % of each side is trimmed.
cv::Rect withoutBars(const cv::Mat &bgr)
{
    cv::Mat gray;
    cv::cvtColor(bgr, gray, cv::COLOR_BGR2GRAY);
    auto isBar = [](const cv::Mat &line) {
        double lo = 0, hi = 0;
        cv::minMaxLoc(line, &lo, &hi);
        const double mean = cv::mean(line)[0];
        return (hi <= 40 && mean <= 10) || (lo >= 215 && mean >= 245);
    };
    const int maxRows = gray.rows * 2 / 5, maxCols = gray.cols * 2 / 5;
    int top = 0, bottom = 0, left = 0, right = 0;
    while (top + bottom < maxRows && isBar(gray.row(top)))
        ++top;
    while (top + bottom < maxRows && isBar(gray.row(gray.rows - 1 - bottom)))
        ++bottom;
    while (left + right < maxCols && isBar(gray.col(left)))
        ++left;
    while (left + right < maxCols && isBar(gray.col(gray.cols - 1 - right)))
        ++right;
    return {left, top, gray.cols - left - right, gray.rows - top - bottom};
}

} // namespace

DominantColour dominantColour(const cv::Mat &image)
{
    if (image.empty())
        return {};
    const cv::Mat bgr = image(withoutBars(image));
    constexpr int kSide = 64;
    constexpr int kBorder = 8;                 // outer ring that shows the background
    constexpr double kBackgroundShare = 0.30;  // a colour this common in the ring is background
    constexpr double kMinForeground = 0.25;    // centre weight left once background is set aside
    constexpr double kUniformShare = 0.60;     // photo all of one colour: item likely fills it

    cv::Mat small, hsv;
    cv::resize(bgr, small, cv::Size(kSide, kSide), 0, 0, cv::INTER_AREA);
    small.convertTo(small, CV_32F, 1.0 / 255.0);
    cv::cvtColor(small, hsv, cv::COLOR_BGR2HSV); // float: H in degrees, S and V in [0,1]

    std::array<double, Count> centre{}, border{};
    double centreTotal = 0.0, borderTotal = 0.0;
    const double sigma = kSide * 0.25;
    for (int y = 0; y < kSide; ++y) {
        for (int x = 0; x < kSide; ++x) {
            const auto p = hsv.at<cv::Vec3f>(y, x);
            const Colour c = classify(p[0], p[1], p[2]);
            if (std::min({x, y, kSide - 1 - x, kSide - 1 - y}) < kBorder) {
                border[c] += 1.0;
                borderTotal += 1.0;
            }
            const double dx = x - (kSide - 1) / 2.0, dy = y - (kSide - 1) / 2.0;
            const double w = std::exp(-(dx * dx + dy * dy) / (2 * sigma * sigma));
            centre[c] += w;
            centreTotal += w;
        }
    }
    auto argmax = [](const std::array<double, Count> &votes, const std::array<bool, Count> &skip) {
        int best = -1;
        for (int i = 0; i < Count; ++i) {
            if (!skip[i] && (best < 0 || votes[i] > votes[best]))
                best = i;
        }
        return best;
    };
    std::array<bool, Count> background{};
    double foreground = centreTotal;
    for (int i = 0; i < Count; ++i) {
        background[i] = border[i] >= kBackgroundShare * borderTotal;
        if (background[i])
            foreground -= centre[i];
    }
    if (foreground >= kMinForeground * centreTotal) {
        const int best = argmax(centre, background);
        return {QString::fromLatin1(kNames[best]), centre[best] / foreground};
    }
    // The centre looks like the background: name it only when one colour fills the photo.
    const int best = argmax(centre, {});
    const double share = centre[best] / centreTotal;
    if (share >= kUniformShare)
        return {QString::fromLatin1(kNames[best]), share};
    return {};
}

} // namespace listinglens
