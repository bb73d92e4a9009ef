// `listinglens-bench text`: how well and at what cost the moderation lane
// reads text on photos. Contact details and stock marks drawn onto real
// marketplace photos (benchkit/text_photos.h) and as many photos left as they
// are, each loaded as the product loads it and read as the lane reads it:
// recall per kind on the drawn set, false positives on the untouched one,
// and the CPU time of each stage.
#include "bench_commands.h"

#include "cli_common.h"
#include "environment.h"
#include "face_detector.h"
#include "image_loader.h"
#include "photo_reading.h"
#include "statistics.h"
#include "text_misses.h"
#include "text_photos.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLockFile>
#include <QTextStream>

#include <ctime>
#include <map>
#include <memory>

namespace listinglens::cli {

namespace {

struct Read {
    PhotoText text;
    ReadCosts costs;
    double facesMs = 0;
    double processMs = 0; // the whole read in the process's CPU time: OpenCV's worker threads too
    int faces = 0;
};

double processCpuMs()
{
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return double(t.tv_sec) * 1e3 + double(t.tv_nsec) / 1e6;
}

struct Reading {
    TextReader &reader;
    const FaceDetector *faces;
    ContactOptions contacts;
    ImageLoader loader;
};

// One photo as the lane reads it: its text, then its faces.
Read readPhoto(Reading &r, const QString &path)
{
    Read out;
    auto bytes = r.loader.readFile(path);
    auto image = bytes ? r.loader.loadBytes(bytes.value()) : Result<LoadedImage>(bytes.error());
    if (!image)
        return out;
    const ModerationInput input = moderationInput(std::move(image).value(), bytes.value());
    const double processStart = processCpuMs();
    out.text = readPhotoText(r.reader, input, r.contacts, BrandList::builtin(), {nullptr, &out.costs});
    if (r.faces) {
        const double start = threadCpuMs();
        out.faces = int(r.faces->detect(input.decoded.bgr, input.decoded.decodeScale).size());
        out.facesMs = threadCpuMs() - start;
    }
    out.processMs = processCpuMs() - processStart;
    return out;
}

// The drawn contact read exactly: the address, handle or link, or a number
// with the same last nine digits (a national number valid in two of the
// regions, KG's 0501 288 468 and UA's, is the same number read).
bool readExactly(const PhotoText &text, const TextPhoto &photo)
{
    if (photo.kind == QLatin1String("stock"))
        return !text.stockMarks.isEmpty();
    for (const FoundContact &c : text.contacts) {
        if (photo.kind == QLatin1String("phone") && c.detail.kind == ContactDetail::Kind::Phone && digitsOf(c.detail.value).right(9) == digitsOf(photo.expected).right(9))
            return true;
        if (c.detail.value.compare(photo.expected, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

// Mean CPU time of each stage over a set of photos, and what they did.
struct StageCosts {
    std::vector<double> total;
    double process = 0;
    double gate = 0, gateShare = 0, search = 0, decode = 0, ocr = 0, parse = 0, faces = 0, lines = 0, recognitions = 0;
    int ocrPhotos = 0, facePhotos = 0, ruledOut = 0;

    void add(const Read &r)
    {
        const ReadCosts &c = r.costs;
        total.push_back(c.gateMs + c.searchMs + c.decodeMs + c.ocrMs + c.parseMs + r.facesMs);
        process += r.processMs;
        gate += c.gateMs;
        gateShare += c.gateShare;
        ruledOut += c.gateShare == 0 ? 1 : 0; // nothing left to search: no line can be found
        search += c.searchMs;
        decode += c.decodeMs;
        ocr += c.ocrMs;
        parse += c.parseMs;
        faces += r.facesMs;
        lines += c.linesRead;
        recognitions += c.recognitions;
        ocrPhotos += c.linesRead > 0 ? 1 : 0;
        facePhotos += r.faces > 0 ? 1 : 0;
    }
    QJsonObject json() const
    {
        const double n = std::max<double>(1, double(total.size()));
        double sum = 0;
        for (double t : total)
            sum += t;
        return {{QStringLiteral("cpu_ms"), sum / n},          {QStringLiteral("p95_cpu_ms"), quantile(total, 0.95)},
                {QStringLiteral("process_cpu_ms"), process / n},
                {QStringLiteral("gate_ms"), gate / n},        {QStringLiteral("gate_share"), gateShare / n},
                {QStringLiteral("photos_ruled_out"), ruledOut},
                {QStringLiteral("search_ms"), search / n},    {QStringLiteral("decode_ms"), decode / n},
                {QStringLiteral("ocr_ms"), ocr / n},          {QStringLiteral("parse_ms"), parse / n},
                {QStringLiteral("faces_ms"), faces / n},      {QStringLiteral("lines_read"), lines / n},
                {QStringLiteral("recognitions"), recognitions / n}, {QStringLiteral("photos_sent_to_ocr"), ocrPhotos},
                {QStringLiteral("photos_with_faces"), facePhotos}};
    }
};

struct Tally {
    int n = 0, exact = 0, flagged = 0;
};

struct Outcome {
    std::map<QString, Tally> byKind;
    int contactPhotos = 0, contactFlagged = 0, plain = 0, falseContacts = 0, falseStock = 0;
    StageCosts textCosts, plainCosts;
    QJsonArray flaggedPlain;
};

void readDrawn(Reading &reading, const std::vector<TextPhoto> &photos, MissReport *misses, Outcome &o)
{
    for (const TextPhoto &p : photos) {
        const Read r = readPhoto(reading, p.path);
        o.textCosts.add(r);
        Tally &t = o.byKind[p.kind];
        ++t.n;
        const bool exact = readExactly(r.text, p);
        t.exact += exact ? 1 : 0;
        t.flagged += (p.kind == QLatin1String("stock") ? !r.text.stockMarks.isEmpty() : !r.text.contacts.empty()) ? 1 : 0;
        if (!exact && misses)
            misses->add(p, r.text);
        if (p.kind != QLatin1String("stock")) {
            ++o.contactPhotos;
            o.contactFlagged += r.text.contacts.empty() ? 0 : 1;
        }
    }
}

void readUntouched(Reading &reading, const QStringList &paths, Outcome &o)
{
    for (const QString &path : paths) {
        const Read r = readPhoto(reading, path);
        o.plainCosts.add(r);
        ++o.plain;
        o.falseContacts += r.text.contacts.empty() ? 0 : 1;
        o.falseStock += r.text.stockMarks.isEmpty() ? 0 : 1;
        if (r.text.contacts.empty() && r.text.stockMarks.isEmpty())
            continue;
        QStringList what;
        for (const FoundContact &c : r.text.contacts)
            what << contactKindName(c.detail.kind) + (c.detail.possible ? QStringLiteral(" (possible) ") : QStringLiteral(" ")) + maskedContact(c.detail);
        what << r.text.stockMarks;
        o.flaggedPlain.append(QJsonObject{{QStringLiteral("file"), QFileInfo(path).fileName()}, {QStringLiteral("found"), what.join(QStringLiteral(", "))}});
    }
}

QJsonObject outcomeJson(const Outcome &o, const QString &set)
{
    QJsonObject kinds;
    for (const auto &[kind, t] : o.byKind)
        kinds.insert(kind, QJsonObject{{QStringLiteral("photos"), t.n},
                                       {QStringLiteral("flagged"), t.n ? double(t.flagged) / t.n : 0.0},
                                       {QStringLiteral("read_exactly"), t.n ? double(t.exact) / t.n : 0.0}});
    return {{QStringLiteral("set"), set},
            {QStringLiteral("cpu"), processorModel()},
            {QStringLiteral("text_photos"), int(o.textCosts.total.size())},
            {QStringLiteral("untouched_photos"), o.plain},
            {QStringLiteral("contact_details_recall"), o.contactPhotos ? double(o.contactFlagged) / o.contactPhotos : 0.0},
            {QStringLiteral("contact_details_false_positive_rate"), o.plain ? double(o.falseContacts) / o.plain : 0.0},
            {QStringLiteral("stock_photo_text_false_positive_rate"), o.plain ? double(o.falseStock) / o.plain : 0.0},
            {QStringLiteral("kinds"), kinds},
            {QStringLiteral("cost_with_text"), o.textCosts.json()},
            {QStringLiteral("cost_untouched"), o.plainCosts.json()},
            {QStringLiteral("flagged_untouched"), o.flaggedPlain}};
}

QString costLine(const QString &what, const QJsonObject &c)
{
    return QStringLiteral("%1 %2 ms CPU a photo (p95 %3; %15 ms of the process's CPU): gate %13 (leaves %14 % to search, rules out %16 photos), search %4, decode %5, OCR %6 (%7 lines, %8 recognitions), parse %9, faces %10; "
                          "%11 sent to OCR, %12 with faces\n")
        .arg(what).arg(c[QStringLiteral("cpu_ms")].toDouble(), 0, 'f', 1).arg(c[QStringLiteral("p95_cpu_ms")].toDouble(), 0, 'f', 1)
        .arg(c[QStringLiteral("search_ms")].toDouble(), 0, 'f', 1).arg(c[QStringLiteral("decode_ms")].toDouble(), 0, 'f', 1)
        .arg(c[QStringLiteral("ocr_ms")].toDouble(), 0, 'f', 1).arg(c[QStringLiteral("lines_read")].toDouble(), 0, 'f', 2)
        .arg(c[QStringLiteral("recognitions")].toDouble(), 0, 'f', 2).arg(c[QStringLiteral("parse_ms")].toDouble(), 0, 'f', 2)
        .arg(c[QStringLiteral("faces_ms")].toDouble(), 0, 'f', 1).arg(c[QStringLiteral("photos_sent_to_ocr")].toInt())
        .arg(c[QStringLiteral("photos_with_faces")].toInt())
        .arg(c[QStringLiteral("gate_ms")].toDouble(), 0, 'f', 1).arg(100 * c[QStringLiteral("gate_share")].toDouble(), 0, 'f', 0)
        .arg(c[QStringLiteral("process_cpu_ms")].toDouble(), 0, 'f', 1).arg(c[QStringLiteral("photos_ruled_out")].toInt());
}

void printOutcome(const QJsonObject &j)
{
    QTextStream out(stdout);
    out << QStringLiteral("%1 set: %2 photos with text drawn on (%3), %4 untouched; %5\n")
               .arg(j[QStringLiteral("set")].toString()).arg(j[QStringLiteral("text_photos")].toInt()).arg(defaultTextPhotosDir())
               .arg(j[QStringLiteral("untouched_photos")].toInt()).arg(j[QStringLiteral("cpu")].toString());
    out << QStringLiteral("contact_details: recall %1, false positives %2\n")
               .arg(j[QStringLiteral("contact_details_recall")].toDouble(), 0, 'f', 3)
               .arg(j[QStringLiteral("contact_details_false_positive_rate")].toDouble(), 0, 'f', 3);
    const QJsonObject kinds = j[QStringLiteral("kinds")].toObject();
    for (auto it = kinds.begin(); it != kinds.end(); ++it) {
        const QJsonObject k = it.value().toObject();
        out << QStringLiteral("  %1 %2 photos: flagged %3, read exactly %4\n").arg(it.key(), -7).arg(k[QStringLiteral("photos")].toInt())
                   .arg(k[QStringLiteral("flagged")].toDouble(), 0, 'f', 3).arg(k[QStringLiteral("read_exactly")].toDouble(), 0, 'f', 3);
    }
    out << QStringLiteral("stock_photo_text false positives: %1\n").arg(j[QStringLiteral("stock_photo_text_false_positive_rate")].toDouble(), 0, 'f', 3);
    out << costLine(QStringLiteral("with text:"), j[QStringLiteral("cost_with_text")].toObject());
    out << costLine(QStringLiteral("untouched:"), j[QStringLiteral("cost_untouched")].toObject());
    for (const auto &f : j[QStringLiteral("flagged_untouched")].toArray())
        out << QStringLiteral("  flagged untouched: %1: %2\n").arg(f.toObject().value(QStringLiteral("file")).toString(),
                                                                   f.toObject().value(QStringLiteral("found")).toString());
}

struct BenchTextOptions {
    QCommandLineOption photos{QStringLiteral("photos"), QStringLiteral("Folder of marketplace photos (default: the shared set)."), QStringLiteral("DIR")};
    QCommandLineOption count{QStringLiteral("count"), QStringLiteral("Photos with text drawn on (default 200)."), QStringLiteral("N"), QStringLiteral("200")};
    QCommandLineOption untouched{QStringLiteral("untouched"), QStringLiteral("Photos left as they are (default 200)."), QStringLiteral("N"),
                                 QStringLiteral("200")};
    QCommandLineOption set{QStringLiteral("set"),
                           QStringLiteral("unseen (default): fonts, layouts and number forms the reading was not tuned on, on the odd photos; "
                                          "tune: the family it is tuned on, on the even photos; wide: fonts, layouts and wordings of "
                                          "neither, held out from tuning, on odd photos the unseen set does not write on."),
                           QStringLiteral("SET"), QStringLiteral("unseen")};
    QCommandLineOption languages{QStringLiteral("languages"), QStringLiteral("Tesseract languages (default eng+rus)."), QStringLiteral("LANGS"),
                                 QStringLiteral("eng+rus")};
    QCommandLineOption regions{QStringLiteral("phone-regions"),
                               QStringLiteral("Phone regions, the market's own first (default: %1).").arg(ContactOptions().regions().join(QLatin1Char(','))),
                               QStringLiteral("LIST")};
    QCommandLineOption json{QStringLiteral("json"), QStringLiteral("Print one JSON object.")};
    QCommandLineOption misses{QStringLiteral("misses"),
                              QStringLiteral("Write each photo whose text was not read exactly to DIR as a PNG with its candidate lines drawn, "
                                             "and beside it each line image given to OCR; print what OCR read there and why each contact was "
                                             "missed (never found by the search, found but not read, misread, read but not recognised)."),
                              QStringLiteral("DIR")};
};

// The drawn photos are one folder per user, redrawn by every run: a second
// run at the same time would redraw them under the first one's reads (and
// measure photos of another set), so runs take turns. A run that died leaves
// a lock that the next one finds stale (its process is gone).
std::unique_ptr<QLockFile> takeTextPhotosFolder()
{
    const QString folder = defaultTextPhotosDir();
    QDir().mkpath(QFileInfo(folder).absolutePath());
    auto lock = std::make_unique<QLockFile>(folder + QStringLiteral(".lock"));
    lock->setStaleLockTime(0); // held for the whole run, however long: stale only when its process is gone
    if (!lock->tryLock(0)) {
        printError(QStringLiteral("another listinglens-bench text run is drawing or reading %1: waiting for it").arg(folder));
        if (!lock->lock())
            return nullptr;
    }
    return lock;
}

} // namespace

int runBenchText(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Text on photos, measured: phone numbers, e-mails, handles, links and stock marks drawn onto real marketplace photos, and\n"
        "as many photos left untouched; recall per kind, false positives, and the CPU time of each stage of the read."));
    parser.addHelpOption();
    const BenchTextOptions o;
    parser.addOptions({o.photos, o.count, o.untouched, o.set, o.languages, o.regions, o.json, o.misses});
    int exitCode = ExitOk;
    if (!parseOrExit(parser, args, exitCode))
        return exitCode;
    const auto nText = intOption(parser, o.count, 1, 100000);
    const auto nPlain = intOption(parser, o.untouched, 0, 100000);
    const QString setName = parser.value(o.set);
    auto contacts = parser.isSet(o.regions) ? contactOptionsFor(parser.value(o.regions)) : Result<ContactOptions>(ContactOptions{});
    static const std::map<QString, SampleFamily> families{
        {QStringLiteral("tune"), SampleFamily::Tune}, {QStringLiteral("unseen"), SampleFamily::Unseen}, {QStringLiteral("wide"), SampleFamily::Wide}};
    if (!nText || !nPlain || !families.count(setName) || !contacts) {
        printError(contacts ? QStringLiteral("--set is unseen, tune or wide") : contacts.error().message);
        return ExitUsage;
    }
    const SampleFamily family = families.at(setName);
    const QString dir = parser.isSet(o.photos) ? parser.value(o.photos)
                                               : QDir(defaultSamplesDir() + QStringLiteral("/../marketplace/photos")).absolutePath();
    const QStringList all = QDir(dir).entryList({QStringLiteral("*.jpg")}, QDir::Files, QDir::Name);
    QStringList chosen;
    for (int i = family == SampleFamily::Tune ? 0 : 1; i < all.size(); i += 2)
        chosen << QDir(dir).filePath(all[i]);
    // The wide set writes on the odd photos after those the unseen set's default 200 take.
    const int skip = family == SampleFamily::Wide ? 200 : 0;
    if (chosen.size() < skip + *nText + *nPlain) {
        printError(QStringLiteral("%1 has %2 photos for the %3 set; %4 are needed").arg(dir).arg(chosen.size()).arg(setName).arg(skip + *nText + *nPlain));
        return ExitUsage;
    }
    const auto folder = takeTextPhotosFolder();
    if (!folder) {
        printError(QStringLiteral("cannot lock %1.lock").arg(defaultTextPhotosDir()));
        return ExitSomeFailed;
    }
    // Text on the first ones, untouched from the other end: no photo is in both.
    auto made = makeTextPhotos(chosen.mid(skip, *nText), defaultTextPhotosDir(), family);
    TextReaderOptions readerOptions;
    readerOptions.languages = parser.value(o.languages);
    auto reader = made ? TextReader::open(readerOptions) : Result<std::unique_ptr<TextReader>>(made.error());
    if (!reader) {
        printError(reader.error().message);
        return ExitSomeFailed;
    }
    auto faces = FaceDetector::open();
    Reading reading{*reader.value(), faces ? faces.value().get() : nullptr, contacts.value(), ImageLoader()};
    std::unique_ptr<MissReport> misses;
    if (parser.isSet(o.misses)) {
        auto report = MissReport::open(parser.value(o.misses), readerOptions, contacts.value());
        if (!report) {
            printError(report.error().message);
            return ExitSomeFailed;
        }
        misses = std::move(report).value();
    }
    Outcome outcome;
    readDrawn(reading, made.value(), misses.get(), outcome);
    readUntouched(reading, chosen.mid(chosen.size() - *nPlain), outcome);
    const QJsonObject result = outcomeJson(outcome, setName);
    if (parser.isSet(o.json))
        QTextStream(stdout) << QJsonDocument(result).toJson(QJsonDocument::Compact) << Qt::endl;
    else
        printOutcome(result);
    if (misses)
        misses->printSplit();
    return ExitOk;
}

} // namespace listinglens::cli
