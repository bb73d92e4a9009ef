#include "text_gate.h"

#include "level_components.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace listinglens {

namespace {

// A mark: a stroke-thin shape standing out from its ground (a letter, or a
// speck of texture), in pixels of the image.
struct Mark {
    cv::Rect box;
    cv::Point2f centre;
    int letters = 1; // letters run together (small or tight type) count as several
};

// Letters the search finds are 5 px high at least (the line finder's
// smallest), at most a quarter of the image (its largest).
constexpr int kMinLetter = 5;
// A mark stands out from the ground round it by this much (0..255): the
// faintest letters the search finds step by about 20.
constexpr int kBrightnessStep = 18;
// Letters that stand out far more than that (white capitals on a dark name
// plate) are looked for again at this step: at the faint one their blurred
// edges join the plate's rim, and letters and rim make one shape too large
// for a letter. At this step texture breaks into letter-sized specks too, so
// only a word printed on an item counts there: six marks or more, of one
// height within 30 %, their tops and bottoms level within 15 % of it.
constexpr int kStrongStep = 3 * kBrightnessStep;
// The same on Lab's colour axes stretched twice, as the search sees them.
constexpr int kHueStep = 20;
// Rows of this many marks alike at least: the search's lines have four letters or more.
constexpr int kRowMarks = 4;
// More marks than this on one map: a texture of specks, looked at no further
// (the strongest are kept: the search would drop them anyway).
// Letters run together (their strokes touch once thresholded): small type,
// or a tight font, up to kMaxRunHeight pixels high and kMaxRun heights long.
// Each counts as a letter per 0.7 of a height; larger runs are bars and edges.
constexpr double kMaxRun = 12;
constexpr int kMaxRunHeight = 12;
constexpr std::size_t kMaxMarks = 4000;
// Past this share of the image, the whole image is one area (fewer cuts).
constexpr double kWholeShare = 0.75;

// The kernel that keeps a letter's strokes: wider than the strokes of the
// largest letter the search finds (a sixth of its height).
int strokeKernel(const cv::Mat &image) { return std::clamp(image.rows / 24, 5, 31) | 1; }

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

// The marks of one polarity: shapes thinner than the kernel that stand out
// by `step` (`thin`: the top-hat or black-hat of a channel), shaped as a
// letter (the line finder's bounds) or as a run of small letters.
std::vector<Mark> marksOf(const cv::Mat &thin, int step, int maxHeight)
{
    std::vector<Mark> marks;
    for (const LevelComponent &c : levelComponents(thin, step)) {
        if (marks.size() >= kMaxMarks)
            break;
        const cv::Rect &b = c.box;
        const double aspect = double(b.width) / b.height, fill = double(c.area) / b.area();
        if (b.height < kMinLetter || b.height > maxHeight || aspect < 0.08 || fill < 0.12 || fill > 0.92)
            continue;
        if (aspect <= 1.6)
            marks.push_back({b, cv::Point2f(b.x + b.width / 2.0f, b.y + b.height / 2.0f), 1});
        else if (aspect <= kMaxRun && fill >= 0.3 && fill <= 0.7 && b.height <= kMaxRunHeight)
            marks.push_back({b, cv::Point2f(b.x + b.width / 2.0f, b.y + b.height / 2.0f), int(std::lround(aspect / 0.7))});
    }
    return marks;
}

// What makes marks a row: how many at least, how far their heights may
// differ (the taller over the shorter), and how far apart their tops and
// bottoms may be (a share of the shorter one's height; 0: any, within the slant).
struct RowRule {
    int marks = kRowMarks;
    double heights = 2.0;
    double level = 0;
};
constexpr RowRule kStrongRow{6, 1.3, 0.15};

// Marks that could be letters of one row: of about one height, within two
// and a half heights (from a run's end), the one beside the other within
// about 35 degrees of level.
bool neighbours(const Mark &a, const Mark &b, const RowRule &rule)
{
    const int hi = std::max(a.box.height, b.box.height), lo = std::min(a.box.height, b.box.height);
    if (hi > rule.heights * lo)
        return false;
    if (rule.level > 0 && (std::abs(a.box.y - b.box.y) > rule.level * lo || std::abs(a.box.br().y - b.box.br().y) > rule.level * lo))
        return false;
    const float gap = float(std::max({0, b.box.x - (a.box.x + a.box.width), a.box.x - (b.box.x + b.box.width)}));
    const float dx = gap + 0.5f * float(lo), dy = std::abs(a.centre.y - b.centre.y);
    return std::hypot(dx, dy) <= 2.5f * float(hi) && dy <= 0.6f * dx + 0.3f * float(lo);
}

int rootOf(std::vector<int> &parent, int i)
{
    while (parent[std::size_t(i)] != i)
        i = parent[std::size_t(i)] = parent[std::size_t(parent[std::size_t(i)])];
    return i;
}

// The boxes of groups of rule.marks marks or more chained as neighbours,
// padded by a letter's height (the search's regions need their ground).
std::vector<cv::Rect> rowsOf(std::vector<Mark> marks, const cv::Size &size, const RowRule &rule)
{
    std::sort(marks.begin(), marks.end(), [](const Mark &a, const Mark &b) { return a.centre.x < b.centre.x; });
    std::vector<int> parent(marks.size());
    std::iota(parent.begin(), parent.end(), 0);
    for (std::size_t i = 0; i < marks.size(); ++i) {
        // 2.5 heights of a mark at most twice as tall, past the longest run's half.
        const float reach = float(5.0 + kMaxRun) * float(marks[i].box.height);
        for (std::size_t j = i + 1; j < marks.size() && marks[j].centre.x - marks[i].centre.x <= reach; ++j) {
            if (neighbours(marks[i], marks[j], rule))
                parent[std::size_t(rootOf(parent, int(j)))] = rootOf(parent, int(i));
        }
    }
    std::vector<int> count(marks.size(), 0);
    std::vector<cv::Rect> box(marks.size());
    std::vector<int> tallest(marks.size(), 0);
    for (std::size_t i = 0; i < marks.size(); ++i) {
        const auto r = std::size_t(rootOf(parent, int(i)));
        box[r] = count[r] ? (box[r] | marks[i].box) : marks[i].box;
        count[r] += marks[i].letters;
        tallest[r] = std::max(tallest[r], marks[i].box.height);
    }
    std::vector<cv::Rect> rows;
    const cv::Rect whole(cv::Point(0, 0), size);
    for (std::size_t r = 0; r < marks.size(); ++r) {
        if (count[r] >= rule.marks) {
            const int pad = std::max(8, tallest[r]);
            rows.push_back(cv::Rect(box[r].x - pad, box[r].y - pad, box[r].width + 2 * pad, box[r].height + 2 * pad) & whole);
        }
    }
    return rows;
}

// Shapes thinner than the kernel on `channel`, light on dark (0) and dark on light (1).
void thinShapes(const cv::Mat &channel, cv::Mat (&thin)[2])
{
    const cv::Mat kernel = cv::getStructuringElement(cv::MORPH_RECT, cv::Size(strokeKernel(channel), strokeKernel(channel)));
    cv::morphologyEx(channel, thin[0], cv::MORPH_TOPHAT, kernel);
    cv::morphologyEx(channel, thin[1], cv::MORPH_BLACKHAT, kernel);
}

// The areas round rows of marks of each polarity on `thin` (each chains on
// its own: the ground between dark letters is a light mark).
void addRowAreas(const cv::Mat (&thin)[2], int step, std::vector<cv::Rect> &areas, const RowRule &rule = {})
{
    const int maxHeight = std::max(8, thin[0].rows / 4);
    for (const cv::Mat &t : thin) {
        for (const cv::Rect &r : rowsOf(marksOf(t, step, maxHeight), t.size(), rule))
            areas.push_back(r);
    }
}

// `areas` merged, and the share of `whole` they cover (all of it past kWholeShare).
std::vector<cv::Rect> coverOf(std::vector<cv::Rect> areas, const cv::Rect &whole, double &share)
{
    for (cv::Rect &a : areas)
        a &= whole;
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

// Two colour axes of an image (red against green, yellow against blue),
// about as far apart as the search's stretched Lab axes: cheap to make.
void colourAxes(const cv::Mat &bgr, cv::Mat &redGreen, cv::Mat &yellowBlue)
{
    cv::Mat p[3], yellow;
    cv::split(bgr, p);
    cv::addWeighted(p[2], 1.0, p[1], -1.0, 128.0, redGreen);
    cv::addWeighted(p[2], 0.5, p[1], 0.5, 0.0, yellow);
    cv::addWeighted(yellow, 1.0, p[0], -1.0, 128.0, yellowBlue);
}

} // namespace

TextAreas findTextAreas(const cv::Mat &bgr)
{
    TextAreas out;
    if (bgr.empty() || bgr.type() != CV_8UC3 || std::min(bgr.cols, bgr.rows) < 2 * kMinLetter)
        return out;
    const cv::Rect whole(0, 0, bgr.cols, bgr.rows);
    cv::Mat grey, thin[2];
    cv::cvtColor(bgr, grey, cv::COLOR_BGR2GRAY);
    thinShapes(grey, thin);
    std::vector<cv::Rect> areas;
    addRowAreas(thin, kBrightnessStep, areas);
    addRowAreas(thin, kStrongStep, areas, kStrongRow);
    double greyShare = 0, colourShare = 0;
    out.search.grey = coverOf(std::move(areas), whole, greyShare);
    out.search.greyImage = grey;
    // Letters of another hue at about their ground's brightness.
    cv::Mat redGreen, yellowBlue;
    colourAxes(bgr, redGreen, yellowBlue);
    areas.clear();
    for (const cv::Mat *axis : {&redGreen, &yellowBlue}) {
        thinShapes(*axis, thin);
        addRowAreas(thin, kHueStep, areas);
    }
    out.search.colour = coverOf(std::move(areas), whole, colourShare);
    out.share = (greyShare + 2 * colourShare) / 3;
    return out;
}

} // namespace listinglens
