#pragma once

#include "photo_result.h"
#include "pg_binary.h"

#include <QVariant>

namespace listinglens {

// A result as the predictions table keeps it, read back: the one record of a
// classification, which a job row points at (jobs.prediction_id) instead of
// keeping a copy. What it leaves out was never stored: the embedding, the
// preview, similar listings.

// The predictions columns storedResult() reads, for a SELECT with the table as `p`.
inline constexpr const char *kStoredResultColumns =
    "p.file_name, p.category_id, p.confidence, p.categories_json, p.labels_json, p.price_currency, p.price_low,"
    " p.price_point, p.price_high, p.price_basis, p.price_neighbours, p.title, p.description, p.width, p.height,"
    " p.sharpness, p.brightness, p.phash, p.quality_flags, p.decode_ms, p.preprocess_ms, p.inference_ms, p.total_ms,"
    " p.model_name, p.model_version, p.device, p.head_version, p.review, p.hints, p.title_basis, p.moderation,"
    " p.title_evidence";

// Reads those columns of `row`, starting at `firstColumn`, from a binary libpq result.
PhotoResult storedResult(const pg::Rows &rows, int row, int firstColumn);

// The predictions.categories_json text of a result: id, name and confidence of each.
QString categoriesJson(const PhotoResult &result);
// The predictions.labels_json text of a result.
QString labelsJson(const PhotoResult &result);
// The predictions.title_evidence text of a result: each title word and its
// evidence, as JSON; NULL when the result has none.
QVariant titleEvidenceColumn(const PhotoResult &result);
// The words of a predictions.title_evidence column (none for NULL or rows stored before it).
QVector<TitleWord> titleWordsFromColumn(const QByteArray &column);
// The predictions.moderation text of a result: '' when the lane did not run.
QString moderationColumn(const PhotoResult &result);

} // namespace listinglens
