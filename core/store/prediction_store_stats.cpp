// Aggregates computed in the database, never by loading rows.
#include "prediction_store.h"

#include "schema.h"

#include <QDateTime>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <cstring>

namespace listinglens {

namespace {

Error statsError(const QSqlError &e)
{
    return {ErrorCode::DatabaseError, QStringLiteral("cannot compute statistics: %1").arg(e.text().trimmed())};
}

// The range of a bucketed series: ":since" and ":since2" (the same value;
// QPSQL cannot bind one name twice), ":bucket" and ":until".
void bindBuckets(QSqlQuery &q, qint64 sinceMs, qint64 untilMs, qint64 bucketMs)
{
    q.bindValue(QStringLiteral(":since"), sinceMs);
    q.bindValue(QStringLiteral(":bucket"), bucketMs);
    q.bindValue(QStringLiteral(":since2"), sinceMs);
    q.bindValue(QStringLiteral(":until"), untilMs);
}

} // namespace

Result<StoreStats> PredictionStore::stats(qint64 sinceMs, qint64 untilMs)
{
    auto db = connection();
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
        return statsError(q.lastError());
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
    if (url().isPostgres()) {
        q.prepare(QStringLiteral("SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY total_ms),"
                                 " percentile_cont(0.95) WITHIN GROUP (ORDER BY total_ms),"
                                 " percentile_cont(0.99) WITHIN GROUP (ORDER BY total_ms)"
                                 " FROM predictions WHERE ok = 1 AND ") + range);
        bindRange(q);
        if (!q.exec() || !q.next())
            return statsError(q.lastError());
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
                return statsError(q.lastError());
            *targets[i] = q.value(0).toDouble();
        }
    }
    return s;
}

