#include "job_worker.h"

#include "moderated_result.h"

#include "head_store.h"
#include "model_follower.h"

#include "backoff.h"
#include "listing_index_store.h"
#include "logging.h"
#include "pipeline.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QHostInfo>
#include <QThread>

#include <chrono>

namespace listinglens {

namespace {

MetricLabels workerLabel(const QString &worker)
{
    return {{QStringLiteral("worker"), worker}};
}

} // namespace

JobWorker::JobWorker(std::shared_ptr<JobQueue> queue, std::unique_ptr<Classifier> classifier, JobWorkerOptions options,
                     std::shared_ptr<Metrics> metrics, QObject *parent)
    : QObject(parent), m_queue(std::move(queue)), m_store(m_queue->sharedStore()), m_classifier(std::move(classifier)),
      m_options(std::move(options)),
      m_metrics(std::move(metrics)),
      m_listener(m_store, QStringLiteral("-listen"), QString::fromLatin1(kJobsQueuedChannel), [this](const QString &) { wake(); }),
      m_headListener(m_store, QStringLiteral("-listen-heads"), QString::fromLatin1(kHeadChannel), [this](const QString &) {
          m_headNotified = true;
          wake();
      })
{
    m_listener.onSubscribed = [this] { wake(); }; // jobs may have arrived while nobody listened
    if (m_options.name.isEmpty())
        m_options.name = defaultName();
    m_options.batch = std::max(1, m_options.batch);
    m_heartbeat.setInterval(std::max(100, m_options.leaseMs / 3));
    connect(&m_heartbeat, &QTimer::timeout, this, [this] { heartbeat(); });
    m_listenCheck.setInterval(2'000);
    connect(&m_listenCheck, &QTimer::timeout, this, [this] {
        m_listener.check();
        if (m_store->url().isPostgres())
            m_headListener.check();
    });
}

JobWorker::~JobWorker()
{
    stop();
}

QString JobWorker::defaultName(int ordinal)
{
    QString name = QStringLiteral("%1:%2").arg(QHostInfo::localHostName()).arg(QCoreApplication::applicationPid());
    if (ordinal >= 0)
        name += QStringLiteral(":%1").arg(ordinal);
    return name;
}

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

void JobWorker::start()
{
    if (m_running)
        return;
    m_running = true;
    m_stopping = false;
    m_processorDone = false;
    m_listener.check();
    if (m_store->url().isPostgres())
        m_headListener.check();
    m_listenCheck.start();
    m_heartbeat.start();
    m_writer = std::thread([this] { writeLoop(); });
    m_processor = std::thread([this] { processLoop(); });
    qCInfo(lcPipeline).noquote() << QStringLiteral("worker %1 started (batch %2, lease %3 ms)")
                                        .arg(m_options.name).arg(m_options.batch).arg(m_options.leaseMs);
}

void JobWorker::stop()
{
    if (!m_running)
        return;
    {
        std::lock_guard lock(m_mutex); // takeUpload() sees it under the same lock
        m_stopping = true;
    }
    wake();
    if (m_processor.joinable())
        m_processor.join();
    {
        std::lock_guard lock(m_mutex);
        m_processorDone = true;
    }
    m_written.notify_all();
    if (m_writer.joinable())
        m_writer.join();
    // The lane's callbacks use this worker: none may be left running.
    if (m_options.lane)
        m_options.lane->waitIdle();
    m_heartbeat.stop();
    m_listenCheck.stop();
    QStringList left;
    std::deque<Upload> unprocessed;
    {
        std::lock_guard lock(m_mutex);
        for (const QString &id : m_held)
            left << id;
        m_held.clear();
        unprocessed.swap(m_handed);
    }
    for (const Upload &u : unprocessed)
        u.stored(Error{ErrorCode::Busy, QStringLiteral("the server is shutting down")});
    if (!left.isEmpty()) {
        auto released = m_queue->release(left, m_options.name);
        if (!released)
            qCWarning(lcPipeline).noquote() << QStringLiteral("could not put %1 jobs back (their lease will expire): %2")
                                                   .arg(left.size()).arg(released.error().message);
    }
    m_listener.close();
    m_headListener.close();
    m_running = false;
    qCInfo(lcPipeline).noquote() << QStringLiteral("worker %1 stopped after %2 jobs").arg(m_options.name).arg(m_processed);
}

void JobWorker::wake()
{
    {
        std::lock_guard lock(m_mutex);
        m_woken = true;
    }
    m_wake.notify_all();
}

bool JobWorker::hasRoom() const
{
    std::lock_guard lock(m_mutex);
    return m_running && !m_stopping && m_handed.size() < std::size_t(kHandedBatches * m_options.batch);
}

bool JobWorker::takeUpload(DirectJob job, PreparedPhoto photo, std::chrono::steady_clock::time_point received, Stored stored)
{
    {
        std::lock_guard lock(m_mutex);
        if (!m_running || m_stopping)
            return false;
        if (m_metrics)
            m_metrics->add(QStringLiteral("listinglens_jobs_handed_total"), workerLabel(m_options.name));
        m_handed.push_back(Upload{std::move(job), std::move(photo), received, std::move(stored)});
        m_woken = true;
    }
    m_wake.notify_all();
    return true;
}

void JobWorker::heartbeat()
{
    auto renewed = m_queue->renewLeases(m_options.name, m_options.leaseMs);
    if (!renewed)
        qCWarning(lcPipeline).noquote() << QStringLiteral("lease heartbeat failed: %1").arg(renewed.error().message);
    // Results a dead worker's lane never finished: once a lease long, any worker marks them failed.
    if (m_options.lane && (!m_moderationSwept.isValid() || m_moderationSwept.elapsed() >= m_options.leaseMs)) {
        m_moderationSwept.start();
        const qint64 before = QDateTime::currentMSecsSinceEpoch() - 2 * qint64(m_options.leaseMs);
        if (auto failed = m_store->failStaleModeration(before); !failed)
            qCWarning(lcPipeline).noquote() << failed.error().message;
        else if (failed.value() > 0)
            qCInfo(lcPipeline).noquote() << QStringLiteral("%1 results left unread by a stopped worker are marked: moderation failed").arg(failed.value());
    }
}

void JobWorker::processLoop()
{
    Backoff backoff(backoff::kQueueClaim);
    qint64 indexAfter = 0;
    QElapsedTimer sinceRefresh, sinceHeadCheck;
    sinceRefresh.start();
    sinceHeadCheck.start();
    HeadFollower heads(*m_store, *m_classifier);
    ModelFollower models(*m_store, *m_classifier, &heads);
    while (!m_stopping) {
        if (m_headNotified.exchange(false) || sinceHeadCheck.elapsed() >= m_options.headCheckMs) {
            // A model version or head activated anywhere is in use here within headCheckMs, without a restart.
            if (auto changed = m_classifier->headPinned() ? Result<bool>(false) : models.refresh(); !changed)
                qCWarning(lcPipeline).noquote() << QStringLiteral("model version check failed: %1").arg(changed.error().message);
            if (auto changed = heads.refresh(); !changed)
                qCWarning(lcPipeline).noquote() << QStringLiteral("category head check failed: %1").arg(changed.error().message);
            sinceHeadCheck.restart();
        }
        if (const auto &index = m_classifier->listingIndex(); index && sinceRefresh.elapsed() >= m_options.indexRefreshMs) {
            // Listings other workers stored: similar listings and duplicates across the fleet.
            if (auto highest = addNewerListings(*index, *m_store, indexAfter, 200'000, m_classifier->manifest().version))
                indexAfter = highest.value();
            sinceRefresh.restart();
        }
        std::vector<Upload> uploads;
        {
            std::lock_guard lock(m_mutex);
            while (!m_handed.empty() && uploads.size() < std::size_t(m_options.batch)) {
                uploads.push_back(std::move(m_handed.front()));
                m_handed.pop_front();
            }
        }
        if (!uploads.empty()) {
            processUploads(std::move(uploads));
            continue;
        }
        auto jobs = m_queue->claim(m_options.name, m_options.batch, m_options.leaseMs, m_options.maxAttempts);
        if (!jobs) {
            const int delayMs = backoff.next();
            qCWarning(lcPipeline).noquote() << jobs.error().message << QStringLiteral("- retrying in %1 ms").arg(delayMs);
            std::unique_lock lock(m_mutex);
            m_wake.wait_for(lock, std::chrono::milliseconds(delayMs), [this] { return bool(m_stopping); });
            continue;
        }
        backoff.reset();
        if (jobs.value().empty()) {
            std::unique_lock lock(m_mutex);
            m_wake.wait_for(lock, std::chrono::milliseconds(m_options.pollMs),
                            [this] { return m_woken || m_stopping || !m_handed.empty(); });
            m_woken = false;
            continue;
        }
        processBatch(std::move(jobs).value());
    }
    m_store->dropConnection();
}

void JobWorker::processBatch(std::vector<ClaimedJob> jobs)
{
    QElapsedTimer timer;
    timer.start();
    std::vector<PhotoSource> sources;
    sources.reserve(jobs.size());
    {
        std::lock_guard lock(m_mutex);
        for (const ClaimedJob &job : jobs) {
            m_held.insert(job.id);
            sources.push_back(PhotoSource::fromBytes(job.fileName, job.photo));
        }
    }
    Pipeline pipeline(*m_classifier, PipelineOptions{m_options.batch, 0});
    if (m_options.lane) {
        std::vector<QString> ids;
        for (const ClaimedJob &job : jobs)
            ids.push_back(job.id);
        pipeline.setModeration(m_options.lane.get(), [this, ids](int i, PhotoResult result) { moderated(ids[std::size_t(i)], std::move(result)); });
    }
    pipeline.run(sources, [&](int i, const Result<PhotoResult> &outcome) {
        ended(jobs[std::size_t(i)], outcome, timer.nsecsElapsed() / 1e6);
    });
}

void JobWorker::processUploads(std::vector<Upload> uploads)
{
    std::vector<PreparedPhoto> photos;
    std::vector<ModerationInput> toModerate(uploads.size());
    photos.reserve(uploads.size());
    for (std::size_t i = 0; i < uploads.size(); ++i) {
        if (m_options.lane && !uploads[i].photo.error)
            toModerate[i] = moderationInput(std::move(uploads[i].photo.decoded), std::move(uploads[i].photo.bytes), m_classifier->thumbnailSide());
        photos.push_back(std::move(uploads[i].photo));
    }
    auto outcomes = m_classifier->finish(std::move(photos));
    for (std::size_t i = 0; i < uploads.size(); ++i) {
        const std::chrono::duration<double, std::milli> since = std::chrono::steady_clock::now() - uploads[i].received;
        ClaimedJob job{uploads[i].job.id, uploads[i].job.fileName, {}, 1, 0, 0};
        const bool moderate = m_options.lane && outcomes[i] && !toModerate[i].decoded.bgr.empty();
        if (moderate)
            outcomes[i].value().moderation.state = PhotoModeration::State::Pending;
        ended(job, outcomes[i], since.count(), std::move(uploads[i]));
        if (moderate) {
            m_options.lane->submit(std::move(toModerate[i]), [this, id = job.id, result = outcomes[i].value()](ModerationFindings found, bool ok) mutable {
                completeModeration(result, std::move(found), ok);
                moderated(id, std::move(result));
            });
        }
    }
}

// Queues a processed job for the writer thread.
void JobWorker::ended(ClaimedJob &job, const Result<PhotoResult> &outcome, double processMs, std::optional<Upload> upload)
{
    job.photo.clear(); // the bytes are not needed once decoded
    Completion c{job, predictionRecord(QStringLiteral("api"), job.fileName, outcome),
                 outcome ? outcome.value().timing.inference : 0.0, processMs, std::move(upload)};
    {
        std::lock_guard lock(m_mutex);
        m_completions.push_back(std::move(c));
    }
    m_written.notify_all();
}

void JobWorker::writeLoop()
{
    while (true) {
        Completion c;
        {
            std::unique_lock lock(m_mutex);
            m_written.wait(lock, [this] { return !m_completions.empty() || m_processorDone; });
            if (m_completions.empty())
                break;
            c = std::move(m_completions.front());
            m_completions.pop_front();
        }
        bool ended = true;
        if (c.upload)
            writeUpload(c);
        else
            ended = writeCompletion(c);
        std::lock_guard lock(m_mutex);
        if (ended)
            m_held.erase(c.job.id);
    }
    m_store->dropConnection();
}

// True when the job ended (by this write or one whose reply was lost) or is
// no longer this worker's; false when it could not be written (it stays held
// and is put back on shutdown, or taken over when its lease runs out).
bool JobWorker::writeCompletion(Completion &c)
{
    QElapsedTimer waited;
    waited.start();
    Backoff backoff(backoff::kJobCompletion);
    while (true) {
        JobView view;
        auto done = m_queue->complete(c.job, m_options.name, c.record, c.inferenceMs, &view);
        if (done) {
            if (done.value() > 0) {
                recorded(c, view);
            } else {
                qCWarning(lcPipeline).noquote() << QStringLiteral("job %1 was taken over by another worker; result dropped").arg(c.job.id);
            }
            return true;
        }
        if (waited.elapsed() > 2 * qint64(m_options.leaseMs) || (m_stopping && waited.elapsed() > 5'000)) {
            qCWarning(lcPipeline).noquote() << QStringLiteral("giving up on writing job %1 (%2); another worker will take it")
                                                   .arg(c.job.id, done.error().message);
            return false;
        }
        const int delayMs = backoff.next();
        qCWarning(lcPipeline).noquote() << done.error().message << QStringLiteral("- retrying in %1 ms").arg(delayMs);
        QThread::msleep(std::uint64_t(delayMs));
    }
}

// A direct job: stored with its row, then its upload is answered. Tried
// twice (the second time on a fresh connection); past that the client gets
// the error, is told to retry, and nothing of the job was written.
void JobWorker::writeUpload(Completion &c)
{
    JobView view;
    const Result<Submitted> stored = retryWithBackoff(
        backoff::kDirectUpload,
        [&] {
            const std::chrono::duration<double, std::milli> age = std::chrono::steady_clock::now() - c.upload->received;
            c.upload->job.ageMs = qint64(age.count());
            return m_queue->storeDirect(c.upload->job, m_options.name, c.record, c.inferenceMs, &view);
        },
        [](const Error &) { return true; },
        [&](int) { qCWarning(lcPipeline).noquote() << QStringLiteral("cannot store upload %1; trying once more").arg(c.job.fileName); });
    if (stored && !stored.value().existing)
        recorded(c, view);
    else if (!stored)
        qCWarning(lcPipeline).noquote() << QStringLiteral("cannot store upload %1: %2").arg(c.job.fileName, stored.error().message);
    c.upload->stored(stored);
}

void JobWorker::moderated(const QString &jobId, PhotoResult result)
{
    qint64 predictionId = 0;
    {
        std::lock_guard lock(m_mutex);
        auto it = m_moderating.find(jobId);
        if (it == m_moderating.end() || it->second.predictionId == 0) {
            m_moderating[jobId].result = std::move(result);
            return;
        }
        predictionId = it->second.predictionId;
        m_moderating.erase(it);
    }
    writeModeration(predictionId, result);
}

void JobWorker::rowStored(const QString &jobId, qint64 predictionId)
{
    std::optional<PhotoResult> result;
    {
        std::lock_guard lock(m_mutex);
        auto it = m_moderating.find(jobId);
        if (it == m_moderating.end() || !it->second.result) {
            m_moderating[jobId].predictionId = predictionId;
            return;
        }
        result = std::move(it->second.result);
        m_moderating.erase(it);
    }
    writeModeration(predictionId, *result);
}

void JobWorker::writeModeration(qint64 predictionId, const PhotoResult &result)
{
    const auto written = m_store->completeModeration(predictionId, result);
    if (!written)
        qCWarning(lcPipeline).noquote() << QStringLiteral("what was read on prediction %1 is not stored: %2").arg(predictionId).arg(written.error().message);
}

void JobWorker::recorded(const Completion &c, const JobView &view)
{
    const bool ok = c.record.result.has_value();
    if (ok && c.record.result->moderation.state == PhotoModeration::State::Pending && view.predictionId > 0)
        rowStored(c.job.id, view.predictionId);
    indexRecorded(m_classifier->listingIndex().get(), view.predictionId, c.record);
    ++m_processed;
    if (m_metrics) {
        const double queueMs = double(c.job.startedMs - c.job.createdMs);
        m_metrics->add(QStringLiteral("listinglens_photos_processed_total"),
                       {{QStringLiteral("worker"), m_options.name}, {QStringLiteral("status"), ok ? QStringLiteral("done") : QStringLiteral("failed")}});
        m_metrics->observe(QStringLiteral("listinglens_queue_wait_ms"), workerLabel(m_options.name), queueMs);
        if (ok)
            m_metrics->observe(QStringLiteral("listinglens_inference_ms"), workerLabel(m_options.name), c.inferenceMs);
        m_metrics->observe(QStringLiteral("listinglens_job_total_ms"), workerLabel(m_options.name), queueMs + c.processMs);
    }
    QMetaObject::invokeMethod(this, [this, view] { Q_EMIT jobEnded(view); }, Qt::QueuedConnection);
}

} // namespace listinglens
