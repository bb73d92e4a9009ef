#include "stored_listings.h"

#include "database_settings.h"

#include <algorithm>

namespace listinglens {

namespace {

ListingIndex::Entry entryOf(const IndexRow &row)
{
    return {row.id, row.confirmed ? row.finalCategoryId : row.categoryId, row.confirmed, row.finalPrice, row.phash, row.fileName, row.finalTitle};
}

} // namespace

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
                             const Result<PhotoResult> &outcome, const FeedbackRecord *confirmed)
{
    const PredictionRecord record = predictionRecord(source, file, outcome);
    auto id = confirmed ? store.addConfirmedPrediction(record, *confirmed) : store.addPrediction(record);
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
