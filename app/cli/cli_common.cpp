#include "cli_common.h"

#include "environment.h"
#include "head_follower.h"
#include "logging.h"
#include "model_follower.h"
#include "phone_photos.h"
#include "stored_listings.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QTextStream>
#include <QTimeZone>
#include <QUrl>

#include <cstdio>
#include <sys/stat.h>
#include <utility>

namespace listinglens::cli {

namespace {

// databaseOption() marks the parser being built (the next one parseOrExit()
// sees) as one that takes a database, so that every such command gets
// --db-file without naming it; parseOrExit() keeps the URL the file held.
thread_local bool t_takesDatabase = false;
struct FileUrl {
    const QCommandLineParser *parser = nullptr;
    QString url;
};
thread_local FileUrl t_fileUrl;

const QString kDb = QStringLiteral("db");
const QString kDbFile = QStringLiteral("db-file");

QCommandLineOption databaseFileOption()
{
    return {kDbFile,
            QStringLiteral("Read the database URL from the first line of FILE (mode 0600), keeping the password out of the "
                           "command line, which every local user can read."),
            QStringLiteral("FILE")};
}

// Both given, a bad file, a password on the command line; false: usage error printed.
bool checkDatabaseOptions(const QCommandLineParser &parser)
{
    const bool hasUrl = parser.isSet(kDb);
    const bool hasFile = parser.isSet(kDbFile);
    t_fileUrl = {};
    if (hasUrl && hasFile) {
        printError(QStringLiteral("give either --db or --db-file, not both"));
        return false;
    }
    if (hasFile) {
        auto url = readDatabaseUrlFile(parser.value(kDbFile));
        if (!url) {
            printError(url.error().message);
            return false;
        }
        t_fileUrl = {&parser, url.value()};
    }
    if (hasUrl) {
        static bool warned = false;
        // QUrl rather than DatabaseUrl: a URL that is otherwise wrong still shows its password.
        const QUrl url(parser.value(kDb).trimmed());
        if (url.scheme().startsWith(QLatin1String("postgres")) && !url.password().isEmpty() && !std::exchange(warned, true))
            printError(QStringLiteral("warning: --db puts the database password on the command line, which every local user "
                                      "can read (ps, /proc/PID/cmdline); use --db-file FILE (mode 0600) or $LISTINGLENS_DB instead"));
    }
    return true;
}

} // namespace

QString isoTime(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODate);
}

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
    parser.addOptions({modelDir, manifest, taxonomy, head, device, threads, batch, plain});
}

QCommandLineOption databaseOption(const QString &defaultHint)
{
    t_takesDatabase = true;
    return {kDb,
            QStringLiteral("Database: sqlite:PATH or postgresql://user:password@host:port/dbname (default: --db-file, else "
                           "$LISTINGLENS_DB%1). A password here is visible to every local user: prefer --db-file or "
                           "$LISTINGLENS_DB.").arg(defaultHint),
            QStringLiteral("URL")};
}

QString databaseUrl(const QCommandLineParser &parser, const QString &fallback)
{
    if (parser.isSet(kDb))
        return parser.value(kDb);
    if (parser.isSet(kDbFile)) {
        if (t_fileUrl.parser == &parser)
            return t_fileUrl.url;
        auto url = readDatabaseUrlFile(parser.value(kDbFile)); // a parser parseOrExit() did not see
        if (url)
            return url.value();
        printError(url.error().message);
        return {};
    }
    const QString env = databaseUrlFromEnvironment();
    return env.isEmpty() ? fallback : env;
}

