#pragma once

#include "error.h"
#include "prediction_store.h"

#include <functional>

namespace listinglens {

// Fills the store with synthetic predictions (source "synthetic", synthetic = 1)
// spread over the last `days` days, until it holds at least `rows` of them,
// generated in the database itself. Returns how many it added. For bench-db
// and the store's tests: the product never writes synthetic rows.
Result<qint64> fillSynthetic(PredictionStore &store, qint64 rows, int days, const std::function<void(qint64 done)> &progress = {});

} // namespace listinglens
