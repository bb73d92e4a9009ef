#include "stats_reads.h"

#include "calibration.h"
#include "database_settings.h"

#include "schema.h"
#include "store_sql_p.h"

#include <QDateTime>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <algorithm>
#include <functional>
#include <cmath>
#include <limits>

namespace listinglens {

namespace {

// The range of a bucketed series: ":since" and ":since2" (the same value;
// QPSQL cannot bind one name twice), ":bucket" and ":until".
void bindBuckets(QSqlQuery &q, qint64 sinceMs, qint64 untilMs, qint64 bucketMs)
{
    q.bindValue(QStringLiteral(":since"), sinceMs);
    q.bindValue(QStringLiteral(":bucket"), bucketMs);
    q.bindValue(QStringLiteral(":since2"), sinceMs);
    q.bindValue(QStringLiteral(":until"), untilMs);
}

// Moderators' decisions over [sinceMs, untilMs) (untilMs 0: no end) and one
// model version (empty: any), imported listings too when asked: the WHERE
// clause the quality reads share, and its values.
struct Decisions {
    qint64 sinceMs = 0;
    qint64 untilMs = 0;
    QString modelVersion;
    bool includeImports = false;            // imported listings are no moderator's decisions

    QString where() const
    {
        return QStringLiteral(" WHERE feedback <> 'none' AND created_ms >= :since AND created_ms < :until%1%2")
            .arg(modelVersion.isEmpty() ? QString() : QStringLiteral(" AND model_version = :mver"),
                 includeImports ? QString() : QStringLiteral(" AND final_origin = 'moderator'"));
    }

