#include "listing_index_store.h"

#include "database_settings.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <algorithm>
#include <cstring>

namespace listinglens {

namespace {

ListingIndex::Entry entryOf(const IndexRow &row)
{
    return {row.id, row.confirmed ? row.finalCategoryId : row.categoryId, row.confirmed, row.finalPrice, row.phash, row.fileName, row.finalTitle};
}

} // namespace

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

Result<std::shared_ptr<ListingIndex>> loadListingIndex(PredictionStore &store, int dimension, int maxRows, const QString &modelVersion)
{
    auto index = std::make_shared<ListingIndex>(dimension);
    if (auto currency = databaseCurrency(store); currency && !currency.value().isEmpty())
        index->setCurrency(currency.value());
    std::vector<std::pair<ListingIndex::Entry, std::vector<float>>> rows;
    auto read = readIndexRows(store, maxRows, [&](const IndexRow &row) {
        rows.emplace_back(entryOf(row), row.embedding);
    }, 0, {}, modelVersion);
    if (!read)
        return read.error();
    // Oldest first, so that a duplicate points at the earliest listing.
    for (auto it = rows.rbegin(); it != rows.rend(); ++it)
        index->add(it->first, it->second);
    return index;
}

Result<qint64> addNewerListings(ListingIndex &index, PredictionStore &store, qint64 afterId, int maxRows, const QString &modelVersion)
{
    qint64 highest = afterId;
    std::vector<std::pair<ListingIndex::Entry, std::vector<float>>> rows;
    // This worker's own listings are here already: their embeddings are not decoded again.
    auto known = [&](qint64 id) {
        highest = std::max(highest, id);
        return index.contains(id);
    };
    auto read = readIndexRows(store, maxRows, [&](const IndexRow &row) {
        rows.emplace_back(entryOf(row), row.embedding);
    }, afterId, known, modelVersion);
    if (!read)
        return read.error();
    for (auto it = rows.rbegin(); it != rows.rend(); ++it) {
        highest = std::max(highest, it->first.id);
        index.add(it->first, it->second); // skips the ones already here
    }
    return highest;
}

Result<qint64> recordOutcome(PredictionStore &store, ListingIndex *index, const QString &source, const QString &file,
                             const Result<PhotoResult> &outcome)
{
    const PredictionRecord record = predictionRecord(source, file, outcome);
    auto id = store.addPrediction(record);
    if (id)
        indexRecorded(index, id.value(), record);
    return id;
}

void indexRecorded(ListingIndex *index, qint64 predictionId, const PredictionRecord &record)
{
    if (index && record.result)
        index->addResult(predictionId, *record.result, record.fileName);
}

} // namespace listinglens
