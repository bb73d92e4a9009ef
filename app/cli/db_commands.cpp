#include "commands.h"
#include "history_reads.h"
#include "stats_reads.h"

#include "cli_common.h"
#include "command_line.h"
#include "result_json.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

namespace listinglens::cli {

namespace {

// One prediction: the suggestion ("suggested") and the standing decision
// ("confirmed", with who or what made it) apart, each named as such.
QJsonObject rowJson(const HistoryRow &r)
{
    QJsonObject o{{QStringLiteral("id"), r.id},
                  {QStringLiteral("created_at"), isoTime(r.createdMs)},
                  {QStringLiteral("source"), r.source},
                  {QStringLiteral("file"), r.fileName},
                  {QStringLiteral("ok"), r.ok},
                  {QStringLiteral("model_version"), r.modelVersion},
                  {QStringLiteral("total_ms"), r.totalMs},
                  {QStringLiteral("feedback"), r.feedback}};
    if (r.ok) {
        o.insert(QStringLiteral("head"), r.headVersion > 0 ? QStringLiteral("h%1").arg(r.headVersion) : QStringLiteral("builtin"));
        o.insert(QStringLiteral("review"), QJsonArray::fromStringList(r.review));
        o.insert(QStringLiteral("flags"), QJsonArray::fromStringList(r.flags));
        QJsonObject price{{QStringLiteral("currency"), r.currency}, {QStringLiteral("basis"), r.priceBasis}};
        if (r.priceBasis != QLatin1String("none")) {
            price.insert(QStringLiteral("low"), r.priceLow);
            price.insert(QStringLiteral("point"), r.pricePoint);
            price.insert(QStringLiteral("high"), r.priceHigh);
        }
        o.insert(QStringLiteral("suggested"), QJsonObject{{QStringLiteral("category"), r.categoryId},
                                                           {QStringLiteral("confidence"), r.confidence},
                                                           {QStringLiteral("title"), r.title},
                                                           {QStringLiteral("title_basis"), r.titleBasis},
                                                           {QStringLiteral("title_evidence"), titleEvidenceJson(r.title, r.titleBasis, r.titleWords)},
                                                           {QStringLiteral("description"), r.description},
                                                           {QStringLiteral("price"), price}});
    } else {
        o.insert(QStringLiteral("error"), r.errorCode);
    }
    if (r.feedback != QLatin1String("none"))
        o.insert(QStringLiteral("confirmed"), QJsonObject{{QStringLiteral("decision"), r.feedback},
                                                           {QStringLiteral("source"), r.origin},
                                                           {QStringLiteral("by"), r.decidedBy},
                                                           {QStringLiteral("at"), isoTime(r.decidedMs)},
                                                           {QStringLiteral("category"), r.finalCategoryId},
                                                           {QStringLiteral("price"), r.finalPrice ? QJsonValue(*r.finalPrice) : QJsonValue()},
                                                           {QStringLiteral("currency"), r.finalCurrency},
                                                           {QStringLiteral("title"), r.finalTitle},
                                                           {QStringLiteral("description"), r.finalDescription}});
    return o;
}

} // namespace

int runDb(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Database maintenance.\n  migrate   create the schema or bring it up to this version (each step in a transaction)\n"
        "  version   print the schema version"));
    parser.addHelpOption();
    const QCommandLineOption db = databaseOption(QStringLiteral(", else the embedded SQLite file"));
    parser.addOption(db);
    parser.addPositionalArgument(QStringLiteral("ACTION"), QStringLiteral("migrate or version"));
    int exitCode = ExitOk;
    if (!parseOrExit(parser, args, exitCode))
        return exitCode;
    // migrate brings the schema up to this version first; both print the version.
    auto schemaVersion = [&](bool migrate) {
        auto store = openStore(databaseUrl(parser, defaultDatabaseUrl()), migrate);
        if (!store)
            return int(ExitSomeFailed);
        auto version = store->schemaVersion();
        if (!version) {
            printError(version.error().message);
            return int(ExitSomeFailed);
        }
        QTextStream(stdout) << QStringLiteral("%1: schema version %2 (this program: %3)")
                                   .arg(store->maskedUrl()).arg(version.value()).arg(PredictionStore::latestSchemaVersion())
                            << Qt::endl;
        return int(ExitOk);
    };
    const Action actions[] = {
        {QLatin1StringView("migrate"), {}, [&](const QStringList &) { return schemaVersion(true); }},
        {QLatin1StringView("version"), {}, [&](const QStringList &) { return schemaVersion(false); }},
    };
    return runAction(QStringLiteral("db"), parser, actions);
}

