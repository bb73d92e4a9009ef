// Uploads handed over by the API of this process (serve --workers N): the
// API prepared each one with this worker's route while it checked it; they
// take the same route from there, a batch at a time, keys in turn.
#include "job_worker.h"
#include "job_worker_p.h"

namespace listinglens {

using namespace job_worker;

bool JobWorker::hasRoom() const
{
    std::lock_guard lock(m_mutex);
    return m_running && !m_stopping && m_handed.size() < std::size_t(kHandedBatches * m_options.batch) && m_handed.hasRoom();
}

bool JobWorker::takeUpload(DirectJob job, RoutedPhoto photo, std::chrono::steady_clock::time_point received, Stored stored)
{
    {
        std::lock_guard lock(m_mutex);
        if (!m_running || m_stopping)
            return false;
    }
    if (m_metrics)
        m_metrics->add(QStringLiteral("listinglens_jobs_handed_total"), workerLabel(m_options.name));
    const QString key = QString::number(job.owner.apiKeyId);
    Upload upload{std::move(job), std::move(photo), received, std::move(stored)};
    const qint64 bytes = upload.photo.lane.byteSize() + qint64(upload.photo.prepared.tensor.size() * sizeof(float));
    if (!m_handed.push(upload, bytes, key))
        return false; // stopped meanwhile
    wake();
    return true;
}

void JobWorker::processUploads(std::vector<Upload> uploads)
{
    std::vector<RoutedPhoto> photos;
    photos.reserve(uploads.size());
    for (Upload &u : uploads) {
        RoutedPhoto photo = std::move(u.photo);
        photo.key = QString::number(u.job.owner.apiKeyId);
        ClaimedJob job{u.job.id, u.job.fileName, {}, 1, 0, 0, u.job.owner.apiKeyId};
        const auto received = u.received;
        photo.tag = hold({std::move(job), std::move(u), received});
        photos.push_back(std::move(photo));
    }
    m_route->runPrepared(std::move(photos));
}

// Held until its job ends; the tag its photo carries down the route.
qint64 JobWorker::hold(InFlight flight)
{
    std::lock_guard lock(m_mutex);
    const qint64 tag = ++m_nextTag;
    m_inFlight.emplace(tag, std::move(flight));
    return tag;
}

} // namespace listinglens
