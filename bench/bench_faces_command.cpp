// `listinglens-bench faces`: the faces the moderation lane finds on a folder
// of photos and what finding them costs. Each photo is loaded as the product
// loads it (the reduced decode the model sees, as moderationInput keeps it)
// and given to the face detector alone: the number of faces and of photos
// with one, and the detector's CPU time on the calling thread and in the
// whole process (OpenCV runs part of the cascade on its worker threads).
// --list prints each photo's faces, to compare two builds photo by photo;
// --against takes such a list (of the same photos at another size, its boxes
// multiplied by --against-scale) and counts the faces found again, those
// lost and those new, so that a set made by enlarging photos can be held to
// the faces found on the originals.
#include "bench_commands.h"

#include "cli_common.h"
#include "environment.h"
#include "face_detector.h"
#include "image_loader.h"
#include "photo_reading.h"

#include <QDir>
#include <QFileInfo>
#include <QFile>
#include <QHash>
#include <QSet>
#include <QRegularExpression>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <optional>

namespace listinglens::cli {

namespace {

double cpuMs(clockid_t clock)
{
    timespec t{};
    clock_gettime(clock, &t);
    return double(t.tv_sec) * 1e3 + double(t.tv_nsec) / 1e6;
}

// A photo's name without its extension and the `_4000px` that the enlarged
// sets add, so that a photo and its enlargement share it.
QString photoKey(const QString &name)
{
    static const QRegularExpression size(QStringLiteral("_[0-9]+px$"));
    return QFileInfo(name).completeBaseName().remove(size);
}

QString boxesText(const std::vector<QRect> &faces)
{
    QStringList boxes;
    for (const QRect &f : faces)
        boxes << QStringLiteral("%1,%2 %3x%4").arg(f.x()).arg(f.y()).arg(f.width()).arg(f.height());
    return boxes.join(QStringLiteral("; "));
}

using FaceLists = QHash<QString, std::vector<QRect>>;

// The largest --against-scale and the largest box coordinate or side, in
// these photos' pixels, taken from a list: far beyond any photo, and far
// inside an int, so a QRect's right edge cannot overflow.
constexpr double kMaxAgainstScale = 1000;
constexpr double kMaxBoxPixels = 1e6;

// The faces of a `--list` output ("name: x,y wxh; ..."), multiplied by
// `scale`; an unreadable file or box, or a file with no photo line (a
// --json output, a list of paths), is an error, not an empty list.
std::optional<FaceLists> readFaceList(const QString &path, double scale)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text)) {
        printError(QStringLiteral("cannot read %1").arg(path));
        return std::nullopt;
    }
    static const QRegularExpression photoLine(QStringLiteral("^(\\S+\\.(?:jpg|jpeg|png)): (.*)$"), QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression box(QStringLiteral("^(-?\\d{1,9}),(-?\\d{1,9}) (\\d{1,9})x(\\d{1,9})$"));
    FaceLists lists;
    for (int lineNo = 1; !file.atEnd(); ++lineNo) {
        const auto photo = photoLine.match(QString::fromUtf8(file.readLine()).trimmed());
        if (!photo.hasMatch())
            continue; // the summary line, and the lines of lost faces
        std::vector<QRect> &faces = lists[photoKey(photo.captured(1))];
        for (const QString &b : photo.captured(2).split(QStringLiteral("; "), Qt::SkipEmptyParts)) {
            const auto m = box.match(b.trimmed());
            double v[4] = {};
            for (int i = 0; m.hasMatch() && i < 4; ++i)
                v[i] = std::round(m.captured(i + 1).toDouble() * scale);
            const auto inRange = [](double x) { return std::abs(x) <= kMaxBoxPixels; };
            if (!m.hasMatch() || !std::all_of(std::begin(v), std::end(v), inRange) || v[2] < 1 || v[3] < 1) {
                printError(QStringLiteral("%1:%2: not a box (x,y wxh, sides of 1 px or more, at most %3 px once scaled): %4")
                               .arg(path).arg(lineNo).arg(kMaxBoxPixels, 0, 'f', 0).arg(b));
                return std::nullopt;
            }
            faces.push_back(QRect(int(v[0]), int(v[1]), int(v[2]), int(v[3])));
        }
    }
    if (lists.isEmpty()) {
        printError(QStringLiteral("%1: no photo line (\"name.jpg: x,y wxh; ...\", as --list prints them)").arg(path));
        return std::nullopt;
    }
    return lists;
}

