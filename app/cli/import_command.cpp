#include "commands.h"

#include "catalogue_row.h"
#include "cli_common.h"
#include "database_settings.h"
#include "csv.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QTextStream>

namespace listinglens::cli {

int runImport(const QStringList &args)
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
    auto options = classifierOptions(parser, modelOptions);
    const auto pipeOptions = pipelineOptions(parser, modelOptions);
    if (!options || !pipeOptions)
        return ExitUsage;
    options->fingerprint = true;
    options->thumbnailSide = 256;

    const QString csvPath = parser.positionalArguments().constFirst();
    QFile csv(csvPath);
    if (!csv.open(QIODevice::ReadOnly)) {
        printError(QStringLiteral("cannot read %1: %2").arg(csvPath, csv.errorString()));
        return ExitUsage;
    }
    auto classifier = Classifier::create(*options);
    if (!classifier) {
        printError(classifier.error().message);
        return ExitUsage;
    }
    auto store = openStore(databaseUrl(parser, defaultDatabaseUrl()));
    if (!store || !attachStore(*classifier.value(), *store))
        return ExitSomeFailed;

    // Read and check every row before classifying any photo.
    const Taxonomy &taxonomy = classifier.value()->taxonomy();
    const CatalogueRules rules{QFileInfo(csvPath).absoluteDir(), parser.isSet(allowOutside),
                               [&taxonomy](const QString &id) { return taxonomy.find(id) != nullptr; }};
    std::vector<CatalogueRow> rows;
    QStringList rejects;
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

    std::vector<PhotoSource> sources;
    for (const CatalogueRow &r : rows)
        sources.push_back(PhotoSource::fromFile(r.photo));
    // Every confirmed price in a database is in one currency: a catalogue in
    // another is converted at the given rate, or refused.
    QString cur = parser.isSet(currency) ? parser.value(currency).toUpper() : taxonomy.categories().front().prior.currency;
    double factor = 1;
    auto stored = store->confirmedCurrencies();
    if (!stored) {
        printError(stored.error().message);
        return ExitSomeFailed;
    }
    bool rateOk = false;
    const double givenRate = parser.value(rate).toDouble(&rateOk);
    if (parser.isSet(rate) && !(rateOk && givenRate > 0 && std::isfinite(givenRate))) {
        printError(QStringLiteral("--rate must be a positive number"));
        return ExitUsage;
    }
    if (!stored.value().isEmpty() && !stored.value().contains(cur)) {
        const QString theirs = stored.value().constFirst();
        if (!parser.isSet(rate)) {
            printError(QStringLiteral("the database's confirmed prices are in %1 and this catalogue's in %2: give --rate R (1 %2 = R %1) "
                                      "to convert them, or --currency %1 if they are in %1 already; nothing was imported")
                           .arg(theirs, cur));
            return ExitUsage;
        }
        factor = givenRate;
        cur = theirs;
    } else if (parser.isSet(rate)) {
        printError(QStringLiteral("--rate converts into the database's currency, but its prices are in %1 already (or it has none): nothing to convert")
                       .arg(cur));
        return ExitUsage;
    }
    for (CatalogueRow &r : rows)
        r.price *= factor;
    if (auto chosen = chooseDatabaseCurrency(*store, cur); !chosen) { // the first import chooses the database's currency
        printError(chosen.error().message);
        return ExitSomeFailed;
    }
    if (const auto &index = classifier.value()->listingIndex())
        index->setCurrency(cur); // the first prices of an empty database set it
    int imported = 0, done = 0;
    QElapsedTimer timer;
    timer.start();
    QTextStream err(stderr);
    Pipeline(*classifier.value(), *pipeOptions).run(sources, [&](int i, const Result<PhotoResult> &result) {
        const CatalogueRow &row = rows[std::size_t(i)];
        ++done;
        if (done % 10 == 0 || done == int(rows.size()))
            err << QStringLiteral("\r  %1/%2 photos").arg(done).arg(rows.size()) << Qt::flush;
        if (!result) {
            rejects << QStringLiteral("line %1: %2: %3").arg(row.line).arg(row.photo, result.error().message);
            return;
        }
        qint64 id = 0;
        if (!storeOutcome(*store, *classifier.value(), QStringLiteral("import"), row.photo, result, &id)) {
            rejects << QStringLiteral("line %1: not stored").arg(row.line);
            return;
        }
        const PhotoResult &r = result.value();
        // The catalogue's own title only: a suggested one stored as confirmed would come back as "from similar listings".
        const FeedbackRecord confirmed{QStringLiteral("import"), row.categoryId != r.category.id, row.categoryId, row.price, cur,
                                       row.title,
                                       row.description.isEmpty() ? r.description : row.description, 0, true};
        if (auto fb = store->addFeedback(id, confirmed); !fb) {
            rejects << QStringLiteral("line %1: %2").arg(row.line).arg(fb.error().message);
            return;
        }
        if (const auto &index = classifier.value()->listingIndex())
            index->confirm(id, row.categoryId, row.price, confirmed.title);
        ++imported;
    });
    err << Qt::endl
        << QStringLiteral("imported %1 confirmed listings into %2 in %3 s; %4 rejected")
               .arg(imported).arg(store->maskedUrl()).arg(timer.elapsed() / 1000.0, 0, 'f', 1).arg(rejects.size())
        << Qt::endl;
    for (const QString &r : std::as_const(rejects))
        err << "  " << r << Qt::endl;
    return rejects.isEmpty() ? ExitOk : ExitSomeFailed;
}

} // namespace listinglens::cli
