#include "commands.h"

#include "cli_common.h"
#include "percent_text.h"
#include "photo_files.h"
#include "result_json.h"
#include "route.h"
#include "store_recorder.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonDocument>
#include <QTextStream>

#include <optional>
#include <variant>

#include <cstdio>
#include <unistd.h>

namespace listinglens::cli {

namespace {

QString fit(const QString &text, int width)
{
    return text.size() <= width ? text.leftJustified(width) : text.left(width - 1) + QChar(0x2026);
}

QString money(double v)
{
    return QString::number(v, 'f', v >= 100 ? 0 : 2);
}

void printTableHeader(QTextStream &out)
{
    out << fit(QStringLiteral("FILE"), 28) << ' ' << fit(QStringLiteral("CATEGORY"), 24) << ' '
        << QStringLiteral("CONF").rightJustified(4) << "  " << fit(QStringLiteral("TOP LABEL"), 22) << ' '
        << fit(QStringLiteral("PRICE low-point-high"), 26) << ' ' << fit(QStringLiteral("WARNINGS"), 16)
        << QStringLiteral("MS").rightJustified(6) << Qt::endl;
}

void printTableRow(QTextStream &out, const QString &file, const Result<PhotoResult> &result)
{
    out << fit(QFileInfo(file).fileName(), 28) << ' ';
    if (!result) {
        out << "FAILED " << result.error().codeName() << ": " << result.error().message << Qt::endl;
        return;
    }
    const PhotoResult &r = result.value();
    // A suggestion without a price is no price, never "0-0-0".
    const QString price = r.price.basis == PriceBasis::None
        ? QStringLiteral("no price (none)")
        : QStringLiteral("%1 %2-%3-%4 (%5)")
              .arg(r.price.currency, money(r.price.low), money(r.price.point), money(r.price.high),
                   priceBasisName(r.price.basis));
    out << fit(r.category.name, 24) << ' ' << QStringLiteral("%1%").arg(confidencePercent(r.category.confidence, 0)).rightJustified(4)
        << "  " << fit(r.labels.value(0).name, 22) << ' ' << fit(price, 26) << ' '
        << fit(r.quality.flags.isEmpty() ? QStringLiteral("-") : r.quality.flags.join(QLatin1Char(',')), 16)
        << QString::number(r.timing.total, 'f', 0).rightJustified(6) << Qt::endl;
    out << fit(QString(), 28) << "  \"" << r.title << "\"" << Qt::endl;
}

class Progress {
public:
    explicit Progress(int total) : m_total(total), m_tty(isatty(fileno(stderr))) { m_timer.start(); }

    void update(int done)
    {
        if (m_total <= 5)
            return;
        const double rate = done / std::max(0.001, m_timer.elapsed() / 1000.0);
        const int step = std::max(1, m_total / 10);
        if (m_tty) {
            std::fprintf(stderr, "\r  %d/%d photos, %.1f photos/s ", done, m_total, rate);
            if (done == m_total)
                std::fputc('\n', stderr);
        } else if (done % step == 0 || done == m_total) {
            std::fprintf(stderr, "  %d/%d photos, %.1f photos/s\n", done, m_total, rate);
        }
        std::fflush(stderr);
    }


private:
    int m_total;
    bool m_tty;
    QElapsedTimer m_timer;
};

// What classify was asked to do, once its options are checked.
struct ClassifyRequest {
    QStringList files;
    bool asJson = false;
    ClassifierOptions classifier;
    PipelineOptions pipeline;
    ModerationChoice moderation;
    QString databaseUrl;
};

// The request, or the exit status of a usage error (printed).
std::variant<ClassifyRequest, int> parseClassify(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Suggest a category, price, title and description for each photo.\n"
        "Folders are walked for photos. Exit status: 0 all ok, 1 some photo failed (each still reported), "
        "2 usage or configuration error."));
    parser.addHelpOption();
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("JSON Lines on stdout, one object per photo."));
    parser.addOption(json);
    const QCommandLineOption db = databaseOption(QStringLiteral("; without either, nothing is stored"));
    parser.addOption(db);
    const ModelOptions modelOptions;
    modelOptions.addTo(parser);
    const ModerationCliOptions moderationCli;
    moderationCli.addTo(parser);
    parser.addPositionalArgument(QStringLiteral("FILE_OR_DIR"), QStringLiteral("Photos or folders of photos."),
                                 QStringLiteral("FILE_OR_DIR..."));
    int exitCode = ExitOk;
    if (!parseOrExit(parser, args, exitCode))
        return exitCode;
    if (parser.positionalArguments().isEmpty()) {
        printError(QStringLiteral("classify needs at least one photo or folder (see --help)"));
        return ExitUsage;
    }
    const auto options = classifierOptions(parser, modelOptions);
    const auto pipeOptions = pipelineOptions(parser, modelOptions);
    const auto moderation = moderationOptions(parser, moderationCli);
    if (!options || !pipeOptions || !moderation)
        return ExitUsage;
    QStringList emptyFolders;
    const QStringList files = expandPhotoPaths(parser.positionalArguments(), &emptyFolders);
    for (const QString &folder : std::as_const(emptyFolders))
        printError(QStringLiteral("no photos (JPEG, PNG, WebP, BMP, TIFF) in %1").arg(folder));
    if (files.isEmpty()) {
        printError(QStringLiteral("no photos to classify"));
        return ExitUsage;
    }
    return ClassifyRequest{files, parser.isSet(json), *options, *pipeOptions, *moderation, databaseUrl(parser, {})};
}

