#include "text_reader.h"

#include "line_finder.h"

#include <opencv2/imgproc.hpp>

#include <omp.h>

#include <tesseract/baseapi.h>
#include <tesseract/resultiterator.h>

#include <algorithm>
#include <cmath>
#include <map>

namespace listinglens {

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

// Tesseract's LSTM opens an OpenMP team of four for each line. Beside the
// main lane's threads on a busy machine the team's threads spin-wait for
// each other: on 2 cores a line cost three times the CPU it needs. While
// one photo is read, parallel regions started from the reading thread run
// on it alone (an ICV of this thread only: other threads, Torch's among
// them, keep theirs).
class SerialOpenMp {
public:
    SerialOpenMp() : m_levels(omp_get_max_active_levels()) { omp_set_max_active_levels(0); }
    ~SerialOpenMp() { omp_set_max_active_levels(m_levels); }
    SerialOpenMp(const SerialOpenMp &) = delete;
    SerialOpenMp &operator=(const SerialOpenMp &) = delete;

private:
    int m_levels;
};

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
    const SerialOpenMp serial;
    int reads = std::max(1, m_options.maxReads);
    return readLine(m_api->tess, m_options.minConfidence, image, region, nullptr, 0, scale, reads);
}


std::vector<TextLine> TextReader::read(const cv::Mat &reduced, int scale, const std::function<cv::Mat(int scale)> &decodeAt)
{
    const SerialOpenMp serial;
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
