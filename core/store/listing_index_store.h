#pragma once

#include "error.h"
#include "listing_index.h"
#include "photo_result.h"
#include "prediction_store.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

namespace listinglens {

// The in-memory ListingIndex (suggest/) filled from, and kept beside, the store.

// What the listing index needs of a stored prediction.
struct IndexRow {
    qint64 id = 0;
    QString categoryId;
    bool confirmed = false;
    QString finalCategoryId;
    double finalPrice = 0;
    QString finalTitle;
    std::uint64_t phash = 0;
    QString fileName;
    std::vector<float> embedding;
};

// The newest `maxRows` successful predictions with an embedding and an id
// above `afterId`, newest first, streamed.
// `skip`, when given, sees each id first: rows it returns true for are not read further.
// `modelVersion`, when given: only rows that model version embedded (embeddings
// of two model versions are never compared).
Result<int> readIndexRows(PredictionStore &store, int maxRows, const std::function<void(const IndexRow &)> &row, qint64 afterId = 0,
                          const std::function<bool(qint64)> &skip = {}, const QString &modelVersion = {});

// Loads the newest `maxRows` stored predictions that have an embedding (of `modelVersion`, when given).
Result<std::shared_ptr<ListingIndex>> loadListingIndex(PredictionStore &store, int dimension, int maxRows = 200'000,
                                                       const QString &modelVersion = {});

// Listings stored after `afterId` (by other processes), up to maxRows; returns the highest id read.
Result<qint64> addNewerListings(ListingIndex &index, PredictionStore &store, qint64 afterId, int maxRows = 200'000,
                                const QString &modelVersion = {});

// The one way an outcome is recorded, for every entry point (CLI, window, worker):
// stores it as a prediction and adds a successful one to the index (which may be
// null). Returns the prediction's id in the store.
Result<qint64> recordOutcome(PredictionStore &store, ListingIndex *index, const QString &source, const QString &file,
                             const Result<PhotoResult> &outcome);
// The index half of recordOutcome(), for a record stored some other way (a
// queue worker stores it in the transaction that ends its job): adds a
// successful one to the index (which may be null).
void indexRecorded(ListingIndex *index, qint64 predictionId, const PredictionRecord &record);

} // namespace listinglens
