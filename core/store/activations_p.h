#pragma once

// Activations of stored versions (category heads, model versions): an
// append-only table (id, version, activated_ms, reason) whose newest row is
// what is active; a rollback is one more activation. Not part of the store's
// interface.

#include "error.h"
#include "prediction_store.h"

#include <QString>

namespace listinglens::store_sql {

struct Activation {
    qint64 version = 0; // 0: none (the built-in mapping, the shipped model)
    qint64 stamp = 0;   // the row's id: changes with every activation
};

Result<Activation> newestActivation(PredictionStore &store, const QString &table);
// NOTIFYs `channel` on PostgreSQL; `label` names the version in errors ("h3", "m2").
Result<bool> insertActivation(PredictionStore &store, const QString &table, const QString &channel, qint64 version, const QString &reason,
                              const QString &label);
// Activates what was active before the newest activation (0 before the first one).
Result<qint64> rollbackActivation(PredictionStore &store, const QString &table, const QString &channel, const QString &what);

} // namespace listinglens::store_sql
