#include "text_reader.h"

#include <opencv2/features2d.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/imgcodecs.hpp>

#include <tesseract/baseapi.h>
#include <tesseract/resultiterator.h>

#include <algorithm>
#include <cmath>
#include <map>

namespace listinglens {

namespace {

struct Glyph {
    cv::Rect box;
    cv::Point2f centre;
};

// Stable regions the size and shape of a character, one per place (MSER
// returns nested ones: the largest of each overlapping group stands).
std::vector<Glyph> findGlyphs(const cv::Mat &gray)
{
    const int maxHeight = std::max(8, gray.rows / 4);
    auto mser = cv::MSER::create(/*delta=*/5, /*min_area=*/12, /*max_area=*/maxHeight * maxHeight);
    std::vector<std::vector<cv::Point>> points;
    std::vector<cv::Rect> boxes;
    mser->detectRegions(gray, points, boxes);
    // Shaped like characters.
    std::vector<cv::Rect> shaped;
    for (std::size_t i = 0; i < boxes.size() && shaped.size() < 3000; ++i) {
        const cv::Rect &b = boxes[i];
        const double aspect = double(b.width) / b.height;
        const double fill = double(points[i].size()) / b.area();
        if (b.height >= 5 && b.height <= maxHeight && aspect >= 0.08 && aspect <= 1.6 && fill >= 0.12 && fill <= 0.92)
            shaped.push_back(b);
    }
    // A region around two or more smaller ones is a group (a word, a sign,
    // a window with its panes), not a character: it goes. Of the rest that
    // overlap, the larger stands (a letter rather than its bowl).
    std::vector<cv::Rect> kept;
    for (const cv::Rect &b : shaped) {
        int within = 0;
        for (const cv::Rect &o : shaped) {
            if (o.area() < b.area() / 2 && o.height >= b.height / 3 && (o & b).area() >= 0.8 * o.area())
                ++within;
        }
        if (within < 2)
            kept.push_back(b);
    }
    std::sort(kept.begin(), kept.end(), [](const cv::Rect &a, const cv::Rect &b) { return a.area() > b.area(); });
    std::vector<Glyph> glyphs;
    for (const cv::Rect &b : kept) {
        bool overlaps = false;
        for (const Glyph &g : glyphs) {
            if ((g.box & b).area() > 0.5 * b.area()) {
                overlaps = true;
                break;
            }
        }
        if (!overlaps)
            glyphs.push_back({b, cv::Point2f(b.x + b.width / 2.0f, b.y + b.height / 2.0f)});
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
    if (spread > 0.35)
        return false;
    cv::fitLine(centres, fitted, cv::DIST_L2, 0, 0.01, 0.01);
    // Centres off the line: a row of letters stays within a quarter of their height.
    double off = 0;
    for (const cv::Point2f &c : centres)
        off += std::abs((c.x - fitted[2]) * fitted[1] - (c.y - fitted[3]) * fitted[0]);
    return off / n <= 0.25 * height && std::abs(fitted[1]) <= 0.6; // within about 35 degrees of level
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

std::vector<cv::RotatedRect> findTextRegions(const cv::Mat &bgr, int maxRegions)
{
    std::vector<cv::RotatedRect> regions;
    if (bgr.empty() || maxRegions <= 0 || bgr.rows < 8 || bgr.cols < 8)
        return regions;
    cv::Mat gray;
    cv::cvtColor(bgr, gray, cv::COLOR_BGR2GRAY);
    const std::vector<Glyph> glyphs = findGlyphs(gray);
    // Neighbours: of a height, and about a character apart.
    std::vector<int> parent(glyphs.size());
    for (std::size_t i = 0; i < parent.size(); ++i)
        parent[i] = int(i);
    for (std::size_t i = 0; i < glyphs.size(); ++i) {
        for (std::size_t j = i + 1; j < glyphs.size(); ++j) {
            const Glyph &a = glyphs[i], &b = glyphs[j];
            const double h = std::max(a.box.height, b.box.height);
            if (h > 1.5 * std::min(a.box.height, b.box.height))
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
    std::vector<std::pair<std::size_t, cv::RotatedRect>> lines;
    for (const auto &members : chains) {
        cv::Vec4f fitted;
        double height = 0;
        if (!isLine(members, fitted, height))
            continue;
        std::vector<cv::Point2f> corners;
        for (const Glyph *g : members) {
            corners.emplace_back(float(g->box.x), float(g->box.y));
            corners.emplace_back(float(g->box.br().x), float(g->box.br().y));
            corners.emplace_back(float(g->box.x), float(g->box.br().y));
            corners.emplace_back(float(g->box.br().x), float(g->box.y));
        }
        // Along the fitted line: its angle, the glyphs' extent, a margin of a third of their height.
        const float angle = float(std::atan2(fitted[1], fitted[0]) * 180.0 / CV_PI);
        const cv::Point2f dir(fitted[0], fitted[1]), normal(-fitted[1], fitted[0]);
        float lo = 1e9f, hi = -1e9f, top = 1e9f, bottom = -1e9f;
        const cv::Point2f origin(fitted[2], fitted[3]);
        for (const cv::Point2f &c : corners) {
            const cv::Point2f v = c - origin;
            lo = std::min(lo, v.dot(dir));
            hi = std::max(hi, v.dot(dir));
            top = std::min(top, v.dot(normal));
            bottom = std::max(bottom, v.dot(normal));
        }
        // Margins: a character's width at each end (the first and last are
        // whole, and Tesseract wants white space round a line), a third of
        // the height above and below.
        const float along = float(height) * 0.8f, across = float(height) / 3.0f;
        const cv::Point2f centre = origin + dir * ((lo + hi) / 2.0f) + normal * ((top + bottom) / 2.0f);
        lines.push_back({members.size(), cv::RotatedRect(centre, cv::Size2f(hi - lo + 2 * along, bottom - top + 2 * across), angle)});
    }
    std::sort(lines.begin(), lines.end(), [](const auto &a, const auto &b) { return a.first > b.first; });
    for (const auto &line : lines) {
        if (int(regions.size()) >= maxRegions)
            break;
        regions.push_back(line.second);
    }
    return regions;
}

struct TextReader::Api {
    tesseract::TessBaseAPI tess;
};

Result<std::unique_ptr<TextReader>> TextReader::open(const TextReaderOptions &options)
{
    auto api = std::make_unique<Api>();
    const QByteArray dir = options.dataDir.toLocal8Bit();
    const QByteArray languages = options.languages.toLatin1();
    // Init writes its complaints to stderr and returns -1: the refusal says which packs.
    if (api->tess.Init(dir.isEmpty() ? nullptr : dir.constData(), languages.constData(), tesseract::OEM_LSTM_ONLY) != 0)
        return Error{ErrorCode::ModelError,
                     QStringLiteral("Tesseract could not load the language data %1 (install tesseract-ocr-%2, or set the tessdata folder)")
                         .arg(options.languages, options.languages.section(QLatin1Char('+'), 0, 0))};
    api->tess.SetPageSegMode(tesseract::PSM_SINGLE_LINE);
    api->tess.SetVariable("debug_file", "/dev/null");
    return std::unique_ptr<TextReader>(new TextReader(options, std::move(api)));
}

TextReader::TextReader(TextReaderOptions options, std::unique_ptr<Api> api) : m_options(std::move(options)), m_api(std::move(api)) {}

TextReader::~TextReader()
{
    if (m_api)
        m_api->tess.End();
}

namespace {

// The line as Tesseract reads best: one grey channel along the colour axis
// that separates the text from what is behind it (red on grey tiles is
// faint in plain luminance), dark text on a light ground, capitals about
// 30 px high.
cv::Mat lineImage(const cv::Mat &bgrLine)
{
    cv::Mat samples;
    bgrLine.reshape(1, bgrLine.rows * bgrLine.cols).convertTo(samples, CV_32F);
    const cv::PCA pca(samples, cv::noArray(), cv::PCA::DATA_AS_ROW, 1);
    cv::Mat projected = pca.project(samples).reshape(1, bgrLine.rows);
    cv::Mat gray;
    cv::normalize(projected, gray, 0, 255, cv::NORM_MINMAX, CV_8U);
    // The ground is what most of the line is: the median decides which way round.
    cv::Mat sorted = gray.reshape(1, 1).clone();
    cv::sort(sorted, sorted, cv::SORT_ASCENDING);
    if (sorted.at<uchar>(0, sorted.cols / 2) < 128)
        gray = 255 - gray;
    if (gray.rows < 48)
        cv::resize(gray, gray, {}, 48.0 / gray.rows, 48.0 / gray.rows, cv::INTER_CUBIC);
    return gray;
}

} // namespace

std::vector<TextLine> TextReader::readRegion(const cv::Mat &image, const cv::RotatedRect &region, int scale)
{
    // The line turned level and cut out, a little longer than its glyphs
    // (the ends of a line are where MSER most often loses characters).
    const float extra = std::min(region.size.height * 2.0f, float(image.cols) / 4.0f);
    const cv::Size size(std::max(1, int(std::lround(region.size.width + 2 * extra))), std::max(1, int(std::lround(region.size.height))));
    if (size.area() > 4'000'000 || size.height < 4)
        return {};
    cv::Mat turn = cv::getRotationMatrix2D(region.center, region.angle, 1.0);
    turn.at<double>(0, 2) += size.width / 2.0 - region.center.x;
    turn.at<double>(1, 2) += size.height / 2.0 - region.center.y;
    cv::Mat line;
    cv::warpAffine(image, line, turn, size, cv::INTER_LINEAR, cv::BORDER_REPLICATE);
    const cv::Mat gray = lineImage(line);
    if (const char *dbg = getenv("LL_DEBUG_CROPS")) { static int n = 0; cv::imwrite(std::string(dbg) + "/crop_" + std::to_string(n++) + ".png", gray); }
    m_api->tess.SetImage(gray.data, gray.cols, gray.rows, 1, int(gray.step));
    if (m_api->tess.Recognize(nullptr) != 0) {
        m_api->tess.Clear();
        return {};
    }
    // Word by word: what the margins add ("|", "i" from an edge) is read
    // with low confidence and goes; the words that stand make the line.
    QStringList words;
    double confidence = 0;
    std::unique_ptr<tesseract::ResultIterator> it(m_api->tess.GetIterator());
    if (it) {
        do {
            std::unique_ptr<char[]> word(it->GetUTF8Text(tesseract::RIL_WORD));
            const double conf = it->Confidence(tesseract::RIL_WORD) / 100.0;
            const QString text = QString::fromUtf8(word.get()).simplified();
            if (text.isEmpty() || conf < m_options.minConfidence)
                continue;
            words << text;
            confidence += conf;
        } while (it->Next(tesseract::RIL_WORD));
    }
    m_api->tess.Clear();
    if (words.isEmpty())
        return {};
    const cv::Rect box = region.boundingRect();
    return {{words.join(QLatin1Char(' ')), QRect(box.x * scale, box.y * scale, box.width * scale, box.height * scale),
             confidence / double(words.size())}};
}

std::vector<TextLine> TextReader::read(const cv::Mat &reduced, int scale, const std::function<cv::Mat(int scale)> &decodeAt)
{
    std::vector<TextLine> lines;
    scale = std::max(1, scale);
    cv::Mat larger;
    int largerScale = 0;
    for (const cv::RotatedRect &region : findTextRegions(reduced, m_options.maxRegions)) {
        const cv::Mat *image = &reduced;
        cv::RotatedRect box = region;
        int boxScale = scale;
        // Too small to read here: the same line from a larger decode, made once per photo.
        if (std::min(region.size.width, region.size.height) < m_options.minTextHeight && scale > 1 && decodeAt) {
            if (largerScale == 0) {
                largerScale = std::max(1, scale / 4);
                larger = decodeAt(largerScale);
            }
            if (!larger.empty()) {
                const float f = float(scale) / float(largerScale);
                box = cv::RotatedRect(region.center * f, cv::Size2f(region.size.width * f, region.size.height * f), region.angle);
                image = &larger;
                boxScale = largerScale;
            }
        }
        auto found = readRegion(*image, box, boxScale);
        lines.insert(lines.end(), found.begin(), found.end());
    }
    return lines;
}

} // namespace listinglens
