#pragma once

#include "error.h"
#include "prediction_store.h"

#include <QString>

#include <vector>

namespace listinglens {

// Stored predictions embedded by a model version that did not classify them
// (schema v15, listing_embeddings): fine-tuning computes every training
// listing's embedding under the model it makes, and keeps them for that
// version, so that its listing index (readIndexRows with the version) holds
// the market's listings from the start, each with that version's embedding.

struct ListingEmbedding {
    qint64 predictionId = 0;
    std::vector<float> embedding; // unit length, as predictions store theirs
};

// Stores `modelVersion`'s embeddings of stored predictions, all or none,
// replacing any the version had for them; returns the count.
Result<int> saveListingEmbeddings(PredictionStore &store, const QString &modelVersion, const std::vector<ListingEmbedding> &rows);

// A confirmed listing that `modelVersion` has no embedding of: classified by
// another version and not embedded since.
struct UnembeddedListing {
    qint64 predictionId = 0;
    QString fileName; // the photo as it was given (a path for imports and the CLI)
};

// Up to `limit` such listings, oldest first, and how many there are in all.
Result<std::pair<std::vector<UnembeddedListing>, int>> unembeddedListings(PredictionStore &store, const QString &modelVersion, int limit);

} // namespace listinglens