    void bind(QSqlQuery &q) const
    {
        q.bindValue(QStringLiteral(":since"), sinceMs);
        q.bindValue(QStringLiteral(":until"), untilMs > 0 ? untilMs : std::numeric_limits<qint64>::max());
        if (!modelVersion.isEmpty())
            q.bindValue(QStringLiteral(":mver"), modelVersion);
    }
};

} // namespace

Result<StoreStats> readStats(PredictionStore &store, qint64 sinceMs, qint64 untilMs, bool includeImports)
{
    auto db = store.connection();
    if (!db)
        return db.error();
    const QString range = QStringLiteral("created_ms >= :since AND created_ms < :until");
    auto bindRange = [&](QSqlQuery &q) {
        q.bindValue(QStringLiteral(":since"), sinceMs);
        q.bindValue(QStringLiteral(":until"), untilMs > 0 ? untilMs : std::numeric_limits<qint64>::max());
    };
    QSqlQuery q(db.value());
    q.prepare(QStringLiteral("SELECT COUNT(*), SUM(CASE WHEN ok = 0 THEN 1 ELSE 0 END), MIN(created_ms), MAX(created_ms),"
                             " SUM(CASE WHEN feedback = 'accepted' AND %1 THEN 1 ELSE 0 END),"
                             " SUM(CASE WHEN feedback = 'corrected' AND %1 THEN 1 ELSE 0 END),"
                             " SUM(CASE WHEN final_origin = 'import' THEN 1 ELSE 0 END)"
                             " FROM predictions WHERE ").arg(includeImports ? QStringLiteral("1 = 1") : QStringLiteral("final_origin = 'moderator'"))
              + range);
    bindRange(q);
    if (!q.exec() || !q.next())
        return databaseError(QStringLiteral("cannot compute statistics"), q.lastError());
    StoreStats s;
    s.predictions = q.value(0).toLongLong();
    s.failures = q.value(1).toLongLong();
    const qint64 first = q.value(2).toLongLong(), last = q.value(3).toLongLong();
    s.accepted = q.value(4).toLongLong();
    s.corrected = q.value(5).toLongLong();
    s.imported = q.value(6).toLongLong();
    s.includesImports = includeImports;
    const qint64 from = sinceMs > 0 ? sinceMs : first;
    const double minutes = std::max(1.0, double((untilMs > 0 ? untilMs : last) - from) / 60000.0);
    s.perMinute = s.predictions / minutes;
    if (s.accepted + s.corrected > 0)
        s.acceptanceRate = double(s.accepted) / double(s.accepted + s.corrected);

    const qint64 okCount = s.predictions - s.failures;
    if (okCount == 0)
        return s;
    double *targets[] = {&s.p50, &s.p95, &s.p99};
    const double fractions[] = {0.50, 0.95, 0.99};
    if (store.url().isPostgres()) {
        q.prepare(QStringLiteral("SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY total_ms),"
                                 " percentile_cont(0.95) WITHIN GROUP (ORDER BY total_ms),"
                                 " percentile_cont(0.99) WITHIN GROUP (ORDER BY total_ms)"
                                 " FROM predictions WHERE ok = 1 AND ") + range);
        bindRange(q);
        if (!q.exec() || !q.next())
            return databaseError(QStringLiteral("cannot compute statistics"), q.lastError());
        for (int i = 0; i < 3; ++i)
            *targets[i] = q.value(i).toDouble();
    } else {
        // SQLite has no percentile aggregate: the nearest-rank row, found by the index.
        for (int i = 0; i < 3; ++i) {
            q.prepare(QStringLiteral("SELECT total_ms FROM predictions WHERE ok = 1 AND ") + range
                      + QStringLiteral(" ORDER BY total_ms LIMIT 1 OFFSET :rank"));
            bindRange(q);
            q.bindValue(QStringLiteral(":rank"), std::min(okCount - 1, qint64(fractions[i] * double(okCount - 1) + 0.5)));
            if (!q.exec() || !q.next())
                return databaseError(QStringLiteral("cannot compute statistics"), q.lastError());
            *targets[i] = q.value(0).toDouble();
        }
    }
    return s;
}

qint64 bucketStart(qint64 ms, qint64 bucketMs)
{
    if (bucketMs <= 0)
        return ms;
    // Days start at local midnight; shorter buckets on the epoch's grid,
    // which is the local one for whole-hour (and half/quarter-hour) zones.
    const qint64 offset = bucketMs >= 86'400'000LL ? qint64(QDateTime::fromMSecsSinceEpoch(ms).offsetFromUtc()) * 1000 : 0;
    const qint64 local = ms + offset;
    const qint64 floor = local >= 0 ? local / bucketMs * bucketMs : -((-local + bucketMs - 1) / bucketMs) * bucketMs;
    return floor - offset;
}

SeriesPlan planSeries(qint64 sinceMs, qint64 untilMs, qint64 firstMs, int maxBuckets, int minBuckets)
{
    static constexpr qint64 kMinute = 60'000, kHour = 60 * kMinute, kDay = 24 * kHour;
    static constexpr qint64 sizes[] = {kMinute,   2 * kMinute, 5 * kMinute, 10 * kMinute, 15 * kMinute, 30 * kMinute, kHour,
                                       2 * kHour, 3 * kHour,   6 * kHour,   12 * kHour,   kDay,         7 * kDay};
    maxBuckets = std::max(1, maxBuckets);
    minBuckets = std::clamp(minBuckets, 1, maxBuckets);
    if (untilMs <= sinceMs)
        untilMs = sinceMs + kMinute;
    const qint64 start = firstMs > sinceMs && firstMs < untilMs ? firstMs : sinceMs;
    SeriesPlan plan;
    plan.bucketMs = sizes[std::size(sizes) - 1];
    // Counted once aligned: the first and the last bucket are whole, so an
    // unaligned span can need one bucket more than its length says.
    const auto alignedTo = [untilMs](qint64 size) { return bucketStart(untilMs - 1, size) + size; }; // the last moment's bucket, whole
    for (qint64 size : sizes) {
        if ((alignedTo(size) - bucketStart(start, size) + size - 1) / size <= maxBuckets) {
            plan.bucketMs = size;
            break;
        }
    }
    plan.toMs = alignedTo(plan.bucketMs);
    plan.fromMs = bucketStart(start, plan.bucketMs);
    // At least minBuckets wide, but no earlier than the range asked for.
    const qint64 earliest = bucketStart(sinceMs, plan.bucketMs);
    plan.fromMs = std::max(earliest, std::min(plan.fromMs, plan.toMs - minBuckets * plan.bucketMs));
    return plan;
}

SeriesPlan planDailySeries(qint64 sinceMs, qint64 untilMs, qint64 firstMs, int minDays)
{
    static constexpr qint64 kDay = 86'400'000LL;
    SeriesPlan plan = planSeries(sinceMs, untilMs, firstMs, 366, minDays);
    if (plan.bucketMs >= kDay)
        return plan;
    if (untilMs <= sinceMs)
        untilMs = sinceMs + 60'000;
    const qint64 start = firstMs > sinceMs && firstMs < untilMs ? firstMs : sinceMs;
    plan.bucketMs = kDay;
    plan.toMs = bucketStart(untilMs - 1, kDay) + kDay;
    plan.fromMs = std::max(bucketStart(sinceMs, kDay), std::min(bucketStart(start, kDay), plan.toMs - std::max(1, minDays) * kDay));
    return plan;
}

Result<qint64> readFirstTime(PredictionStore &store, qint64 sinceMs, qint64 untilMs)
{
    auto db = store.connection();
    if (!db)
        return db.error();
    QSqlQuery q(db.value());
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT MIN(created_ms) FROM predictions WHERE created_ms >= :since AND created_ms < :until"));
    q.bindValue(QStringLiteral(":since"), sinceMs);
    q.bindValue(QStringLiteral(":until"), untilMs > 0 ? untilMs : std::numeric_limits<qint64>::max());
    if (!q.exec() || !q.next())
        return databaseError(QStringLiteral("cannot compute statistics"), q.lastError());
    return q.value(0).isNull() ? qint64(0) : q.value(0).toLongLong();
}

Result<std::vector<TimeBucket>> readTimeSeries(PredictionStore &store, qint64 sinceMs, qint64 untilMs, qint64 bucketMs)
{
    auto db = store.connection();
    if (!db)
        return db.error();
    if (bucketMs <= 0 || untilMs <= sinceMs)
        return Error{ErrorCode::InvalidArgument, QStringLiteral("a time series needs a range and a bucket size")};
    // Per-bucket latency percentiles by nearest rank, with window functions
    // (SQLite 3.25+ and PostgreSQL): the database does the work, not the
    // program. Three of them: the total, processing and waiting.
    auto ranked = [](const char *name, const char *column) {
        return QStringLiteral(" %1 AS (SELECT b, %2 AS v, ROW_NUMBER() OVER (PARTITION BY b ORDER BY %2) AS r,"
                              " COUNT(*) OVER (PARTITION BY b) AS m FROM timed WHERE ok = 1),"
                              " %1p AS (SELECT b, MIN(CASE WHEN r >= 0.50 * m THEN v END) AS p50,"
                              " MIN(CASE WHEN r >= 0.95 * m THEN v END) AS p95,"
                              " MIN(CASE WHEN r >= 0.99 * m THEN v END) AS p99 FROM %1 GROUP BY b)")
            .arg(QLatin1String(name), QLatin1String(column));
    };
    QSqlQuery q(db.value());
    q.setForwardOnly(true);
    q.prepare(QStringLiteral(
                  "WITH ranged AS ("
                  "  SELECT (created_ms - CAST(:since AS BIGINT)) / CAST(:bucket AS BIGINT) AS b, ok, total_ms,"
                  "  COALESCE(decode_ms, 0) + COALESCE(preprocess_ms, 0) + COALESCE(inference_ms, 0) AS processing_ms FROM predictions"
                  "  WHERE created_ms >= :since2 AND created_ms < :until),"
                  " timed AS (SELECT b, ok, total_ms, processing_ms,"
                  "  CASE WHEN total_ms > processing_ms THEN total_ms - processing_ms ELSE 0 END AS wait_ms FROM ranged),"
                  " counts AS ("
                  "  SELECT b, COUNT(*) AS n, SUM(CASE WHEN ok = 0 THEN 1 ELSE 0 END) AS failed FROM ranged GROUP BY b),")
              + ranked("rt", "total_ms") + QLatin1Char(',') + ranked("rp", "processing_ms") + QLatin1Char(',') + ranked("rw", "wait_ms")
              + QStringLiteral(" SELECT counts.b, counts.n, counts.failed, rtp.p50, rtp.p95, rtp.p99, rpp.p50, rpp.p95, rwp.p50, rwp.p95"
                               " FROM counts LEFT JOIN rtp ON rtp.b = counts.b LEFT JOIN rpp ON rpp.b = counts.b"
                               " LEFT JOIN rwp ON rwp.b = counts.b ORDER BY counts.b"));
    bindBuckets(q, sinceMs, untilMs, bucketMs);
    if (!q.exec())
        return databaseError(QStringLiteral("cannot compute statistics"), q.lastError());
    std::vector<TimeBucket> buckets;
    while (q.next()) {
        TimeBucket b;
        b.startMs = sinceMs + q.value(0).toLongLong() * bucketMs;
        b.predictions = q.value(1).toLongLong();
        b.failures = q.value(2).toLongLong();
        b.p50 = q.value(3).toDouble();
        b.p95 = q.value(4).toDouble();
        b.p99 = q.value(5).toDouble();
        b.processingP50 = q.value(6).toDouble();
        b.processingP95 = q.value(7).toDouble();
        b.waitP50 = q.value(8).toDouble();
        b.waitP95 = q.value(9).toDouble();
        buckets.push_back(b);
    }
    return buckets;
}

QStringList chartedFlags()
{
    return {QStringLiteral("contact_details"), QStringLiteral("stock_photo_text"), QStringLiteral("person_in_photo"),
            QStringLiteral("blurry"), QStringLiteral("too_dark"), QStringLiteral("too_bright"), QStringLiteral("low_resolution")};
}

Result<std::vector<FlagRateBucket>> readFlagRates(PredictionStore &store, qint64 sinceMs, qint64 untilMs, qint64 bucketMs,
                                                  const QStringList &flags, const QString &modelVersion)
{
    constexpr int kMaxFlags = 16;
    if (bucketMs <= 0 || untilMs <= sinceMs)
        return Error{ErrorCode::InvalidArgument, QStringLiteral("a time series needs a range and a bucket size")};
    if (flags.isEmpty() || flags.size() > kMaxFlags)
        return Error{ErrorCode::InvalidArgument, QStringLiteral("flag rates need 1 to %1 flags").arg(kMaxFlags)};
    for (const QString &flag : flags) {
        // A flag is a word of the column's own vocabulary; its comma is the separator.
        if (flag.isEmpty() || flag.size() > 64 || flag.contains(QLatin1Char(',')))
            return Error{ErrorCode::InvalidArgument, QStringLiteral("not a flag: %1").arg(flag.left(64))};
    }
    auto db = store.connection();
    if (!db)
        return db.error();
    // One pass over the range (the created_ms index): per bucket, the photos
    // and, per flag, those whose ",a,b," column holds ",flag,".
    QString sums;
    for (int i = 0; i < flags.size(); ++i)
        sums += QStringLiteral(", SUM(CASE WHEN quality_flags LIKE :f%1 ESCAPE '\\' THEN 1 ELSE 0 END)").arg(i);
    QSqlQuery q(db.value());
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT (created_ms - CAST(:since AS BIGINT)) / CAST(:bucket AS BIGINT) AS b, COUNT(*)%1"
                             " FROM predictions WHERE created_ms >= :since2 AND created_ms < :until AND ok = 1%2"
                             " GROUP BY b ORDER BY b")
                  .arg(sums, modelVersion.isEmpty() ? QString() : QStringLiteral(" AND model_version = :mver")));
    bindBuckets(q, sinceMs, untilMs, bucketMs);
    for (int i = 0; i < flags.size(); ++i)
        q.bindValue(QStringLiteral(":f%1").arg(i), store_sql::flagPattern(flags[i]));
    if (!modelVersion.isEmpty())
        q.bindValue(QStringLiteral(":mver"), modelVersion);
    if (!q.exec())
        return databaseError(QStringLiteral("cannot compute flag rates"), q.lastError());
    std::vector<FlagRateBucket> buckets;
    while (q.next()) {
        FlagRateBucket b;
        b.startMs = sinceMs + q.value(0).toLongLong() * bucketMs;
        b.photos = q.value(1).toLongLong();
        for (int i = 0; i < flags.size(); ++i)
            b.flagged << q.value(2 + i).toLongLong();
        buckets.push_back(b);
    }
    return buckets;
}