namespace {

// The options of `history`.
struct HistoryOptions {
    QCommandLineOption db = databaseOption(QStringLiteral(", else the embedded SQLite file"));
    QCommandLineOption since{QStringLiteral("since"), QStringLiteral("From this time (ISO 8601)."), QStringLiteral("ISO")};
    QCommandLineOption until{QStringLiteral("until"), QStringLiteral("Before this time (ISO 8601)."), QStringLiteral("ISO")};
    QCommandLineOption category{QStringLiteral("category"), QStringLiteral("Suggested category id."), QStringLiteral("ID")};
    QCommandLineOption feedback{QStringLiteral("feedback"),
                                QStringLiteral("none, accepted or corrected (by a moderator), or imported (an imported listing)."),
                                QStringLiteral("STATE")};
    QCommandLineOption search{QStringLiteral("search"), QStringLiteral("Text in the suggested or the confirmed title or description."),
                              QStringLiteral("TEXT")};
    QCommandLineOption needsReview{QStringLiteral("needs-review"), QStringLiteral("Only results that need a moderator's review.")};
    QCommandLineOption head{QStringLiteral("head"), QStringLiteral("Made with this category head (h3 or 3), or builtin: the built-in mapping."),
                            QStringLiteral("VERSION|builtin")};
    QCommandLineOption limit{QStringLiteral("limit"), QStringLiteral("Rows (default: 50)."), QStringLiteral("N"), QStringLiteral("50")};
    QCommandLineOption json{QStringLiteral("json"), QStringLiteral("JSON Lines, one object per prediction.")};

    void addTo(QCommandLineParser &parser) const { parser.addOptions({db, since, until, category, feedback, search, needsReview, head, limit, json}); }
};

// The filter the options ask for; a usage error on stderr and nullopt on a bad value.
std::optional<HistoryFilter> historyFilter(const QCommandLineParser &parser, const HistoryOptions &o)
{
    HistoryFilter filter;
    const auto from = timeOption(parser, o.since), to = timeOption(parser, o.until);
    if (!from || !to)
        return std::nullopt;
    filter.sinceMs = *from;
    filter.untilMs = *to;
    filter.categoryId = parser.value(o.category);
    filter.text = parser.value(o.search);
    filter.needsReview = parser.isSet(o.needsReview);
    if (parser.isSet(o.head)) {
        filter.headVersion = parseHeadFilter(parser.value(o.head));
        if (!filter.headVersion) {
            printError(QStringLiteral("--head is a head version (such as h3 or 3) or builtin, not \"%1\"").arg(parser.value(o.head)));
            return std::nullopt;
        }
    }
    if (!setDecisionFilter(filter, parser.value(o.feedback))) {
        printError(QStringLiteral("--feedback is none, accepted, corrected or imported"));
        return std::nullopt;
    }
    return filter;
}

// One row of the table `history` prints.
QString historyLine(const HistoryRow &r)
{
    return QStringLiteral("%1  %2  %3  %4  %5  %6")
        .arg(isoTime(r.createdMs), QString::number(r.id).rightJustified(8), r.fileName.section(QLatin1Char('/'), -1).left(28).leftJustified(28),
             r.ok ? r.categoryId.leftJustified(16) : (QStringLiteral("FAILED ") + r.errorCode).leftJustified(16),
             !r.ok ? QString(12, QLatin1Char(' '))
             : (r.priceBasis == QLatin1String("none") ? QStringLiteral("no price") // never "GBP 0"
                                                      : QStringLiteral("%1 %2").arg(r.currency).arg(r.pricePoint))
                   .leftJustified(12),
             r.feedback == QLatin1String("none") ? QStringLiteral("suggested: ") + r.title
                                                 : QStringLiteral("%1: %2 (suggested %3)")
                                                       .arg(r.origin == decisionOrigin(true) ? QStringLiteral("imported") : r.feedback,
                                                            r.shownTitle(), r.categoryId));
}

} // namespace

int runHistory(const QStringList &args)
{
    QCommandLineParser parser;
    const HistoryOptions o;
    int exitCode = ExitOk;
    if (!parseCommand(parser, QStringLiteral("Prediction history, newest first."), args, exitCode, o))
        return exitCode;
    const auto filter = historyFilter(parser, o);
    const auto n = filter ? intOption(parser, o.limit, 1, 10000) : std::nullopt;
    if (!n)
        return ExitUsage;
    auto store = openStore(databaseUrl(parser, defaultDatabaseUrl()));
    if (!store)
        return ExitSomeFailed;
    auto rows = readHistory(*store, *filter, std::nullopt, *n);
    if (!rows) {
        printError(rows.error().message);
        return ExitSomeFailed;
    }
    if (rows.value().empty()) { // said on stderr: stdout stays the rows (none), as scripts read it
        QTextStream(stderr) << QStringLiteral("No predictions to show in %1 (none stored, or none the filter keeps).").arg(store->maskedUrl())
                            << Qt::endl;
        return ExitOk;
    }
    QTextStream out(stdout);
    for (const HistoryRow &r : rows.value())
        out << (parser.isSet(o.json) ? QString::fromUtf8(QJsonDocument(rowJson(r)).toJson(QJsonDocument::Compact)) : historyLine(r)) << Qt::endl;
    return ExitOk;
}

