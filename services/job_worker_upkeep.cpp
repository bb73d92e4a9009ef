// What keeps a worker's claims valid while it works, on its event-loop
// thread: its leases renewed, the rows its moderation lane still holds kept
// from the stale sweep, and, once a lease long, the sweep itself.
#include "job_worker.h"
#include "job_worker_p.h"

#include "logging.h"

#include <QDateTime>

namespace listinglens {

void JobWorker::heartbeat()
{
    auto renewed = m_queue->renewLeases(m_options.name, m_options.leaseMs);
    if (!renewed)
        qCWarning(lcPipeline).noquote() << QStringLiteral("lease heartbeat failed: %1").arg(renewed.error().message);
    if (!m_options.lane)
        return;
    m_route->holdRows();
    // Results a stopped worker's lane never finished (their hold ran out): once a lease long, any worker marks them.
    if (!m_moderationSwept.isValid() || m_moderationSwept.elapsed() >= m_options.leaseMs) {
        m_moderationSwept.start();
        if (auto failed = m_store->failStaleModeration(QDateTime::currentMSecsSinceEpoch()); !failed)
            qCWarning(lcPipeline).noquote() << failed.error().message;
        else if (failed.value() > 0)
            qCInfo(lcPipeline).noquote() << QStringLiteral("%1 results left unread by a stopped worker are marked: not moderated, for review").arg(failed.value());
    }
}

void JobWorker::Recorder::hold(const std::vector<qint64> &rows)
{
    if (rows.empty())
        return;
    // As long as a lease: another worker sweeps what a dead one held as soon as it would retake its jobs.
    if (auto held = m_worker.m_store->holdModeration(rows, QDateTime::currentMSecsSinceEpoch() + 2 * qint64(m_worker.m_options.leaseMs)); !held)
        qCWarning(lcPipeline).noquote() << held.error().message;
}

} // namespace listinglens
