// The answers the JobApi builds: job JSON, refusals, routes, the upload read.
#include "job_api_p.h"

#include "api_input.h"
#include "logging.h"
#include "result_json.h"

#include <QDateTime>
#include <QRegularExpression>

namespace listinglens::api_detail {

QJsonValue isoTime(qint64 ms)
{
    if (ms <= 0)
        return QJsonValue::Null;
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs);
}

int statusForError(ErrorCode code)
{
    switch (code) {
    case ErrorCode::TooLarge: return 413;
    case ErrorCode::UnsupportedFormat: return 415;
    case ErrorCode::NotFound: return 404;
    default: return 400;
    }
}

HttpResponse unavailable(const QByteArray &requestId, const Error &error, int retryAfterS)
{
    qCWarning(lcHttp).noquote() << "request" << requestId << "unavailable:" << error.codeName() << error.message;
    const QString message = error.code == ErrorCode::Busy
                                ? error.message
                                : QStringLiteral("the service cannot reach its database right now; try again (request %1)")
                                      .arg(QString::fromLatin1(requestId));
    HttpResponse r = HttpResponse::json(503, {{QStringLiteral("error"), QJsonObject{{QStringLiteral("code"), error.codeName()},
                                                                                     {QStringLiteral("message"), message},
                                                                                     {QStringLiteral("request_id"), QString::fromLatin1(requestId)}}}});
    return r.withHeader("Retry-After", QByteArray::number(retryAfterS));
}

HttpResponse invalid(const Error &error)
{
    return HttpResponse::error(statusForError(error.code), error.codeName(), error.message);
}

QJsonObject jobJson(const JobView &v)
{
    QJsonObject o{{QStringLiteral("id"), v.id},
                  {QStringLiteral("status"), jobStatusName(v.status)},
                  {QStringLiteral("created_at"), isoTime(v.createdMs)},
                  {QStringLiteral("finished_at"), isoTime(v.finishedMs)},
                  {QStringLiteral("attempts"), v.attempts}};
    if (v.status == JobStatus::Done && v.result)
        o.insert(QStringLiteral("result"), resultToJson(*v.result));
    if (v.status == JobStatus::Failed)
        o.insert(QStringLiteral("error"), QJsonObject{{QStringLiteral("code"), v.errorCode}, {QStringLiteral("message"), v.errorMessage}});
    return o;
}

QString routeOf(const QString &path)
{
    static const QRegularExpression job(QStringLiteral("^/v1/jobs/[^/]+$"));
    static const QRegularExpression feedback(QStringLiteral("^/v1/jobs/[^/]+/feedback$"));
    if (path == QLatin1String("/v1/jobs") || path == QLatin1String("/healthz") || path == QLatin1String("/readyz")
        || path == QLatin1String("/metrics") || path == QLatin1String("/openapi.json"))
        return path;
    if (job.match(path).hasMatch())
        return QStringLiteral("/v1/jobs/{id}");
    if (feedback.match(path).hasMatch())
        return QStringLiteral("/v1/jobs/{id}/feedback");
    return QStringLiteral("other");
}

std::optional<HttpResponse> readUpload(const HttpRequest &request, Upload *upload, QString *key)
{
    const QByteArray contentType = request.header("content-type").toLower();
    if (contentType.startsWith("multipart/form-data")) {
        auto part = photoPart(request.body, request.header("content-type"));
        if (!part)
            return HttpResponse::error(400, part.error().codeName(), part.error().message);
        *upload = std::move(part).value();
        if (!upload->contentType.isEmpty() && !upload->contentType.startsWith(QLatin1String("image/"))
            && upload->contentType != QLatin1String("application/octet-stream"))
            return HttpResponse::error(415, QStringLiteral("unsupported_format"),
                                       QStringLiteral("the photo field is %1; send an image (JPEG, PNG, WebP, BMP or TIFF)").arg(upload->contentType));
    } else if (contentType.startsWith("image/")) {
        upload->bytes = request.body;
        upload->contentType = QString::fromLatin1(contentType.split(';').value(0).trimmed());
        upload->fileName = headerParameter(request.header("content-disposition"), "filename");
    } else {
        return HttpResponse::error(415, QStringLiteral("unsupported_format"),
                                   QStringLiteral("send the photo as the body with Content-Type image/..., or as the \"photo\" field of multipart/form-data (got %1)")
                                       .arg(contentType.isEmpty() ? QStringLiteral("no Content-Type") : QString::fromLatin1(contentType)));
    }
    upload->fileName = cleanFileName(upload->fileName);
    if (upload->contentType.isEmpty())
        upload->contentType = QStringLiteral("application/octet-stream");
    auto checked = checkedText(request.header("idempotency-key"), QStringLiteral("Idempotency-Key"), kMaxIdempotencyKey);
    if (!checked)
        return invalid(checked.error());
    *key = checked.value();
    return std::nullopt;
}

HttpResponse refusedPhoto(const Error &refusal)
{
    return HttpResponse::error(statusForError(refusal.code), refusal.codeName(),
                               QStringLiteral("%1. %2").arg(refusal.message, errorAdvice(refusal.code)));
}

std::optional<HttpResponse> keyReusedElsewhere(const Submitted &earlier, const QString &payloadSha256)
{
    if (!earlier.existing || earlier.payloadSha256.isEmpty() || earlier.payloadSha256 == payloadSha256)
        return std::nullopt;
    return HttpResponse::error(422, QStringLiteral("idempotency_key_reused"),
                               QStringLiteral("this Idempotency-Key was used for another photo (job %1); use a new key for each upload").arg(earlier.id));
}

HttpResponse accepted(const Submitted &s)
{
    HttpResponse r = HttpResponse::json(202, {{QStringLiteral("id"), s.id}, {QStringLiteral("status"), jobStatusName(s.status)}});
    r.withHeader("Location", "/v1/jobs/" + s.id.toLatin1());
    if (s.existing)
        r.withHeader("Idempotent-Replayed", "true");
    return r;
}

} // namespace listinglens::api_detail
