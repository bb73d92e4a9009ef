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

using FaceLists = QHash<QString, std::vector<QRect>>;

// The faces of a `--list` output ("name: x,y wxh; ..."), multiplied by
// `scale`; an unreadable file or line is an error, not an empty list.
std::optional<FaceLists> readFaceList(const QString &path, double scale)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text)) {
        printError(QStringLiteral("cannot read %1").arg(path));
        return std::nullopt;
    }
    static const QRegularExpression photoLine(QStringLiteral("^(\\S+\\.(?:jpg|jpeg|png)): (.*)$"), QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression box(QStringLiteral("^(-?\\d+),(-?\\d+) (\\d+)x(\\d+)$"));
    FaceLists lists;
    for (int lineNo = 1; !file.atEnd(); ++lineNo) {
        const auto photo = photoLine.match(QString::fromUtf8(file.readLine()).trimmed());
        if (!photo.hasMatch())
            continue; // the summary line, and the lines of lost faces
        std::vector<QRect> &faces = lists[photoKey(photo.captured(1))];
        for (const QString &b : photo.captured(2).split(QStringLiteral("; "), Qt::SkipEmptyParts)) {
            const auto m = box.match(b.trimmed());
            if (!m.hasMatch()) {
                printError(QStringLiteral("%1:%2: not a box: %3").arg(path).arg(lineNo).arg(b));
                return std::nullopt;
            }
            const auto at = [&](int i) { return int(std::lround(m.captured(i).toDouble() * scale)); };
            faces.push_back(QRect(at(1), at(2), at(3), at(4)));
        }
    }
    return lists;
}

double overlap(const QRect &a, const QRect &b)
{
    const QRect i = a.intersected(b);
    const double both = double(i.width()) * i.height();
    return i.isEmpty() ? 0 : both / (double(a.width()) * a.height() + double(b.width()) * b.height() - both);
}

// Faces of the reference list found again (a box overlapping by more than
// 0.3 of their union), lost (each printed with --list) and new.
struct AgainstCounts {
    int kept = 0, lost = 0, added = 0;
    void add(const QString &name, const std::vector<QRect> &reference, const std::vector<QRect> &found, bool list, QTextStream &out)
    {
        const auto matches = [](const QRect &r, const std::vector<QRect> &in) {
            return std::any_of(in.begin(), in.end(), [&](const QRect &o) { return overlap(r, o) > 0.3; });
        };
        for (const QRect &r : reference) {
            matches(r, found) ? ++kept : ++lost;
            if (list && !matches(r, found))
                out << "lost " << name << ": " << r.x() << "," << r.y() << " " << r.width() << "x" << r.height() << "\n";
        }
        for (const QRect &f : found)
            added += matches(f, reference) ? 0 : 1;
    }
};

QString boxesText(const std::vector<QRect> &faces)
{
    QStringList boxes;
    for (const QRect &f : faces)
        boxes << QStringLiteral("%1,%2 %3x%4").arg(f.x()).arg(f.y()).arg(f.width()).arg(f.height());
    return boxes.join(QStringLiteral("; "));
}

// The totals, as one JSON object or a line of text; the faces found again
// of the --against list when one was given (`againstPath` not empty).
void printSummary(QTextStream &out, QJsonObject result, const QString &dir, const QString &againstPath, const AgainstCounts &counts, bool json)
{
    if (!againstPath.isEmpty())
        result.insert(QStringLiteral("against"), QJsonObject{{QStringLiteral("kept"), counts.kept}, {QStringLiteral("lost"), counts.lost},
                                                             {QStringLiteral("new"), counts.added}});
    if (json) {
        out << QJsonDocument(result).toJson(QJsonDocument::Compact) << Qt::endl;
        return;
    }
    if (!againstPath.isEmpty())
        out << QStringLiteral("against %1: %2 of its %3 faces found again, %4 new\n").arg(againstPath).arg(counts.kept).arg(counts.kept + counts.lost).arg(counts.added);
    out << QStringLiteral("%1 photos (%2 unreadable) in %3: %4 faces on %5 photos; the detector %6 ms of the thread's CPU a photo, %7 ms of the process's; %8\n")
               .arg(result.value(QStringLiteral("photos")).toInt()).arg(result.value(QStringLiteral("failed")).toInt()).arg(dir)
               .arg(result.value(QStringLiteral("faces")).toInt()).arg(result.value(QStringLiteral("photos_with_faces")).toInt())
               .arg(result.value(QStringLiteral("thread_cpu_ms")).toDouble(), 0, 'f', 1)
               .arg(result.value(QStringLiteral("process_cpu_ms")).toDouble(), 0, 'f', 1).arg(processorModel());
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
                                     QStringLiteral("A --list output of the same photos at another size: count its faces found again (IoU > 0.3), lost and new."),
                                     QStringLiteral("FILE")};
    const QCommandLineOption againstScale{QStringLiteral("against-scale"), QStringLiteral("Factor from that list's boxes to these photos' pixels (default 1)."),
                                          QStringLiteral("K"), QStringLiteral("1")};
    parser.addOptions({photos, rounds, list, json, against, againstScale});
    int exitCode = ExitOk;
    if (!parseOrExit(parser, args, exitCode))
        return exitCode;
    const auto nRounds = intOption(parser, rounds, 1, 100);
    if (!nRounds)
        return ExitUsage;
    bool scaleOk = false;
    const double scale = parser.value(againstScale).toDouble(&scaleOk);
    const auto reference = parser.isSet(against) && scaleOk && scale > 0 ? readFaceList(parser.value(against), scale) : std::optional<FaceLists>();
    if (parser.isSet(against) && !reference) {
        if (!scaleOk || scale <= 0)
            printError(QStringLiteral("--against-scale must be a positive number"));
        return ExitUsage;
    }
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
    printSummary(out, result, dir, reference ? parser.value(against) : QString(), counts, parser.isSet(json));
    return ExitOk;
}

} // namespace listinglens::cli