namespace {

// What `stats` prints: the decisions counted are moderators' unless imports were asked for, and it says which.
void printStats(const StoreStats &v, const QString &database, bool json)
{
    auto r2 = [](double x) { return std::round(x * 100) / 100; };
    const QString counted = v.includesImports ? QStringLiteral("moderators and imports") : QStringLiteral("moderators");
    if (json) {
        QTextStream(stdout) << QJsonDocument(QJsonObject{
                                   {QStringLiteral("predictions"), v.predictions},
                                   {QStringLiteral("per_minute"), r2(v.perMinute)},
                                   {QStringLiteral("latency_ms"), v.timed() ? QJsonValue(QJsonObject{{QStringLiteral("p50"), r2(v.p50)},
                                                                                                      {QStringLiteral("p95"), r2(v.p95)},
                                                                                                      {QStringLiteral("p99"), r2(v.p99)}})
                                                                            : QJsonValue()},
                                   {QStringLiteral("failures"), v.failures},
                                   {QStringLiteral("decisions_by"), counted},
                                   {QStringLiteral("accepted"), v.accepted},
                                   {QStringLiteral("corrected"), v.corrected},
                                   {QStringLiteral("acceptance_rate"),
                                    v.acceptanceRate ? QJsonValue(r2(*v.acceptanceRate * 10000) / 10000) : QJsonValue()},
                                   {QStringLiteral("imported"), v.imported}})
                                   .toJson(QJsonDocument::Compact)
                            << Qt::endl;
        return;
    }
    // No figure without data behind it: "—" for latency with no successful prediction, no rate without decisions.
    const QString latency = v.timed() ? QStringLiteral("p50 %1 ms, p95 %2 ms, p99 %3 ms").arg(v.p50, 0, 'f', 1).arg(v.p95, 0, 'f', 1).arg(v.p99, 0, 'f', 1)
                                      : QStringLiteral("— (no successful prediction yet)");
    const QString acceptance = v.acceptanceRate ? QStringLiteral("acceptance %1 %").arg(*v.acceptanceRate * 100, 0, 'f', 1)
                                                : QStringLiteral("no decisions yet");
    QTextStream(stdout) << QStringLiteral("database:     %1\npredictions:  %2 (%3 failed), %4 per minute\n"
                                          "latency:      %5\n"
                                          "decisions:    %6 accepted, %7 corrected (%8), by %9\n"
                                          "imported:     %10 listings from catalogues (%11)\n")
                               .arg(database).arg(v.predictions).arg(v.failures).arg(v.perMinute, 0, 'f', 1)
                               .arg(latency)
                               .arg(v.accepted).arg(v.corrected).arg(acceptance, counted)
                               .arg(v.imported)
                               .arg(v.includesImports ? QStringLiteral("counted above") : QStringLiteral("not counted above: --include-imports"));
}

} // namespace

int runStats(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Throughput, latency, failures and acceptance, aggregated in the database.\n"
                                                    "Acceptance counts moderators' decisions; imported listings only with --include-imports."));
    parser.addHelpOption();
    const QCommandLineOption db = databaseOption(QStringLiteral(", else the embedded SQLite file"));
    const QCommandLineOption since(QStringLiteral("since"), QStringLiteral("From this time (ISO 8601)."), QStringLiteral("ISO"));
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Print one JSON object."));
    const QCommandLineOption imports(QStringLiteral("include-imports"),
                                     QStringLiteral("Count imported listings as decisions too (accepted when the suggestion matched)."));
    parser.addOptions({db, since, json, imports});
    int exitCode = ExitOk;
    if (!parseOrExit(parser, args, exitCode))
        return exitCode;
    const auto from = timeOption(parser, since);
    if (!from)
        return ExitUsage;
    auto store = openStore(databaseUrl(parser, defaultDatabaseUrl()));
    if (!store)
        return ExitSomeFailed;
    auto s = readStats(*store, *from, 0, parser.isSet(imports));
    if (!s) {
        printError(s.error().message);
        return ExitSomeFailed;
    }
    printStats(s.value(), store->maskedUrl(), parser.isSet(json));
    return ExitOk;
}

} // namespace listinglens::cli
