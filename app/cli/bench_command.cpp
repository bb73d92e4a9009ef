#include "commands.h"

#include "blas_core.h"
#include "cli_common.h"
#include "photo_files.h"
#include "route.h"
#include "statistics.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

namespace listinglens::cli {

namespace {

struct Series {
    std::vector<double> values;

    QJsonObject json() const
    {
        auto r = [](double v) { return std::round(v * 100.0) / 100.0; };
        return {{QStringLiteral("p50"), r(quantile(values, 0.50))},
                {QStringLiteral("p95"), r(quantile(values, 0.95))},
                {QStringLiteral("p99"), r(quantile(values, 0.99))}};
    }
    QString text() const
    {
        return QStringLiteral("p50 %1  p95 %2  p99 %3 ms")
            .arg(quantile(values, 0.50), 7, 'f', 1).arg(quantile(values, 0.95), 7, 'f', 1).arg(quantile(values, 0.99), 7, 'f', 1);
    }
};



// What one run measured, for the text and the JSON reports.
struct BenchFigures {
    Series decode, pre, infer, total, single;
    int count = 0;
    int failures = 0, width = 0, height = 0;
    double seconds = 0;
    qint64 bytes = 0;
    int files = 0;
    int prepareThreads = 0;
    int batch = 0;
    bool moderation = false; // the lane read each photo's text and faces, as classify does by default
    double photosPerSecond() const { return count / seconds; }
};

// The photos to run: a folder's as they are, or phone-sized ones made once.
std::optional<QStringList> benchFiles(const QCommandLineParser &parser, const QCommandLineOption &images)
{
    QStringList files;
    if (parser.isSet(images)) {
        files = findPhotos(parser.value(images));
    } else {
        const auto made = phoneSizedBenchPhotos();
        if (!made)
            return std::nullopt;
        files = *made;
    }
    if (files.isEmpty()) {
        printError(QStringLiteral("no photos to benchmark"));
        return std::nullopt;
    }
    return files;
}

// Throughput: the route over N photos, cycling through the files, each one
// whole (the lane's reading included, as `classify` waits for it); then
// latency: one photo at a time through the main lane, as a single upload's
// suggestion sees it.
void measure(Route &route, const QStringList &files, int nSingle, BenchFigures &f)
{
    std::vector<PhotoSource> sources;
    for (int i = 0; i < f.count; ++i)
        sources.push_back(PhotoSource::fromFile(files[i % files.size()]));
    QElapsedTimer timer;
    timer.start();
    route.setReports({{}, {}, [&f](RoutedPhoto &photo) {
        const Result<PhotoResult> &r = photo.outcome;
        if (!r) {
            ++f.failures;
            return;
        }
        const StageTimings &t = r.value().timing;
        f.decode.values.push_back(t.decode);
        f.pre.values.push_back(t.preprocess);
        f.infer.values.push_back(t.inference);
        f.total.values.push_back(t.total);
        f.width = r.value().quality.width;
        f.height = r.value().quality.height;
    }});
    route.run(sources);
    route.waitForLane();
    f.seconds = timer.nsecsElapsed() / 1e9;
    for (int i = 0; i < nSingle; ++i) {
        const auto r = route.classifyOne(PhotoSource::fromFile(files[i % files.size()]));
        if (r)
            f.single.values.push_back(r.value().timing.total);
    }
}

void printJson(const BenchFigures &f, const Classifier &c)
{
    const EngineInfo &engine = c.engineInfo();
    const QJsonObject o{
        {QStringLiteral("photos_per_second"), std::round(f.photosPerSecond() * 10) / 10},
        {QStringLiteral("latency_ms"), f.single.json()},
        {QStringLiteral("batch_latency_ms"), f.total.json()},
        {QStringLiteral("stages_ms"), QJsonObject{{QStringLiteral("decode"), f.decode.json()},
                                                  {QStringLiteral("preprocess"), f.pre.json()},
                                                  {QStringLiteral("inference"), f.infer.json()},
                                                  {QStringLiteral("total"), f.total.json()}}},
        {QStringLiteral("count"), f.count},
        {QStringLiteral("failures"), f.failures},
        {QStringLiteral("seconds"), std::round(f.seconds * 100) / 100},
        {QStringLiteral("device"), engine.device},
        {QStringLiteral("blas"), blasCoreReport()},
        {QStringLiteral("threads"), engine.threads},
        {QStringLiteral("prepare_threads"), f.prepareThreads},
        {QStringLiteral("batch"), f.batch},
        {QStringLiteral("moderation"), f.moderation},
        {QStringLiteral("photo"), QJsonObject{{QStringLiteral("width"), f.width}, {QStringLiteral("height"), f.height},
                                              {QStringLiteral("mean_bytes"), double(f.bytes / f.files)},
                                              {QStringLiteral("distinct"), f.files}}},
        {QStringLiteral("model"), QJsonObject{{QStringLiteral("name"), c.manifest().name},
                                              {QStringLiteral("version"), c.manifest().version}}},
    };
    QTextStream(stdout) << QJsonDocument(o).toJson(QJsonDocument::Compact) << Qt::endl;
}

void printText(const BenchFigures &f, const Classifier &c)
{
    const EngineInfo &engine = c.engineInfo();
    QTextStream out(stdout);
    out << QStringLiteral("photos:      %1 x %2 px, %3 distinct files, mean %4 MB\n")
               .arg(f.width).arg(f.height).arg(f.files).arg(f.bytes / double(f.files) / 1e6, 0, 'f', 2)
        << QStringLiteral("device:      %1 (%2), batch %3, %4 prepare threads\n")
               .arg(engine.device, engine.deviceName).arg(f.batch).arg(f.prepareThreads)
        << QStringLiteral("blas:        %1\n").arg(blasCoreReport())
        << QStringLiteral("throughput:  %1 photos/s (%2 photos in %3 s, %4 failed), %5\n")
               .arg(f.photosPerSecond(), 0, 'f', 1).arg(f.count).arg(f.seconds, 0, 'f', 2).arg(f.failures)
               .arg(f.moderation ? QStringLiteral("text and faces read (the default)") : QStringLiteral("--no-moderation"))
        << "under load, per photo:\n"
        << "  decode      " << f.decode.text() << '\n'
        << "  preprocess  " << f.pre.text() << '\n'
        << "  inference   " << f.infer.text() << "  (the photo's whole batch)\n"
        << "  total       " << f.total.text() << '\n'
        << "one photo at a time, the suggestion (" << f.single.values.size() << " photos):\n"
        << "  total       " << f.single.text() << Qt::endl;
}

} // namespace

int runBench(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "End-to-end throughput and latency on phone-sized photos (12 MP JPEG).\n"
        "Throughput counts each photo whole, its text and faces read as `classify`\n"
        "does by default (--no-moderation: the suggestion alone); the one-at-a-time\n"
        "latency is the suggestion's.\n"
        "Without --images, phone-sized photos are made once from the sample photos\n"
        "(upscaled to 4000 px, JPEG quality 90, half of them with an EXIF rotation) and cached."));
    parser.addHelpOption();
    const QCommandLineOption images(QStringLiteral("images"), QStringLiteral("Folder of photos to use as they are."), QStringLiteral("DIR"));
    const QCommandLineOption count(QStringLiteral("count"), QStringLiteral("Photos to process (default: 200)."), QStringLiteral("N"), QStringLiteral("200"));
    const QCommandLineOption single(QStringLiteral("single"), QStringLiteral("Photos for the one-at-a-time latency run (default: 48)."), QStringLiteral("N"), QStringLiteral("48"));
    const QCommandLineOption prepare(QStringLiteral("prepare-threads"), QStringLiteral("Decode/preprocess threads (default: the cores inference leaves free)."), QStringLiteral("N"), QStringLiteral("0"));
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Print one JSON object."));
    parser.addOptions({images, count, single, prepare, json});
    const ModerationCliOptions moderationCli;
    moderationCli.addTo(parser);
    const ModelOptions modelOptions;
    modelOptions.addTo(parser);
    int exitCode = ExitOk;
    if (!parseOrExit(parser, args, exitCode))
        return exitCode;
    const auto options = classifierOptions(parser, modelOptions);
    auto pipeOptions = pipelineOptions(parser, modelOptions);
    const auto n = intOption(parser, count, 1, 1'000'000);
    const auto nSingle = intOption(parser, single, 0, 100'000);
    const auto nPrepare = intOption(parser, prepare, 0, 64);
    const auto moderation = moderationOptions(parser, moderationCli);
    if (!options || !pipeOptions || !n || !nSingle || !nPrepare || !moderation)
        return ExitUsage;
    std::unique_ptr<ModerationLane> lane;
    if (moderation->enabled && !(lane = openModerationLane(moderation->options)))
        return ExitUsage;
    pipeOptions->prepareThreads = *nPrepare;
    const auto files = benchFiles(parser, images);
    if (!files)
        return ExitUsage;
    auto classifier = Classifier::create(*options);
    if (!classifier) {
        printError(classifier.error().message);
        return ExitUsage;
    }
    Classifier &c = *classifier.value();
    BenchFigures f;
    f.count = *n;
    f.files = int(files->size());
    for (const QString &file : *files)
        f.bytes += QFileInfo(file).size();
    f.batch = pipeOptions->batchSize;
    QTextStream(stderr) << "Processing " << *n << " photos (batch " << f.batch << ") ..." << Qt::endl;
    f.moderation = lane != nullptr;
    Route route(c, RouteOptions{*pipeOptions});
    route.plugLane(lane.get());
    measure(route, *files, *nSingle, f);
    f.prepareThreads = Pipeline(c, route.preparer(), *pipeOptions).options().prepareThreads;
    if (parser.isSet(json))
        printJson(f, c);
    else
        printText(f, c);
    return f.failures > 0 ? ExitSomeFailed : ExitOk;
}

} // namespace listinglens::cli
