#pragma once

#include "error.h"
#include "prediction_store.h"
#include "text_checks.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <optional>

namespace listinglens {

// Checks of what API clients send, before any of it reaches the database
// (a NUL byte in a key once cut QPSQL's statement short). Pure functions:
// the fuzzer's HTTP target runs them too.

// Text from a header or a JSON field: checkedText() (text_checks.h).

// A job id as the API names jobs (a UUID, any case) in the form stored
// (lower case, no braces); nullopt when it cannot be one of ours.
std::optional<QString> normalizedJobId(const QString &text);

// `?wait=` seconds: a finite number from 0 to maxS.
Result<double> waitSeconds(const QString &text, int maxS);

// The token of an `Authorization: Bearer <token>` header, trimmed; the
// scheme's name in any case (RFC 7235). Nullopt for another scheme.
std::optional<QByteArray> bearerToken(const QByteArray &authorization);

// The method as a metrics label: the methods HTTP defines, else "other".
QString methodLabel(const QByteArray &method);

// POST /v1/jobs/{id}/feedback's body (application/json, at most 64 KiB), over
// the job's suggestion for the fields it leaves out. Wrong types, unknown
// decisions, overlong texts and a title or description in which a
// spreadsheet cell would begin with = or @ (a formula in an export) are
// errors (InvalidArgument).
inline constexpr qsizetype kMaxFeedbackBody = 64 * 1024;
Result<FeedbackRecord> parseFeedback(const QByteArray &contentType, const QByteArray &body, const PhotoResult *suggested);

} // namespace listinglens
