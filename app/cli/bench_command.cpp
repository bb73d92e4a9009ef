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


} // namespace

int runBench(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "End-to-end throughput and latency on phone-sized photos (12 MP JPEG).\n"
        "Without --images, phone-sized photos are made once from the sample photos\n"
        "(upscaled to 4000 px, JPEG quality 90, half of them with an EXIF rotation) and cached."));
    parser.addHelpOption();
    const QCommandLineOption images(QStringLiteral("images"), QStringLiteral("Folder of photos to use as they are."), QStringLiteral("DIR"));
    const QCommandLineOption count(QStringLiteral("count"), QStringLiteral("Photos to process (default: 200)."), QStringLiteral("N"), QStringLiteral("200"));
    const QCommandLineOption single(QStringLiteral("single"), QStringLiteral("Photos for the one-at-a-time latency run (default: 48)."), QStringLiteral("N"), QStringLiteral("48"));
    const QCommandLineOption prepare(QStringLiteral("prepare-threads"), QStringLiteral("Decode/preprocess threads (default: the cores inference leaves free)."), QStringLiteral("N"), QStringLiteral("0"));
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Print one JSON object."));
    parser.addOptions({images, count, single, prepare, json});
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
    if (!options || !pipeOptions || !n || !nSingle || !nPrepare)
        return ExitUsage;
    pipeOptions->prepareThreads = *nPrepare;

    QTextStream err(stderr);
    QStringList files;
    if (parser.isSet(images)) {
        files = findPhotos(parser.value(images));
    } else {
        const auto made = phoneSizedBenchPhotos();
        if (!made)
            return ExitUsage;
        files = *made;
    }
    if (files.isEmpty()) {
        printError(QStringLiteral("no photos to benchmark"));
        return ExitUsage;
    }
    qint64 bytes = 0;
    for (const QString &f : files)
        bytes += QFileInfo(f).size();

    auto classifier = Classifier::create(*options);
    if (!classifier) {
        printError(classifier.error().message);
        return ExitUsage;
    }
    Classifier &c = *classifier.value();

    // Throughput: the pipeline over N photos, cycling through the files.
    std::vector<PhotoSource> sources;
    for (int i = 0; i < *n; ++i)
        sources.push_back(PhotoSource::fromFile(files[i % files.size()]));
    Series decode, pre, infer, total;
    int failures = 0, width = 0, height = 0;
    err << "Processing " << *n << " photos (batch " << pipeOptions->batchSize << ") ..." << Qt::endl;
    QElapsedTimer timer;
    timer.start();
    Route route(c, RouteOptions{*pipeOptions});
    route.setReports({{}, {}, [&](RoutedPhoto &photo) {
        const Result<PhotoResult> &r = photo.outcome;
        if (!r) {
            ++failures;
            return;
        }
        const StageTimings &t = r.value().timing;
        decode.values.push_back(t.decode);
        pre.values.push_back(t.preprocess);
        infer.values.push_back(t.inference);
        total.values.push_back(t.total);
        width = r.value().quality.width;
        height = r.value().quality.height;
    }});
    route.run(sources);
    const double seconds = timer.nsecsElapsed() / 1e9;
    const double photosPerSecond = *n / seconds;

    // Latency: one photo at a time, as a single upload sees it.
    Series singleTotal;
    for (int i = 0; i < *nSingle; ++i) {
        const auto r = route.classifyOne(PhotoSource::fromFile(files[i % files.size()]));
        if (r)
            singleTotal.values.push_back(r.value().timing.total);
    }

    const EngineInfo &engine = c.engineInfo();
    if (parser.isSet(json)) {
        const QJsonObject o{
            {QStringLiteral("photos_per_second"), std::round(photosPerSecond * 10) / 10},
            {QStringLiteral("latency_ms"), singleTotal.json()},
            {QStringLiteral("batch_latency_ms"), total.json()},
            {QStringLiteral("stages_ms"), QJsonObject{{QStringLiteral("decode"), decode.json()},
                                                      {QStringLiteral("preprocess"), pre.json()},
                                                      {QStringLiteral("inference"), infer.json()},
                                                      {QStringLiteral("total"), total.json()}}},
            {QStringLiteral("count"), *n},
            {QStringLiteral("failures"), failures},
            {QStringLiteral("seconds"), std::round(seconds * 100) / 100},
            {QStringLiteral("device"), engine.device},
            {QStringLiteral("blas"), blasCoreReport()},
            {QStringLiteral("threads"), engine.threads},
            {QStringLiteral("prepare_threads"), Pipeline(c, route.preparer(), *pipeOptions).options().prepareThreads},
            {QStringLiteral("batch"), pipeOptions->batchSize},
            {QStringLiteral("photo"), QJsonObject{{QStringLiteral("width"), width}, {QStringLiteral("height"), height},
                                                  {QStringLiteral("mean_bytes"), double(bytes / files.size())},
                                                  {QStringLiteral("distinct"), int(files.size())}}},
            {QStringLiteral("model"), QJsonObject{{QStringLiteral("name"), c.manifest().name},
                                                  {QStringLiteral("version"), c.manifest().version}}},
        };
        QTextStream(stdout) << QJsonDocument(o).toJson(QJsonDocument::Compact) << Qt::endl;
    } else {
        QTextStream out(stdout);
        out << QStringLiteral("photos:      %1 x %2 px, %3 distinct files, mean %4 MB\n")
                   .arg(width).arg(height).arg(files.size()).arg(bytes / double(files.size()) / 1e6, 0, 'f', 2)
            << QStringLiteral("device:      %1 (%2), batch %3, %4 prepare threads\n")
                   .arg(engine.device, engine.deviceName).arg(pipeOptions->batchSize)
                   .arg(Pipeline(c, route.preparer(), *pipeOptions).options().prepareThreads)
            << QStringLiteral("blas:        %1\n").arg(blasCoreReport())
            << QStringLiteral("throughput:  %1 photos/s (%2 photos in %3 s, %4 failed)\n")
                   .arg(photosPerSecond, 0, 'f', 1).arg(*n).arg(seconds, 0, 'f', 2).arg(failures)
            << "under load, per photo:\n"
            << "  decode      " << decode.text() << '\n'
            << "  preprocess  " << pre.text() << '\n'
            << "  inference   " << infer.text() << "  (the photo's whole batch)\n"
            << "  total       " << total.text() << '\n'
            << "one photo at a time (" << singleTotal.values.size() << " photos):\n"
            << "  total       " << singleTotal.text() << Qt::endl;
    }
    return failures > 0 ? ExitSomeFailed : ExitOk;
}

} // namespace listinglens::cli
