// `listinglens-bench faces DIR...`: what the face detector's proposals keep.
// Each photo is loaded as the product loads it and its faces looked for as
// the moderation lane looks for them (FaceDetector::Scan::Proposals) and with
// the judge scanning every skin-toned area whole (Scan::Whole, the
// reference), the two in turn: the reference's faces found again or lost,
// faces only the proposals gave, and the process's CPU time of each.
#include "bench_commands.h"

#include "cli_common.h"
#include "environment.h"
#include "face_detector.h"
#include "image_loader.h"
#include "photo_reading.h"

#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>
#include <QTextStream>

#include <ctime>

namespace listinglens::cli {

namespace {

double processCpuMs()
{
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return double(t.tv_sec) * 1e3 + double(t.tv_nsec) / 1e6;
}

// The same face: boxes overlapping by half their union at least.
bool sameFace(const QRect &a, const QRect &b)
{
    const QRect both = a & b;
    const double shared = double(both.width()) * both.height();
    const double all = double(a.width()) * a.height() + double(b.width()) * b.height() - shared;
    return all > 0 && shared >= 0.5 * all;
}

struct Tally {
    int photos = 0, reference = 0, kept = 0, onlyProposed = 0;
    double wholeMs = 0, proposalsMs = 0;
    QStringList lost;
};

void compare(const FaceDetector &faces, const LoadedImage &decoded, const QString &name, bool proposalsFirst, Tally &t)
{
    std::vector<QRect> whole, proposed;
    for (int turn = 0; turn < 2; ++turn) {
        const bool proposals = (turn == 0) == proposalsFirst;
        const double start = processCpuMs();
        (proposals ? proposed : whole) =
            faces.detect(decoded.bgr, decoded.decodeScale, proposals ? FaceDetector::Scan::Proposals : FaceDetector::Scan::Whole);
        (proposals ? t.proposalsMs : t.wholeMs) += processCpuMs() - start;
    }
    ++t.photos;
    t.reference += int(whole.size());
    for (const QRect &f : whole) {
        const bool found = std::any_of(proposed.begin(), proposed.end(), [&](const QRect &p) { return sameFace(f, p); });
        t.kept += found ? 1 : 0;
        if (!found) {
            QString boxes;
            for (const QRect &p : proposed)
                boxes += QStringLiteral(" %1,%2 %3x%4").arg(p.x()).arg(p.y()).arg(p.width()).arg(p.height());
            t.lost << QStringLiteral("%1 (%2,%3 %4x%5; proposals gave%6)").arg(name).arg(f.x()).arg(f.y()).arg(f.width()).arg(f.height()).arg(boxes.isEmpty() ? QStringLiteral(" none") : boxes);
        }
    }
    for (const QRect &p : proposed)
        t.onlyProposed += std::none_of(whole.begin(), whole.end(), [&](const QRect &f) { return sameFace(f, p); }) ? 1 : 0;
}

QStringList photosIn(const QStringList &paths)
{
    QStringList out;
    for (const QString &path : paths) {
        const QFileInfo info(path);
        if (!info.isDir()) {
            out << path;
            continue;
        }
        const QDir dir(path);
        for (const QString &name : dir.entryList({QStringLiteral("*.jpg"), QStringLiteral("*.jpeg"), QStringLiteral("*.png")}, QDir::Files, QDir::Name))
            out << dir.filePath(name);
    }
    return out;
}

} // namespace

int runBenchFaces(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Faces found where the lane's proposer saw one against the judge scanning every skin-toned area whole: "
        "the reference's faces kept and lost, and the process's CPU time of each (the two in turn on each photo)."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("paths"), QStringLiteral("photo files or folders of them"), QStringLiteral("PATH..."));
    parser.process(args);
    const QStringList photos = photosIn(parser.positionalArguments());
    if (photos.isEmpty()) {
        printError(QStringLiteral("no photos given (folders or files)"));
        return ExitUsage;
    }
    auto faces = FaceDetector::open();
    if (!faces) {
        printError(faces.error().message);
        return ExitSomeFailed;
    }
    ImageLoader loader;
    Tally t;
    int unreadable = 0;
    for (const QString &path : photos) {
        auto bytes = loader.readFile(path);
        auto image = bytes ? loader.loadBytes(bytes.value()) : Result<LoadedImage>(bytes.error());
        if (!image) {
            ++unreadable;
            continue;
        }
        const ModerationInput input = moderationInput(std::move(image).value(), {});
        compare(*faces.value(), input.decoded, QFileInfo(path).fileName(), t.photos % 2 == 0, t);
    }
    QTextStream out(stdout);
    out << QStringLiteral("%1 photos (%2 unreadable), %3: the whole scan found %4 faces; the proposals kept %5 of them and found %6 more; "
                          "CPU a photo (process): whole %7 ms, proposals %8 ms\n")
               .arg(t.photos).arg(unreadable).arg(processorModel()).arg(t.reference).arg(t.kept).arg(t.onlyProposed)
               .arg(t.photos ? t.wholeMs / t.photos : 0.0, 0, 'f', 2).arg(t.photos ? t.proposalsMs / t.photos : 0.0, 0, 'f', 2);
    if (!t.lost.isEmpty())
        out << QStringLiteral("lost: ") << t.lost.join(QStringLiteral(", ")) << Qt::endl;
    return ExitOk;
}

} // namespace listinglens::cli
