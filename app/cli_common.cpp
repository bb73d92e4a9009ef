#include "cli_common.h"

#include "phone_photos.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QFileInfo>
#include <QTextStream>
#include <QTimeZone>

#include <cstdio>

namespace listinglens::cli {

void printError(const QString &message)
{
    QTextStream(stderr) << "listinglens: " << message << Qt::endl;
}

std::optional<QStringList> phoneSizedBenchPhotos(const QString &sourceDir)
{
    // Photos of another folder are kept apart from the sample photos' (files are reused by name).
    const QString source = sourceDir.isEmpty() ? defaultSamplesDir() : QFileInfo(sourceDir).absoluteFilePath();
    const QString dir = sourceDir.isEmpty() ? defaultBenchPhotosDir()
                                            : defaultBenchPhotosDir() + QLatin1Char('-')
                                                  + QString::fromLatin1(QCryptographicHash::hash(source.toUtf8(), QCryptographicHash::Sha1).toHex().left(12));
    QTextStream(stderr) << "Preparing phone-sized photos in " << dir << " ..." << Qt::endl;
    auto made = makePhonePhotos(source, dir);
    if (!made) {
        printError(made.error().message);
        return std::nullopt;
    }
    return made.value();
}

void ModelOptions::addTo(QCommandLineParser &parser) const
{
    parser.addOptions({modelDir, manifest, taxonomy, device, threads, batch});
}

QCommandLineOption databaseOption(const QString &defaultHint)
{
    return {QStringLiteral("db"),
            QStringLiteral("Database: sqlite:PATH or postgresql://user:password@host:port/dbname (default: $LISTINGLENS_DB%1).").arg(defaultHint),
            QStringLiteral("URL")};
}

QString databaseUrl(const QCommandLineParser &parser, const QString &fallback)
{
    if (parser.isSet(QStringLiteral("db")))
        return parser.value(QStringLiteral("db"));
    const QString env = qEnvironmentVariable("LISTINGLENS_DB");
    return env.isEmpty() ? fallback : env;
}

std::shared_ptr<PredictionStore> openStore(const QString &url, bool migrate)
{
    auto store = PredictionStore::open(url, migrate);
    if (!store) {
        printError(store.error().message);
        return nullptr;
    }
    return store.value();
}

bool attachListingIndex(Classifier &classifier, PredictionStore &store)
{
    const int dim = classifier.engineInfo().embeddingDim;
    if (dim == 0)
        return true; // a model without embeddings: the taxonomy's prices only
    auto index = ListingIndex::load(store, dim);
    if (!index) {
        printError(index.error().message);
        return false;
    }
    classifier.setListingIndex(index.value());
    return true;
}

bool storeOutcome(PredictionStore &store, Classifier &classifier, const QString &source, const QString &file,
                  const Result<PhotoResult> &outcome, qint64 *id)
{
    auto stored = storeAndIndex(store, classifier.listingIndex().get(), source, file, outcome);
    if (!stored) {
        printError(QStringLiteral("NOT STORED %1: %2").arg(file, stored.error().message));
        return false;
    }
    if (id)
        *id = stored.value();
    return true;
}

std::optional<qint64> timeOption(const QCommandLineParser &parser, const QCommandLineOption &option)
{
    if (!parser.isSet(option))
        return qint64(0);
    const QString text = parser.value(option);
    QDateTime t = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!t.isValid())
        t = QDateTime(QDate::fromString(text, Qt::ISODate), QTime(0, 0), Qt::UTC);
    if (!t.isValid()) {
        printError(QStringLiteral("--%1 needs an ISO date or time such as 2026-11-24 or 2026-11-24T09:30:00Z (got \"%2\")")
                       .arg(option.names().constFirst(), text));
        return std::nullopt;
    }
    return t.toMSecsSinceEpoch();
}

std::optional<int> intOption(const QCommandLineParser &parser, const QCommandLineOption &option, int min, int max)
{
    bool ok = false;
    const QString text = parser.value(option);
    const int value = text.toInt(&ok);
    if (!ok || value < min || value > max) {
        printError(QStringLiteral("--%1 must be a whole number from %2 to %3 (got \"%4\")")
                       .arg(option.names().constFirst()).arg(min).arg(max).arg(text));
        return std::nullopt;
    }
    return value;
}

std::optional<ClassifierOptions> classifierOptions(const QCommandLineParser &parser, const ModelOptions &o)
{
    ClassifierOptions options;
    options.modelDir = parser.value(o.modelDir);
    options.manifestPath = parser.value(o.manifest);
    options.taxonomyPath = parser.value(o.taxonomy);
    options.engine.device = parser.value(o.device);
    const auto threads = intOption(parser, o.threads, 0, 256);
    if (!threads)
        return std::nullopt;
    options.engine.threads = *threads;
    return options;
}

std::optional<PipelineOptions> pipelineOptions(const QCommandLineParser &parser, const ModelOptions &o)
{
    const auto batch = intOption(parser, o.batch, 1, 256);
    if (!batch)
        return std::nullopt;
    PipelineOptions options;
    options.batchSize = *batch;
    return options;
}

bool parseOrExit(QCommandLineParser &parser, const QStringList &args, int &exitCode)
{
    if (!parser.parse(args)) {
        printError(parser.errorText() + QStringLiteral(" (see --help)"));
        exitCode = ExitUsage;
        return false;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        QTextStream(stdout) << parser.helpText();
        exitCode = ExitOk;
        return false;
    }
    return true;
}

} // namespace listinglens::cli
