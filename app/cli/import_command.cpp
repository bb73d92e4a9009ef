#include "commands.h"

#include "catalogue_row.h"
#include "cli_common.h"
#include "database_settings.h"
#include "csv.h"
#include "route.h"
#include "store_recorder.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QTextStream>

#include <optional>
#include <variant>

namespace listinglens::cli {

namespace {

// The catalogue's rows that can be used, in order, each checked before any
// photo is classified or stored (checkCatalogueRow); the others in `rejects`.
std::vector<CatalogueRow> readCatalogue(QFile &csv, const CatalogueRules &rules, QStringList &rejects)
{
    std::vector<CatalogueRow> rows;
    const bool complete = readCsv(csv, [&](int line, const QStringList &f) {
        if (line == 1 && f.value(1).trimmed().toLower().contains(QLatin1String("categor")))
            return; // header
        auto row = checkCatalogueRow(line, f, rules);
        if (row)
            rows.push_back(row.value());
        else
            rejects << row.error().message;
    });
    if (!complete)
        rejects << QStringLiteral("the file ends inside a quoted field; the last row was not read");
    return rows;
}

// Every confirmed price in a database is in one currency: a catalogue in
// another is converted at the given rate, or refused. The currency and the
// factor to multiply the catalogue's prices by, or the exit status of the refusal (printed).
std::variant<std::pair<QString, double>, int> catalogueCurrency(const std::optional<QString> &currency, const std::optional<QString> &rate,
                                                                PredictionStore &store, const Taxonomy &taxonomy)
{
    QString cur = currency ? currency->toUpper() : taxonomy.categories().front().prior.currency;
    auto stored = store.confirmedCurrencies();
    if (!stored) {
        printError(stored.error().message);
        return ExitSomeFailed;
    }
    bool rateOk = false;
    const double givenRate = rate.value_or(QString()).toDouble(&rateOk);
    if (rate && !(rateOk && givenRate > 0 && std::isfinite(givenRate))) {
        printError(QStringLiteral("--rate must be a positive number"));
        return ExitUsage;
    }
    if (!stored.value().isEmpty() && !stored.value().contains(cur)) {
        const QString theirs = stored.value().constFirst();
        if (!rate) {
            printError(QStringLiteral("the database's confirmed prices are in %1 and this catalogue's in %2: give --rate R (1 %2 = R %1) "
                                      "to convert them, or --currency %1 if they are in %1 already; nothing was imported")
                           .arg(theirs, cur));
            return ExitUsage;
        }
        return std::pair{theirs, givenRate};
    }
    if (rate) {
        printError(QStringLiteral("--rate converts into the database's currency, but its prices are in %1 already (or it has none): nothing to convert")
                       .arg(cur));
        return ExitUsage;
    }
    return std::pair{cur, 1.0};
}

// Each row's photo down the route, stored with its confirmation (the
// catalogue's category, price, title and description) in one transaction:
// a row is stored whole or not at all. The number imported.
int importRows(Route &route, StoreRecorder &recorder, const std::vector<CatalogueRow> &rows, const QString &currency, QStringList &rejects)
{
    const std::shared_ptr<ListingIndex> &index = route.classifier().listingIndex();
    recorder.confirmWith([&](const RoutedPhoto &photo) -> std::optional<FeedbackRecord> {
        const CatalogueRow &row = rows[std::size_t(photo.index)];
        const PhotoResult &r = photo.result();
        // The catalogue's own title only: a suggested one stored as confirmed would come back as "from similar listings".
        return FeedbackRecord{QStringLiteral("import"), row.categoryId != r.category.id, row.categoryId, row.price, currency,
                              row.title, row.description.isEmpty() ? r.description : row.description, 0, /*imported=*/true};
    });
    int imported = 0, done = 0;
    QTextStream err(stderr);
    route.setReports({{}, [&](RoutedPhoto &photo) {
        const CatalogueRow &row = rows[std::size_t(photo.index)];
        ++done;
        if (done % 10 == 0 || done == int(rows.size()))
            err << QStringLiteral("\r  %1/%2 photos").arg(done).arg(rows.size()) << Qt::flush;
        if (!photo.ok()) {
            rejects << QStringLiteral("line %1: %2: %3").arg(row.line).arg(row.photo, photo.outcome.error().message);
            return;
        }
        if (photo.notRecorded) {
            printError(QStringLiteral("NOT STORED %1: %2").arg(row.photo, photo.notRecorded->message));
            rejects << QStringLiteral("line %1: not stored: %2").arg(row.line).arg(photo.notRecorded->message);
            return;
        }
        if (index)
            index->confirm(photo.predictionId, row.categoryId, row.price, row.title);
        ++imported;
    }, {}});
    std::vector<PhotoSource> sources;
    for (const CatalogueRow &r : rows)
        sources.push_back(PhotoSource::fromFile(r.photo));
    route.run(sources);
    return imported;
}

// What import was asked to do, once its options are checked.
struct ImportRequest {
    QString csvPath;
    ClassifierOptions classifier;
    PipelineOptions pipeline;
    QString databaseUrl;
    std::optional<QString> currency, rate;
    bool allowOutside = false;
};

// The request, or the exit status of a usage error (printed).
std::variant<ImportRequest, int> parseImport(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Seed history from an existing catalogue: each photo is classified and stored as a confirmed listing.\n"
        "CATALOG.csv columns: photo path (relative to the CSV's folder, and inside it unless --allow-outside), category id,\n"
        "price (0 to 1e9), title (at most 200 characters), description (at most 5000);\n"
        "a first row naming the columns is skipped. Rows that cannot be used are listed and skipped."));
    parser.addHelpOption();
    const QCommandLineOption db = databaseOption(QStringLiteral(", else the embedded SQLite file"));
    const QCommandLineOption currency(QStringLiteral("currency"), QStringLiteral("Currency of the prices (default: the taxonomy's)."), QStringLiteral("CODE"));
    const QCommandLineOption rate(QStringLiteral("rate"),
                                  QStringLiteral("Convert the catalogue's prices into the database's currency: one unit of --currency is R of it."),
                                  QStringLiteral("R"));
    const QCommandLineOption allowOutside(QStringLiteral("allow-outside"),
                                          QStringLiteral("Follow photo paths that leave the CSV's folder (absolute, ../, links)."));
    parser.addOptions({db, currency, rate, allowOutside});
    const ModelOptions modelOptions;
    modelOptions.addTo(parser);
    parser.addPositionalArgument(QStringLiteral("CATALOG.csv"), QStringLiteral("The catalogue to import."));
    int exitCode = ExitOk;
    if (!parseOrExit(parser, args, exitCode))
        return exitCode;
    if (parser.positionalArguments().size() != 1) {
        printError(QStringLiteral("import needs one CSV file (see --help)"));
        return ExitUsage;
    }
    const auto options = classifierOptions(parser, modelOptions);
    const auto pipeOptions = pipelineOptions(parser, modelOptions);
    if (!options || !pipeOptions)
        return ExitUsage;
    auto given = [&](const QCommandLineOption &o) { return parser.isSet(o) ? std::optional(parser.value(o)) : std::nullopt; };
    return ImportRequest{parser.positionalArguments().constFirst(), *options, *pipeOptions,
                         databaseUrl(parser, defaultDatabaseUrl()), given(currency), given(rate), parser.isSet(allowOutside)};
}

} // namespace

