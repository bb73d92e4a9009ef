// `listinglens-bench text`: how well text on photos is read. Text drawn onto real
// marketplace photos (benchkit/text_photos.h) and the same number of photos
// left as they are, each loaded as the product loads it (the reduced decode
// the model sees), then regions, OCR and contact details: recall per kind on
// the drawn set, false positives on the untouched one, and the time it adds.
#include "bench_commands.h"

#include "cli_common.h"
#include "environment.h"
#include "image_loader.h"
#include "moderation_lane.h"
#include "photo_text.h"
#include "statistics.h"
#include "text_photos.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <map>

namespace listinglens::cli {

namespace {

struct Read {
    PhotoText text;
    double ms = 0;
    bool ocrRan = false;
    cv::Mat reduced;                       // the image the regions were found on
    std::vector<cv::RotatedRect> regions; // candidate lines, in its pixels
};

Read readPhoto(TextReader &reader, const ImageLoader &loader, const QString &path, const ContactOptions &contacts)
{
    Read out;
    auto bytes = loader.readFile(path);
    auto image = bytes ? loader.loadBytes(bytes.value()) : Result<LoadedImage>(bytes.error());
    if (!image)
        return out;
    const ModerationInput input{std::move(image).value(), bytes.value()};
    const LoadedImage &img = input.decoded;
    // Whether OCR will run, outside the timing (read() finds the regions
    // again), on the image read() searches.
    out.reduced = img.bgr;
    if (const int s = textSearchScale(img.bgr, img.decodeScale); s != img.decodeScale) {
        if (cv::Mat larger = largerDecode(input, s); !larger.empty())
            out.reduced = larger;
    }
    out.regions = findTextRegions(out.reduced, reader.options().maxRegions);
    out.ocrRan = !out.regions.empty();
    QElapsedTimer t;
    t.start();
    out.text = readPhotoText(reader, input, contacts);
    out.ms = double(t.nsecsElapsed()) / 1e6;
    return out;
}

bool foundExpected(const PhotoText &text, const TextPhoto &photo)
{
    if (photo.kind == QLatin1String("stock"))
        return !text.stockMarks.isEmpty();
    for (const FoundContact &c : text.contacts) {
        if (c.detail.value.compare(photo.expected, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

// A missed photo for a person to look at: the reduced image with the
// candidate regions in green, and on stderr what was drawn and what was read.
void showMiss(const QString &dir, const TextPhoto &photo, const Read &r)
{
    QDir().mkpath(dir);
    cv::Mat shown = r.reduced.clone();
    for (const cv::RotatedRect &region : r.regions) {
        cv::Point2f corners[4];
        region.points(corners);
        for (int i = 0; i < 4; ++i)
            cv::line(shown, corners[i], corners[(i + 1) % 4], cv::Scalar(0, 255, 0), 1);
    }
    const QString name = QFileInfo(photo.path).completeBaseName() + QStringLiteral(".png");
    if (!shown.empty())
        cv::imwrite(QDir(dir).filePath(name).toStdString(), shown);
    QStringList read;
    for (const TextLine &line : r.text.lines)
        read << QStringLiteral("\"%1\" %2").arg(line.text).arg(line.confidence, 0, 'f', 2);
    QTextStream(stderr) << QStringLiteral("missed %1: drew \"%2\", %3 regions, read %4\n")
                               .arg(name, photo.text).arg(r.regions.size()).arg(read.isEmpty() ? QStringLiteral("nothing") : read.join(QStringLiteral(", ")));
}

} // namespace

int runBenchText(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Text on photos, measured: phone numbers, e-mails, handles, links and stock marks drawn onto real\n"
        "marketplace photos, and as many photos left untouched; recall per kind, false positives, and the time the\n"
        "text stage adds per photo. Photos with an even index are the validation split, odd the test split."));
    parser.addHelpOption();
    const QCommandLineOption photos(QStringLiteral("photos"), QStringLiteral("Folder of marketplace photos (default: the shared set)."),
                                    QStringLiteral("DIR"));
    const QCommandLineOption count(QStringLiteral("count"), QStringLiteral("Photos with text drawn on (default 300)."), QStringLiteral("N"),
                                   QStringLiteral("300"));
    const QCommandLineOption untouched(QStringLiteral("untouched"), QStringLiteral("Photos left as they are (default 300)."),
                                       QStringLiteral("N"), QStringLiteral("300"));
    const QCommandLineOption split(QStringLiteral("split"), QStringLiteral("validation or test (default test)."), QStringLiteral("SPLIT"),
                                   QStringLiteral("test"));
    const QCommandLineOption languages(QStringLiteral("languages"), QStringLiteral("Tesseract languages (default eng+rus)."),
                                       QStringLiteral("LANGS"), QStringLiteral("eng+rus"));
    const QCommandLineOption region(QStringLiteral("region"), QStringLiteral("Default phone region (default GB)."), QStringLiteral("CC"),
                                    QStringLiteral("GB"));
    const QCommandLineOption others(QStringLiteral("other-regions"), QStringLiteral("More phone regions, comma-separated (default RU,DE)."),
                                    QStringLiteral("LIST"), QStringLiteral("RU,DE"));
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Print one JSON object."));
    const QCommandLineOption misses(QStringLiteral("misses"),
                                    QStringLiteral("Write each photo whose text was missed to DIR as a PNG with its candidate regions drawn, "
                                                   "and print what OCR read there."),
                                    QStringLiteral("DIR"));
    const QCommandLineOption budget(QStringLiteral("reads"), QStringLiteral("Most Tesseract recognitions per photo (default: the product's, %1).").arg(TextReaderOptions().maxReads),
                                    QStringLiteral("N"), QString::number(TextReaderOptions().maxReads));
    parser.addOptions({photos, count, untouched, split, languages, region, others, json, misses, budget});
    int exitCode = ExitOk;
    if (!parseOrExit(parser, args, exitCode))
        return exitCode;
    const auto nText = intOption(parser, count, 1, 100000);
    const auto nPlain = intOption(parser, untouched, 0, 100000);
    if (!nText || !nPlain)
        return ExitUsage;
    const QString splitName = parser.value(split);
    if (splitName != QLatin1String("test") && splitName != QLatin1String("validation")) {
        printError(QStringLiteral("--split is validation or test"));
        return ExitUsage;
    }
    ContactOptions contacts{parser.value(region).toUpper(), parser.value(others).toUpper().split(QLatin1Char(','), Qt::SkipEmptyParts)};
    if (!isKnownPhoneRegion(contacts.defaultRegion)) {
        printError(QStringLiteral("--region %1 is not a region libphonenumber knows").arg(contacts.defaultRegion));
        return ExitUsage;
    }
    const QString dir = parser.isSet(photos) ? parser.value(photos)
                                             : QDir(defaultSamplesDir() + QStringLiteral("/../marketplace/photos")).absolutePath();
    QStringList all = QDir(dir).entryList({QStringLiteral("*.jpg")}, QDir::Files, QDir::Name);
    QStringList chosen;
    for (int i = splitName == QLatin1String("test") ? 1 : 0; i < all.size(); i += 2)
        chosen << QDir(dir).filePath(all[i]);
    if (chosen.size() < std::max(*nText, *nPlain)) {
        printError(QStringLiteral("%1 has %2 photos in the %3 split; %4 are needed").arg(dir).arg(chosen.size()).arg(splitName).arg(std::max(*nText, *nPlain)));
        return ExitUsage;
    }
    // Text on the first ones, untouched from the other end: no photo is in both.
    auto made = makeTextPhotos(chosen.mid(0, *nText), defaultTextPhotosDir());
    if (!made) {
        printError(made.error().message);
        return ExitSomeFailed;
    }
    TextReaderOptions readerOptions;
    readerOptions.languages = parser.value(languages);
    const auto maxReads = intOption(parser, budget, 1, 1000);
    if (!maxReads)
        return ExitUsage;
    readerOptions.maxReads = *maxReads;
    auto reader = TextReader::open(readerOptions);
    if (!reader) {
        printError(reader.error().message);
        return ExitSomeFailed;
    }
    ImageLoader loader;

    struct Tally {
        int n = 0, found = 0;
    };
    std::map<QString, Tally> byKind;
    std::vector<double> textMs, plainMs;
    int contactPhotos = 0, contactFlagged = 0;
    for (const TextPhoto &p : made.value()) {
        const Read r = readPhoto(*reader.value(), loader, p.path, contacts);
        textMs.push_back(r.ms);
        Tally &t = byKind[p.kind];
        ++t.n;
        const bool found = foundExpected(r.text, p);
        t.found += found ? 1 : 0;
        if (!found && parser.isSet(misses))
            showMiss(parser.value(misses), p, r);
        if (p.kind != QLatin1String("stock")) {
            ++contactPhotos;
            contactFlagged += r.text.contacts.empty() ? 0 : 1;
        }
    }
    int falseContacts = 0, falseStock = 0, ocrRuns = 0;
    QJsonArray flaggedPlain;
    for (int i = 0; i < *nPlain; ++i) {
        const QString &path = chosen[chosen.size() - 1 - i];
        const Read r = readPhoto(*reader.value(), loader, path, contacts);
        plainMs.push_back(r.ms);
        ocrRuns += r.ocrRan ? 1 : 0;
        falseContacts += r.text.contacts.empty() ? 0 : 1;
        falseStock += r.text.stockMarks.isEmpty() ? 0 : 1;
        if (!r.text.contacts.empty() || !r.text.stockMarks.isEmpty()) {
            QStringList what;
            for (const FoundContact &c : r.text.contacts)
                what << contactKindName(c.detail.kind) + QLatin1Char(' ') + maskedContact(c.detail);
            what << r.text.stockMarks;
            flaggedPlain.append(QJsonObject{{QStringLiteral("file"), QFileInfo(path).fileName()}, {QStringLiteral("found"), what.join(QStringLiteral(", "))}});
        }
    }
    const auto mean = [](const std::vector<double> &v) {
        double s = 0;
        for (double x : v)
            s += x;
        return v.empty() ? 0.0 : s / double(v.size());
    };
    const double recall = contactPhotos ? double(contactFlagged) / contactPhotos : 0;
    const double fpRate = *nPlain ? double(falseContacts) / *nPlain : 0;
    QJsonObject kinds;
    for (const auto &[kind, t] : byKind)
        kinds.insert(kind, QJsonObject{{QStringLiteral("photos"), t.n}, {QStringLiteral("recall"), t.n ? double(t.found) / t.n : 0.0}});
    if (parser.isSet(json)) {
        QTextStream(stdout) << QJsonDocument(QJsonObject{
                                   {QStringLiteral("split"), splitName},
                                   {QStringLiteral("cpu"), processorModel()},
                                   {QStringLiteral("text_photos"), *nText},
                                   {QStringLiteral("untouched_photos"), *nPlain},
                                   {QStringLiteral("contact_details_recall"), recall},
                                   {QStringLiteral("contact_details_false_positive_rate"), fpRate},
                                   {QStringLiteral("stock_photo_text_false_positive_rate"), *nPlain ? double(falseStock) / *nPlain : 0.0},
                                   {QStringLiteral("kinds"), kinds},
                                   {QStringLiteral("ms_per_photo_with_text"), mean(textMs)},
                                   {QStringLiteral("ms_per_photo_untouched"), mean(plainMs)},
                                   {QStringLiteral("p95_ms_with_text"), quantile(textMs, 0.95)},
                                   {QStringLiteral("untouched_photos_sent_to_ocr"), ocrRuns},
                                   {QStringLiteral("flagged_untouched"), flaggedPlain}})
                                   .toJson(QJsonDocument::Compact)
                            << Qt::endl;
        return ExitOk;
    }
    QTextStream out(stdout);
    out << QStringLiteral("%1 split: %2 photos with text drawn on (%3), %4 untouched; %5\n")
               .arg(splitName).arg(*nText).arg(defaultTextPhotosDir()).arg(*nPlain).arg(processorModel());
    out << QStringLiteral("contact_details: recall %1 (%2 of %3), false positives %4 (%5 of %6)\n")
               .arg(recall, 0, 'f', 3).arg(contactFlagged).arg(contactPhotos).arg(fpRate, 0, 'f', 3).arg(falseContacts).arg(*nPlain);
    for (const auto &[kind, t] : byKind)
        out << QStringLiteral("  %1 %2 read exactly: %3 of %4 (%5)\n").arg(kind, -7).arg(kind == QLatin1String("stock") ? "flag" : "value")
                   .arg(t.found).arg(t.n).arg(t.n ? double(t.found) / t.n : 0.0, 0, 'f', 3);
    out << QStringLiteral("stock_photo_text on untouched photos: %1 of %2\n").arg(falseStock).arg(*nPlain);
    out << QStringLiteral("text stage: %1 ms a photo with text (p95 %2), %3 ms untouched (%4 of %5 had candidate regions and went to OCR)\n")
               .arg(mean(textMs), 0, 'f', 1).arg(quantile(textMs, 0.95), 0, 'f', 1).arg(mean(plainMs), 0, 'f', 1).arg(ocrRuns).arg(*nPlain);
    for (const auto &f : flaggedPlain)
        out << QStringLiteral("  flagged untouched: %1: %2\n").arg(f.toObject().value(QStringLiteral("file")).toString(),
                                                                   f.toObject().value(QStringLiteral("found")).toString());
    return ExitOk;
}

} // namespace listinglens::cli
