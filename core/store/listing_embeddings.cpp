#include "listing_embeddings.h"

#include "db_connections.h"

#include <QByteArray>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <algorithm>

namespace listinglens {

Result<int> saveListingEmbeddings(PredictionStore &store, const QString &modelVersion, const std::vector<ListingEmbedding> &rows)
{
    if (modelVersion.isEmpty())
        return Error{ErrorCode::InvalidArgument, QStringLiteral("cannot store listings' embeddings without their model version")};
    for (const ListingEmbedding &r : rows)
        if (r.embedding.empty())
            return Error{ErrorCode::InvalidArgument, QStringLiteral("listing %1 has an empty embedding; none was stored").arg(r.predictionId)};
    auto db = store.connection();
    if (!db)
        return db.error();
    QSqlDatabase &c = db.value();
    if (!c.transaction())
        return databaseError(QStringLiteral("cannot store the listings' embeddings"), c.lastError());
    QSqlQuery q(c);
    q.prepare(QStringLiteral("INSERT INTO listing_embeddings (prediction_id, model_version, embedding) VALUES (:id, :mv, :e)"
                             " ON CONFLICT (prediction_id, model_version) DO UPDATE SET embedding = excluded.embedding"));
    for (const ListingEmbedding &r : rows) {
        q.bindValue(QStringLiteral(":id"), r.predictionId);
        q.bindValue(QStringLiteral(":mv"), modelVersion);
        q.bindValue(QStringLiteral(":e"), QByteArray(reinterpret_cast<const char *>(r.embedding.data()), qsizetype(r.embedding.size() * sizeof(float))));
        if (!q.exec()) {
            const QSqlError e = q.lastError();
            q.finish();
            c.rollback();
            return databaseError(QStringLiteral("cannot store the embedding of listing %1").arg(r.predictionId), e);
        }
    }
    q.finish();
    if (!c.commit())
        return databaseError(QStringLiteral("cannot store the listings' embeddings"), c.lastError());
    return int(rows.size());
}

Result<std::pair<std::vector<UnembeddedListing>, int>> unembeddedListings(PredictionStore &store, const QString &modelVersion, int limit)
{
    auto db = store.connection();
    if (!db)
        return db.error();
    // The listings training and the listing index's votes read: confirmed, not synthetic.
    const QString which = QStringLiteral(" FROM predictions p WHERE p.ok = 1 AND p.feedback <> 'none' AND p.synthetic = 0"
                                         " AND p.embedding IS NOT NULL AND p.model_version <> :mv1 AND NOT EXISTS"
                                         " (SELECT 1 FROM listing_embeddings e WHERE e.prediction_id = p.id AND e.model_version = :mv2)");
    QSqlQuery q(db.value());
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT COUNT(*)") + which);
    q.bindValue(QStringLiteral(":mv1"), modelVersion);
    q.bindValue(QStringLiteral(":mv2"), modelVersion);
    if (!q.exec() || !q.next())
        return databaseError(QStringLiteral("cannot count the listings to embed"), q.lastError());
    const int total = q.value(0).toInt();
    q.finish();
    q.prepare(QStringLiteral("SELECT p.id, p.file_name") + which + QStringLiteral(" ORDER BY p.id LIMIT :n"));
    q.bindValue(QStringLiteral(":mv1"), modelVersion);
    q.bindValue(QStringLiteral(":mv2"), modelVersion);
    q.bindValue(QStringLiteral(":n"), std::max(0, limit));
    if (!q.exec())
        return databaseError(QStringLiteral("cannot read the listings to embed"), q.lastError());
    std::vector<UnembeddedListing> rows;
    while (q.next())
        rows.push_back({q.value(0).toLongLong(), q.value(1).toString()});
    return std::pair{std::move(rows), total};
}

} // namespace listinglens