int runImport(const QStringList &args)
{
    auto parsed = parseImport(args);
    if (const int *exitCode = std::get_if<int>(&parsed))
        return *exitCode;
    const ImportRequest &request = std::get<ImportRequest>(parsed);
    QFile csv(request.csvPath);
    if (!csv.open(QIODevice::ReadOnly)) {
        printError(QStringLiteral("cannot read %1: %2").arg(request.csvPath, csv.errorString()));
        return ExitUsage;
    }
    auto classifier = Classifier::create(request.classifier);
    if (!classifier) {
        printError(classifier.error().message);
        return ExitUsage;
    }
    Classifier &c = *classifier.value();
    auto store = openStore(request.databaseUrl);
    if (!store || !attachStore(c, *store))
        return ExitSomeFailed;
    // Read and check every row before classifying any photo.
    const Taxonomy &taxonomy = c.taxonomy();
    const CatalogueRules rules{QFileInfo(request.csvPath).absoluteDir(), request.allowOutside,
                               [&taxonomy](const QString &id) { return taxonomy.find(id) != nullptr; }};
    QStringList rejects;
    std::vector<CatalogueRow> rows = readCatalogue(csv, rules, rejects);
    const auto money = catalogueCurrency(request.currency, request.rate, *store, c.taxonomy());
    if (const int *refused = std::get_if<int>(&money))
        return *refused;
    const auto &[cur, factor] = std::get<std::pair<QString, double>>(money);
    for (CatalogueRow &r : rows)
        r.price *= factor;
    if (auto chosen = chooseDatabaseCurrency(*store, cur); !chosen) { // the first import chooses the database's currency
        printError(chosen.error().message);
        return ExitSomeFailed;
    }
    if (const auto &index = c.listingIndex())
        index->setCurrency(cur); // the first prices of an empty database set it
    QElapsedTimer timer;
    timer.start();
    Route route(c, RouteOptions{request.pipeline});
    StoreRecorder recorder(store, c, QStringLiteral("import"), /*failures=*/false);
    route.plugRecorder(&recorder, RecordAt::Suggested);
    const int imported = importRows(route, recorder, rows, cur, rejects);
    QTextStream err(stderr);
    err << Qt::endl
        << QStringLiteral("imported %1 confirmed listings into %2 in %3 s; %4 rejected")
               .arg(imported).arg(store->maskedUrl()).arg(timer.elapsed() / 1000.0, 0, 'f', 1).arg(rejects.size())
        << Qt::endl;
    for (const QString &r : std::as_const(rejects))
        err << "  " << r << Qt::endl;
    return rejects.isEmpty() ? ExitOk : ExitSomeFailed;
}

} // namespace listinglens::cli
