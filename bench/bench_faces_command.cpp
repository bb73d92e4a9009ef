// `listinglens-bench faces`: the faces the moderation lane finds on a folder
// of photos and what finding them costs. Each photo is loaded as the product
// loads it (the reduced decode the model sees, as moderationInput keeps it)
// and given to the face detector alone: the number of faces and of photos
// with one, and the detector's CPU time on the calling thread and in the
// whole process (OpenCV runs part of the cascade on its worker threads).
// --list prints each photo's faces, to compare two builds photo by photo.
#include "bench_commands.h"

#include "cli_common.h"
#include "environment.h"
#include "face_detector.h"
#include "image_loader.h"
#include "photo_reading.h"

#include <QDir>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

#include <ctime>

namespace listinglens::cli {

namespace {

double cpuMs(clockid_t clock)
{
    timespec t{};
    clock_gettime(clock, &t);
    return double(t.tv_sec) * 1e3 + double(t.tv_nsec) / 1e6;
}

QString boxesText(const std::vector<QRect> &faces)
{
    QStringList boxes;
    for (const QRect &f : faces)
        boxes << QStringLiteral("%1,%2 %3x%4").arg(f.x()).arg(f.y()).arg(f.width()).arg(f.height());
    return boxes.join(QStringLiteral("; "));
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
    parser.addOptions({photos, rounds, list, json});
    int exitCode = ExitOk;
    if (!parseOrExit(parser, args, exitCode))
        return exitCode;
    const auto nRounds = intOption(parser, rounds, 1, 100);
    if (!nRounds)
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
    }
    const double n = std::max(1.0, double(read) * *nRounds);
    const QJsonObject result{{QStringLiteral("photos"), read},          {QStringLiteral("failed"), failed},
                             {QStringLiteral("faces"), faces},          {QStringLiteral("photos_with_faces"), withFaces},
                             {QStringLiteral("thread_cpu_ms"), threadMs / n}, {QStringLiteral("process_cpu_ms"), processMs / n},
                             {QStringLiteral("cpu"), processorModel()}};
    if (parser.isSet(json)) {
        out << QJsonDocument(result).toJson(QJsonDocument::Compact) << Qt::endl;
        return ExitOk;
    }
    out << QStringLiteral("%1 photos (%2 unreadable) in %3: %4 faces on %5 photos; the detector %6 ms of the thread's CPU a photo, %7 ms of the process's; %8\n")
               .arg(read).arg(failed).arg(dir).arg(faces).arg(withFaces)
               .arg(threadMs / n, 0, 'f', 1).arg(processMs / n, 0, 'f', 1).arg(processorModel());
    return ExitOk;
}

} // namespace listinglens::cli
