#pragma once

#include "error.h"
#include "listing_index.h"
#include "listing_index_store.h"
#include "photo_result.h"
#include "prediction_store.h"

#include <memory>

namespace listinglens {

// The in-memory ListingIndex (suggest/) filled from, and kept beside, the store.

// Loads the newest `maxRows` stored predictions that have an embedding (of `modelVersion`, when given).
Result<std::shared_ptr<ListingIndex>> loadListingIndex(PredictionStore &store, int dimension, int maxRows = 200'000,
                                                       const QString &modelVersion = {});

// Listings stored after `afterId` (by other processes), up to maxRows; returns the highest id read.
Result<qint64> addNewerListings(ListingIndex &index, PredictionStore &store, qint64 afterId, int maxRows = 200'000,
                                const QString &modelVersion = {});

// The one way an outcome is recorded, for every entry point (CLI, window, worker):
// stores it as a prediction (with `confirmed`, when given, in the same
// transaction: an imported listing) and adds a successful one to the index
// (which may be null). Returns the prediction's id in the store.
Result<qint64> recordOutcome(PredictionStore &store, ListingIndex *index, const QString &source, const QString &file,
                             const Result<PhotoResult> &outcome, const FeedbackRecord *confirmed = nullptr);
// The index half of recordOutcome(), for a record stored some other way (a
// queue worker stores it in the transaction that ends its job): adds a
// successful one to the index (which may be null).
void indexRecorded(ListingIndex *index, qint64 predictionId, const PredictionRecord &record);

} // namespace listinglens
