#include "text_reader.h"

#include "contact_details.h"
#include "line_images.h"
#include "text_words.h"

#include <QFileInfo>
#include <QRegularExpression>

#include <omp.h>

#include <opencv2/imgproc.hpp>

#include <tesseract/baseapi.h>
#include <tesseract/ocrclass.h>
#include <tesseract/resultiterator.h>

#include <time.h>

#include <algorithm>

namespace listinglens {

namespace {

// A recognition running when the photo's CPU budget ends is stopped this much later.
constexpr double kStopGraceMs = 300;

// Tesseract's LSTM opens an OpenMP team of four for each line. Beside the
// main lane's threads on a busy machine the team's threads spin-wait for
// each other: on 2 cores a line cost three times the CPU it needs. While
// lines are read, parallel regions started from the reading thread run on
// it alone (an ICV of this thread only: other threads, Torch's among them,
// keep theirs).
class SerialOpenMp {
public:
    SerialOpenMp() : m_levels(omp_get_max_active_levels()) { omp_set_max_active_levels(0); }
    ~SerialOpenMp() { omp_set_max_active_levels(m_levels); }
    SerialOpenMp(const SerialOpenMp &) = delete;
    SerialOpenMp &operator=(const SerialOpenMp &) = delete;

private:
    int m_levels;
};

std::unique_ptr<tesseract::TessBaseAPI> initTesseract(const QByteArray &dir, const QString &language)
{
    auto tess = std::make_unique<tesseract::TessBaseAPI>();
    // Init writes its complaints to stderr and returns -1.
    if (tess->Init(dir.isEmpty() ? nullptr : dir.constData(), language.toLatin1().constData(), tesseract::OEM_LSTM_ONLY) != 0)
        return {};
    tess->SetPageSegMode(tesseract::PSM_SINGLE_LINE);
    tess->SetVariable("debug_file", "/dev/null");
    // A line read badly is not read again inverted: the reader chooses its own second image.
    tess->SetVariable("tessedit_do_invert", "0");
    return tess;
}

constexpr const char *kOtsu = "0", *kSauvola = "2"; // Tesseract's thresholding_method
// A first read at least this sure, with nothing contact-like in it, is the line's only read.
constexpr double kSettledConfidence = 0.7;

struct Read {
    std::vector<ReadWord> words;
    QString dropped; // the words read too unsurely to keep
    QString all;     // every word read, kept or not, space-separated
    double confidence = 0;   // mean of the words kept, by characters
    int kept = 0, total = 0; // characters kept, characters read
    double score() const { return confidence * kept; }
};

bool stopRecognition(void *budget, int)
{
    const auto *b = static_cast<const ReadBudget *>(budget);
    return (b->cancel && b->cancel->load()) || (b->cpuDeadlineMs > 0 && threadCpuMs() > b->cpuDeadlineMs + kStopGraceMs);
}

// Word by word: what the margins add ("|", "i" from an edge) is read with
// low confidence and goes; the words that stand make the line.
Read readWords(tesseract::TessBaseAPI &tess, const cv::Mat &gray, double minConfidence, ReadBudget &budget)
{
    Read out;
    tess.SetImage(gray.data, gray.cols, gray.rows, 1, int(gray.step));
    tesseract::ETEXT_DESC monitor;
    monitor.cancel = &stopRecognition;
    monitor.cancel_this = &budget;
    ++budget.recognitions;
    if (tess.Recognize(&monitor) != 0 || stopRecognition(&budget, 0)) {
        tess.Clear();
        return out;
    }
    std::unique_ptr<tesseract::ResultIterator> it(tess.GetIterator());
    if (it) {
        do {
            std::unique_ptr<char[]> word(it->GetUTF8Text(tesseract::RIL_WORD));
            ReadWord w{QString::fromUtf8(word.get()).simplified(), it->Confidence(tesseract::RIL_WORD) / 100.0, it->WordIsFromDictionary()};
            out.total += int(w.text.size());
            if (!w.text.isEmpty())
                out.all += (out.all.isEmpty() ? QString() : QStringLiteral(" ")) + w.text;
            // Runs of digits (a number's groups) and the pieces of an
            // address or a handle are read less surely than words from a
            // dictionary, and margins never make them: they stand at a
            // lower confidence.
            const bool digits = std::count_if(w.text.begin(), w.text.end(), [](QChar c) { return c.isDigit(); }) >= 3;
            const bool address = w.text.size() >= 4 && std::any_of(w.text.begin(), w.text.end(), [](QChar c) { return QStringLiteral("@._/").contains(c); });
            if (w.text.isEmpty() || w.confidence < (digits || address ? 0.6 * minConfidence : minConfidence)) {
                out.dropped += w.text;
                continue;
            }
            out.kept += int(w.text.size());
            out.confidence += w.confidence * double(w.text.size());
            out.words.push_back(std::move(w));
        } while (it->Next(tesseract::RIL_WORD));
    }
    tess.Clear();
    if (out.kept > 0)
        out.confidence /= out.kept;
    return out;
}

} // namespace

bool ReadBudget::stopped() const
{
    return (cancel && cancel->load()) || readsLeft <= 0 || (cpuDeadlineMs > 0 && threadCpuMs() > cpuDeadlineMs);
}

double threadCpuMs()
{
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return double(t.tv_sec) * 1e3 + double(t.tv_nsec) / 1e6;
}

// One Tesseract per language: in one instance "eng+rus" reads Latin
// contacts with Cyrillic look-alikes ("@о!9а25" for "@olga25"). The first
// language reads every line; the next only those the first read badly, and
// is loaded when a line first needs it (a photo without text never does).
struct TextReader::Api {
    QByteArray dir;
    QStringList languages;
    std::vector<std::unique_ptr<tesseract::TessBaseAPI>> tess; // by language; null until loaded

