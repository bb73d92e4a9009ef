#include "line_edges.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <vector>

namespace listinglens {

namespace {

// Where the letters stand on a level line (shares of its height): a third
// of their height above and below them is margin.
constexpr double kLettersTop = 0.2, kLettersBottom = 0.8;
// An edge runs through the letters' height and this far into a margin (half
// of it); letters stop at the margins, descenders start below their top.
constexpr double kIntoMargin = 0.1;
// Edges are looked for this many line heights from each end: past the
// letters the search chained (their box's margins and the extra character
// levelLine adds).
constexpr double kEndZone = 1.0;

// Whether column `c` of `dark` (letters and edges marked) holds a dark run
// through the letters' height and on into a margin.
bool crossesLine(const cv::Mat &dark, int c)
{
    const int rows = dark.rows;
    const int top = int(kLettersTop * rows), bottom = int(kLettersBottom * rows);
    for (int r = top; r < bottom; ++r) {
        if (!dark.at<uchar>(r, c))
            return false;
    }
    int up = top, down = bottom;
    while (up > 0 && dark.at<uchar>(up - 1, c))
        --up;
    while (down < rows && dark.at<uchar>(down, c))
        ++down;
    return up <= kIntoMargin * rows || down >= (1.0 - kIntoMargin) * rows;
}

// Whether column `c` of `dark` holds a run in from the top or the bottom
// of the line as deep as an edge goes into a margin: a plate's rounded
// corner beside its upright (letters stop short of the margins).
bool inFromMargin(const cv::Mat &dark, int c)
{
    const int deep = std::max(2, int(kIntoMargin * dark.rows));
    int down = 0, up = 0;
    while (down < dark.rows && dark.at<uchar>(down, c))
        ++down;
    while (up < dark.rows && dark.at<uchar>(dark.rows - 1 - up, c))
        ++up;
    return std::max(down, up) >= deep;
}

// The median grey of the pixels `dark` does not mark: the line's ground.
uchar groundOf(const cv::Mat &gray, const cv::Mat &dark)
{
    std::vector<uchar> ground;
    ground.reserve(gray.total());
    for (int r = 0; r < gray.rows; ++r) {
        const uchar *g = gray.ptr<uchar>(r), *d = dark.ptr<uchar>(r);
        for (int c = 0; c < gray.cols; ++c) {
            if (!d[c])
                ground.push_back(g[c]);
        }
    }
    if (ground.empty())
        return 255;
    std::nth_element(ground.begin(), ground.begin() + std::ptrdiff_t(ground.size() / 2), ground.end());
    return ground[ground.size() / 2];
}

} // namespace

cv::Mat withoutEdgesAtEnds(const cv::Mat &gray)
{
    if (gray.empty() || gray.type() != CV_8U || gray.rows < 8)
        return gray;
    cv::Mat dark;
    cv::threshold(gray, dark, 0, 255, cv::THRESH_BINARY_INV | cv::THRESH_OTSU);
    const int zone = std::min(int(kEndZone * gray.rows), gray.cols / 4);
    // The innermost edge column of each end zone; what lies past it goes.
    int left = -1, right = gray.cols;
    for (int c = 0; c < zone; ++c) {
        if (crossesLine(dark, c))
            left = c;
    }
    for (int c = gray.cols - 1; c >= gray.cols - zone; --c) {
        if (crossesLine(dark, c))
            right = c;
    }
    if (left < 0 && right == gray.cols)
        return gray;
    // The edge's corner goes with it.
    while (left >= 0 && left + 1 < right && inFromMargin(dark, left + 1))
        ++left;
    while (right < gray.cols && right - 1 > left && inFromMargin(dark, right - 1))
        --right;
    cv::Mat out = gray.clone();
    const uchar ground = groundOf(gray, dark);
    // The edge's blurred rim too: a pixel past it.
    if (left >= 0)
        out.colRange(0, std::min(gray.cols, left + 2)).setTo(ground);
    if (right < gray.cols)
        out.colRange(std::max(0, right - 1), gray.cols).setTo(ground);
    return out;
}

} // namespace listinglens
