#include "photo_reading.h"

#include "jpeg_decoder.h"
#include "photo_text.h"
#include "text_gate.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>
#include <optional>

namespace listinglens {

namespace {

// Lines are searched for on a decode with a long side of about kSearchSide
// pixels when the model's decode is shorter than kMinSearchSide: text a few
// percent of the photo high is a few pixels there, its letters run together.
constexpr int kMinSearchSide = 400, kSearchSide = 512;
// Letters this high (pixels) read well; smaller ones are read from a larger image.
constexpr double kWantLetterPx = 22;
// Candidate lines looked at per photo; TextReaderOptions::maxLines of them are read.
constexpr int kCandidates = 16;

// Adds the calling thread's CPU time between its making and its end to `into`.
class CpuTimer {
public:
    explicit CpuTimer(double &into) : m_into(into), m_start(threadCpuMs()) {}
    ~CpuTimer() { m_into += threadCpuMs() - m_start; }
    CpuTimer(const CpuTimer &) = delete;
    CpuTimer &operator=(const CpuTimer &) = delete;

private:
    double &m_into;
    double m_start;
};

// `image` reduced by the smallest whole factor that brings it within
// maxPixels; `factor` says by how much (1: as it was).
cv::Mat withinPixels(const cv::Mat &image, qint64 maxPixels, int &factor)
{
    factor = 1;
    const double pixels = double(image.total());
    if (image.empty() || pixels <= double(maxPixels))
        return image;
    factor = int(std::ceil(std::sqrt(pixels / double(maxPixels))));
    while (double(image.cols / factor) * double(image.rows / factor) > double(maxPixels))
        ++factor;
    cv::Mat out;
    cv::resize(image, out, cv::Size(std::max(1, image.cols / factor), std::max(1, image.rows / factor)), 0, 0, cv::INTER_AREA);
    return out;
}

// The images one read works on, each within ReadLimits::maxPixels: the
// search image, and at most one larger one for small text.
class PhotoImages {
public:
    PhotoImages(const ModerationInput &input, const ReadLimits &limits, ReadCosts &costs);

    const cv::Mat &search() const { return m_search; }
    double searchScale() const { return m_searchScale; }
    // The sharpest image the limits allow for letters `letterPx` high on the
    // search image, and its scale; the search image when none is sharper.
    const cv::Mat &detail(double letterPx, double &scale);

private:
    void keep(const cv::Mat &m) { m_costs.largestPixels = std::max(m_costs.largestPixels, qint64(m.total())); }

