// Reads for the data console: details, thumbnails, quality.
#include "prediction_store.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

namespace listinglens {

namespace {

Error readError(const QString &what, const QSqlError &e)
{
    return {ErrorCode::DatabaseError, QStringLiteral("cannot read %1: %2").arg(what, e.text().trimmed())};
}

} // namespace

Result<QHash<qint64, QByteArray>> PredictionStore::thumbnails(const QList<qint64> &ids)
{
    QHash<qint64, QByteArray> out;
    if (ids.isEmpty())
        return out;
    auto db = connection();
    if (!db)
        return db.error();
    QStringList marks;
    for (int i = 0; i < ids.size(); ++i)
        marks << QStringLiteral(":id%1").arg(i);
    QSqlQuery q(db.value());
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT id, thumbnail FROM predictions WHERE id IN (%1)").arg(marks.join(QLatin1Char(','))));
    for (int i = 0; i < ids.size(); ++i)
        q.bindValue(marks[i], ids[i]);
    if (!q.exec())
        return readError(QStringLiteral("thumbnails"), q.lastError());
    while (q.next())
        out.insert(q.value(0).toLongLong(), q.value(1).toByteArray());
    return out;
}

Result<PredictionDetail> PredictionStore::detail(qint64 id)
{
    auto db = connection();
    if (!db)
        return db.error();
    QSqlQuery q(db.value());
    q.prepare(QStringLiteral("SELECT description, sha256, byte_size, width, height, categories_json, labels_json, error_message,"
                             " price_basis, price_low, price_high, created_ms FROM predictions WHERE id = :id"));
    q.bindValue(QStringLiteral(":id"), id);
    if (!q.exec())
        return readError(QStringLiteral("a prediction"), q.lastError());
    if (!q.next())
        return Error{ErrorCode::InvalidArgument, QStringLiteral("there is no prediction %1").arg(id)};
    PredictionDetail d;
    d.description = q.value(0).toString();
    d.sha256 = q.value(1).toString();
    d.byteSize = q.value(2).toLongLong();
    d.width = q.value(3).toInt();
    d.height = q.value(4).toInt();
    d.categoriesJson = q.value(5).toString();
    d.labelsJson = q.value(6).toString();
    d.errorMessage = q.value(7).toString();
    d.priceBasis = q.value(8).toString();
    d.priceLow = q.value(9).toDouble();
    d.priceHigh = q.value(10).toDouble();
    const qint64 created = q.value(11).toLongLong();
    // The row itself, through the same code as the history table.
    HistoryFilter exact;
    exact.sinceMs = created;
    exact.untilMs = created + 1;
    auto rows = history(exact, std::nullopt, 1000);
    if (!rows)
        return rows.error();
    for (const HistoryRow &r : rows.value()) {
        if (r.id == id)
            d.row = r;
    }
    q.prepare(QStringLiteral("SELECT created_ms, moderator, decision, category_id, price, currency, title FROM feedback"
                             " WHERE prediction_id = :id ORDER BY created_ms"));
    q.bindValue(QStringLiteral(":id"), id);
    if (!q.exec())
        return readError(QStringLiteral("feedback"), q.lastError());
    while (q.next())
        d.feedback.push_back({q.value(0).toLongLong(), q.value(1).toString(), q.value(2).toString(), q.value(3).toString(),
                              q.value(5).toString(), q.value(6).toString(), q.value(4).toDouble()});
    return d;
}

Result<QualityReport> PredictionStore::quality(qint64 sinceMs, qint64 untilMs, const QString &modelVersion)
{
    auto db = connection();
    if (!db)
        return db.error();
    const QString where = QStringLiteral(" WHERE feedback <> 'none' AND created_ms >= :since AND created_ms < :until%1")
                              .arg(modelVersion.isEmpty() ? QString() : QStringLiteral(" AND model_version = :mver"));
    auto bind = [&](QSqlQuery &q) {
        q.bindValue(QStringLiteral(":since"), sinceMs);
        q.bindValue(QStringLiteral(":until"), untilMs > 0 ? untilMs : std::numeric_limits<qint64>::max());
        if (!modelVersion.isEmpty())
            q.bindValue(QStringLiteral(":mver"), modelVersion);
    };
    QualityReport report;
    QSqlQuery q(db.value());
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT category_id, final_category_id, COUNT(*), SUM(CASE WHEN feedback = 'accepted' THEN 1 ELSE 0 END)"
                             " FROM predictions") + where + QStringLiteral(" GROUP BY category_id, final_category_id"));
    bind(q);
    if (!q.exec())
        return readError(QStringLiteral("the confusion matrix"), q.lastError());
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
        return readError(QStringLiteral("price errors"), q.lastError());
    const qint64 n = q.value(0).toLongLong();
    if (n > 0) {
        q.prepare(errors + QStringLiteral(" ORDER BY e LIMIT 1 OFFSET :rank"));
        bind(q);
        q.bindValue(QStringLiteral(":rank"), (n - 1) / 2);
        if (!q.exec() || !q.next())
            return readError(QStringLiteral("price errors"), q.lastError());
        report.priceMdape = q.value(0).toDouble();
    }
    return report;
}

} // namespace listinglens
