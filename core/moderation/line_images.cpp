#include "line_images.h"

#include "line_edges.h"

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>

namespace listinglens {

namespace {

// Scaled to kReadHeight: small lines up (Tesseract drops letters under about
// 20 px), large ones down (its cost grows with the pixels, its reading does
// not); then a border of the ground's grey all round, as Tesseract wants
// white space about a line (a line cut at its letters' tops reads as nothing).
// A ground that changes along the line (wood, then a box, then a shadow)
// brought to one light grey: each pixel stretched between the darkest and
// the lightest within three heights along the line (the letters and the
// ground about them), by no more than a contrast of kLeastContrast asks.
cv::Mat evened(const cv::Mat &gray)
{
    constexpr int kLeastContrast = 64;
    const int reach = std::max(3, gray.rows * 3) | 1;
    const cv::Mat kernel = cv::getStructuringElement(cv::MORPH_RECT, cv::Size(reach, 2 * gray.rows + 1));
    cv::Mat lo, hi;
    cv::erode(gray, lo, kernel, {-1, -1}, 1, cv::BORDER_REPLICATE);
    cv::dilate(gray, hi, kernel, {-1, -1}, 1, cv::BORDER_REPLICATE);
    cv::blur(lo, lo, cv::Size(reach, 1), {-1, -1}, cv::BORDER_REPLICATE);
    cv::blur(hi, hi, cv::Size(reach, 1), {-1, -1}, cv::BORDER_REPLICATE);
    cv::Mat out(gray.size(), CV_8U);
    for (int r = 0; r < gray.rows; ++r) {
        const uchar *g = gray.ptr<uchar>(r), *l = lo.ptr<uchar>(r), *h = hi.ptr<uchar>(r);
        uchar *o = out.ptr<uchar>(r);
        for (int c = 0; c < gray.cols; ++c)
            o[c] = cv::saturate_cast<uchar>(255 * (int(g[c]) - int(l[c])) / std::max(int(h[c]) - int(l[c]), kLeastContrast));
    }
    return out;
}

cv::Mat toReadHeight(cv::Mat gray, bool even = false, int height = kReadHeight)
{
    if (gray.rows != height && gray.rows > 0) {
        const double f = double(height) / gray.rows;
        cv::resize(gray, gray, {}, f, f, f > 1 ? cv::INTER_CUBIC : cv::INTER_AREA);
    }
    if (even)
        gray = evened(gray);
    gray = withoutEdgesAtEnds(gray);
    cv::Mat sorted = gray.reshape(1, 1).clone();
    cv::sort(sorted, sorted, cv::SORT_ASCENDING);
    const int ground = sorted.at<uchar>(0, sorted.cols / 2);
    cv::Mat padded;
    cv::copyMakeBorder(gray, padded, height / 4, height / 4, height / 4, height / 4, cv::BORDER_CONSTANT, cv::Scalar(ground));
    return padded;
}

// The box's pixels turned level, `extra` pixels longer at each end.
cv::Mat levelStrip(const cv::Mat &image, const cv::RotatedRect &box, float extra)
{
    const cv::Size size(std::max(1, int(std::lround(box.size.width + 2 * extra))), std::max(1, int(std::lround(box.size.height))));
    if (size.area() > 4'000'000 || size.height < 4 || image.type() != CV_8UC3)
        return {};
    cv::Mat turn = cv::getRotationMatrix2D(box.center, box.angle, 1.0);
    turn.at<double>(0, 2) += size.width / 2.0 - box.center.x;
    turn.at<double>(1, 2) += size.height / 2.0 - box.center.y;
    cv::Mat line;
    cv::warpAffine(image, line, turn, size, cv::INTER_LINEAR, cv::BORDER_REPLICATE);
    return line;
}

// Per column of a level strip: whether it holds a letter's stroke. Pixels
// of the letters' colour (nearer it than the ground's by half) in the rows
// letters fill, and few in the margins above and below, where a letter
// reaches only with its descenders (an object or a texture fills them).
std::vector<bool> inkColumns(const cv::Mat &strip, const cv::Vec3f &letters, const cv::Vec3f &ground)
{
    const float apart = float(cv::norm(letters - ground));
    const int rows = strip.rows, margin = std::max(1, rows / 6);
    std::vector<bool> ink(std::size_t(strip.cols), false);
    for (int c = 0; c < strip.cols; ++c) {
        int band = 0, outside = 0;
        for (int r = 0; r < rows; ++r) {
            const cv::Vec3f p(strip.at<cv::Vec3b>(r, c));
            if (cv::norm(p - letters) >= 0.5f * apart)
                continue;
            (r < margin || r >= rows - margin ? outside : band) += 1;
        }
        ink[std::size_t(c)] = band >= std::max(1, rows / 12) && outside <= margin;
    }
    return ink;
}

// From column `from`, the farthest inked column in direction `step` that
// gaps narrower than `maxGap` lead to.
int lastInk(const std::vector<bool> &ink, int from, int step, int maxGap)
{
    int last = from, gap = 0;
    for (int c = from; c >= 0 && c < int(ink.size()); c += step) {
        if (ink[std::size_t(c)]) {
            last = c;
            gap = 0;
        } else if (++gap > maxGap) {
            break;
        }
    }
    return last;
}

// Each pixel's distance from the letters' colour, grey (the letters dark).
cv::Mat colourDistance(const cv::Mat &bgrLine, const cv::Vec3f &colour)
{
    cv::Mat gray(bgrLine.size(), CV_8U);
    for (int r = 0; r < bgrLine.rows; ++r) {
        const auto *in = bgrLine.ptr<cv::Vec3b>(r);
        auto *out = gray.ptr<uchar>(r);
        for (int c = 0; c < bgrLine.cols; ++c) {
            const cv::Vec3f d = cv::Vec3f(in[c]) - colour;
            out[c] = cv::saturate_cast<uchar>(std::sqrt(d.dot(d)) * 3.0f);
        }
    }
    return gray;
}

// The line along its main colour axis, the ground (what most of it is) light.
cv::Mat contrastAxis(const cv::Mat &bgrLine)
{
    cv::Mat samples;
    bgrLine.reshape(1, bgrLine.rows * bgrLine.cols).convertTo(samples, CV_32F);
    const cv::PCA pca(samples, cv::noArray(), cv::PCA::DATA_AS_ROW, 1);
    cv::Mat projected = pca.project(samples).reshape(1, bgrLine.rows);
    cv::Mat gray;
    cv::normalize(projected, gray, 0, 255, cv::NORM_MINMAX, CV_8U);
    cv::Mat sorted = gray.reshape(1, 1).clone();
    cv::sort(sorted, sorted, cv::SORT_ASCENDING);
    if (sorted.at<uchar>(0, sorted.cols / 2) < 128)
        gray = 255 - gray;
    return gray;
}

} // namespace

cv::Mat levelLine(const cv::Mat &image, const cv::RotatedRect &box)
{
    return levelStrip(image, box, std::min(box.size.height * 0.6f, float(image.cols) / 4.0f));
}

cv::RotatedRect lineAlongLetters(const cv::Mat &image, const cv::RotatedRect &box, const cv::Vec3f &letters)
{
    const float letterPx = box.size.height * 0.6f; // the box has a third of a letter's height of margin above and below
    const float reach = std::min(kMaxReach * letterPx, float(image.cols) / 2.0f);
    const cv::Mat strip = levelStrip(image, box, reach);
    if (strip.empty() || letterPx < 4)
        return box;
    // The ground: the median colour of the box's own top and bottom rows.
    const int r0 = int(reach), r1 = std::min(strip.cols, int(reach + box.size.width));
    std::vector<cv::Vec3b> ground;
    for (int c = r0; c < r1; ++c) {
        ground.push_back(strip.at<cv::Vec3b>(0, c));
        ground.push_back(strip.at<cv::Vec3b>(strip.rows - 1, c));
    }
    if (ground.empty())
        return box;
    cv::Vec3f median;
    for (int ch = 0; ch < 3; ++ch) {
        std::nth_element(ground.begin(), ground.begin() + std::ptrdiff_t(ground.size() / 2), ground.end(),
                         [ch](const cv::Vec3b &a, const cv::Vec3b &b) { return a[ch] < b[ch]; });
        median[ch] = ground[ground.size() / 2][ch];
    }
    if (cv::norm(letters - median) < 40) // letters too near the ground's colour to follow
        return box;
    const std::vector<bool> ink = inkColumns(strip, letters, median);
    // Each end from the last stroke inside the box (its ends are margin), outwards.
    const int margin = int(0.8f * letterPx), maxGap = int(1.2f * letterPx);
    const int left = lastInk(ink, lastInk(ink, r0 + margin, -1, margin), -1, maxGap);
    const int right = lastInk(ink, lastInk(ink, r1 - 1 - margin, +1, margin), +1, maxGap);
    const float newLeft = std::min(float(r0), float(left - margin)), newRight = std::max(float(r1), float(right + margin));
    if (newLeft >= float(r0) && newRight <= float(r1))
        return box;
    const float shift = (newLeft + newRight) / 2.0f - float(strip.cols) / 2.0f;
    const float a = box.angle * float(CV_PI) / 180.0f;
    const cv::Point2f centre = box.center + cv::Point2f(std::cos(a), std::sin(a)) * shift;
    return {centre, cv::Size2f(newRight - newLeft, box.size.height), box.angle};
}

cv::Vec3f lettersColour(const cv::Mat &bgrLine)
{
    // At most about 4000 pixels, every step-th of each row.
    const int step = std::max(1, int(std::sqrt(double(bgrLine.total()) / 4000.0)));
    cv::Mat samples;
    std::vector<int> row;
    for (int r = 0; r < bgrLine.rows; r += step) {
        for (int c = 0; c < bgrLine.cols; c += step) {
            const cv::Vec3b p = bgrLine.at<cv::Vec3b>(r, c);
            samples.push_back(cv::Mat(cv::Matx13f(p[0], p[1], p[2])));
            row.push_back(r);
        }
    }
    if (samples.rows < 2)
        return {0, 0, 0};
    // Three: the letters, and a ground that may change along the line (text
    // across the edge of a box or an object).
    const int k = std::min(3, samples.rows);
    cv::Mat labels, centres;
    // k-means++ draws its first centres from the thread's RNG: from a fixed
    // state, so that a line reads the same whatever ran before on the thread.
    cv::RNG &rng = cv::theRNG();
    const uint64 saved = rng.state;
    rng.state = 0x9e3779b97f4a7c15ULL;
    cv::kmeans(samples, k, labels, cv::TermCriteria(cv::TermCriteria::COUNT + cv::TermCriteria::EPS, 10, 1.0), 1, cv::KMEANS_PP_CENTERS, centres);
    rng.state = saved;
    // The margins: the top and bottom fifth of the line, where there is ground only.
    std::vector<int> inMargin(std::size_t(k), 0), total(std::size_t(k), 0);
    for (int i = 0; i < labels.rows; ++i) {
        const auto c = std::size_t(labels.at<int>(i));
        ++total[c];
        inMargin[c] += (row[std::size_t(i)] < bgrLine.rows / 5 || row[std::size_t(i)] >= bgrLine.rows - bgrLine.rows / 5) ? 1 : 0;
    }
    // The ground is the colour the margins hold most; the letters the colour
    // farthest from it of those that are more than an edge's blend (5 %).
    int ground = 0;
    for (int c = 1; c < k; ++c) {
        if (inMargin[std::size_t(c)] > inMargin[std::size_t(ground)])
            ground = c;
    }
    int letters = ground == 0 && k > 1 ? 1 : 0;
    double farthest = -1;
    for (int c = 0; c < k; ++c) {
        const double d = cv::norm(centres.row(c), centres.row(ground));
        if (c != ground && total[std::size_t(c)] * 20 >= labels.rows && d > farthest) {
            farthest = d;
            letters = c;
        }
    }
    return {centres.at<float>(letters, 0), centres.at<float>(letters, 1), centres.at<float>(letters, 2)};
}

cv::Mat colourDistanceImage(const cv::Mat &bgrLine, const cv::Vec3f &colour)
{
    return toReadHeight(colourDistance(bgrLine, colour), true);
}

cv::Mat contrastImage(const cv::Mat &bgrLine)
{
    return toReadHeight(contrastAxis(bgrLine));
}

bool groundDarkensAtOneThreshold(const cv::Mat &grayLine)
{
    if (grayLine.empty() || grayLine.type() != CV_8U)
        return false;
    cv::Mat binary;
    cv::threshold(grayLine, binary, 0, 255, cv::THRESH_BINARY | cv::THRESH_OTSU);
    return cv::countNonZero(binary) * 2 < int(binary.total());
}

cv::Mat secondLookImage(const cv::Mat &image, const cv::RotatedRect &box, const cv::Vec3f &letters, SecondLook look)
{
    cv::RotatedRect taller = box;
    taller.size.height *= 1.5f;
    const cv::Mat bgr = levelLine(image, taller);
    if (bgr.empty())
        return {};
    // Read a third taller, so that the letters keep about the height they
    // had in the first reads.
    constexpr int kHeight = kReadHeight * 4 / 3;
    switch (look) {
    case SecondLook::ColourDistance: return toReadHeight(colourDistance(bgr, letters), true, kHeight);
    case SecondLook::Contrast: return toReadHeight(contrastAxis(bgr), false, kHeight);
    }
    return {};
}

} // namespace listinglens