// How the run went, for the summary and the exit status.
struct ClassifyTally {
    int failed = 0;
    int done = 0;
    int notStored = 0;
};

// Each photo down the route; each reported whole (its text read), in input
// order, and stored then, in one write. The lane reads while the main lane
// works, and the last photos are read with the main lane's thread helping.
void classifyAll(const ClassifyRequest &request, Route &route, ClassifyTally &tally)
{
    QTextStream out(stdout);
    if (!request.asJson)
        printTableHeader(out);
    Progress progress(int(request.files.size()));
    route.setReports({{}, {}, [&](RoutedPhoto &photo) {
        const Result<PhotoResult> &result = photo.outcome;
        if (!result)
            ++tally.failed;
        if (request.asJson) {
            const QJsonObject o = result ? resultToJson(result.value()) : failureToJson(photo.name, result.error());
            out << QJsonDocument(o).toJson(QJsonDocument::Compact) << Qt::endl;
        } else {
            printTableRow(out, photo.name, result);
        }
        if (photo.notRecorded) {
            printError(QStringLiteral("NOT STORED %1: %2").arg(photo.name, photo.notRecorded->message));
            ++tally.notStored;
        }
        progress.update(++tally.done);
    }});
    std::vector<PhotoSource> sources;
    sources.reserve(std::size_t(request.files.size()));
    for (const QString &f : request.files)
        sources.push_back(PhotoSource::fromFile(f));
    route.run(sources);
    route.waitForLane();
}

} // namespace

int runClassify(const QStringList &args)
{
    auto parsed = parseClassify(args);
    if (const int *exitCode = std::get_if<int>(&parsed))
        return *exitCode;
    const ClassifyRequest &request = std::get<ClassifyRequest>(parsed);
    std::shared_ptr<PredictionStore> store;
    if (!request.databaseUrl.isEmpty() && !(store = openStore(request.databaseUrl)))
        return ExitUsage;
    std::unique_ptr<ModerationLane> lane;
    if (request.moderation.enabled && !(lane = openModerationLane(request.moderation.options)))
        return ExitUsage;
    auto classifier = Classifier::create(request.classifier);
    if (!classifier) {
        printError(classifier.error().message);
        return ExitUsage;
    }
    if (store && !attachStore(*classifier.value(), *store))
        return ExitSomeFailed;
    RouteOptions options;
    options.pipeline = request.pipeline;
    options.completeInOrder = true;
    Route route(*classifier.value(), options);
    route.plugLane(lane.get());
    std::optional<StoreRecorder> recorder;
    if (store)
        route.plugRecorder(&recorder.emplace(store, *classifier.value(), QStringLiteral("cli")), RecordAt::Completed);
    QElapsedTimer timer;
    timer.start();
    ClassifyTally tally;
    classifyAll(request, route, tally);
    const double seconds = timer.elapsed() / 1000.0;
    const qsizetype n = request.files.size();
    QTextStream(stderr) << QStringLiteral("%1 photo%2: %3 ok, %4 failed in %5 s (%6 photos/s) on %7")
                               .arg(n).arg(n == 1 ? "" : "s").arg(n - tally.failed).arg(tally.failed)
                               .arg(seconds, 0, 'f', 2).arg(n / std::max(seconds, 0.001), 0, 'f', 1)
                               .arg(classifier.value()->engineInfo().deviceName)
                        << Qt::endl;
    if (store)
        QTextStream(stderr) << QStringLiteral("stored %1 of %2 in %3").arg(n - tally.notStored).arg(n).arg(store->maskedUrl()) << Qt::endl;
    return tally.failed > 0 || tally.notStored > 0 ? ExitSomeFailed : ExitOk;
}

} // namespace listinglens::cli
