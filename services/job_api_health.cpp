// /readyz, /metrics and /openapi.json.
#include "job_api.h"
#include "job_api_p.h"

#include <QFile>
#include <QJsonDocument>

namespace listinglens {

using namespace api_detail;

// Ready or not; why (database hosts, driver errors, a worker's state) only
// where `details` (the admin listener, or the only listener).
HttpResponse JobApi::ready(bool details)
{
    const auto notReady = [&](const QString &reason) {
        QJsonObject body{{QStringLiteral("status"), QStringLiteral("not_ready")}};
        if (details)
            body.insert(QStringLiteral("reason"), reason);
        return HttpResponse::json(503, body).withHeader("Retry-After", QByteArray::number(m_options.retryAfterS));
    };
    auto counts = queue().counts();
    if (!counts)
        return notReady(counts.error().message);
    if (m_notReady) {
        const QString reason = m_notReady();
        if (!reason.isEmpty())
            return notReady(reason);
    }
    return HttpResponse::json(200, {{QStringLiteral("status"), QStringLiteral("ready")},
                                    {QStringLiteral("queue_depth"), counts.value().queued}});
}

HttpResponse JobApi::metrics()
{
    auto counts = queue().counts();
    m_metrics->set(QStringLiteral("listinglens_database_up"), {}, counts ? 1 : 0);
    if (!counts) {
        // Nothing is known of the queue while the database is away: its gauges go
        // rather than show the last values read as if they were now.
        for (const char *name : {"listinglens_jobs", "listinglens_queue_depth", "listinglens_queue_oldest_age_seconds",
                                 "listinglens_jobs_ended_by_worker"})
            m_metrics->drop(QString::fromLatin1(name));
    } else {
        const QueueCounts &c = counts.value();
        const std::pair<const char *, qint64> byStatus[] = {{"queued", c.queued}, {"running", c.running}, {"done", c.done}, {"failed", c.failed}};
        for (const auto &[status, n] : byStatus)
            m_metrics->set(QStringLiteral("listinglens_jobs"), {{QStringLiteral("status"), QString::fromLatin1(status)}}, double(n));
        m_metrics->set(QStringLiteral("listinglens_queue_depth"), {}, double(c.queued));
        m_metrics->set(QStringLiteral("listinglens_queue_oldest_age_seconds"), {}, c.oldestQueuedAgeS);
        if (auto byWorker = queue().endedByWorker())
            for (const auto &[worker, n] : byWorker.value())
                m_metrics->set(QStringLiteral("listinglens_jobs_ended_by_worker"), {{QStringLiteral("worker"), worker}}, double(n));
    }
    return HttpResponse::text(200, m_metrics->prometheusText(), "text/plain; version=0.0.4; charset=utf-8");
}

Result<QJsonObject> JobApi::openApiDocument()
{
    QFile f(QStringLiteral(":/listinglens/openapi.json"));
    if (!f.open(QIODevice::ReadOnly))
        return Error{ErrorCode::Internal, QStringLiteral("the OpenAPI document is missing from the build")};
    return QJsonDocument::fromJson(f.readAll()).object();
}

} // namespace listinglens
