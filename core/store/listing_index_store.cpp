#include "listing_index_store.h"

#include "database_settings.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <algorithm>
#include <cstring>

namespace listinglens {

Result<int> readIndexRows(PredictionStore &store, int maxRows, const std::function<void(const IndexRow &)> &row, qint64 afterId,
                          const std::function<bool(qint64)> &skip, const QString &modelVersion)
{
    auto db = store.connection();
    if (!db)
        return db.error();
    QSqlQuery q(db.value());
    q.setForwardOnly(true);
    // A version's own predictions, and those it embedded later (listing_embeddings),
    // each with that version's embedding. Placeholders are not repeated (drivers differ there).
    const QString columns = QStringLiteral("p.id, p.category_id, p.feedback, p.final_category_id, p.final_price, p.phash, p.file_name, %1,"
                                           " p.final_title FROM predictions p");
    if (modelVersion.isEmpty()) {
        q.prepare(QStringLiteral("SELECT %1 WHERE p.ok = 1 AND p.embedding IS NOT NULL AND p.id > :after"
                                 " ORDER BY p.created_ms DESC, p.id DESC LIMIT :n").arg(columns.arg(QStringLiteral("p.embedding"))));
    } else {
        q.prepare(QStringLiteral("SELECT %1 LEFT JOIN listing_embeddings e ON e.prediction_id = p.id AND e.model_version = :mv1"
                                 " WHERE p.ok = 1 AND p.id > :after AND ((p.model_version = :mv2 AND p.embedding IS NOT NULL) OR e.embedding IS NOT NULL)"
                                 " ORDER BY p.created_ms DESC, p.id DESC LIMIT :n")
                      .arg(columns.arg(QStringLiteral("CASE WHEN p.model_version = :mv3 THEN p.embedding ELSE e.embedding END"))));
        for (const char *name : {":mv1", ":mv2", ":mv3"})
            q.bindValue(QLatin1String(name), modelVersion);
    }
    q.bindValue(QStringLiteral(":after"), afterId);
    q.bindValue(QStringLiteral(":n"), std::max(0, maxRows));
    if (!q.exec())
        return databaseError(QStringLiteral("cannot load the listing index"), q.lastError());
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
        r.finalTitle = q.value(8).toString();
        row(r);
        ++count;
    }
    return count;
}

} // namespace listinglens
