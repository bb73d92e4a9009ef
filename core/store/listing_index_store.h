#pragma once

#include "error.h"
#include "prediction_store.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

namespace listinglens {

// The rows the in-memory listing index is filled from (core/runtime's
// stored_listings.h loads them into one).

// What the listing index needs of a stored prediction.
struct IndexRow {
    qint64 id = 0;
    QString categoryId;
    bool confirmed = false;
    QString finalCategoryId;
    std::optional<double> finalPrice;        // none: no decision, or one without a price
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

} // namespace listinglens
