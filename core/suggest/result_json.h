#pragma once

#include "error.h"
#include "photo_result.h"

#include <QJsonObject>

namespace listinglens {

// The classify --json object (also the HTTP API's "result"); keys are a contract.
QJsonObject resultToJson(const PhotoResult &result);
QJsonObject failureToJson(const QString &file, const Error &error);

} // namespace listinglens
