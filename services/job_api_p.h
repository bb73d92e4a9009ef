#pragma once

// What the JobApi's files share: the answers they build. Not part of the API's interface.

#include "http_server.h"
#include "job_queue.h"
#include "multipart.h"

#include <QJsonObject>
#include <QJsonValue>

#include <optional>

namespace listinglens::api_detail {

inline constexpr int kMaxIdempotencyKey = 200;

// An ISO 8601 UTC time, or null for 0.
QJsonValue isoTime(qint64 ms);
// The HTTP status of a refused input or operation (400, 404, 413, 415...).
int statusForError(ErrorCode code);
// 503 with Retry-After. What went wrong inside (SQL, hosts, users) goes to
// the server log under the request id; the client gets the id, not the detail.
HttpResponse unavailable(const QByteArray &requestId, const Error &error, int retryAfterS);
HttpResponse invalid(const Error &error);
// A job as GET /v1/jobs/{id} shows it.
QJsonObject jobJson(const JobView &v);
// The route a path matches, for metrics (bounded label values) and 405s.
QString routeOf(const QString &path);
// The photo of a POST /v1/jobs and its idempotency key, or the answer that refuses the request.
std::optional<HttpResponse> readUpload(const HttpRequest &request, Upload *upload, QString *key);
HttpResponse refusedPhoto(const Error &refusal);
// An idempotency key names one upload: the same key with another photo is a client bug.
std::optional<HttpResponse> keyReusedElsewhere(const Submitted &earlier, const QString &payloadSha256);
HttpResponse accepted(const Submitted &s);

} // namespace listinglens::api_detail
