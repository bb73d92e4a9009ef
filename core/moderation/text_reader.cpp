#include "text_reader.h"

#include <opencv2/features2d.hpp>
#include <opencv2/imgproc.hpp>

#include <tesseract/baseapi.h>
#include <tesseract/resultiterator.h>

#include <algorithm>
#include <cmath>
#include <map>

namespace listinglens {

namespace {

// Lines are searched for on a decode with a long side of about kSearchSide
// pixels when the reduced one is shorter than kMinSearchSide (textSearchScale).
constexpr int kMinSearchSide = 400, kSearchSide = 512;

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

// Stable regions the size and shape of a character, one per place (MSER
// returns nested ones: the largest of each overlapping group stands).
std::vector<Glyph> findGlyphs(const cv::Mat &bgr, const cv::Mat &gray)
{
    const int maxHeight = std::max(8, gray.rows / 4);
    auto mser = cv::MSER::create(/*delta=*/5, /*min_area=*/12, /*max_area=*/maxHeight * maxHeight);
    std::vector<std::vector<cv::Point>> points;
    std::vector<cv::Rect> boxes;
    mser->detectRegions(gray, points, boxes);
    // Shaped like characters.
    std::vector<Glyph> shaped;
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

namespace {

struct FoundLine {
    cv::RotatedRect box;
    cv::Vec3f colour; // its letters' median colour, BGR
    int glyphs = 0;
};

std::vector<FoundLine> findLines(const cv::Mat &bgr, int maxRegions)
{
    std::vector<FoundLine> regions;
    if (bgr.empty() || maxRegions <= 0 || bgr.rows < 8 || bgr.cols < 8)
        return regions;
    cv::Mat colour = bgr, gray;
    if (bgr.type() != CV_8UC3) { // grey, BGRA or 16-bit: as 8-bit BGR
        cv::Mat eight;
        bgr.convertTo(eight, CV_8U, bgr.depth() == CV_16U ? 1.0 / 256 : 1.0);
        cv::cvtColor(eight, colour, eight.channels() == 1 ? cv::COLOR_GRAY2BGR : cv::COLOR_BGRA2BGR);
    }
    cv::cvtColor(colour, gray, cv::COLOR_BGR2GRAY);
    const std::vector<Glyph> glyphs = findGlyphs(colour, gray);
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
        cv::Vec3f colour;
        for (int k = 0; k < 3; ++k) {
            std::vector<float> channel;
            for (const Glyph *g : members)
                channel.push_back(g->colour[k]);
            std::nth_element(channel.begin(), channel.begin() + std::ptrdiff_t(channel.size() / 2), channel.end());
            colour[k] = channel[channel.size() / 2];
        }
        lines.push_back({members.size(), {cv::RotatedRect(centre, cv::Size2f(hi - lo + 2 * along, bottom - top + 2 * across), angle), colour, int(members.size())}});
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

// One Tesseract per language: in one instance "eng+rus" reads Latin
// contacts with Cyrillic look-alikes ("@о!9а25" for "@olga25"). The first
// language reads every line; the next only those the first read badly.
struct TextReader::Api {
    std::vector<std::unique_ptr<tesseract::TessBaseAPI>> tess;
};

Result<std::unique_ptr<TextReader>> TextReader::open(const TextReaderOptions &options)
{
    auto api = std::make_unique<Api>();
    const QByteArray dir = options.dataDir.toLocal8Bit();
    for (const QString &language : options.languages.split(QLatin1Char('+'), Qt::SkipEmptyParts)) {
        auto tess = std::make_unique<tesseract::TessBaseAPI>();
        // Init writes its complaints to stderr and returns -1: the refusal says which pack.
        if (tess->Init(dir.isEmpty() ? nullptr : dir.constData(), language.toLatin1().constData(), tesseract::OEM_LSTM_ONLY) != 0)
            return Error{ErrorCode::ModelError,
                         QStringLiteral("Tesseract could not load the language data %1 (install tesseract-ocr-%2, or set the tessdata folder)")
                             .arg(options.languages, language)};
        tess->SetPageSegMode(tesseract::PSM_SINGLE_LINE);
        tess->SetVariable("debug_file", "/dev/null");
        api->tess.push_back(std::move(tess));
    }
    if (api->tess.empty())
        return Error{ErrorCode::ModelError, QStringLiteral("no Tesseract language given (TextReaderOptions::languages, e.g. eng+rus)")};
    return std::unique_ptr<TextReader>(new TextReader(options, std::move(api)));
}

TextReader::TextReader(TextReaderOptions options, std::unique_ptr<Api> api) : m_options(std::move(options)), m_api(std::move(api)) {}

TextReader::~TextReader()
{
    if (m_api) {
        for (auto &tess : m_api->tess)
            tess->End();
    }
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

// The line by its letters' colour: each pixel's distance from it, so the
// letters are dark and any ground, lighter or darker, is light.
cv::Mat colourDistanceImage(const cv::Mat &bgrLine, const cv::Vec3f &colour)
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
    if (gray.rows < 48)
        cv::resize(gray, gray, {}, 48.0 / gray.rows, 48.0 / gray.rows, cv::INTER_CUBIC);
    return gray;
}

constexpr const char *kOtsu = "0", *kSauvola = "2"; // Tesseract's thresholding_method

struct Read {
    QStringList words;
    double confidence = 0; // mean of the words kept
    int kept = 0, total = 0; // characters kept, characters read
    bool binary = false;
    double score() const { return confidence * kept; }
};

// Word by word: what the margins add ("|", "i" from an edge) is read with
// low confidence and goes; the words that stand make the line.
Read readWords(tesseract::TessBaseAPI &tess, const cv::Mat &gray, double minConfidence)
{
    Read out;
    tess.SetImage(gray.data, gray.cols, gray.rows, 1, int(gray.step));
    if (tess.Recognize(nullptr) != 0) {
        tess.Clear();
        return out;
    }
    std::unique_ptr<tesseract::ResultIterator> it(tess.GetIterator());
    if (it) {
        do {
            std::unique_ptr<char[]> word(it->GetUTF8Text(tesseract::RIL_WORD));
            const double conf = it->Confidence(tesseract::RIL_WORD) / 100.0;
            const QString text = QString::fromUtf8(word.get()).simplified();
            out.total += int(text.size());
            // Runs of digits (a number's groups) are read less surely than
            // words from a dictionary, and margins never make them: they
            // stand at a lower confidence.
            const bool digits = std::count_if(text.begin(), text.end(), [](QChar c) { return c.isDigit(); }) >= 3;
            if (text.isEmpty() || conf < (digits ? 0.6 * minConfidence : minConfidence))
                continue;
            out.words << text;
            out.kept += int(text.size());
            out.confidence += conf * double(text.size());
        } while (it->Next(tesseract::RIL_WORD));
    }
    tess.Clear();
    if (out.kept > 0)
        out.confidence /= out.kept;
    return out;
}

// The line turned level and cut out, a little longer than its glyphs (the
// ends of a line are where MSER most often loses characters), and read: by
// its letters' colour when it is known (distance from it, so the text is
// dark and every ground light, read with Tesseract's global Otsu threshold),
// then along its main colour axis with Otsu, then with Sauvola's local
// threshold (text over a gradient or a busy ground); then the
// other languages on the best of those. The first read that is good (sure
// of itself, and as long as the `glyphs` found on the line) stands, else the best.
std::vector<TextLine> readLine(std::vector<std::unique_ptr<tesseract::TessBaseAPI>> &tess, double minConfidence, const cv::Mat &image,
                               const cv::RotatedRect &region, const cv::Vec3f *colour, int glyphs, int scale, int &readsLeft)
{
    const float extra = std::min(region.size.height * 1.0f, float(image.cols) / 4.0f);
    const cv::Size size(std::max(1, int(std::lround(region.size.width + 2 * extra))), std::max(1, int(std::lround(region.size.height))));
    if (size.area() > 4'000'000 || size.height < 4 || image.type() != CV_8UC3)
        return {};
    cv::Mat turn = cv::getRotationMatrix2D(region.center, region.angle, 1.0);
    turn.at<double>(0, 2) += size.width / 2.0 - region.center.x;
    turn.at<double>(1, 2) += size.height / 2.0 - region.center.y;
    cv::Mat line;
    cv::warpAffine(image, line, turn, size, cv::INTER_LINEAR, cv::BORDER_REPLICATE);
    const auto good = [glyphs](const Read &r) { return r.confidence >= 0.85 && r.kept >= 0.8 * std::max(r.total, glyphs); };
    std::vector<cv::Mat> images;
    Read best;
    int bestImage = -1;
    const auto attempt = [&](tesseract::TessBaseAPI &api, const cv::Mat &gray, int index, const char *thresholding) {
        if (readsLeft <= 0)
            return true; // the photo's reads are spent: the best so far stands
        --readsLeft;
        api.SetVariable("thresholding_method", thresholding);
        if (Read r = readWords(api, gray, minConfidence); r.score() > best.score()) {
            best = std::move(r);
            bestImage = index;
        }
        return good(best);
    };
    bool done = false;
    if (colour) {
        images.push_back(colourDistanceImage(line, *colour));
        attempt(*tess.front(), images.back(), 0, kOtsu); // sure of a part of the line at times: the next is read too
    }
    if (!done) {
        images.push_back(lineImage(line));
        done = attempt(*tess.front(), images.back(), int(images.size()) - 1, kOtsu);
    }
    if (!done)
        done = attempt(*tess.front(), images.back(), int(images.size()) - 1, kSauvola);
    for (std::size_t i = 1; i < tess.size() && !done; ++i)
        done = attempt(*tess[i], images[std::size_t(std::max(0, bestImage))], bestImage, bestImage == 0 ? kOtsu : kSauvola);
    if (best.words.isEmpty())
        return {};
    const cv::Rect box = region.boundingRect();
    return {{best.words.join(QLatin1Char(' ')), QRect(box.x * scale, box.y * scale, box.width * scale, box.height * scale), best.confidence}};
}

} // namespace

std::vector<TextLine> TextReader::readRegion(const cv::Mat &image, const cv::RotatedRect &region, int scale)
{
    int reads = std::max(1, m_options.maxReads);
    return readLine(m_api->tess, m_options.minConfidence, image, region, nullptr, 0, scale, reads);
}

int textSearchScale(const cv::Mat &reduced, int scale)
{
    // On a smaller image, text a few percent of the photo high is a few
    // pixels and its letters run together.
    const int longSide = std::max(reduced.cols, reduced.rows);
    if (longSide > 0 && longSide < kMinSearchSide && scale > 1)
        return std::clamp(longSide * scale / kSearchSide, 1, scale - 1);
    return scale;
}

std::vector<TextLine> TextReader::read(const cv::Mat &reduced, int scale, const std::function<cv::Mat(int scale)> &decodeAt)
{
    std::vector<TextLine> lines;
    scale = std::max(1, scale);
    // Each larger decode is asked for at most once per photo.
    std::map<int, cv::Mat> decoded;
    const auto decode = [&](int s) -> const cv::Mat & {
        auto it = decoded.find(s);
        if (it == decoded.end())
            it = decoded.emplace(s, decodeAt(s)).first;
        return it->second;
    };
    const cv::Mat *searched = &reduced;
    int searchedScale = scale;
    if (const int s = textSearchScale(reduced, scale); s != scale && decodeAt) {
        if (const cv::Mat &m = decode(s); !m.empty()) {
            searched = &m;
            searchedScale = s;
        }
    }
    // Bounded work a photo, whatever is on it, and the same result on any
    // machine (a count, not a clock): the lines most like text come first.
    int readsLeft = m_options.maxReads;
    for (const FoundLine &found : findLines(*searched, m_options.maxRegions)) {
        if (readsLeft <= 0)
            break;
        const cv::RotatedRect &region = found.box;
        const cv::Mat *image = searched;
        cv::RotatedRect box = region;
        int boxScale = searchedScale;
        // Too small to read here: the same line from a larger decode.
        if (std::min(region.size.width, region.size.height) < m_options.minTextHeight && searchedScale > 1 && decodeAt) {
            const int largerScale = std::max(1, searchedScale / 4);
            if (const cv::Mat &larger = decode(largerScale); !larger.empty()) {
                const float f = float(searchedScale) / float(largerScale);
                box = cv::RotatedRect(region.center * f, cv::Size2f(region.size.width * f, region.size.height * f), region.angle);
                image = &larger;
                boxScale = largerScale;
            }
        }
        auto read = readLine(m_api->tess, m_options.minConfidence, *image, box, &found.colour, found.glyphs, boxScale, readsLeft);
        lines.insert(lines.end(), read.begin(), read.end());
    }
    return lines;
}

} // namespace listinglens