Result<QString> readDatabaseUrlFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Error{ErrorCode::IoError, QStringLiteral("cannot read the --db-file %1: %2").arg(path, file.errorString())};
    struct stat st = {};
    if (::fstat(file.handle(), &st) != 0 || !S_ISREG(st.st_mode))
        return Error{ErrorCode::IoError, QStringLiteral("the --db-file %1 is not a regular file").arg(path)};
    if (st.st_mode & (S_IRWXG | S_IRWXO))
        return Error{ErrorCode::InvalidArgument,
                     QStringLiteral("the --db-file %1 may be read by its group or by others (mode %2), and it holds the database "
                                    "password: chmod 600 %1 (or 400)")
                         .arg(path, QString::number(st.st_mode & 0777, 8).rightJustified(4, QLatin1Char('0')))};
    constexpr qint64 kMaxBytes = 64 * 1024; // a URL, not a data file
    const QByteArray bytes = file.read(kMaxBytes + 1);
    if (bytes.size() > kMaxBytes)
        return Error{ErrorCode::InvalidArgument, QStringLiteral("the --db-file %1 is larger than a database URL can be (over 64 KiB)").arg(path)};
    for (const QByteArray &line : bytes.split('\n')) {
        const QString url = QString::fromUtf8(line).trimmed();
        if (!url.isEmpty())
            return url;
    }
    return Error{ErrorCode::InvalidArgument,
                 QStringLiteral("the --db-file %1 is empty: it should hold one line such as postgresql://user:password@host:5432/dbname")
                     .arg(path)};
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

bool attachStore(Classifier &classifier, PredictionStore &store)
{
    HeadFollower heads(store, classifier);
    if (!classifier.headPinned()) {
        // The active model version first: the active head may be one trained for it.
        if (auto model = ModelFollower(store, classifier, &heads).refresh(); !model)
            qCWarning(lcStore).noquote() << model.error().message;
    }
    if (auto head = heads.refresh(); !head)
        qCWarning(lcStore).noquote() << head.error().message;
    const int dim = classifier.engineInfo().embeddingDim;
    if (dim == 0)
        return true; // a model without embeddings: the taxonomy's prices only
    auto index = loadListingIndex(store, dim, 200'000, classifier.manifest().version);
    if (!index) {
        printError(index.error().message);
        return false;
    }
    classifier.setListingIndex(index.value());
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
    options.headPath = parser.value(o.head);
    options.engine.device = parser.value(o.device);
    options.engine.optimize = !parser.isSet(o.plain);
    const auto threads = intOption(parser, o.threads, 0, 256);
    if (!threads)
        return std::nullopt;
    options.engine.threads = *threads;
    return options;
}

void ModerationCliOptions::addTo(QCommandLineParser &parser) const
{
    parser.addOptions({off, languages, region, textThreads});
}

std::optional<ModerationChoice> moderationOptions(const QCommandLineParser &parser, const ModerationCliOptions &o)
{
    ModerationChoice choice;
    choice.enabled = !parser.isSet(o.off);
    choice.options.reader.languages = parser.value(o.languages);
    const QString regions = parser.isSet(o.region) ? parser.value(o.region) : qEnvironmentVariable("LISTINGLENS_PHONE_REGION", QStringLiteral("GB"));
    auto contacts = contactOptionsFor(regions);
    if (!contacts) {
        printError(QStringLiteral("--phone-region: %1").arg(contacts.error().message));
        return std::nullopt;
    }
    choice.options.contacts = contacts.value();
    const auto threads = intOption(parser, o.textThreads, 0, 16);
    if (!threads)
        return std::nullopt;
    choice.options.threads = *threads; // 0: the lane's own choice
    return choice;
}

std::unique_ptr<ModerationLane> openModerationLane(const ModerationOptions &options)
{
    auto lane = ModerationLane::open(options);
    if (!lane) {
        printError(lane.error().message + QStringLiteral(" (or run with --no-moderation)"));
        return nullptr;
    }
    return std::move(lane).value();
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
    const bool takesDatabase = std::exchange(t_takesDatabase, false);
    if (takesDatabase)
        parser.addOption(databaseFileOption());
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
    if (takesDatabase && !checkDatabaseOptions(parser)) {
        exitCode = ExitUsage;
        return false;
    }
    return true;
}

} // namespace listinglens::cli