    tesseract::TessBaseAPI *language(std::size_t i)
    {
        if (i >= tess.size())
            return nullptr;
        if (!tess[i])
            tess[i] = initTesseract(dir, languages[int(i)]);
        return tess[i].get();
    }
};

Result<std::unique_ptr<TextReader>> TextReader::open(const TextReaderOptions &options)
{
    auto api = std::make_unique<Api>();
    api->dir = options.dataDir.toLocal8Bit();
    api->languages = options.languages.split(QLatin1Char('+'), Qt::SkipEmptyParts);
    if (api->languages.isEmpty())
        return Error{ErrorCode::ModelError, QStringLiteral("no Tesseract language given (TextReaderOptions::languages, e.g. eng+rus)")};
    const auto refused = [&](const QString &language) {
        return Error{ErrorCode::ModelError,
                     QStringLiteral("Tesseract could not load the language data %1 (install tesseract-ocr-%2, or set the tessdata folder)")
                         .arg(options.languages, language)};
    };
    api->tess.resize(std::size_t(api->languages.size()));
    api->tess[0] = initTesseract(api->dir, api->languages[0]);
    if (!api->tess[0])
        return refused(api->languages[0]);
    // The others are loaded later: that their data is there is checked now.
    const QString tessdata = QString::fromLocal8Bit(api->tess[0]->GetDatapath());
    for (const QString &language : api->languages.mid(1)) {
        if (!QFileInfo(tessdata + QLatin1Char('/') + language + QStringLiteral(".traineddata")).isFile())
            return refused(language);
    }
    return std::unique_ptr<TextReader>(new TextReader(options, std::move(api)));
}

TextReader::TextReader(TextReaderOptions options, std::unique_ptr<Api> api) : m_options(std::move(options)), m_api(std::move(api)) {}

TextReader::~TextReader()
{
    if (m_api) {
        for (auto &tess : m_api->tess) {
            if (tess)
                tess->End();
        }
    }
}

namespace {

// Another language's read stands only when it is in another script: a
// Russian model reads a Latin address it cannot place as Cyrillic look-alikes
// ("пке_7717@дтай.сот" for "mike_7717@gmail.com") with some confidence.
bool mostlyOtherScript(const Read &r)
{
    int latin = 0, other = 0;
    for (const ReadWord &w : r.words) {
        for (QChar c : w.text) {
            if (c.isLetter())
                (c.unicode() < 0x250 ? latin : other) += 1;
        }
    }
    return other >= 4 && other > 2 * latin;
}

// A read that stands: sure of itself, and as long as the glyphs the search found.
bool good(const Read &r, int glyphs)
{
    return r.confidence >= 0.85 && r.kept >= 0.8 * std::max(r.total, glyphs);
}

// Whether anything in a read, kept or too unsure to keep, could be a part
// of a contact detail: two digits, an @, a dot or a slash between letters.
bool contactLike(const Read &r)
{
    static const QRegularExpression marks(QStringLiteral(R"(\d.*\d|@|\w[./]\w)"), QRegularExpression::UseUnicodePropertiesOption);
    return marks.match(r.all).hasMatch();
}

// Whether a read settles its line alone: read surely, most of the letters
// the search found kept, nothing contact-like. Only lines that could hold a
// contact pay for another image, threshold or language.
bool settled(const Read &r, int glyphs)
{
    return r.confidence >= kSettledConfidence && r.kept >= 0.5 * glyphs && !contactLike(r);
}

// A read with no word that stands and nothing contact-like: after two such
// reads (the colour and contrast images) the line is a mark, a pattern or
// an edge, and the third image and the other languages read nothing more
// on such lines (`listinglens-bench text`, untouched photos).
bool nothing(const Read &r)
{
    return r.kept == 0 && !contactLike(r);
}

// Whether a line read imperfectly is worth another read: it may hold a
// contact detail (digits, an @, a dot, in the words kept or in those read
// too unsurely to keep), or the read lost most of its letters. A label read
// as words ("PLAYSTATION HITS") is not read again.
bool worthAnotherRead(const Read &r, int glyphs)
{
    QString read = r.dropped;
    for (const ReadWord &w : r.words)
        read += w.text;
    const auto digits = std::count_if(read.begin(), read.end(), [](QChar c) { return c.isDigit(); });
    const bool marks = std::any_of(read.begin(), read.end(), [](QChar c) { return QStringLiteral("@./").contains(c); });
    return !good(r, glyphs) && (digits >= 3 || marks || r.kept < 0.5 * glyphs);
}

// Whether most of `a` lies inside `b`.
bool mostlyWithin(const cv::RotatedRect &a, const cv::RotatedRect &b)
{
    std::vector<cv::Point2f> overlap;
    if (cv::rotatedRectangleIntersection(a, b, overlap) == cv::INTERSECT_NONE || overlap.size() < 3)
        return false;
    return cv::contourArea(overlap) >= 0.6 * double(a.size.area());
}

// A box in the image, in photo pixels.
QRect boxOnPhoto(const cv::RotatedRect &box, double scale)
{
    const cv::Rect r = box.boundingRect();
    return QRect(int(r.x * scale), int(r.y * scale), int(std::ceil(r.width * scale)), int(std::ceil(r.height * scale)));
}

// One recognition of a line's image, counted against the photo's budget and
// reported; its whole read joins the line's reads (`unsure`) when new.
Read recognise(tesseract::TessBaseAPI &tess, const cv::Mat &image, const QRect &photoBox, const TextReaderOptions &o,
               ReadBudget &budget, QStringList &unsure)
{
    --budget.readsLeft;
    Read r = readWords(tess, image, o.minConfidence, budget);
    if (o.onRecognition)
        o.onRecognition(image, photoBox, r.all, r.confidence);
    if (!r.all.isEmpty() && !unsure.contains(r.all))
        unsure << r.all;
    return r;
}

// A line as it is given to Tesseract: its level pixels, the images made of
// them (the third when it is first needed), and its box on the photo.
struct LineImages {
    cv::Mat bgr;
    std::vector<cv::Mat> images;
    QRect photoBox;

