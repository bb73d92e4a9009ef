// The route's record stage for a worker: each photo's job is ended in the
// transaction that stores its prediction, on the writer thread, so that
// processing never waits on the database; then the photo goes on down the
// route (to the lane) with its row's id.
#include "job_worker.h"
#include "job_worker_p.h"

#include "backoff.h"
#include "logging.h"
#include "stored_listings.h"

#include <QElapsedTimer>
#include <QThread>

namespace listinglens {

// Queues a processed photo for the writer thread.
void JobWorker::ended(RoutedPhoto photo, RecordStage::Resume resume)
{
    Completion c{std::move(photo), std::move(resume)};
    if (!m_completions.push(c)) { // stopped: never, as the writer stops after the claims thread
        c.photo.notRecorded = Error{ErrorCode::Busy, QStringLiteral("the worker is stopping")};
        c.resume(std::move(c.photo));
    }
}

void JobWorker::writeLoop(std::stop_token)
{
    // Not stopped by the token: it ends every job processed, then returns once the queue is closed.
    while (auto c = m_completions.pop())
        write(*c);
    m_store->dropConnection();
}

void JobWorker::write(Completion &c)
{
    RoutedPhoto &photo = c.photo;
    std::optional<InFlight> flight;
    {
        std::lock_guard lock(m_mutex);
        if (auto it = m_inFlight.find(photo.tag); it != m_inFlight.end())
            flight = std::move(it->second);
    }
    PredictionRecord record = predictionRecord(QStringLiteral("api"), photo.name, photo.outcome);
    record.moderationHoldMs = 2 * qint64(m_options.leaseMs); // renewed by the heartbeat while the lane holds it
    const double inferenceMs = photo.ok() ? photo.result().timing.inference : 0.0;
    JobView view;
    std::optional<qint64> stored;
    if (flight)
        stored = flight->upload ? writeUpload(*flight, record, inferenceMs, view) : writeCompletion(*flight, record, inferenceMs, view);
    {
        std::lock_guard lock(m_mutex);
        // Ended (or no longer this worker's): not held any more. A job that could not be
        // written stays held, is put back on shutdown, or is taken over when its lease runs out.
        if (flight && (stored || flight->upload))
            m_inFlight.erase(photo.tag);
        else if (flight)
            m_inFlight[photo.tag] = std::move(*flight);
    }
    if (stored && *stored > 0) {
        const std::chrono::duration<double, std::milli> processMs = std::chrono::steady_clock::now() - flight->started;
        indexRecorded(m_classifier->listingIndex().get(), *stored, record);
        ++m_processed;
        count(flight->job, record.result.has_value(), inferenceMs, processMs.count());
        QMetaObject::invokeMethod(this, [this, view] { Q_EMIT jobEnded(view); }, Qt::QueuedConnection);
        photo.predictionId = *stored;
        photo.storedIn = m_store;
    } else {
        photo.notRecorded = Error{ErrorCode::DatabaseError, QStringLiteral("the job was not stored by this worker")};
    }
    c.resume(std::move(photo));
}

// The prediction's id once stored (0 when the job is no longer this worker's:
// another one took it over, and its result counts); nothing when it could
// not be written.
std::optional<qint64> JobWorker::writeCompletion(const InFlight &flight, const PredictionRecord &record, double inferenceMs, JobView &view)
{
    QElapsedTimer waited;
    waited.start();
    Backoff backoff(backoff::kJobCompletion);
    while (true) {
        auto done = m_queue->complete(flight.job, m_options.name, record, inferenceMs, &view);
        if (done) {
            if (done.value() == 0)
                qCWarning(lcPipeline).noquote() << QStringLiteral("job %1 was taken over by another worker; result dropped").arg(flight.job.id);
            return done.value() > 0 ? view.predictionId : 0;
        }
        if (waited.elapsed() > 2 * qint64(m_options.leaseMs) || (m_stopping && waited.elapsed() > 5'000)) {
            qCWarning(lcPipeline).noquote() << QStringLiteral("giving up on writing job %1 (%2); another worker will take it")
                                                   .arg(flight.job.id, done.error().message);
            return std::nullopt;
        }
        const int delayMs = backoff.next();
        qCWarning(lcPipeline).noquote() << done.error().message << QStringLiteral("- retrying in %1 ms").arg(delayMs);
        QThread::msleep(std::uint64_t(delayMs));
    }
}

// A direct job: stored with its row, then its upload is answered. Tried
// twice (the second time on a fresh connection); past that the client gets
// the error, is told to retry, and nothing of the job was written.
std::optional<qint64> JobWorker::writeUpload(InFlight &flight, const PredictionRecord &record, double inferenceMs, JobView &view)
{
    Upload &upload = *flight.upload;
    const Result<Submitted> stored = retryWithBackoff(
        backoff::kDirectUpload,
        [&] {
            const std::chrono::duration<double, std::milli> age = std::chrono::steady_clock::now() - upload.received;
            upload.job.ageMs = qint64(age.count());
            return m_queue->storeDirect(upload.job, m_options.name, record, inferenceMs, &view);
        },
        [](const Error &) { return true; },
        [&](int) { qCWarning(lcPipeline).noquote() << QStringLiteral("cannot store upload %1; trying once more").arg(upload.job.fileName); });
    if (!stored)
        qCWarning(lcPipeline).noquote() << QStringLiteral("cannot store upload %1: %2").arg(upload.job.fileName, stored.error().message);
    upload.stored(stored);
    if (!stored)
        return std::nullopt;
    return stored.value().existing ? 0 : view.predictionId;
}

} // namespace listinglens
