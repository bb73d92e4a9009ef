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
// A plate's rounded corner beside its upright is this wide at most.
constexpr double kCorner = 0.3;
// Within this share of a height past the edge, a column of ground (at most
// kGroundShare of it marked within the letters' height) parts it from the words.
constexpr double kGap = 0.1, kGroundShare = 0.2;

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

// The share of column `c` of `dark` marked within the letters' height.
double bandShare(const cv::Mat &dark, int c)
{
    const int top = int(kLettersTop * dark.rows), bottom = int(kLettersBottom * dark.rows);
    int n = 0;
    for (int r = top; r < bottom; ++r)
        n += dark.at<uchar>(r, c) ? 1 : 0;
    return double(n) / std::max(1, bottom - top);
}

// Where an edge near one end stops: the last column of it (its corner
// included) walking in from the end `from` by `step` (+1 from the left, -1
// from the right); -1 when there is none, or when what it bounds runs on
// into the letters (a shadow that takes the first letters in with it):
// an edge stands apart from the words, with ground between.
int edgeEnd(const cv::Mat &dark, int from, int step)
{
    const int zone = std::min(int(kEndZone * dark.rows), dark.cols / 4);
    int edge = -1;
    for (int i = 0; i < zone; ++i) {
        if (crossesLine(dark, from + step * i))
            edge = i;
    }
    if (edge < 0)
        return -1;
    const int corner = std::min(int(kCorner * dark.rows), dark.cols / 4);
    for (int i = 0; i < corner && inFromMargin(dark, from + step * (edge + 1)); ++i)
        ++edge;
    const int gap = std::max(2, int(kGap * dark.rows));
    for (int i = edge + 1; i <= edge + gap && i < dark.cols / 2; ++i) {
        if (bandShare(dark, from + step * i) <= kGroundShare)
            return from + step * edge;
    }
    return -1;
}

} // namespace

cv::Mat withoutEdgesAtEnds(const cv::Mat &gray)
{
    if (gray.empty() || gray.type() != CV_8U || gray.rows < 8 || gray.cols < 8)
        return gray;
    cv::Mat dark;
    cv::threshold(gray, dark, 0, 255, cv::THRESH_BINARY_INV | cv::THRESH_OTSU);
    const int left = edgeEnd(dark, 0, 1), right = edgeEnd(dark, gray.cols - 1, -1);
    if (left < 0 && right < 0)
        return gray;
    cv::Mat out = gray.clone();
    const uchar ground = groundOf(gray, dark);
    // The edge's blurred rim too: a pixel past it.
    if (left >= 0)
        out.colRange(0, std::min(gray.cols, left + 2)).setTo(ground);
    if (right >= 0)
        out.colRange(std::max(0, right - 1), gray.cols).setTo(ground);
    return out;
}

} // namespace listinglens
