// The claim loop: jobs taken from the queue under a lease, a batch at a
// time, and sent down the route; between batches the head and the listing
// index are kept current, and uploads handed over by the API go first.
#include "job_worker.h"
#include "job_worker_p.h"

#include "backoff.h"
#include "logging.h"

namespace listinglens {

void JobWorker::processLoop(std::stop_token stop)
{
    Backoff backoff(backoff::kQueueClaim);
    while (!m_stopping && !stop.stop_requested()) {
        m_follower->poll(m_headNotified.exchange(false));
        if (auto uploads = m_handed.popUpTo(std::size_t(m_options.batch), false); !uploads.empty()) {
            processUploads(std::move(uploads));
            continue;
        }
        auto jobs = m_queue->claim(m_options.name, m_options.batch, m_options.leaseMs, m_options.maxAttempts);
        if (!jobs) {
            const int delayMs = backoff.next();
            qCWarning(lcPipeline).noquote() << jobs.error().message << QStringLiteral("- retrying in %1 ms").arg(delayMs);
            waitForWork(delayMs);
            continue;
        }
        backoff.reset();
        if (jobs.value().empty()) {
            waitForWork(m_options.pollMs);
            continue;
        }
        processBatch(std::move(jobs).value());
    }
    m_store->dropConnection();
}

// Until woken (a notification, an upload, stop) or `ms` pass.
void JobWorker::waitForWork(int ms)
{
    std::unique_lock lock(m_mutex);
    m_wake.wait_for(lock, std::chrono::milliseconds(ms), [this] { return m_woken || m_stopping || m_handed.size() > 0; });
    m_woken = false;
}

void JobWorker::processBatch(std::vector<ClaimedJob> jobs)
{
    const auto started = std::chrono::steady_clock::now();
    std::vector<PhotoSource> sources;
    sources.reserve(jobs.size());
    for (ClaimedJob &job : jobs) {
        PhotoSource source = PhotoSource::fromBytes(job.fileName, job.photo);
        source.key = QString::number(job.apiKeyId);
        job.photo.clear(); // the source holds it until it is decoded
        source.tag = hold({std::move(job), std::nullopt, started});
        sources.push_back(std::move(source));
    }
    m_route->run(sources);
}

} // namespace listinglens
