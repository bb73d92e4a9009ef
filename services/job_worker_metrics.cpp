// What a worker counts: jobs ended, by status; how long they waited, ran and took.
#include "job_worker.h"
#include "job_worker_p.h"

namespace listinglens {

using namespace job_worker;

void JobWorker::describeMetrics(Metrics &m)
{
    m.describe(QStringLiteral("listinglens_photos_processed_total"), Metrics::Type::Counter,
               QStringLiteral("Jobs this process's workers ended, by worker and status."));
    m.describe(QStringLiteral("listinglens_jobs_handed_total"), Metrics::Type::Counter,
               QStringLiteral("Jobs an embedded worker took straight from the API of its process, as the API decoded them."));
    m.describe(QStringLiteral("listinglens_queue_wait_ms"), Metrics::Type::Histogram,
               QStringLiteral("From submission to a worker taking the job, ms."), Metrics::latencyBucketsMs());
    m.describe(QStringLiteral("listinglens_inference_ms"), Metrics::Type::Histogram,
               QStringLiteral("Forward pass of the batch the photo was in, ms."), Metrics::latencyBucketsMs());
    m.describe(QStringLiteral("listinglens_job_total_ms"), Metrics::Type::Histogram,
               QStringLiteral("From submission to the stored result, ms."), Metrics::latencyBucketsMs());
}

void JobWorker::count(const ClaimedJob &job, bool ok, double inferenceMs, double processMs)
{
    if (!m_metrics)
        return;
    const double queueMs = double(job.startedMs - job.createdMs);
    m_metrics->add(QStringLiteral("listinglens_photos_processed_total"),
                   {{QStringLiteral("worker"), m_options.name}, {QStringLiteral("status"), ok ? QStringLiteral("done") : QStringLiteral("failed")}});
    m_metrics->observe(QStringLiteral("listinglens_queue_wait_ms"), workerLabel(m_options.name), queueMs);
    if (ok)
        m_metrics->observe(QStringLiteral("listinglens_inference_ms"), workerLabel(m_options.name), inferenceMs);
    m_metrics->observe(QStringLiteral("listinglens_job_total_ms"), workerLabel(m_options.name), queueMs + processMs);
}

} // namespace listinglens
