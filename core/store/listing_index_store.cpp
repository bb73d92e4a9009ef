#include "listing_index_store.h"

#include "database_settings.h"
#include "store_sql_p.h"

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
    q.prepare(QStringLiteral("SELECT id, category_id, feedback, final_category_id, final_price, phash, file_name, embedding, final_title"
                             " FROM predictions WHERE ok = 1 AND embedding IS NOT NULL AND id > :after%1"
                             " ORDER BY created_ms DESC, id DESC LIMIT :n")
                  .arg(modelVersion.isEmpty() ? QString() : QStringLiteral(" AND model_version = :mv")));
    q.bindValue(QStringLiteral(":after"), afterId);
    if (!modelVersion.isEmpty())
        q.bindValue(QStringLiteral(":mv"), modelVersion);
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
        r.finalPrice = store_sql::optionalDouble(q.value(4));
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