    LineImages(const LineToRead &l, const cv::RotatedRect &box) : bgr(levelLine(*l.image, box)), photoBox(boxOnPhoto(box, l.scale))
    {
        // By the letters' colour as the search saw them (distance from it:
        // the text dark, every ground light), then along the colour axis.
        if (!bgr.empty())
            images = {colourDistanceImage(bgr, l.colour), contrastImage(bgr)};
    }
    const cv::Mat &image(std::size_t i)
    {
        if (i == 2 && images.size() == 2) // by the colour k-means finds for the letters: a ground that changes along the line
            images.push_back(colourDistanceImage(bgr, lettersColour(bgr)));
        return images[i];
    }
};

// Whether a read looks like a part of a contact detail cut at an end of the
// line: its first or last word holds two digits, an @, or a dot or a slash
// between letters; or a word that comes before a number or a handle
// ("WhatsApp", "tel", "call") is read anywhere. A line with a number inside
// ("HD 1080P USB Streaming") is whole already.
bool partOfContact(const Read &r)
{
    static const QRegularExpression marks(QStringLiteral(R"(@|\w[./]\w)"));
    static const QRegularExpression words(QStringLiteral(R"(whats|viber|telegr|\btel\b|\bcall\b|\bтел|телегр|вайбер)"),
                                          QRegularExpression::CaseInsensitiveOption | QRegularExpression::UseUnicodePropertiesOption);
    const QStringList read = r.all.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    const auto contactLike = [](const QString &word) {
        return std::count_if(word.begin(), word.end(), [](QChar c) { return c.isDigit(); }) >= 2 || marks.match(word).hasMatch();
    };
    return !read.isEmpty() && (contactLike(read.front()) || contactLike(read.back()) || words.match(r.all).hasMatch());
}

// Whether a line's reads come near a contact detail without making one:
// six digits in a read (a number's, with letters read for some), an @, or
// a domain's ending; and no read in which one is found. Prices, sizes and
// words are not read again.
// An @, www or a domain's ending in a read: the marks of an address, a handle or a link.
bool addressMarks(const QString &read)
{
    static const QRegularExpression marks(QStringLiteral(R"(@|www|\w ?[.,] ?(com|ru|uk|kz|kg|by|ua|uz|me|net|org)\b)"),
                                          QRegularExpression::CaseInsensitiveOption);
    return marks.match(read).hasMatch();
}

qsizetype digitsIn(const QString &read)
{
    return std::count_if(read.begin(), read.end(), [](QChar c) { return c.isDigit(); });
}

bool nearContact(const QStringList &reads)
{
    const auto near = [](const QString &r) { return digitsIn(r) >= 6 || addressMarks(r); };
    // The default regions: the reader does not know the market's; a number
    // of another region is at worst read once more.
    const auto holds = [](const QString &r) { return !findContactDetails(r).empty(); };
    return std::any_of(reads.begin(), reads.end(), near) && std::none_of(reads.begin(), reads.end(), holds);
}

// What a line near a contact is read again with: Tesseract's LSTM confined
// to the characters such a line holds (a whitelist), so that it chooses
// among them where it read a look-alike ("g7" for "07", "©" for "@", a
// comma for the dot). A number's digits and marks, and the letters of
// "tel" for the word before it; an address's, a handle's or a link's.
// Empty: the reads came near neither.
const char *restrictedCharacters(const QStringList &reads)
{
    if (std::any_of(reads.begin(), reads.end(), addressMarks))
        return "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@._-/: ";
    const bool number = std::any_of(reads.begin(), reads.end(), [](const QString &r) {
        const qsizetype digits = digitsIn(r);
        return digits >= 6 && digits > std::count_if(r.begin(), r.end(), [](QChar c) { return c.isLetter(); });
    });
    return number ? "0123456789+()-./:telTEL " : "";
}

} // namespace

void TextReader::secondLook(const LineToRead &l, const cv::RotatedRect &box, const char *restricted, QStringList &unsure, ReadBudget &budget)
{
    tesseract::TessBaseAPI &tess = *m_api->language(0);
    tess.SetVariable("thresholding_method", kOtsu);
    // `restricted`: the characters of the number or the address the line's
    // reads came near (restrictedCharacters; empty: none). Every read of the
    // second look is confined to them, the line as it was found read so
    // first; the first reads, unconfined, are searched too.
    tess.SetVariable("tessedit_char_whitelist", restricted);
    const auto read = [&](const cv::Mat &image) {
        // Searched as every unsure read is (analysePhotoText): a contact found there is a possible one.
        return !findContactDetails(recognise(tess, image, boxOnPhoto(box, l.scale), m_options, budget, unsure).all).empty();
    };
    // The line as it was found, then its box half as tall again.
    bool found = false;
    if (*restricted) {
        const LineImages line(l, box);
        found = !line.images.empty() && !budget.stopped() && read(line.images[0]);
    }
    for (const SecondLook look : {SecondLook::ColourDistance, SecondLook::Contrast}) {
        if (found || budget.stopped())
            break;
        const cv::Mat image = secondLookImage(*l.image, box, l.colour, look);
        if (image.empty())
            break;
        found = read(image);
    }
    tess.SetVariable("tessedit_char_whitelist", "");
}

std::optional<TextLine> TextReader::readLine(const LineToRead &l, ReadBudget &budget, std::vector<cv::RotatedRect> &readBoxes,
                                             const IsName &isName)
{
    if (std::any_of(readBoxes.begin(), readBoxes.end(), [&](const cv::RotatedRect &r) { return mostlyWithin(l.box, r); }))
        return std::nullopt; // a part of a line already read whole
    LineImages line(l, l.box);
    if (line.images.empty())
        return std::nullopt;
    readBoxes.push_back(l.box);
    Read best;
    std::size_t bestImage = 0;
    QStringList unsure; // each read's words, kept or not
    const auto recogniseImage = [&](tesseract::TessBaseAPI &tess, std::size_t i) {
        return recognise(tess, line.image(i), line.photoBox, m_options, budget, unsure);
    };
    // The images in turn, Sauvola's local threshold on the second (text
    // over a gradient or a busy ground) and on a first whose grey patches of
    // ground one threshold would blacken, then the other languages on the best.
    const char *thresholds[] = {groundDarkensAtOneThreshold(line.image(0)) ? kSauvola : kOtsu, kSauvola, kOtsu};
    bool enough = false; // the first read settled the line, or the first two read nothing
    bool firstNothing = false;
    for (std::size_t i = 0; i < 3 && (i == 0 || (!enough && worthAnotherRead(best, l.glyphs))) && !budget.stopped(); ++i) {
        m_api->language(0)->SetVariable("thresholding_method", thresholds[i]);
        Read r = recogniseImage(*m_api->language(0), i);
        if (i == 0) {
            enough = settled(r, l.glyphs) && !partOfContact(r); // "WhatsApp", "call": the number may follow
            firstNothing = nothing(r);
        } else if (i == 1) {
            enough = firstNothing && nothing(r);
        }
        if (r.score() > best.score()) {
            best = std::move(r);
            bestImage = i;
        }
        // What reads as a part of a contact may be the part of a line the
        // search found: the line followed along its letters and read whole.
        if (i > 0 || !partOfContact(best) || budget.stopped())
            continue;
        const cv::RotatedRect along = lineAlongLetters(*l.image, l.box, l.colour);
        if (along.size.width < 1.1f * l.box.size.width)
            continue;
        LineImages whole(l, along);
        if (whole.images.empty())
            continue;
        std::swap(line, whole);
        Read read = recogniseImage(*m_api->language(0), 0);
        if (read.score() < best.score()) { // what lay along it was not more of the line: the line stays as found
            std::swap(line, whole);
            continue;
        }
        readBoxes.back() = along;
        best = std::move(read);
    }
    for (std::size_t k = 1; k < m_api->tess.size() && !enough && worthAnotherRead(best, l.glyphs) && !budget.stopped(); ++k) {
        tesseract::TessBaseAPI *tess = m_api->language(k);
        if (!tess)
            break;
        tess->SetVariable("thresholding_method", thresholds[bestImage]);
        Read r = recogniseImage(*tess, bestImage);
        if (r.score() > best.score() && mostlyOtherScript(r))
            best = std::move(r);
    }
    const QString shown = shownWords(best.words, isName).join(QLatin1Char(' '));
    unsure.removeAll(shown);
    if (shown.isEmpty() && unsure.isEmpty())
        return std::nullopt;
    return TextLine{shown, line.photoBox, best.confidence, unsure};
}

std::vector<TextLine> TextReader::read(const std::vector<LineToRead> &lines, ReadBudget &budget, const IsName &isName)
{
    const SerialOpenMp serial;
    std::vector<TextLine> out;
    std::vector<cv::RotatedRect> readBoxes;
    struct Again {
        std::size_t line;
        const LineToRead *toRead;
        cv::RotatedRect box;
        const char *restricted;
    };
    std::vector<Again> again;
    for (const LineToRead &l : lines) {
        if (budget.stopped() || !l.image)
            break;
        std::optional<TextLine> line = readLine(l, budget, readBoxes, isName);
        if (!line)
            continue;
        if (const QStringList reads = QStringList(line->unsureReads) << line->text; nearContact(reads))
            again.push_back({out.size(), &l, readBoxes.back(), restrictedCharacters(reads)});
        out.push_back(std::move(*line));
    }
    // The second looks with what the budget leaves once every line had its
    // reads: a line further down the list may hold the contact, or a mark.
    for (const Again &a : again) {
        if (budget.stopped())
            break;
        secondLook(*a.toRead, a.box, a.restricted, out[a.line].unsureReads, budget);
    }
    return out;
}

} // namespace listinglens
