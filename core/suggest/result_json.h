#pragma once

#include "error.h"
#include "photo_result.h"

#include <QJsonArray>
#include <QJsonObject>

namespace listinglens {

// The classify --json object (also the HTTP API's "result"); keys are a contract.
QJsonObject resultToJson(const PhotoResult &result);
QJsonObject failureToJson(const QString &file, const Error &error);
// The "title_evidence" array: each word and its evidence; a result without
// them (stored before they were kept) gives the whole title with its basis.
QJsonArray titleEvidenceJson(const QString &title, const QString &basis, const QVector<TitleWord> &words);

} // namespace listinglens
