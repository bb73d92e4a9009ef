#include "commands.h"

#include "cli_common.h"
#include "photo_files.h"
#include "result_json.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonDocument>
#include <QTextStream>

#include <map>
#include <mutex>

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
    const QString price = QStringLiteral("%1 %2-%3-%4 (%5)")
                              .arg(r.price.currency, money(r.price.low), money(r.price.point), money(r.price.high),
                                   priceBasisName(r.price.basis));
    out << fit(r.category.name, 24) << ' ' << QStringLiteral("%1%").arg(qRound(r.category.confidence * 100)).rightJustified(4)
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

    double seconds() const { return m_timer.elapsed() / 1000.0; }

private:
    int m_total;
    bool m_tty;
    QElapsedTimer m_timer;
};

} // namespace

int runClassify(const QStringList &args)
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
    std::shared_ptr<PredictionStore> store;
    if (const QString url = databaseUrl(parser, {}); !url.isEmpty()) {
        store = openStore(url);
        if (!store)
            return ExitUsage;
    }
    ClassifierOptions classifierOptions = *options;
    if (store) { // what history needs: the photo's fingerprint and a thumbnail
        classifierOptions.fingerprint = true;
        classifierOptions.thumbnailSide = 256;
    }
    std::unique_ptr<ModerationLane> lane;
    if (moderation->enabled) {
        lane = openModerationLane(moderation->options);
        if (!lane)
            return ExitUsage;
        classifierOptions.moderation = true;
    }
    auto classifier = Classifier::create(classifierOptions);
    if (!classifier) {
        printError(classifier.error().message);
        return ExitUsage;
    }
    if (store && !attachStore(*classifier.value(), *store))
        return ExitSomeFailed;

    std::vector<PhotoSource> sources;
    sources.reserve(std::size_t(files.size()));
    for (const QString &f : files)
        sources.push_back(PhotoSource::fromFile(f));

    QTextStream out(stdout);
    const bool asJson = parser.isSet(json);
    if (!asJson)
        printTableHeader(out);
    Progress progress(int(files.size()));
    int failed = 0, done = 0, notStored = 0;
    // Each photo is reported whole, text included, in input order: results
    // wait here for the moderation lane (which reports on its own thread).
    std::mutex readyMutex;
    std::map<int, Result<PhotoResult>> ready;
    int nextOut = 0;
    const auto report = [&](int index, const Result<PhotoResult> &result) {
        const QString &file = files[index];
        if (!result)
            ++failed;
        if (asJson) {
            const QJsonObject o = result ? resultToJson(result.value()) : failureToJson(file, result.error());
            out << QJsonDocument(o).toJson(QJsonDocument::Compact) << Qt::endl;
        } else {
            printTableRow(out, file, result);
        }
        if (store && !storeOutcome(*store, *classifier.value(), QStringLiteral("cli"), file, result))
            ++notStored;
        progress.update(++done);
    };
    const auto flush = [&] {
        std::lock_guard lock(readyMutex);
        for (auto it = ready.find(nextOut); it != ready.end(); it = ready.find(++nextOut)) {
            report(it->first, it->second);
            ready.erase(it);
        }
    };
    Pipeline pipeline(*classifier.value(), *pipeOptions);
    if (lane) {
        pipeline.setModeration(lane.get(), [&](int index, PhotoResult result) {
            std::lock_guard lock(readyMutex);
            ready.emplace(index, std::move(result));
        });
    }
    pipeline.run(sources, [&](int index, const Result<PhotoResult> &result) {
        if (!lane || !result) {
            std::lock_guard lock(readyMutex);
            ready.emplace(index, result);
        }
        flush();
    });
    if (lane)
        lane->waitIdle();
    flush();
    const double seconds = progress.seconds();
    QTextStream(stderr) << QStringLiteral("%1 photo%2: %3 ok, %4 failed in %5 s (%6 photos/s) on %7")
                               .arg(files.size()).arg(files.size() == 1 ? "" : "s")
                               .arg(files.size() - failed).arg(failed)
                               .arg(seconds, 0, 'f', 2).arg(files.size() / std::max(seconds, 0.001), 0, 'f', 1)
                               .arg(classifier.value()->engineInfo().deviceName)
                        << Qt::endl;
    if (store)
        QTextStream(stderr) << QStringLiteral("stored %1 of %2 in %3").arg(files.size() - notStored).arg(files.size()).arg(store->maskedUrl())
                            << Qt::endl;
    return failed > 0 || notStored > 0 ? ExitSomeFailed : ExitOk;
}

} // namespace listinglens::cli
