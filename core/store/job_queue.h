#pragma once

#include "error.h"
#include "prediction_store.h"

#include <QByteArray>
#include <QJsonObject>
#include <QSqlError>
#include <QString>

#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace listinglens {

// The channels the queue notifies on (PostgreSQL LISTEN/NOTIFY).
inline constexpr const char *kJobsQueuedChannel = "listinglens_jobs";
inline constexpr const char *kJobsEndedChannel = "listinglens_jobs_ended";

enum class JobStatus { Queued, Running, Done, Failed };
QString jobStatusName(JobStatus status); // "queued", "running", "done", "failed"

// Idempotency keys are the client's own: each API key has its own space of
// them (stored as "k<api key id>:<key>", id 0 without authentication), and a
// key names one payload.
struct JobOwner {
    qint64 apiKeyId = 0;    // 0: serve --no-auth
    QString payloadSha256;  // of the uploaded photo
};

struct NewJob {
    QByteArray photo;
    QString fileName;
    QString contentType;
    QString idempotencyKey; // empty: none
    JobOwner owner;
};

// An upload a worker of the API's own process took straight from the API
// (serve --workers N) and processed before the job had a row: the row is
// written once, ended, in the transaction that stores its prediction.
struct DirectJob {
    QString id;
    QString fileName;
    QString contentType;
    qint64 byteSize = 0;
    QString idempotencyKey; // empty: none
    JobOwner owner;
    qint64 ageMs = 0;       // from the upload's arrival to the write: created_ms is the database's clock less this
};

struct Submitted {
    QString id;
    JobStatus status = JobStatus::Queued;
    bool existing = false; // an earlier job with the same idempotency key
    qint64 createdMs = 0;  // new jobs
    QString payloadSha256; // existing: the photo the key was first used with
};

// What GET /v1/jobs/{id} answers.
struct JobView {
    QString id;
    JobStatus status = JobStatus::Queued;
    qint64 createdMs = 0;
    qint64 finishedMs = 0;   // 0 while not ended
    int attempts = 0;
    QString worker;
    qint64 predictionId = 0;
    // Done: the result, read from the prediction the job points at (the one
    // record of it; the API shows it as the classify --json object).
    std::optional<PhotoResult> result;
    QString errorCode;       // failed
    QString errorMessage;
    qint64 apiKeyId = 0;     // who submitted it (0: serve --no-auth)
};

// A job a worker holds under a lease.
struct ClaimedJob {
    QString id;
    QString fileName;
    QByteArray photo;
    int attempt = 0;
    qint64 createdMs = 0;
    qint64 startedMs = 0;
    qint64 apiKeyId = 0;    // who submitted it (0: serve --no-auth): the moderation lane takes keys in turn
};

struct QueueCounts {
    qint64 queued = 0, running = 0, done = 0, failed = 0;
    double oldestQueuedAgeS = 0;
};

// The job queue in PostgreSQL (schema version 4, table `jobs`). Producers
// (the API) enqueue; any number of workers on any number of machines claim
// jobs with FOR UPDATE SKIP LOCKED under a lease they renew, and end each in
// the same transaction that stores its prediction, so a job has exactly one
// result even when a worker dies and another takes the job over. Every call
// uses the calling thread's connection of the store, so one JobQueue serves
// every thread.
class JobQueue {
public:
    // Refuses a store that is not PostgreSQL.
    static Result<std::unique_ptr<JobQueue>> create(std::shared_ptr<PredictionStore> store);

    PredictionStore &store() { return *m_store; }
    // This queue's instance id (a UUID, one per JobQueue, so one per process
    // in the services): the claim token its claims write, and the only one
    // whose leases renewLeases() extends.
    const QString &instance() const { return m_instance; }
    const std::shared_ptr<PredictionStore> &sharedStore() const { return m_store; }

    // Queues a photo, or returns the job an earlier call with the same
    // idempotency key made. Refused (Error Busy, "queue full") when
    // `maxQueued` > 0 and that many jobs are already waiting. With
    // `beforeCommit` the row is written in a transaction that commits only
    // when it returns no error (which enqueue() then returns): a check of the
    // photo can run while the photo is being written.
    Result<Submitted> enqueue(const NewJob &job, qint64 maxQueued = 0,
                              const std::function<std::optional<Error>()> &beforeCommit = {});
    // Stores a direct job's prediction and its row, ended (done, or failed
    // with the reason), in one transaction. When an earlier job holds the same
    // idempotency key nothing is written and that job is returned (existing).
    // `ended`: the new job as GET /v1/jobs/{id} shows it.
    Result<Submitted> storeDirect(const DirectJob &job, const QString &worker, const PredictionRecord &record,
                                  double inferenceMs, JobView *ended = nullptr);
    // An idempotency key as the jobs table holds it.
    static QString storedIdempotencyKey(const QString &key, qint64 apiKeyId);
    // The job an earlier submission with this idempotency key made, if any.
    Result<std::optional<Submitted>> byIdempotencyKey(const QString &key, qint64 apiKeyId);
    Result<std::optional<JobView>> job(const QString &id);
    Result<QueueCounts> counts();
    // Jobs that ended, by worker (photos processed per worker).
    Result<QList<QPair<QString, qint64>>> endedByWorker();

    // Ends running jobs whose lease expired after `maxAttempts` attempts as
    // failed, then takes up to `limit` queued or abandoned jobs, oldest first.
    Result<std::vector<ClaimedJob>> claim(const QString &worker, int limit, int leaseMs, int maxAttempts);
    // Extends the lease of every job `worker` holds through this queue (this
    // process's claims, not those of an earlier process under the same
    // name); returns how many.
    Result<int> renewLeases(const QString &worker, int leaseMs);
    // Stores the prediction and ends the job, in one transaction; returns the
    // prediction's id, and in `ended` the job as GET /v1/jobs/{id} now shows
    // it. Returns 0 (and changes nothing) when the job is no longer this
    // worker's attempt.
    Result<qint64> complete(const ClaimedJob &job, const QString &worker, const PredictionRecord &record,
                          double inferenceMs, JobView *ended = nullptr);
    // Puts jobs back as queued without counting the attempt (graceful shutdown).
    Result<int> release(const QStringList &ids, const QString &worker);

private:
    explicit JobQueue(std::shared_ptr<PredictionStore> store);
    Result<JobView> beginEnding(QSqlDatabase &c, const QString &id, const QString &worker, int attempt,
                                const PredictionRecord &record);
    Result<Submitted> earlierJob(const QString &key, qint64 apiKeyId);
    Error failed(const QString &what, const QSqlError &error);
    Error failed(const QString &what, const Error &error);

    std::shared_ptr<PredictionStore> m_store;
    QString m_instance;
};

} // namespace listinglens