// Faces of the reference list found again, lost (each printed with --list)
// and new. Matched one to one, the pairs overlapping most first (IoU over
// kSameFaceOverlap), so that one large box does not count for two faces.
struct AgainstCounts {
    int kept = 0, lost = 0, added = 0;
    QSet<QString> photos; // the reference's photos met among these
    void add(const QString &name, const std::vector<QRect> &reference, const std::vector<QRect> &found, bool list, QTextStream &out)
    {
        photos.insert(photoKey(name));
        struct Pair {
            double overlap;
            std::size_t r, f;
        };
        std::vector<Pair> pairs;
        for (std::size_t r = 0; r < reference.size(); ++r)
            for (std::size_t f = 0; f < found.size(); ++f)
                if (const double o = faceOverlap(reference[r], found[f]); o > kSameFaceOverlap)
                    pairs.push_back({o, r, f});
        std::stable_sort(pairs.begin(), pairs.end(), [](const Pair &a, const Pair &b) { return a.overlap > b.overlap; });
        std::vector<bool> refMatched(reference.size()), foundMatched(found.size());
        int matched = 0;
        for (const Pair &p : pairs) {
            if (refMatched[p.r] || foundMatched[p.f])
                continue;
            refMatched[p.r] = foundMatched[p.f] = true;
            ++matched;
        }
        kept += matched;
        lost += int(reference.size()) - matched;
        added += int(found.size()) - matched;
        for (std::size_t r = 0; list && r < reference.size(); ++r)
            if (!refMatched[r])
                out << "lost " << name << ": " << boxesText({reference[r]}) << "\n";
    }
};

// The totals, as one JSON object or a line of text; with an --against list
// (`reference` not null), its faces found again, lost and new, its total,
// and a warning for its photos that are not among these (its faces on them
// are counted neither found again nor lost).
void printSummary(QTextStream &out, QJsonObject result, const QString &dir, const QString &againstPath, const FaceLists *reference,
                  const AgainstCounts &counts, bool json)
{
    if (reference) {
        int total = 0, unmatchedPhotos = 0, unmatchedFaces = 0;
        for (auto it = reference->begin(); it != reference->end(); ++it) {
            total += int(it->size());
            if (!counts.photos.contains(it.key())) {
                ++unmatchedPhotos;
                unmatchedFaces += int(it->size());
            }
        }
        if (unmatchedPhotos > 0)
            printError(QStringLiteral("warning: %1 photos of %2 (%3 faces) are not among the photos in %4").arg(unmatchedPhotos).arg(againstPath)
                           .arg(unmatchedFaces).arg(dir));
        result.insert(QStringLiteral("against"), QJsonObject{{QStringLiteral("kept"), counts.kept}, {QStringLiteral("lost"), counts.lost},
                                                             {QStringLiteral("new"), counts.added}, {QStringLiteral("faces_in_list"), total},
                                                             {QStringLiteral("photos_not_here"), unmatchedPhotos}});
        if (!json)
            out << QStringLiteral("against %1: %2 of the %3 faces of its photos here found again, %4 new; %5 faces in it, %6 on photos not here\n")
                       .arg(againstPath).arg(counts.kept).arg(counts.kept + counts.lost).arg(counts.added).arg(total).arg(unmatchedFaces);
    }
    if (json) {
        out << QJsonDocument(result).toJson(QJsonDocument::Compact) << Qt::endl;
        return;
    }
    out << QStringLiteral("%1 photos (%2 unreadable) in %3: %4 faces on %5 photos; the detector %6 ms of the thread's CPU a photo, %7 ms of the process's; %8\n")
               .arg(result.value(QStringLiteral("photos")).toInt()).arg(result.value(QStringLiteral("failed")).toInt()).arg(dir)
               .arg(result.value(QStringLiteral("faces")).toInt()).arg(result.value(QStringLiteral("photos_with_faces")).toInt())
               .arg(result.value(QStringLiteral("thread_cpu_ms")).toDouble(), 0, 'f', 1)
               .arg(result.value(QStringLiteral("process_cpu_ms")).toDouble(), 0, 'f', 1).arg(processorModel());
}

// The --against list, multiplied by --against-scale (finite, over 0 and
// kMaxAgainstScale at most); nullopt with the error printed when either is bad.
std::optional<FaceLists> againstList(const QString &path, const QString &scaleText)
{
    bool ok = false;
    const double scale = scaleText.toDouble(&ok);
    if (!ok || !std::isfinite(scale) || scale <= 0 || scale > kMaxAgainstScale) {
        printError(QStringLiteral("--against-scale must be a number over 0 and %1 at most, not %2").arg(kMaxAgainstScale).arg(scaleText));
        return std::nullopt;
    }
    return readFaceList(path, scale);
}

} // namespace

