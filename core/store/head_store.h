#pragma once

#include "category_head.h"
#include "error.h"
#include "head_summary.h"
#include "moderation_result.h"
#include "prediction_store.h"

#include <QString>

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

namespace listinglens {

// The versions of a market's category head in the database (schema v7:
// category_heads, head_activations), shared by every process on it.

inline constexpr const char *kHeadChannel = "listinglens_heads"; // NOTIFY on PostgreSQL when the active head changes

// The newest activation: which head is active (0: the built-in mapping) and a
// stamp that changes with every activation, rollback included.
struct ActiveHead {
    qint64 version = 0;
    qint64 stamp = 0;
};

// A confirmed listing as training sees it.
struct TrainingRow {
    qint64 id = 0;
    QString categoryId;        // the final category
    double price = 0;          // the final price
    std::uint64_t phash = 0;
    QString modelName, modelVersion;
    double embeddingNorm = 0;  // 0 when stored before schema v7
    std::vector<float> embedding;
    QString fileName;          // the photo as it was given (a path for imports and the CLI)
    QString title;             // the final title (empty when none was recorded)
    PhotoText text;            // what the moderation lane read on the photo (none when it did not read it)
};

// Refuses a role that may not add heads (before minutes of training are spent).
Result<bool> checkCanWriteHeads(PredictionStore &store);

Result<qint64> saveHead(PredictionStore &store, const CategoryHead &head); // the new version
Result<std::vector<HeadSummary>> listHeads(PredictionStore &store);
Result<CategoryHead> loadHead(PredictionStore &store, qint64 version);
Result<ActiveHead> activeHead(PredictionStore &store);
// reason: "activate", "force" or "rollback"; NOTIFYs kHeadChannel on PostgreSQL.
Result<bool> activateHead(PredictionStore &store, qint64 version, const QString &reason);
// Activates the head that was active before the newest activation (0: the
// built-in mapping, which is what was active before the first one); refused
// when no head was ever activated. Like `helm rollback`, a second rollback
// undoes the first.
Result<qint64> rollbackHead(PredictionStore &store);

// Every confirmed (imported, accepted, corrected) successful listing with an embedding.
Result<int> readTrainingRows(PredictionStore &store, const std::function<void(TrainingRow &&)> &row);

} // namespace listinglens
