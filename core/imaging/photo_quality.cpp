#include "photo_quality.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <bit>

namespace listinglens {

namespace {

cv::Mat grayAtMeasureSize(const cv::Mat &bgr)
{
    cv::Mat gray;
    cv::cvtColor(bgr, gray, cv::COLOR_BGR2GRAY);
    const int longSide = std::max(gray.cols, gray.rows);
    if (longSide > kMeasureSide) {
        const double f = double(kMeasureSide) / longSide;
        cv::resize(gray, gray, cv::Size(), f, f, cv::INTER_AREA);
    }
    return gray;
}

} // namespace

std::uint64_t perceptualHash(const cv::Mat &bgr)
{
    cv::Mat gray, small, dct;
    cv::cvtColor(bgr, gray, cv::COLOR_BGR2GRAY);
    cv::resize(gray, small, cv::Size(32, 32), 0, 0, cv::INTER_AREA);
    small.convertTo(small, CV_32F);
    cv::dct(small, dct);
    float values[64];
    for (int y = 0; y < 8; ++y)
        for (int x = 0; x < 8; ++x)
            values[y * 8 + x] = dct.at<float>(y, x);
    // Median of the 63 AC coefficients (the DC term only says how bright the photo is).
    float ac[63];
    std::copy(values + 1, values + 64, ac);
    std::nth_element(ac, ac + 31, ac + 63);
    const float median = ac[31];
    std::uint64_t hash = 0;
    for (int i = 0; i < 64; ++i) {
        if (values[i] > median)
            hash |= std::uint64_t(1) << i;
    }
    return hash;
}

int hammingDistance(std::uint64_t a, std::uint64_t b)
{
    return std::popcount(a ^ b);
}

QString phashToHex(std::uint64_t hash)
{
    return QStringLiteral("%1").arg(hash, 16, 16, QLatin1Char('0'));
}

PhotoQuality assessQuality(const cv::Mat &bgr, int width, int height, const QualityThresholds &t)
{
    PhotoQuality q;
    q.width = width;
    q.height = height;
    const cv::Mat gray = grayAtMeasureSize(bgr);
    cv::Mat lap;
    cv::Laplacian(gray, lap, CV_64F);
    cv::Scalar mean, stddev;
    cv::meanStdDev(lap, mean, stddev);
    q.sharpness = stddev[0] * stddev[0];
    q.brightness = cv::mean(gray)[0];
    q.phash = perceptualHash(bgr);
    if (q.sharpness < t.blurryBelow)
        q.flags << QStringLiteral("blurry");
    if (q.brightness < t.tooDarkBelow)
        q.flags << QStringLiteral("too_dark");
    if (q.brightness > t.tooBrightAbove)
        q.flags << QStringLiteral("too_bright");
    if (std::min(width, height) < t.lowResolutionShortSide)
        q.flags << QStringLiteral("low_resolution");
    return q;
}

} // namespace listinglens