Result<QueueActivity> readQueueActivity(PredictionStore &store, qint64 sinceMs, qint64 untilMs, qint64 bucketMs)
{
    auto db = store.connection();
    if (!db)
        return db.error();
    if (bucketMs <= 0 || untilMs <= sinceMs)
        return Error{ErrorCode::InvalidArgument, QStringLiteral("a time series needs a range and a bucket size")};
    QueueActivity a;
    QSqlQuery q(db.value());
    q.setForwardOnly(true);
    // "Any job at all" without counting a large table.
    if (!q.exec(QStringLiteral("SELECT EXISTS (SELECT 1 FROM jobs)")) || !q.next())
        return databaseError(QStringLiteral("cannot compute statistics"), q.lastError());
    if (!q.value(0).toBool())
        return a;
    a.jobs = 1;
    if (!q.exec(QStringLiteral("SELECT status, COUNT(*) FROM jobs WHERE status IN ('queued', 'running') GROUP BY status")))
        return databaseError(QStringLiteral("cannot compute statistics"), q.lastError());
    while (q.next())
        (q.value(0).toString() == QLatin1String("queued") ? a.queued : a.running) = q.value(1).toLongLong();
    q.prepare(QStringLiteral(
        "SELECT (finished_ms - CAST(:since AS BIGINT)) / CAST(:bucket AS BIGINT) AS b, COALESCE(worker, '?'), COUNT(*),"
        " SUM(CASE WHEN status = 'failed' THEN 1 ELSE 0 END)"
        " FROM jobs WHERE finished_ms >= :since2 AND finished_ms < :until GROUP BY b, worker ORDER BY b"));
    bindBuckets(q, sinceMs, untilMs, bucketMs);
    if (!q.exec())
        return databaseError(QStringLiteral("cannot compute statistics"), q.lastError());
    while (q.next()) {
        const qint64 start = sinceMs + q.value(0).toLongLong() * bucketMs;
        if (a.buckets.isEmpty() || a.buckets.last().startMs != start)
            a.buckets.append({start, {}, 0});
        const QString worker = q.value(1).toString();
        a.buckets.last().endedByWorker[worker] += q.value(2).toLongLong();
        a.buckets.last().failed += q.value(3).toLongLong();
        if (!a.workers.contains(worker))
            a.workers << worker;
    }
    a.workers.sort();
    // Queue wait by nearest rank, over the jobs_finished index.
    const QString waited = QStringLiteral("FROM jobs WHERE finished_ms >= :since AND finished_ms < :until AND queue_ms IS NOT NULL");
    q.prepare(QStringLiteral("SELECT COUNT(*) ") + waited);
    q.bindValue(QStringLiteral(":since"), sinceMs);
    q.bindValue(QStringLiteral(":until"), untilMs);
    if (!q.exec() || !q.next())
        return databaseError(QStringLiteral("cannot compute statistics"), q.lastError());
    const qint64 n = q.value(0).toLongLong();
    for (auto [fraction, target] : {std::pair{0.50, &a.queueWaitP50}, std::pair{0.95, &a.queueWaitP95}}) {
        if (n == 0)
            break;
        q.prepare(QStringLiteral("SELECT queue_ms ") + waited + QStringLiteral(" ORDER BY queue_ms LIMIT 1 OFFSET :rank"));
        q.bindValue(QStringLiteral(":since"), sinceMs);
        q.bindValue(QStringLiteral(":until"), untilMs);
        q.bindValue(QStringLiteral(":rank"), std::min(n - 1, qint64(fraction * double(n - 1) + 0.5)));
        if (!q.exec() || !q.next())
            return databaseError(QStringLiteral("cannot compute statistics"), q.lastError());
        *target = q.value(0).toDouble();
    }
    return a;
}