int runBenchFaces(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Faces found on a folder of photos, loaded as the product loads them, and the face detector's CPU time a photo."));
    parser.addHelpOption();
    const QCommandLineOption photos{QStringLiteral("photos"), QStringLiteral("Folder of photos (default: the shared marketplace photos)."),
                                    QStringLiteral("DIR")};
    const QCommandLineOption rounds{QStringLiteral("rounds"), QStringLiteral("Times each photo is looked at (default 1)."), QStringLiteral("N"),
                                    QStringLiteral("1")};
    const QCommandLineOption list{QStringLiteral("list"), QStringLiteral("Print each photo with a face and its boxes (photo pixels).")};
    const QCommandLineOption json{QStringLiteral("json"), QStringLiteral("Print one JSON object.")};
    const QCommandLineOption against{QStringLiteral("against"),
                                     QStringLiteral("A --list output of the same photos at another size: count its faces found again (one to one, IoU > 0.3), lost and new."),
                                     QStringLiteral("FILE")};
    const QCommandLineOption againstScale{QStringLiteral("against-scale"), QStringLiteral("Factor from that list's boxes to these photos' pixels (over 0, 1000 at most; default 1)."),
                                          QStringLiteral("K"), QStringLiteral("1")};
    parser.addOptions({photos, rounds, list, json, against, againstScale});
    int exitCode = ExitOk;
    if (!parseOrExit(parser, args, exitCode))
        return exitCode;
    const auto nRounds = intOption(parser, rounds, 1, 100);
    if (!nRounds)
        return ExitUsage;
    const auto reference = parser.isSet(against) ? againstList(parser.value(against), parser.value(againstScale)) : std::optional<FaceLists>();
    if (parser.isSet(against) && !reference)
        return ExitUsage;
    const QString dir = parser.isSet(photos) ? parser.value(photos)
                                             : QDir(defaultSamplesDir() + QStringLiteral("/../marketplace/photos")).absolutePath();
    const QStringList files = QDir(dir).entryList({QStringLiteral("*.jpg"), QStringLiteral("*.jpeg"), QStringLiteral("*.png")}, QDir::Files, QDir::Name);
    if (files.isEmpty()) {
        printError(QStringLiteral("no photos in %1").arg(dir));
        return ExitUsage;
    }
    auto detector = FaceDetector::open();
    if (!detector) {
        printError(detector.error().message);
        return ExitSomeFailed;
    }
    const ImageLoader loader;
    QTextStream out(stdout);
    int read = 0, failed = 0, faces = 0, withFaces = 0;
    AgainstCounts counts;
    double threadMs = 0, processMs = 0;
    for (const QString &name : files) {
        const QString path = QDir(dir).filePath(name);
        auto bytes = loader.readFile(path);
        auto image = bytes ? loader.loadBytes(bytes.value()) : Result<LoadedImage>(bytes.error());
        if (!image) {
            ++failed;
            continue;
        }
        const ModerationInput input = moderationInput(std::move(image).value(), {});
        std::vector<QRect> found;
        const double thread0 = cpuMs(CLOCK_THREAD_CPUTIME_ID), process0 = cpuMs(CLOCK_PROCESS_CPUTIME_ID);
        for (int r = 0; r < *nRounds; ++r)
            found = detector.value()->detect(input.decoded.bgr, input.decoded.decodeScale);
        threadMs += cpuMs(CLOCK_THREAD_CPUTIME_ID) - thread0;
        processMs += cpuMs(CLOCK_PROCESS_CPUTIME_ID) - process0;
        ++read;
        faces += int(found.size());
        withFaces += found.empty() ? 0 : 1;
        if (parser.isSet(list) && !found.empty())
            out << name << ": " << boxesText(found) << "\n";
        if (reference)
            counts.add(name, reference->value(photoKey(name)), found, parser.isSet(list), out);
    }
    const double n = std::max(1.0, double(read) * *nRounds);
    const QJsonObject result{{QStringLiteral("photos"), read},          {QStringLiteral("failed"), failed},
                             {QStringLiteral("faces"), faces},          {QStringLiteral("photos_with_faces"), withFaces},
                             {QStringLiteral("thread_cpu_ms"), threadMs / n}, {QStringLiteral("process_cpu_ms"), processMs / n},
                             {QStringLiteral("cpu"), processorModel()}};
    printSummary(out, result, dir, parser.value(against), reference ? &*reference : nullptr, counts, parser.isSet(json));
    return ExitOk;
}

} // namespace listinglens::cli
