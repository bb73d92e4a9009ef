#include "bench_commands.h"
#include "history_reads.h"
#include "stats_reads.h"
#include "synthetic_rows.h"

#include "cli_common.h"
#include "listing_index.h"
#include "statistics.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTextStream>

#include <ctime>

namespace listinglens::cli {

namespace {

// Median of `runs` timings of f(), in milliseconds; false if f failed.
template <typename F>
bool timeIt(int runs, F f, double &ms)
{
    std::vector<double> t;
    for (int i = 0; i < runs; ++i) {
        QElapsedTimer timer;
        timer.start();
        if (!f())
            return false;
        t.push_back(timer.nsecsElapsed() / 1e6);
    }
    ms = quantile(t, 0.5);
    return true;
}


struct HistoryCase {
    QString name;
    HistoryFilter filter;
};

// The history filters a moderator uses, one page each.
std::vector<HistoryCase> historyCases(qint64 now)
{
    std::vector<HistoryCase> cases(9);
    cases[0].name = QStringLiteral("no filter");
    cases[1].name = QStringLiteral("category");
    cases[1].filter.categoryId = QStringLiteral("cars");
    cases[2].name = QStringLiteral("feedback");
    cases[2].filter.feedback = QStringLiteral("corrected");
    cases[3].name = QStringLiteral("confidence range");
    cases[3].filter.minConfidence = 0.40;
    cases[3].filter.maxConfidence = 0.45;
    cases[4].name = QStringLiteral("model version");
    cases[4].filter.modelVersion = QStringLiteral("2.0.0");
    cases[5].name = QStringLiteral("quality flag");
    cases[5].filter.qualityFlag = QStringLiteral("blurry");
    cases[6].name = QStringLiteral("last 24 hours");
    cases[6].filter.sinceMs = now - 24 * 3600 * 1000LL;
    cases[7].name = QStringLiteral("text search");
    cases[7].filter.text = QStringLiteral("listing 4242");
    cases[8].name = QStringLiteral("category + feedback + date");
    cases[8].filter.categoryId = QStringLiteral("phones");
    cases[8].filter.feedback = QStringLiteral("accepted");
    cases[8].filter.sinceMs = now - 7 * 24 * 3600 * 1000LL;
    return cases;
}

// The first page and the 20th (reached by keyset from the 19th) under each filter.
bool benchHistory(PredictionStore &store, qint64 now, QTextStream &out, QJsonArray &pages)
{
    out << "history page (50 rows), median of 5:\n";
    for (const HistoryCase &c : historyCases(now)) {
        std::optional<HistoryCursor> deep;
        double first = 0, later = 0;
        bool ok = timeIt(5, [&] { return readHistory(store, c.filter, std::nullopt, 50).ok(); }, first);
        for (int p = 0; ok && p < 19; ++p) {
            auto page = readHistory(store, c.filter, deep, 50);
            ok = page.ok();
            if (ok && !page.value().empty())
                deep = HistoryCursor{page.value().back().createdMs, page.value().back().id};
        }
        ok = ok && timeIt(5, [&] { return readHistory(store, c.filter, deep, 50).ok(); }, later);
        if (!ok) {
            printError(QStringLiteral("history query failed (%1)").arg(c.name));
            return false;
        }
        out << QStringLiteral("  %1 first %2 ms, page 20 %3 ms\n").arg(c.name.leftJustified(28)).arg(first, 7, 'f', 2).arg(later, 7, 'f', 2);
        pages.append(QJsonObject{{QStringLiteral("filter"), c.name}, {QStringLiteral("first_ms"), first}, {QStringLiteral("page20_ms"), later}});
    }
    return true;
}

bool benchCharts(PredictionStore &store, qint64 now, QTextStream &out, QJsonArray &charts)
{
    out << "chart aggregations, median of 3:\n";
    struct Range { const char *name; qint64 span; qint64 bucket; };
    for (const Range &r : {Range{"1 h / 1 min", 3600'000LL, 60'000LL}, Range{"24 h / 15 min", 86'400'000LL, 900'000LL},
                           Range{"7 d / 2 h", 604'800'000LL, 7'200'000LL}}) {
        double ms = 0;
        std::size_t buckets = 0;
        if (!timeIt(3, [&] { auto s = readTimeSeries(store, now - r.span, now, r.bucket); buckets = s.ok() ? s.value().size() : 0; return s.ok(); }, ms)) {
            printError(QStringLiteral("aggregation failed"));
            return false;
        }
        out << QStringLiteral("  %1 %2 ms (%3 buckets)\n").arg(QString::fromLatin1(r.name).leftJustified(28)).arg(ms, 7, 'f', 2).arg(buckets);
        charts.append(QJsonObject{{QStringLiteral("range"), QString::fromLatin1(r.name)}, {QStringLiteral("ms"), ms}});
    }
    return true;
}

// Similar listings: exact search over `listings` random 1280-d unit vectors.
QJsonObject benchSimilar(int listings, QTextStream &out)
{
    if (listings <= 0)
        return {};
    constexpr int kDim = 1280;
    ListingIndex index(kDim);
    QRandomGenerator rng(42);
    std::vector<float> v(kDim);
    auto randomUnit = [&] {
        double norm = 0;
        for (float &x : v) {
            x = float(rng.generateDouble() - 0.5);
            norm += double(x) * x;
        }
        for (float &x : v)
            x = float(x / std::sqrt(norm));
    };
    // 20 categories: c0 the catch-all's share (30 %, the largest rows a lookup
    // reads), the rest spread over c1..c19; a quarter of each confirmed, chosen
    // apart from the category (4 and 19 share no factor, so every category
    // has its quarter).
    for (int i = 0; i < listings; ++i) {
        randomUnit();
        const int category = i % 10 < 3 ? 0 : 1 + (i / 10) % 19;
        const bool confirmed = (i / 10) % 4 == 0;
        index.add({i + 1, QStringLiteral("c%1").arg(category), confirmed, 1000, std::uint64_t(i), {},
                   confirmed ? QStringLiteral("Listing %1 item").arg(i) : QString()}, v);
    }
    // What a suggestion asks of the index: one lookup, with its three categories'
    // title voters (of the catch-all c0, its listings and not its words, as
    // Classifier::voters asks); timed query by query against nearest alone, so
    // that both see the same load.
    const ListingIndex::Want want{{QStringLiteral("c0"), QStringLiteral("c1"), QStringLiteral("c2")}, 30, {QStringLiteral("c0")}};
    // The thread's CPU time too: on a shared machine the wall time is mostly the others' load.
    const auto cpuMs = [] {
        timespec ts{};
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
        return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
    };
    std::vector<double> t, whole, tCpu, wholeCpu;
    for (int i = 0; i < 30; ++i) {
        randomUnit();
        QElapsedTimer timer;
        timer.start();
        double cpu = cpuMs();
        index.nearest(v, 10);
        tCpu.push_back(cpuMs() - cpu);
        t.push_back(timer.nsecsElapsed() / 1e6);
        timer.restart();
        cpu = cpuMs();
        // A hash at least 43 bits from every listing's (theirs are below 2^21):
        // no duplicate, so its search is the whole scan a new photo costs.
        index.lookup(v, 5, QStringLiteral("c0"), ~std::uint64_t(i), 6, 0, want);
        wholeCpu.push_back(cpuMs() - cpu);
        whole.push_back(timer.nsecsElapsed() / 1e6);
    }
    out << QStringLiteral("similar listings at %1: p50 %2 ms, max %3 ms per query (k = 10, exact); CPU p50 %4 ms\n")
               .arg(listings).arg(quantile(t, 0.5), 0, 'f', 2).arg(*std::max_element(t.begin(), t.end()), 0, 'f', 2)
               .arg(quantile(tCpu, 0.5), 0, 'f', 2);
    out << QStringLiteral("a suggestion's whole lookup at %1 (3 categories' title voters): p50 %2 ms, max %3 ms; CPU p50 %4 ms\n")
               .arg(listings).arg(quantile(whole, 0.5), 0, 'f', 2).arg(*std::max_element(whole.begin(), whole.end()), 0, 'f', 2)
               .arg(quantile(wholeCpu, 0.5), 0, 'f', 2);
    return {{QStringLiteral("listings"), listings}, {QStringLiteral("p50_ms"), quantile(t, 0.5)},
            {QStringLiteral("max_ms"), *std::max_element(t.begin(), t.end())},
            {QStringLiteral("cpu_p50_ms"), quantile(tCpu, 0.5)},
            {QStringLiteral("lookup_p50_ms"), quantile(whole, 0.5)},
            {QStringLiteral("lookup_cpu_p50_ms"), quantile(wholeCpu, 0.5)},
            {QStringLiteral("lookup_max_ms"), *std::max_element(whole.begin(), whole.end())}};
}

} // namespace

int runBenchDb(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Fills a database with synthetic predictions (source \"synthetic\", synthetic = 1: never real photos)\n"
        "up to --rows, then times history pages under each filter, the chart aggregations and\n"
        "similar-listing queries. Point it at a database meant for benchmarks."));
    parser.addHelpOption();
    const QCommandLineOption db = databaseOption(QStringLiteral(", else the embedded SQLite file"));
    const QCommandLineOption rows(QStringLiteral("rows"), QStringLiteral("Synthetic predictions to have (default: 100000)."), QStringLiteral("N"), QStringLiteral("100000"));
    const QCommandLineOption days(QStringLiteral("days"), QStringLiteral("Spread over this many days (default: 30)."), QStringLiteral("N"), QStringLiteral("30"));
    const QCommandLineOption indexRows(QStringLiteral("index-rows"), QStringLiteral("Listings in the similarity benchmark (default: 100000)."), QStringLiteral("N"), QStringLiteral("100000"));
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Print one JSON object."));
    parser.addOptions({db, rows, days, indexRows, json});
    int exitCode = ExitOk;
    if (!parseOrExit(parser, args, exitCode))
        return exitCode;
    const auto n = intOption(parser, rows, 0, 50'000'000);
    const auto d = intOption(parser, days, 1, 3650);
    const auto ni = intOption(parser, indexRows, 0, 2'000'000);
    if (!n || !d || !ni)
        return ExitUsage;
    auto store = openStore(databaseUrl(parser, defaultDatabaseUrl()), /*migrate=*/true);
    if (!store)
        return ExitSomeFailed;
    QTextStream err(stderr);
    QElapsedTimer fillTimer;
    fillTimer.start();
    auto added = fillSynthetic(*store, *n, *d, [&](qint64 done) { err << QStringLiteral("\r  %1 synthetic rows").arg(done) << Qt::flush; });
    if (!added) {
        printError(added.error().message);
        return ExitSomeFailed;
    }
    err << QStringLiteral("\n  added %1 rows in %2 s").arg(added.value()).arg(fillTimer.elapsed() / 1000.0, 0, 'f', 1) << Qt::endl;

    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    QJsonArray pages, charts;
    QString report;
    QTextStream out(&report);
    if (!benchHistory(*store, now, out, pages) || !benchCharts(*store, now, out, charts))
        return ExitSomeFailed;
    double statsMs = 0;
    timeIt(3, [&] { return readStats(*store, now - 7 * 86'400'000LL).ok(); }, statsMs);
    out << QStringLiteral("  %1 %2 ms\n").arg(QStringLiteral("stats, last 7 days").leftJustified(28)).arg(statsMs, 7, 'f', 2);
    const QJsonObject similar = benchSimilar(*ni, out);
    auto total = readStats(*store);
    if (parser.isSet(json)) {
        QTextStream(stdout) << QJsonDocument(QJsonObject{{QStringLiteral("database"), store->maskedUrl()},
                                                         {QStringLiteral("rows"), total.ok() ? total.value().predictions : -1},
                                                         {QStringLiteral("history"), pages},
                                                         {QStringLiteral("charts"), charts},
                                                         {QStringLiteral("stats_ms"), statsMs},
                                                         {QStringLiteral("similar"), similar}})
                                   .toJson(QJsonDocument::Compact)
                            << Qt::endl;
    } else {
        QTextStream(stdout) << "database: " << store->maskedUrl() << ", " << (total.ok() ? total.value().predictions : -1)
                            << " predictions\n" << report;
    }
    return ExitOk;
}

} // namespace listinglens::cli
