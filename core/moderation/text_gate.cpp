#include "text_gate.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>

namespace listinglens {

namespace {

// The cell looked at, in pixels of the image: a small letter (5 px high, the
// smallest the search finds) and its neighbours fit in one.
constexpr int kCell = 16;
// An edge of brightness: a step of this much (0..255) within 3 x 3 pixels.
// The faintest letters the search finds (a step of about 20) stay above it.
constexpr int kBrightnessStep = 18;
// An edge of hue: a step of this much on Lab's colour axes stretched twice,
// the channels the search looks at for coloured letters.
constexpr int kHueStep = 20;
// A cell that could hold a letter: at least this share of its pixels on an edge.
constexpr double kEdgeShare = 0.06;
// Past this share of the image, the whole image is one area (fewer cuts).
constexpr double kWholeShare = 0.75;

// Rectangles that overlap or touch are one.
std::vector<cv::Rect> merged(std::vector<cv::Rect> rects)
{
    for (bool joined = true; joined;) {
        joined = false;
        for (std::size_t i = 0; i < rects.size() && !joined; ++i) {
            for (std::size_t j = i + 1; j < rects.size() && !joined; ++j) {
                const cv::Rect grown(rects[i].x - 1, rects[i].y - 1, rects[i].width + 2, rects[i].height + 2);
                if ((grown & rects[j]).area() > 0) {
                    rects[i] |= rects[j];
                    rects.erase(rects.begin() + std::ptrdiff_t(j));
                    joined = true;
                }
            }
        }
    }
    return rects;
}

// The largest step of a channel within 3 x 3 pixels.
cv::Mat steps(const cv::Mat &channel)
{
    cv::Mat out;
    cv::morphologyEx(channel, out, cv::MORPH_GRADIENT, cv::Mat());
    return out;
}

// The areas with cells of steps of at least `step`, and the share of the image they cover.
std::vector<cv::Rect> edgeAreas(const cv::Mat &stepsOf, int step, double &share, int cellSide = kCell)
{
    const cv::Rect whole(0, 0, stepsOf.cols, stepsOf.rows);
    cv::Mat edges;
    cv::threshold(stepsOf, edges, step - 1, 1, cv::THRESH_BINARY);
    // The edge pixels of each cell (partial cells at the right and bottom count whole).
    const int cols = (stepsOf.cols + cellSide - 1) / cellSide, rows = (stepsOf.rows + cellSide - 1) / cellSide;
    cv::Mat sums;
    cv::integral(edges, sums, CV_32S);
    cv::Mat cells(rows, cols, CV_8U, cv::Scalar(0));
    for (int r = 0; r < rows; ++r) {
        for (int c = 0; c < cols; ++c) {
            const cv::Rect cell = cv::Rect(c * cellSide, r * cellSide, cellSide, cellSide) & whole;
            const int n = sums.at<int>(cell.y + cell.height, cell.x + cell.width) - sums.at<int>(cell.y, cell.x + cell.width)
                - sums.at<int>(cell.y + cell.height, cell.x) + sums.at<int>(cell.y, cell.x);
            cells.at<uchar>(r, c) = n >= kEdgeShare * cell.area() ? 255 : 0;
        }
    }
    // With two cells round them: a letter's margin and the ground round it (the
    // search's regions of a letter are those of the whole image), a large letter's flat middle.
    cv::dilate(cells, cells, cv::Mat(), cv::Point(-1, -1), 2);
    cv::Mat labels, stats, centroids;
    const int n = cv::connectedComponentsWithStats(cells, labels, stats, centroids, 8, CV_32S);
    std::vector<cv::Rect> areas;
    for (int i = 1; i < n; ++i) {
        const cv::Rect b(stats.at<int>(i, cv::CC_STAT_LEFT), stats.at<int>(i, cv::CC_STAT_TOP), stats.at<int>(i, cv::CC_STAT_WIDTH),
                         stats.at<int>(i, cv::CC_STAT_HEIGHT));
        areas.push_back(cv::Rect(b.x * cellSide, b.y * cellSide, b.width * cellSide, b.height * cellSide) & whole);
    }
    areas = merged(std::move(areas));
    double covered = 0;
    for (const cv::Rect &a : areas)
        covered += a.area();
    share = covered / double(whole.area());
    if (share > kWholeShare) {
        share = 1;
        return {whole};
    }
    return areas;
}

} // namespace

TextAreas findTextAreas(const cv::Mat &bgr)
{
    TextAreas out;
    if (bgr.empty() || bgr.type() != CV_8UC3)
        return out;
    cv::Mat grey, lab;
    cv::cvtColor(bgr, grey, cv::COLOR_BGR2GRAY);
    double greyShare = 0, hueShare = 0;
    out.search.grey = edgeAreas(steps(grey), kBrightnessStep, greyShare);
    // The larger step on either colour axis, as the search stretches them,
    // on an image of half the size: a quarter of the work, and half the
    // colour noise of a camera or a JPEG (coloured letters' edges stay).
    cv::Mat half;
    cv::resize(bgr, half, cv::Size(std::max(1, bgr.cols / 2), std::max(1, bgr.rows / 2)), 0, 0, cv::INTER_AREA);
    cv::cvtColor(half, lab, cv::COLOR_BGR2Lab);
    cv::Mat planes[3];
    cv::split(lab, planes);
    cv::Mat a, b;
    planes[1].convertTo(a, CV_8U, 2.0, -128.0);
    planes[2].convertTo(b, CV_8U, 2.0, -128.0);
    for (const cv::Rect &r : edgeAreas(cv::max(steps(a), steps(b)), kHueStep, hueShare, kCell / 2))
        out.search.colour.push_back(cv::Rect(r.x * 2, r.y * 2, r.width * 2, r.height * 2) & cv::Rect(0, 0, bgr.cols, bgr.rows));
    out.share = (greyShare + 2 * hueShare) / 3;
    return out;
}

} // namespace listinglens