Result<QualityReport> readQuality(PredictionStore &store, qint64 sinceMs, qint64 untilMs, const QString &modelVersion,
                                      bool includeImports)
{
    auto db = store.connection();
    if (!db)
        return db.error();
    const Decisions decisions{sinceMs, untilMs, modelVersion, includeImports};
    const QString where = decisions.where();
    std::function<void(QSqlQuery &)> bind = [&](QSqlQuery &q) { decisions.bind(q); };
    QualityReport report;
    QSqlQuery q(db.value());
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT category_id, final_category_id, COUNT(*), SUM(CASE WHEN feedback = 'accepted' THEN 1 ELSE 0 END)"
                             " FROM predictions") + where + QStringLiteral(" GROUP BY category_id, final_category_id"));
    bind(q);
    if (!q.exec())
        return databaseError(QStringLiteral("cannot read the confusion matrix"), q.lastError());
    while (q.next()) {
        report.confusion.push_back({q.value(0).toString(), q.value(1).toString(), q.value(2).toLongLong()});
        report.decided += q.value(2).toLongLong();
        report.accepted += q.value(3).toLongLong();
    }
    // Median absolute percentage error of the suggested price, by nearest rank
    // in SQL: only suggestions in the database's currency, never one price
    // against another currency's.
    auto currency = databaseCurrency(store);
    if (!currency)
        return currency.error();
    report.currency = currency.value();
    const QString errors = QStringLiteral("SELECT ABS(price_point - final_price) / final_price AS e FROM predictions")
                           + where + QStringLiteral(" AND final_price > 0 AND price_point IS NOT NULL AND price_currency = :cur");
    bind = [&](QSqlQuery &q) {
        decisions.bind(q);
        q.bindValue(QStringLiteral(":cur"), report.currency);
    };
    q.prepare(QStringLiteral("SELECT COUNT(*) FROM (") + errors + QStringLiteral(") t"));
    bind(q);
    if (!q.exec() || !q.next())
        return databaseError(QStringLiteral("cannot read price errors"), q.lastError());
    const qint64 n = q.value(0).toLongLong();
    report.pricesCompared = n;
    if (n > 0) {
        q.prepare(errors + QStringLiteral(" ORDER BY e LIMIT 1 OFFSET :rank"));
        bind(q);
        q.bindValue(QStringLiteral(":rank"), (n - 1) / 2);
        if (!q.exec() || !q.next())
            return databaseError(QStringLiteral("cannot read price errors"), q.lastError());
        report.priceMdape = q.value(0).toDouble();
    }
    return report;
}

