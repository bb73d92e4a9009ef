#include "history_reads.h"

#include "schema.h"
#include "store_sql_p.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <algorithm>

namespace listinglens {

std::optional<qint64> parseHeadFilter(const QString &text)
{
    QString t = text.trimmed().toLower();
    if (t == QLatin1String("builtin") || t == QLatin1String("built-in"))
        return 0;
    if (t.startsWith(QLatin1Char('h')))
        t.remove(0, 1);
    bool ok = false;
    const qint64 version = t.toLongLong(&ok);
    return ok && version > 0 ? std::optional<qint64>(version) : std::nullopt;
}

Result<std::vector<HistoryRow>> readHistory(PredictionStore &store, const HistoryFilter &f, std::optional<HistoryCursor> after, int limit)
{
    auto db = store.connection();
    if (!db)
        return db.error();
    QStringList where;
    QVariantMap binds;
    auto add = [&](const QString &clause, const QString &name, const QVariant &value) {
        where << clause;
        binds.insert(name, value);
    };
    if (f.sinceMs > 0)
        add(QStringLiteral("created_ms >= :since"), QStringLiteral(":since"), f.sinceMs);
    if (f.untilMs > 0)
        add(QStringLiteral("created_ms < :until"), QStringLiteral(":until"), f.untilMs);
    if (!f.categoryId.isEmpty())
        add(QStringLiteral("category_id = :cat"), QStringLiteral(":cat"), f.categoryId);
    if (!f.feedback.isEmpty())
        add(QStringLiteral("feedback = :fb"), QStringLiteral(":fb"), f.feedback);
    if (f.minConfidence >= 0)
        add(QStringLiteral("confidence >= :cmin"), QStringLiteral(":cmin"), f.minConfidence);
    if (f.maxConfidence >= 0)
        add(QStringLiteral("confidence <= :cmax"), QStringLiteral(":cmax"), f.maxConfidence);
    if (!f.finalCategoryId.isEmpty())
        add(QStringLiteral("final_category_id = :fcat"), QStringLiteral(":fcat"), f.finalCategoryId);
    if (!f.modelVersion.isEmpty())
        add(QStringLiteral("model_version = :mver"), QStringLiteral(":mver"), f.modelVersion);
    if (f.needsReview)
        where << QStringLiteral("review <> ''");
    if (f.headVersion && *f.headVersion > 0)
        add(QStringLiteral("head_version = :head"), QStringLiteral(":head"), *f.headVersion);
    else if (f.headVersion)
        where << QStringLiteral("head_version IS NULL");
    if (!f.qualityFlag.isEmpty())
        add(QStringLiteral("quality_flags LIKE :flag ESCAPE '\\'"), QStringLiteral(":flag"), store_sql::flagPattern(f.qualityFlag));
    if (!f.text.isEmpty()) {
        const QString like = schema::caseInsensitiveLike(store_sql::dialectOf(store.url()));
        add(QStringLiteral("(title %1 :text ESCAPE '\\' OR description %1 :text ESCAPE '\\')").arg(like),
            QStringLiteral(":text"), QLatin1Char('%') + store_sql::escapedLike(f.text) + QLatin1Char('%'));
    }
    const char *cmp = f.oldestFirst ? ">" : "<";
    if (after) {
        where << QStringLiteral("(created_ms %1 :acms OR (created_ms = :acms2 AND id %1 :aid))").arg(QLatin1String(cmp));
        binds.insert(QStringLiteral(":acms"), after->createdMs);
        binds.insert(QStringLiteral(":acms2"), after->createdMs);
        binds.insert(QStringLiteral(":aid"), after->id);
    }
    const QString sql = QStringLiteral(
        "SELECT id, created_ms, source, file_name, ok, error_code, category_id, confidence, title, price_currency,"
        " price_point, feedback, final_category_id, final_price, model_version, quality_flags, total_ms, review, head_version"
        " FROM predictions%1 ORDER BY created_ms %2, id %2 LIMIT :limit")
                            .arg(where.isEmpty() ? QString() : QStringLiteral(" WHERE ") + where.join(QStringLiteral(" AND ")),
                                 f.oldestFirst ? QStringLiteral("ASC") : QStringLiteral("DESC"));
    QSqlQuery q(db.value());
    q.setForwardOnly(true);
    q.prepare(sql);
    for (auto it = binds.cbegin(); it != binds.cend(); ++it)
        q.bindValue(it.key(), it.value());
    q.bindValue(QStringLiteral(":limit"), std::clamp(limit, 1, 10000));
    if (!q.exec())
        return databaseError(QStringLiteral("cannot read the history"), q.lastError());
    std::vector<HistoryRow> rows;
    while (q.next()) {
        HistoryRow r;
        r.id = q.value(0).toLongLong();
        r.createdMs = q.value(1).toLongLong();
        r.source = q.value(2).toString();
        r.fileName = q.value(3).toString();
        r.ok = q.value(4).toInt() != 0;
        r.errorCode = q.value(5).toString();
        r.categoryId = q.value(6).toString();
        r.confidence = q.value(7).toDouble();
        r.title = q.value(8).toString();
        r.currency = q.value(9).toString();
        r.pricePoint = q.value(10).toDouble();
        r.feedback = q.value(11).toString();
        r.finalCategoryId = q.value(12).toString();
        r.finalPrice = q.value(13).toDouble();
        r.modelVersion = q.value(14).toString();
        r.flags = store_sql::flagsFromColumn(q.value(15).toString());
        r.totalMs = q.value(16).toDouble();
        r.review = q.value(17).toString().split(QLatin1Char(','), Qt::SkipEmptyParts);
        r.headVersion = q.value(18).toLongLong();
        rows.push_back(std::move(r));
    }
    return rows;
}

Result<QHash<qint64, QByteArray>> readThumbnails(PredictionStore &store, const QList<qint64> &ids)
{
    QHash<qint64, QByteArray> out;
    if (ids.isEmpty())
        return out;
    auto db = store.connection();
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
        return databaseError(QStringLiteral("cannot read thumbnails"), q.lastError());
    while (q.next())
        out.insert(q.value(0).toLongLong(), q.value(1).toByteArray());
    return out;
}

Result<PredictionDetail> readDetail(PredictionStore &store, qint64 id)
{
    auto db = store.connection();
    if (!db)
        return db.error();
    QSqlQuery q(db.value());
    q.prepare(QStringLiteral("SELECT description, sha256, byte_size, width, height, categories_json, labels_json, error_message,"
                             " price_basis, price_low, price_high, created_ms FROM predictions WHERE id = :id"));
    q.bindValue(QStringLiteral(":id"), id);
    if (!q.exec())
        return databaseError(QStringLiteral("cannot read a prediction"), q.lastError());
    if (!q.next())
        return Error{ErrorCode::NotFound, QStringLiteral("there is no prediction %1").arg(id)};
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
    auto rows = readHistory(store, exact, std::nullopt, 1000);
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
        return databaseError(QStringLiteral("cannot read feedback"), q.lastError());
    while (q.next())
        d.feedback.push_back({q.value(0).toLongLong(), q.value(1).toString(), q.value(2).toString(), q.value(3).toString(),
                              q.value(5).toString(), q.value(6).toString(), q.value(4).toDouble()});
    return d;
}

} // namespace listinglens
