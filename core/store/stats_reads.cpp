#include "stats_reads.h"

#include "schema.h"
#include "store_sql_p.h"

#include <QDateTime>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <algorithm>
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
// model version (empty: any): the WHERE clause the quality reads share, and its values.
struct Decisions {
    qint64 sinceMs = 0;
    qint64 untilMs = 0;
    QString modelVersion;

    QString where() const
    {
        return QStringLiteral(" WHERE feedback <> 'none' AND created_ms >= :since AND created_ms < :until%1")
            .arg(modelVersion.isEmpty() ? QString() : QStringLiteral(" AND model_version = :mver"));
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

Result<StoreStats> readStats(PredictionStore &store, qint64 sinceMs, qint64 untilMs)
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
                             " SUM(CASE WHEN feedback = 'accepted' THEN 1 ELSE 0 END),"
                             " SUM(CASE WHEN feedback = 'corrected' THEN 1 ELSE 0 END)"
                             " FROM predictions WHERE ") + range);
    bindRange(q);
    if (!q.exec() || !q.next())
        return databaseError(QStringLiteral("cannot compute statistics"), q.lastError());
    StoreStats s;
    s.predictions = q.value(0).toLongLong();
    s.failures = q.value(1).toLongLong();
    const qint64 first = q.value(2).toLongLong(), last = q.value(3).toLongLong();
    s.accepted = q.value(4).toLongLong();
    s.corrected = q.value(5).toLongLong();
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

Result<std::vector<TimeBucket>> readTimeSeries(PredictionStore &store, qint64 sinceMs, qint64 untilMs, qint64 bucketMs)
{
    auto db = store.connection();
    if (!db)
        return db.error();
    if (bucketMs <= 0 || untilMs <= sinceMs)
        return Error{ErrorCode::InvalidArgument, QStringLiteral("a time series needs a range and a bucket size")};
    // Per-bucket latency percentiles by nearest rank, with window functions
    // (SQLite 3.25+ and PostgreSQL): the database does the work, not the program.
    QSqlQuery q(db.value());
    q.setForwardOnly(true);
    q.prepare(QStringLiteral(
        "WITH ranged AS ("
        "  SELECT (created_ms - CAST(:since AS BIGINT)) / CAST(:bucket AS BIGINT) AS b, ok, total_ms FROM predictions"
        "  WHERE created_ms >= :since2 AND created_ms < :until),"
        " counts AS ("
        "  SELECT b, COUNT(*) AS n, SUM(CASE WHEN ok = 0 THEN 1 ELSE 0 END) AS failed FROM ranged GROUP BY b),"
        " ranked AS ("
        "  SELECT b, total_ms, ROW_NUMBER() OVER (PARTITION BY b ORDER BY total_ms) AS r,"
        "         COUNT(*) OVER (PARTITION BY b) AS m FROM ranged WHERE ok = 1),"
        " pct AS ("
        "  SELECT b,"
        "   MIN(CASE WHEN r >= 0.50 * m THEN total_ms END) AS p50,"
        "   MIN(CASE WHEN r >= 0.95 * m THEN total_ms END) AS p95,"
        "   MIN(CASE WHEN r >= 0.99 * m THEN total_ms END) AS p99 FROM ranked GROUP BY b)"
        " SELECT counts.b, counts.n, counts.failed, pct.p50, pct.p95, pct.p99"
        " FROM counts LEFT JOIN pct ON pct.b = counts.b ORDER BY counts.b"));
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
    return a;
}

Result<QualityReport> readQuality(PredictionStore &store, qint64 sinceMs, qint64 untilMs, const QString &modelVersion)
{
    auto db = store.connection();
    if (!db)
        return db.error();
    const Decisions decisions{sinceMs, untilMs, modelVersion};
    const QString where = decisions.where();
    auto bind = [&](QSqlQuery &q) { decisions.bind(q); };
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
    // Median absolute percentage error of the suggested price, by nearest rank in SQL.
    const QString errors = QStringLiteral("SELECT ABS(price_point - final_price) / final_price AS e FROM predictions")
                           + where + QStringLiteral(" AND final_price > 0 AND price_point IS NOT NULL");
    q.prepare(QStringLiteral("SELECT COUNT(*) FROM (") + errors + QStringLiteral(") t"));
    bind(q);
    if (!q.exec() || !q.next())
        return databaseError(QStringLiteral("cannot read price errors"), q.lastError());
    const qint64 n = q.value(0).toLongLong();
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

Result<ReliabilityReport> readReliability(PredictionStore &store, qint64 sinceMs, qint64 untilMs, const QString &modelVersion, int bins)
{
    if (bins < 1 || bins > 1000)
        return Error{ErrorCode::InvalidArgument, QStringLiteral("a reliability diagram needs 1 to 1000 bins")};
    auto db = store.connection();
    if (!db)
        return db.error();
    const Decisions decisions{sinceMs, untilMs, modelVersion};
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
    std::vector<double> confidenceSum(std::size_t(bins), 0.0), acceptedSum(std::size_t(bins), 0.0);
    for (int i = 0; i < bins; ++i)
        report.bins.push_back({double(i) / bins, double(i + 1) / bins, 0, 0, 0});
    while (q.next()) {
        const auto i = std::size_t(std::clamp<qint64>(q.value(0).toLongLong(), 0, bins - 1));
        report.bins[qsizetype(i)].count += q.value(1).toLongLong();
        confidenceSum[i] += q.value(2).toDouble();
        acceptedSum[i] += q.value(3).toDouble();
    }
    for (qsizetype i = 0; i < report.bins.size(); ++i) {
        ReliabilityReport::Bin &b = report.bins[i];
        if (b.count == 0)
            continue;
        b.meanConfidence = confidenceSum[std::size_t(i)] / double(b.count);
        b.accuracy = acceptedSum[std::size_t(i)] / double(b.count);
        report.decided += b.count;
    }
    for (const ReliabilityReport::Bin &b : std::as_const(report.bins))
        if (b.count > 0)
            report.ece += double(b.count) / double(report.decided) * std::abs(b.accuracy - b.meanConfidence);
    return report;
}

Result<std::vector<HeadAccuracy>> readHeadAccuracy(PredictionStore &store, qint64 sinceMs, qint64 untilMs, const QString &modelVersion)
{
    auto db = store.connection();
    if (!db)
        return db.error();
    const Decisions decisions{sinceMs, untilMs, modelVersion};
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