Result<std::vector<TimeBucket>> PredictionStore::timeSeries(qint64 sinceMs, qint64 untilMs, qint64 bucketMs)
{
    auto db = connection();
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
        return statsError(q.lastError());
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

Result<QueueActivity> PredictionStore::queueActivity(qint64 sinceMs, qint64 untilMs, qint64 bucketMs)
{
    auto db = connection();
    if (!db)
        return db.error();
    if (bucketMs <= 0 || untilMs <= sinceMs)
        return Error{ErrorCode::InvalidArgument, QStringLiteral("a time series needs a range and a bucket size")};
    QueueActivity a;
    QSqlQuery q(db.value());
    q.setForwardOnly(true);
    // "Any job at all" without counting a large table.
    if (!q.exec(QStringLiteral("SELECT EXISTS (SELECT 1 FROM jobs)")) || !q.next())
        return statsError(q.lastError());
    if (!q.value(0).toBool())
        return a;
    a.jobs = 1;
    if (!q.exec(QStringLiteral("SELECT status, COUNT(*) FROM jobs WHERE status IN ('queued', 'running') GROUP BY status")))
        return statsError(q.lastError());
    while (q.next())
        (q.value(0).toString() == QLatin1String("queued") ? a.queued : a.running) = q.value(1).toLongLong();
    q.prepare(QStringLiteral(
        "SELECT (finished_ms - CAST(:since AS BIGINT)) / CAST(:bucket AS BIGINT) AS b, COALESCE(worker, '?'), COUNT(*),"
        " SUM(CASE WHEN status = 'failed' THEN 1 ELSE 0 END)"
        " FROM jobs WHERE finished_ms >= :since2 AND finished_ms < :until GROUP BY b, worker ORDER BY b"));
    bindBuckets(q, sinceMs, untilMs, bucketMs);
    if (!q.exec())
        return statsError(q.lastError());
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

Result<qint64> PredictionStore::fillSynthetic(qint64 rows, int days, const std::function<void(qint64 done)> &progress)
{
    auto db = connection();
    if (!db)
        return db.error();
    QSqlQuery q(db.value());
    if (!q.exec(QStringLiteral("SELECT COUNT(*) FROM predictions WHERE synthetic = 1")) || !q.next())
        return statsError(q.lastError());
    const qint64 have = q.value(0).toLongLong();
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const qint64 span = qint64(days) * 24 * 3600 * 1000;
    constexpr qint64 kChunk = 50'000;
    // Generated in the database: a recursive counter and arithmetic on it, in chunks.
    for (qint64 from = have; from < rows; from += kChunk) {
        const qint64 to = std::min(rows, from + kChunk);
        q.prepare(QStringLiteral(
            "WITH RECURSIVE seq(i) AS (SELECT CAST(:from AS BIGINT) UNION ALL SELECT i + 1 FROM seq WHERE i + 1 < CAST(:to AS BIGINT)),"
            " cats(k, id) AS (VALUES (0, 'phones'), (1, 'computers'), (2, 'tv-audio'), (3, 'cameras'), (4, 'appliances'),"
            "  (5, 'furniture'), (6, 'home-garden'), (7, 'clothing'), (8, 'shoes'), (9, 'bags-accessories'),"
            "  (10, 'watches-jewelry'), (11, 'kids-toys'), (12, 'sports-outdoors'), (13, 'bicycles'), (14, 'cars'),"
            "  (15, 'motorcycles'), (16, 'auto-parts'), (17, 'music'), (18, 'pets'), (19, 'tools'),"
            "  (20, 'books-hobbies'), (21, 'health-beauty'), (22, 'other'))"
            " INSERT INTO predictions (created_ms, source, file_name, ok, error_code, model_name, model_version, device,"
            "  category_id, confidence, price_currency, price_low, price_point, price_high, price_basis, price_neighbours,"
            "  title, description, quality_flags, decode_ms, preprocess_ms, inference_ms, total_ms, synthetic, feedback,"
            "  final_category_id, final_price)"
            " SELECT CAST(:now AS BIGINT) - (i * CAST(:span AS BIGINT)) / CAST(:rows AS BIGINT), 'synthetic', 'synthetic-' || i || '.jpg',"
            "  CASE WHEN i % 50 = 0 THEN 0 ELSE 1 END, CASE WHEN i % 50 = 0 THEN 'corrupt' END,"
            "  'mobilenet_v2_imagenet', CASE WHEN i % 5 = 0 THEN '2.0.0' ELSE '1.0.0' END, 'cpu',"
            "  cats.id, ((i * 7919) % 1000) / 1000.0, 'EUR', 10, 30 + (i % 400), 80 + (i % 900), 'prior', 0,"
            "  'Synthetic listing ' || i, 'Synthetic row for benchmarks, not a real photo.',"
            "  CASE WHEN i % 13 = 0 THEN ',blurry,' ELSE '' END, 10, 2, 12, 20 + ((i * 31) % 200), 1,"
            "  CASE WHEN i % 37 = 0 THEN 'corrected' WHEN i % 10 = 0 THEN 'accepted' ELSE 'none' END,"
            "  CASE WHEN i % 10 = 0 OR i % 37 = 0 THEN cats.id END, CASE WHEN i % 10 = 0 OR i % 37 = 0 THEN 30 + (i % 400) END"
            " FROM seq JOIN cats ON cats.k = i % 23"));
        q.bindValue(QStringLiteral(":from"), from);
        q.bindValue(QStringLiteral(":to"), to);
        q.bindValue(QStringLiteral(":now"), now);
        q.bindValue(QStringLiteral(":span"), span);
        q.bindValue(QStringLiteral(":rows"), std::max<qint64>(rows, 1));
        if (!q.exec())
            return statsError(q.lastError());
        if (progress)
            progress(to);
    }
    if (url().isPostgres())
        q.exec(QStringLiteral("ANALYZE predictions"));
    else
        q.exec(QStringLiteral("ANALYZE"));
    return std::max<qint64>(0, rows - have);
}

Result<int> PredictionStore::readIndexRows(int maxRows, const std::function<void(const IndexRow &)> &row, qint64 afterId,
                                           const std::function<bool(qint64)> &skip)
{
    auto db = connection();
    if (!db)
        return db.error();
    QSqlQuery q(db.value());
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT id, category_id, feedback, final_category_id, final_price, phash, file_name, embedding"
                             " FROM predictions WHERE ok = 1 AND embedding IS NOT NULL AND id > :after"
                             " ORDER BY created_ms DESC, id DESC LIMIT :n"));
    q.bindValue(QStringLiteral(":after"), afterId);
    q.bindValue(QStringLiteral(":n"), std::max(0, maxRows));
    if (!q.exec())
        return Error{ErrorCode::DatabaseError, QStringLiteral("cannot load the listing index: %1").arg(q.lastError().text())};
    int count = 0;
    IndexRow r;
    while (q.next()) {
        r.id = q.value(0).toLongLong();
        if (skip && skip(r.id))
            continue;
        r.categoryId = q.value(1).toString();
        r.confirmed = q.value(2).toString() != QLatin1String("none");
        r.finalCategoryId = q.value(3).toString();
        r.finalPrice = q.value(4).toDouble();
        r.phash = std::uint64_t(q.value(5).toLongLong());
        r.fileName = q.value(6).toString();
        const QByteArray e = q.value(7).toByteArray();
        r.embedding.resize(std::size_t(e.size()) / sizeof(float));
        std::memcpy(r.embedding.data(), e.constData(), r.embedding.size() * sizeof(float));
        row(r);
        ++count;
    }
    return count;
}

} // namespace listinglens