    const ModerationInput &m_input;
    ReadLimits m_limits;
    ReadCosts &m_costs;
    cv::Mat m_base; // the model's decode, within the limits
    int m_baseScale = 1;
    cv::Mat m_search;
    double m_searchScale = 1;
    cv::Mat m_detail;
    double m_detailScale = 0;
};

PhotoImages::PhotoImages(const ModerationInput &input, const ReadLimits &limits, ReadCosts &costs)
    : m_input(input), m_limits(limits), m_costs(costs)
{
    int factor = 1;
    m_base = withinPixels(input.decoded.bgr, limits.maxPixels, factor);
    m_baseScale = std::max(1, input.decoded.decodeScale) * factor;
    keep(m_base);
    m_search = m_base;
    m_searchScale = m_baseScale;
    const int longSide = std::max(m_base.cols, m_base.rows);
    if (longSide > 0 && longSide < kMinSearchSide && m_baseScale > 1 && !input.bytes.isEmpty()) {
        // libjpeg decodes at 1/1, 1/2, 1/4 or 1/8 only (it gives 1/4 for a 1/5 asked for): a power of two.
        const int s = int(std::bit_floor(unsigned(std::clamp(longSide * m_baseScale / kSearchSide, 1, m_baseScale - 1))));
        if (double(input.decoded.width / s) * double(input.decoded.height / s) <= double(limits.maxPixels)) {
            CpuTimer t(costs.decodeMs);
            if (cv::Mat larger = largerDecode(input, s); !larger.empty()) {
                keep(larger);
                m_search = larger;
                m_searchScale = s;
            }
        }
    }
    if (const int side = std::max(m_search.cols, m_search.rows); side > limits.searchSide) {
        const double f = double(limits.searchSide) / side;
        cv::Mat smaller;
        cv::resize(m_search, smaller, cv::Size(std::max(1, int(m_search.cols * f)), std::max(1, int(m_search.rows * f))), 0, 0, cv::INTER_AREA);
        m_search = smaller;
        m_searchScale /= f;
    }
}

const cv::Mat &PhotoImages::detail(double letterPx, double &scale)
{
    // Photo pixels per image pixel that make the letters kWantLetterPx high.
    const double want = m_searchScale * std::max(1.0, letterPx) / kWantLetterPx;
    if (m_detailScale == 0) {
        m_detail = m_search;
        m_detailScale = m_searchScale;
        if (m_baseScale < m_detailScale) { // a non-JPEG's decode, or a JPEG's that was reduced for the search
            m_detail = m_base;
            m_detailScale = m_baseScale;
        }
        if (!m_input.bytes.isEmpty()) {
            // The JPEG scale (1, 2, 4, 8) nearest above the wanted one whose decode fits.
            const int w = m_input.decoded.width, h = m_input.decoded.height;
            int s = 8;
            while (s > 1 && s / 2 >= want && double(w / (s / 2)) * double(h / (s / 2)) <= double(m_limits.maxPixels))
                s /= 2;
            if (s < m_detailScale && double(w / s) * double(h / s) <= double(m_limits.maxPixels)) {
                CpuTimer t(m_costs.decodeMs);
                if (cv::Mat larger = largerDecode(m_input, s); !larger.empty()) {
                    keep(larger);
                    m_detail = larger;
                    m_detailScale = s;
                }
            }
        }
    }
    scale = m_detailScale;
    return m_detail;
}

// The letters' height of a found line (its box has a third of a height of margin above and below).
double letterHeight(const FoundLine &line) { return line.box.size.height / (1.0 + 2.0 / 3.0); }

// Whether a candidate could hold a contact detail or a brand, decided on its
// shape before OCR: four letters at least, 3.5 letter heights long. Shorter
// marks ("=", "S |", an edge) are not read. The shortest contact is five
// characters ("@abcd"), but brands and stock marks are words as short as
// "alamy" or "Sony": lines of five letters and 4.5 heights would read a fifth
// fewer lines on untouched marketplace photos, and miss "alamy" on a sticker
// (`listinglens-bench text`: stock marks 13 -> 12 of 20 on the unseen set).
bool couldHoldContactOrBrand(const FoundLine &line)
{
    constexpr int kMinLetters = 4;
    constexpr double kMinLength = 3.5; // letter heights
    const double h = letterHeight(line);
    const double length = line.box.size.width - 1.6 * h; // margins of 0.8 h at each end
    return line.glyphs >= kMinLetters && length >= kMinLength * h;
}

std::vector<LineToRead> linesToRead(const std::vector<FoundLine> &found, PhotoImages &images, int maxLines)
{
    std::vector<const FoundLine *> chosen;
    for (const FoundLine &line : found) {
        if (int(chosen.size()) < maxLines && couldHoldContactOrBrand(line))
            chosen.push_back(&line);
    }
    double smallest = 1e9;
    for (const FoundLine *line : chosen)
        smallest = std::min(smallest, letterHeight(*line));
    std::vector<LineToRead> out;
    for (const FoundLine *line : chosen) {
        LineToRead l{&images.search(), line->box, images.searchScale(), line->colour, line->glyphs};
        if (letterHeight(*line) < kWantLetterPx) {
            double scale = 1;
            const cv::Mat &detail = images.detail(smallest, scale);
            const float f = float(images.searchScale() / scale);
            l.image = &detail;
            l.box = cv::RotatedRect(line->box.center * f, cv::Size2f(line->box.size.width * f, line->box.size.height * f), line->box.angle);
            l.scale = scale;
        }
        out.push_back(l);
    }
    return out;
}

} // namespace

qint64 ModerationInput::byteSize() const
{
    return qint64(decoded.bgr.total() * decoded.bgr.elemSize()) + bytes.size();
}

ModerationInput moderationInput(LoadedImage decoded, QByteArray bytes, int thumbnailSide, const ReadLimits &limits)
{
    int factor = 1;
    if (cv::Mat within = withinPixels(decoded.bgr, limits.maxPixels, factor); factor > 1) {
        decoded.bgr = within;
        decoded.decodeScale *= factor;
    }
    if (decoded.header.format != ImageFormat::Jpeg)
        bytes.clear(); // no larger decode of other formats: the bytes would only take room
    return {std::move(decoded), std::move(bytes), thumbnailSide};
}

cv::Mat largerDecode(const ModerationInput &input, int scale)
{
    const JpegBudget budget(qint64(256) << 20, std::chrono::steady_clock::now() + std::chrono::seconds(1));
    auto larger = decodeJpeg(input.bytes, scale, budget);
    return larger ? applyOrientation(larger.value(), input.decoded.header.orientation) : cv::Mat();
}

SearchedLines searchLines(const ModerationInput &input, const ReadLimits &limits)
{
    ReadCosts costs;
    PhotoImages images(input, limits, costs);
    const TextAreas gate = findTextAreas(images.search());
    return {images.search(), images.searchScale(), findLines(images.search(), gate.search, kCandidates), gate.search};
}

PhotoText readPhotoText(TextReader &reader, const ModerationInput &input, const ContactOptions &contacts, const BrandList &brands,
                        const ReadControl &control)
{
    ReadCosts local;
    ReadCosts &costs = control.costs ? *control.costs : local;
    costs = {};
    const LoadedImage &img = input.decoded;
    if (std::min(img.bgr.cols, img.bgr.rows) < 8 || img.bgr.type() != CV_8UC3)
        return {}; // no line of text fits, or not a decode the loader makes
    ReadBudget budget{control.cancel, threadCpuMs() + reader.options().cpuBudgetMs, reader.options().maxReads, 0};
    std::vector<TextLine> lines;
    {
        std::optional<PhotoImages> images;
        std::vector<FoundLine> found;
        {
            CpuTimer t(costs.searchMs);
            images.emplace(input, ReadLimits{}, costs);
            TextAreas gate;
            {
                CpuTimer g(costs.gateMs);
                gate = findTextAreas(images->search());
            }
            costs.gateShare = gate.share;
            if (!gate.search.grey.empty() || !gate.search.colour.empty())
                found = findLines(images->search(), gate.search, kCandidates);
        }
        costs.searchMs -= costs.decodeMs + costs.gateMs; // a larger decode for the search is the decode's
        costs.candidates = int(found.size());
        if (!budget.stopped()) {
            const std::vector<LineToRead> toRead = linesToRead(found, *images, reader.options().maxLines);
            costs.linesRead = int(toRead.size());
            CpuTimer t(costs.ocrMs);
            lines = reader.read(toRead, budget, [&brands](const QString &word) { return brands.names(word); });
        }
    }
    costs.recognitions = budget.recognitions;
    costs.cancelled = control.cancel && control.cancel->load();
    CpuTimer t(costs.parseMs);
    PhotoText text = analysePhotoText(std::move(lines), contacts);
    findBrands(text, brands);
    // A line's margins may reach past the photo's edge: boxes stay on the photo.
    const QRect photo(0, 0, img.width, img.height);
    for (TextLine &line : text.lines)
        line.box &= photo;
    for (FoundContact &c : text.contacts)
        c.box &= photo;
    return text;
}

} // namespace listinglens
