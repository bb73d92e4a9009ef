// Aggregates computed in the database, never by loading rows.
#include "prediction_store.h"

#include "schema.h"

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

Result<int> PredictionStore::readIndexRows(int maxRows, const std::function<void(const IndexRow &)> &row)
{
    auto db = connection();
    if (!db)
        return db.error();
    QSqlQuery q(db.value());
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT id, category_id, feedback, final_category_id, final_price, phash, file_name, embedding"
                             " FROM predictions WHERE ok = 1 AND embedding IS NOT NULL"
                             " ORDER BY created_ms DESC, id DESC LIMIT :n"));
    q.bindValue(QStringLiteral(":n"), std::max(0, maxRows));
    if (!q.exec())
        return Error{ErrorCode::DatabaseError, QStringLiteral("cannot load the listing index: %1").arg(q.lastError().text())};
    int count = 0;
    IndexRow r;
    while (q.next()) {
        r.id = q.value(0).toLongLong();
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

Result<QByteArray> PredictionStore::thumbnail(qint64 predictionId)
{
    auto db = connection();
    if (!db)
        return db.error();
    QSqlQuery q(db.value());
    q.prepare(QStringLiteral("SELECT thumbnail FROM predictions WHERE id = :id"));
    q.bindValue(QStringLiteral(":id"), predictionId);
    if (!q.exec())
        return Error{ErrorCode::DatabaseError, QStringLiteral("cannot read a thumbnail: %1").arg(q.lastError().text())};
    return q.next() ? q.value(0).toByteArray() : QByteArray();
}

} // namespace listinglens