Result<ReliabilityReport> readReliability(PredictionStore &store, qint64 sinceMs, qint64 untilMs, const QString &modelVersion, int bins,
                                          bool includeImports)
{
    if (bins < 1 || bins > 1000)
        return Error{ErrorCode::InvalidArgument, QStringLiteral("a reliability diagram needs 1 to 1000 bins")};
    auto db = store.connection();
    if (!db)
        return db.error();
    const Decisions decisions{sinceMs, untilMs, modelVersion, includeImports};
    // Bin i holds confidences in [i / bins, (i + 1) / bins); a confidence of
    // exactly 1 comes back as bin `bins` and is counted in the last one.
    const QString bin = schema::integerFloor(store_sql::dialectOf(store.url()), QStringLiteral("confidence * CAST(:bins AS DOUBLE PRECISION)"));
    QSqlQuery q(db.value());
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT %1 AS b, COUNT(*), SUM(confidence), SUM(CASE WHEN category_id = final_category_id THEN 1 ELSE 0 END)"
                             " FROM predictions%2 AND confidence IS NOT NULL GROUP BY b")
                  .arg(bin, decisions.where()));
    q.bindValue(QStringLiteral(":bins"), bins);
    decisions.bind(q);
    if (!q.exec())
        return databaseError(QStringLiteral("cannot read the calibration"), q.lastError());
    ReliabilityReport report;
    std::vector<ReliabilityBin> sums(static_cast<std::size_t>(bins));
    for (int i = 0; i < bins; ++i)
        report.bins.push_back({double(i) / bins, double(i + 1) / bins, 0, 0, 0});
    while (q.next()) {
        const auto i = std::size_t(std::clamp<qint64>(q.value(0).toLongLong(), 0, bins - 1));
        sums[i].count += q.value(1).toLongLong();
        sums[i].confidence += q.value(2).toDouble();
        sums[i].right += q.value(3).toLongLong();
    }
    for (qsizetype i = 0; i < report.bins.size(); ++i) {
        ReliabilityReport::Bin &b = report.bins[i];
        const ReliabilityBin &s = sums[std::size_t(i)];
        b.count = s.count;
        if (b.count == 0)
            continue;
        b.meanConfidence = s.confidence / double(b.count);
        b.accuracy = double(s.right) / double(b.count);
        report.decided += b.count;
    }
    if (report.decided > 0) // nothing decided keeps 0, as the chart has always shown it
        report.ece = expectedCalibrationError(sums);
    return report;
}

Result<std::vector<HeadAccuracy>> readHeadAccuracy(PredictionStore &store, qint64 sinceMs, qint64 untilMs, const QString &modelVersion,
                                      bool includeImports)
{
    auto db = store.connection();
    if (!db)
        return db.error();
    const Decisions decisions{sinceMs, untilMs, modelVersion, includeImports};
    QSqlQuery q(db.value());
    q.setForwardOnly(true);
    // NULL (the built-in mapping) as 0, which sorts first on either database.
    q.prepare(QStringLiteral("SELECT COALESCE(head_version, 0) AS h, COUNT(*), SUM(CASE WHEN category_id = final_category_id THEN 1 ELSE 0 END)"
                             " FROM predictions") + decisions.where() + QStringLiteral(" GROUP BY h ORDER BY h"));
    decisions.bind(q);
    if (!q.exec())
        return databaseError(QStringLiteral("cannot read the accuracy per head"), q.lastError());
    std::vector<HeadAccuracy> heads;
    while (q.next())
        heads.push_back({q.value(0).toLongLong(), q.value(1).toLongLong(), q.value(2).toLongLong()});
    return heads;
}

} // namespace listinglens
