#include "line_finder.h"

#include <opencv2/features2d.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <map>

namespace listinglens {

namespace {

struct Glyph {
    cv::Rect box;
    cv::Point2f centre;
    cv::Vec3f colour; // mean BGR of its pixels: the letters of a line share one
};

// Letters of one line: of a height within kHeightRatio (a capital beside a
// lower-case letter) and of one colour within kColourStep per channel.
constexpr double kHeightRatio = 2.0;
constexpr float kColourStep = 40.0f;

bool alike(const Glyph &a, const Glyph &b)
{
    if (std::max(a.box.height, b.box.height) > kHeightRatio * std::min(a.box.height, b.box.height))
        return false;
    for (int k = 0; k < 3; ++k) {
        if (std::abs(a.colour[k] - b.colour[k]) > kColourStep)
            return false;
    }
    return true;
}

// One MSER a thread, kept for areas within the lane's largest search image
// (640 x 640): its buffers (about 60 bytes a pixel of the largest area
// searched, 25 MB at most) stay allocated from pass to pass and photo to
// photo, where a new one allocates and zero-fills them for each pass of each
// area. A larger area (findLines called on a larger image) gets an MSER of
// its own, freed after it, so no thread keeps more than that. It holds no
// other state between calls, and the parameters are set for each.
constexpr int kKeptMserPixels = 640 * 640;

void detectStableRegions(const cv::Mat &channel, int delta, int maxArea, std::vector<std::vector<cv::Point>> &points,
                         std::vector<cv::Rect> &boxes)
{
    if (channel.total() > std::size_t(kKeptMserPixels)) {
        cv::MSER::create(delta, /*min_area=*/12, maxArea)->detectRegions(channel, points, boxes);
        return;
    }
    thread_local cv::Ptr<cv::MSER> mser;
    if (!mser)
        mser = cv::MSER::create(delta, /*min_area=*/12, maxArea);
    mser->setDelta(delta);
    mser->setMinArea(12);
    mser->setMaxArea(maxArea);
    mser->detectRegions(channel, points, boxes);
}

// Stable regions the size and shape of a character, one per place (MSER
// returns nested ones: the largest of each overlapping group stands).
// Stable regions of one channel shaped like characters, added to `shaped`.
void shapedRegions(const cv::Mat &bgr, const cv::Mat &channel, int delta, int maxHeight, std::vector<Glyph> &shaped)
{
    std::vector<std::vector<cv::Point>> points;
    std::vector<cv::Rect> boxes;
    detectStableRegions(channel, delta, maxHeight * maxHeight, points, boxes);
    for (std::size_t i = 0; i < boxes.size() && shaped.size() < 3000; ++i) {
        const cv::Rect &b = boxes[i];
        const double aspect = double(b.width) / b.height;
        const double fill = double(points[i].size()) / b.area();
        if (b.height >= 5 && b.height <= maxHeight && aspect >= 0.08 && aspect <= 1.6 && fill >= 0.12 && fill <= 0.92) {
            cv::Vec3f sum(0, 0, 0);
            for (const cv::Point &p : points[i])
                sum += cv::Vec3f(bgr.at<cv::Vec3b>(p));
            shaped.push_back({b, cv::Point2f(b.x + b.width / 2.0f, b.y + b.height / 2.0f), sum / float(points[i].size())});
        }
    }
}

// Letters of another hue than their ground at about its brightness
// (blue on beige, red on pink) stand out in Lab's colour axes, stretched
// twice: sellers write in colour. Their shaped regions, added to `shaped`.
void colourRegions(const cv::Mat &bgr, int maxHeight, std::vector<Glyph> &shaped)
{
    cv::Mat lab;
    cv::cvtColor(bgr, lab, cv::COLOR_BGR2Lab);
    std::vector<cv::Mat> planes;
    cv::split(lab, planes);
    for (int k = 1; k < 3; ++k) {
        cv::Mat c;
        planes[std::size_t(k)].convertTo(c, CV_8U, 2.0, -128.0);
        shapedRegions(bgr, c, 5, maxHeight, shaped);
    }
}

std::vector<Glyph> lettersOf(const std::vector<Glyph> &shaped);

// Letters no taller than maxHeight.
std::vector<Glyph> findGlyphs(const cv::Mat &bgr, const cv::Mat &gray, int maxHeight)
{
    std::vector<Glyph> shaped;
    shapedRegions(bgr, gray, 5, maxHeight, shaped);
    colourRegions(bgr, maxHeight, shaped);
    return lettersOf(shaped);
}

// The shaped regions that are letters.
std::vector<Glyph> lettersOf(const std::vector<Glyph> &shaped)
{
    // A region around two or more smaller ones apart from each other is a
    // group (a word, a sign, a window with its panes), not a character: it
    // goes. (The nested levels of one letter's stroke or bowl are not apart:
    // they count once.) Of the rest that overlap, the larger of about one
    // height stands (a letter rather than its bowl).
    std::vector<Glyph> kept;
    for (const Glyph &b : shaped) {
        std::vector<cv::Rect> parts;
        for (const Glyph &o : shaped) {
            if (o.box.area() < b.box.area() / 2 && o.box.height >= b.box.height / 2 && (o.box & b.box).area() >= 0.8 * o.box.area()
                && std::none_of(parts.begin(), parts.end(), [&](const cv::Rect &r) { return (r & o.box).area() >= 0.5 * std::min(r.area(), o.box.area()); }))
                parts.push_back(o.box);
            if (parts.size() >= 2)
                break;
        }
        if (parts.size() < 2)
            kept.push_back(b);
    }
    std::sort(kept.begin(), kept.end(), [](const Glyph &a, const Glyph &b) { return a.box.area() > b.box.area(); });
    std::vector<Glyph> glyphs;
    for (const Glyph &b : kept) {
        const bool overlaps = std::any_of(glyphs.begin(), glyphs.end(), [&](const Glyph &g) {
            return (g.box & b.box).area() > 0.5 * b.box.area() && g.box.height <= 2 * b.box.height;
        });
        if (!overlaps)
            glyphs.push_back(b);
    }
    return glyphs;
}

int findRoot(std::vector<int> &parent, int i)
{
    while (parent[std::size_t(i)] != i)
        i = parent[std::size_t(i)] = parent[std::size_t(parent[std::size_t(i)])];
    return i;
}

// A chain of glyphs is a line when it has enough of them, of one height,
// on one straight line.
bool isLine(const std::vector<const Glyph *> &members, cv::Vec4f &fitted, double &height)
{
    if (members.size() < 4)
        return false;
    std::vector<cv::Point2f> centres;
    double sum = 0, sumSq = 0;
    for (const Glyph *g : members) {
        centres.push_back(g->centre);
        sum += g->box.height;
        sumSq += double(g->box.height) * g->box.height;
    }
    const double n = double(members.size());
    height = sum / n;
    const double spread = std::sqrt(std::max(0.0, sumSq / n - height * height)) / height;
    if (spread > 0.45)
        return false;
    cv::fitLine(centres, fitted, cv::DIST_L2, 0, 0.01, 0.01);
    // Centres off the line: a row of letters stays within a quarter of their height.
    double off = 0;
    for (const cv::Point2f &c : centres)
        off += std::abs((c.x - fitted[2]) * fitted[1] - (c.y - fitted[3]) * fitted[0]);
    return off / n <= 0.25 * height && std::abs(fitted[1]) <= 0.6; // within about 35 degrees of level
}

// The glyphs of `members` on the row through a and b: centres within a
// third of a height of the line through theirs, of about their height.
std::vector<const Glyph *> rowThrough(const std::vector<const Glyph *> &members, const Glyph &a, const Glyph &b)
{
    std::vector<const Glyph *> row;
    cv::Point2f dir = b.centre - a.centre;
    const float length = std::hypot(dir.x, dir.y), height = float(a.box.height + b.box.height) / 2.0f;
    if (length <= 0)
        return row;
    dir /= length;
    if (std::abs(dir.y) > 0.6f) // within about 35 degrees of level
        return row;
    for (const Glyph *g : members) {
        const cv::Point2f v = g->centre - a.centre;
        if (std::abs(v.x * dir.y - v.y * dir.x) <= 0.3f * height && g->box.height <= 1.8f * height && 1.8f * g->box.height >= height)
            row.push_back(g);
    }
    return row;
}

// The rows of a chain. Letters of two rows on a slant chain together (a
// letter within reach of one of the next row): the row through the most
// glyphs is taken out, then the next, while one of four or more is left
// (eight rows at most; a chain of more than kMaxSplit glyphs is a texture,
// not split). Of a chain of one row, that row.
constexpr std::size_t kMaxSplit = 160;

std::vector<std::vector<const Glyph *>> rowsOf(std::vector<const Glyph *> members)
{
    std::vector<std::vector<const Glyph *>> rows;
    const bool split = members.size() <= kMaxSplit;
    while (members.size() >= 4 && rows.size() < 8) {
        cv::Vec4f fitted;
        double height = 0;
        if (isLine(members, fitted, height)) {
            rows.push_back(std::move(members));
            break;
        }
        if (!split)
            break;
        std::vector<const Glyph *> best;
        for (std::size_t i = 0; i < members.size(); ++i) {
            for (std::size_t j = i + 1; j < members.size(); ++j) {
                const Glyph &a = *members[i], &b = *members[j];
                const cv::Point2f d = a.centre - b.centre;
                if (std::hypot(d.x, d.y) > 2.5 * std::max(a.box.height, b.box.height) || !alike(a, b))
                    continue;
                if (auto row = rowThrough(members, a, b); row.size() > best.size())
                    best = std::move(row);
            }
        }
        if (best.size() < 4)
            break;
        members.erase(std::remove_if(members.begin(), members.end(),
                                     [&](const Glyph *g) { return std::find(best.begin(), best.end(), g) != best.end(); }),
                      members.end());
        rows.push_back(std::move(best));
    }
    return rows;
}

// Chains of one line split by spaces and punctuation ("bob.smith@mail.ru",
// "07911 123456") are joined: of a height, on one line, a few characters apart.
std::vector<std::vector<const Glyph *>> joinCollinear(std::vector<std::vector<const Glyph *>> chains)
{
    struct Extent {
        cv::Vec4f line;
        double height = 0;
        float lo = 0, hi = 0;
        bool ok = false;
    };
    const auto measure = [](const std::vector<const Glyph *> &members) {
        Extent e;
        std::vector<cv::Point2f> centres;
        for (const Glyph *g : members) {
            centres.push_back(g->centre);
            e.height += g->box.height;
        }
        e.height /= double(members.size());
        if (members.size() < 2)
            return e;
        cv::fitLine(centres, e.line, cv::DIST_L2, 0, 0.01, 0.01);
        e.lo = 1e9f;
        e.hi = -1e9f;
        for (const cv::Point2f &c : centres) {
            const float t = (c.x - e.line[2]) * e.line[0] + (c.y - e.line[3]) * e.line[1];
            e.lo = std::min(e.lo, t);
            e.hi = std::max(e.hi, t);
        }
        e.ok = true;
        return e;
    };
    for (bool joined = true; joined;) {
        joined = false;
        std::vector<Extent> extents;
        for (const auto &c : chains)
            extents.push_back(measure(c));
        for (std::size_t i = 0; i < chains.size() && !joined; ++i) {
            for (std::size_t j = 0; j < chains.size() && !joined; ++j) {
                const Extent &a = extents[i], &b = extents[j];
                if (i == j || !a.ok || !b.ok || std::max(a.height, b.height) > 1.5 * std::min(a.height, b.height))
                    continue;
                if (std::abs(a.line[0] * b.line[1] - a.line[1] * b.line[0]) > 0.17) // about 10 degrees
                    continue;
                // b's centre against a's line: off it by less than half a height, and a few heights past its end.
                const cv::Point2f bc(b.line[2], b.line[3]);
                const float along = (bc.x - a.line[2]) * a.line[0] + (bc.y - a.line[3]) * a.line[1];
                const float off = std::abs((bc.x - a.line[2]) * a.line[1] - (bc.y - a.line[3]) * a.line[0]);
                const float bHalf = (b.hi - b.lo) / 2.0f;
                const float gap = std::max(along - bHalf - a.hi, a.lo - (along + bHalf));
                if (off <= 0.5f * float(a.height) && gap <= 3.0f * float(a.height)) {
                    chains[i].insert(chains[i].end(), chains[j].begin(), chains[j].end());
                    chains.erase(chains.begin() + std::ptrdiff_t(j));
                    joined = true;
                }
            }
        }
    }
    return chains;
}

} // namespace

// The q-quantile of some values (a copy is sorted in part).
float quantileOf(std::vector<float> v, double q)
{
    const auto k = std::ptrdiff_t(std::min(v.size() - 1, std::size_t(q * double(v.size()))));
    std::nth_element(v.begin(), v.begin() + k, v.end());
    return v[std::size_t(k)];
}

float median(std::vector<float> v) { return quantileOf(std::move(v), 0.5); }

// The line a chain of glyphs makes along its fitted axis, grown at each end
// by glyphs of the photo on the same axis and of about the same height a few
// letters away (a number after "WhatsApp" in another colour, the end of an
// address after a dot the search did not find): its turned box with margins
// of a letter's width at each end (the first and last are whole, and
// Tesseract wants white space round a line) and a third of the letters'
// height above and below, their median colour and how many there are.
FoundLine lineAlong(const std::vector<const Glyph *> &members, const cv::Vec4f &fitted, const std::vector<Glyph> &all)
{
    const cv::Point2f dir(fitted[0], fitted[1]), normal(-fitted[1], fitted[0]), origin(fitted[2], fitted[3]);
    std::vector<float> heights, across, colours[3];
    float lo = 1e9f, hi = -1e9f;
    for (const Glyph *g : members) {
        const cv::Point2f v = g->centre - origin;
        heights.push_back(float(g->box.height));
        across.push_back(v.dot(normal));
        const float half = float(std::abs(g->box.width * dir.x) + std::abs(g->box.height * dir.y)) / 2.0f;
        lo = std::min(lo, v.dot(dir) - half);
        hi = std::max(hi, v.dot(dir) + half);
        for (int k = 0; k < 3; ++k)
            colours[k].push_back(g->colour[k]);
    }
    // The tall letters' height (capitals, ascenders), not the small ones'.
    const float height = quantileOf(heights, 0.8), middle = median(across);

    int count = int(members.size());
    for (bool grew = true; grew;) {
        grew = false;
        for (const Glyph &g : all) {
            const cv::Point2f v = g.centre - origin;
            const float t = v.dot(dir), half = float(std::abs(g.box.width * dir.x) + std::abs(g.box.height * dir.y)) / 2.0f;
            const bool onAxis = std::abs(v.dot(normal) - middle) <= 0.35f * height && g.box.height >= 0.4f * height && g.box.height <= 1.4f * height;
            const bool before = t + half < lo && t + half >= lo - 2.5f * height, after = t - half > hi && t - half <= hi + 2.5f * height;
            if (onAxis && (before || after)) {
                lo = std::min(lo, t - half);
                hi = std::max(hi, t + half);
                ++count;
                grew = true;
            }
        }
    }
    const float along = height * 0.8f;
    const cv::Point2f centre = origin + dir * ((lo + hi) / 2.0f) + normal * middle;
    const float angle = float(std::atan2(fitted[1], fitted[0]) * 180.0 / CV_PI);
    const cv::Vec3f colour(median(colours[0]), median(colours[1]), median(colours[2]));
    return {cv::RotatedRect(centre, cv::Size2f(hi - lo + 2 * along, height * (1.0f + 2.0f / 3.0f)), angle), colour, count};
}

namespace {

// Grey, BGRA or 16-bit images as 8-bit BGR.
cv::Mat asBgr(const cv::Mat &bgr)
{
    if (bgr.type() == CV_8UC3)
        return bgr;
    cv::Mat eight, colour;
    bgr.convertTo(eight, CV_8U, bgr.depth() == CV_16U ? 1.0 / 256 : 1.0);
    cv::cvtColor(eight, colour, eight.channels() == 1 ? cv::COLOR_GRAY2BGR : cv::COLOR_BGRA2BGR);
    return colour;
}

int maxLetterHeight(const cv::Mat &image) { return std::max(8, image.rows / 4); }

std::vector<FoundLine> linesOf(const std::vector<Glyph> &glyphs, int maxRegions);

} // namespace

std::vector<FoundLine> findLines(const cv::Mat &bgr, int maxRegions)
{
    if (bgr.empty() || maxRegions <= 0 || bgr.rows < 8 || bgr.cols < 8)
        return {};
    const cv::Mat colour = asBgr(bgr);
    cv::Mat gray;
    cv::cvtColor(colour, gray, cv::COLOR_BGR2GRAY);
    return linesOf(findGlyphs(colour, gray, maxLetterHeight(colour)), maxRegions);
}

std::vector<FoundLine> findLines(const cv::Mat &bgr, const SearchAreas &areas, int maxRegions)
{
    if (bgr.empty() || maxRegions <= 0 || bgr.rows < 8 || bgr.cols < 8)
        return {};
    const cv::Mat colour = asBgr(bgr);
    const int maxHeight = maxLetterHeight(colour);
    std::vector<Glyph> shaped;
    // Regions of an area, moved to the image's pixels.
    const auto searchEach = [&](const std::vector<cv::Rect> &rects, auto &&search) {
        for (const cv::Rect &rect : rects) {
            const cv::Rect a = rect & cv::Rect(0, 0, colour.cols, colour.rows);
            if (a.width < 8 || a.height < 8)
                continue;
            const std::size_t first = shaped.size();
            search(colour(a), a);
            for (std::size_t i = first; i < shaped.size(); ++i) {
                shaped[i].box += a.tl();
                shaped[i].centre += cv::Point2f(a.tl());
            }
        }
    };
    const bool haveGrey = areas.greyImage.type() == CV_8UC1 && areas.greyImage.size() == colour.size();
    searchEach(areas.grey, [&](const cv::Mat &part, const cv::Rect &at) {
        // The gate's grey is the same pixels as converting the part (the conversion is per pixel).
        cv::Mat gray;
        if (haveGrey)
            gray = areas.greyImage(at);
        else
            cv::cvtColor(part, gray, cv::COLOR_BGR2GRAY);
        shapedRegions(part, gray, 5, maxHeight, shaped);
    });
    searchEach(areas.colour, [&](const cv::Mat &part, const cv::Rect &) { colourRegions(part, maxHeight, shaped); });
    return linesOf(lettersOf(shaped), maxRegions);
}

namespace {

// Glyphs chained into lines, most letters first.
std::vector<FoundLine> linesOf(const std::vector<Glyph> &glyphs, int maxRegions)
{
    std::vector<FoundLine> regions;
    // Neighbours: of a height, and about a character apart.
    std::vector<int> parent(glyphs.size());
    for (std::size_t i = 0; i < parent.size(); ++i)
        parent[i] = int(i);
    for (std::size_t i = 0; i < glyphs.size(); ++i) {
        for (std::size_t j = i + 1; j < glyphs.size(); ++j) {
            const Glyph &a = glyphs[i], &b = glyphs[j];
            const double h = std::max(a.box.height, b.box.height);
            if (!alike(a, b))
                continue;
            const cv::Point2f d = a.centre - b.centre;
            if (std::abs(d.y) > 0.8 * h || std::hypot(d.x, d.y) > 2.0 * h)
                continue;
            parent[std::size_t(findRoot(parent, int(i)))] = findRoot(parent, int(j));
        }
    }
    std::map<int, std::vector<const Glyph *>> byRoot;
    for (std::size_t i = 0; i < glyphs.size(); ++i)
        byRoot[findRoot(parent, int(i))].push_back(&glyphs[i]);
    std::vector<std::vector<const Glyph *>> chains;
    for (auto &[root, members] : byRoot) {
        if (members.size() >= 2)
            chains.push_back(std::move(members));
    }
    chains = joinCollinear(std::move(chains));
    std::vector<std::pair<std::size_t, FoundLine>> lines;
    for (const auto &chain : chains) {
        for (const auto &members : rowsOf(chain)) {
            cv::Vec4f fitted;
            double height = 0;
            if (isLine(members, fitted, height))
                lines.emplace_back(members.size(), lineAlong(members, fitted, glyphs));
        }
    }
    std::stable_sort(lines.begin(), lines.end(), [](const auto &a, const auto &b) { return a.first > b.first; });
    for (const auto &line : lines) {
        if (int(regions.size()) >= maxRegions)
            break;
        regions.push_back(line.second);
    }
    return regions;
}

} // namespace

std::vector<cv::RotatedRect> findTextRegions(const cv::Mat &bgr, int maxRegions)
{
    std::vector<cv::RotatedRect> regions;
    for (const FoundLine &line : findLines(bgr, maxRegions))
        regions.push_back(line.box);
    return regions;
}

} // namespace listinglens
