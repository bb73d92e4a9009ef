#include "job_queue.h"

#include "pg_binary.h"
#include "stored_result.h"

#include <QJsonDocument>
#include <QSqlError>
#include <QSqlQuery>
#include <QUuid>
#include <QVariant>

namespace listinglens {

namespace {

// The database's clock in epoch ms: leases mean the same on every machine.
const QString kNow = QStringLiteral("(EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::BIGINT");

QString sql(QString text)
{
    return text.replace(QStringLiteral("{now}"), kNow);
}

JobStatus statusFromName(const QString &name)
{
    if (name == QLatin1String("running"))
        return JobStatus::Running;
    if (name == QLatin1String("done"))
        return JobStatus::Done;
    if (name == QLatin1String("failed"))
        return JobStatus::Failed;
    return JobStatus::Queued;
}

} // namespace

// Opens the transaction that ends a job and stores its prediction in it;
// the job as GET /v1/jobs/{id} will show it once that commits. On failure
// nothing is open.
Result<JobView> JobQueue::beginEnding(QSqlDatabase &c, const QString &id, const QString &worker, int attempt,
                                      const PredictionRecord &record)
{
    if (!c.transaction())
        return failed(QStringLiteral("cannot store the result"), c.lastError());
    auto predictionId = m_store->insertPrediction(record);
    if (!predictionId) {
        c.rollback();
        m_store->dropConnection();
        return predictionId.error();
    }
    const bool ok = record.result.has_value();
    JobView view{id, ok ? JobStatus::Done : JobStatus::Failed, 0, 0, attempt, worker, predictionId.value(),
                 record.result, {}, {}};
    if (!ok) {
        view.errorCode = record.error ? record.error->codeName() : QStringLiteral("internal");
        view.errorMessage = record.error ? record.error->message : QString();
    }
    return view;
}

namespace {

pg::Param apiKeyParam(qint64 apiKeyId)
{
    return pg::textOrNull(apiKeyId > 0 ? QString::number(apiKeyId) : QString());
}

} // namespace

// The job an earlier submission with `key` made, when this one lost the race for it.
Result<Submitted> JobQueue::earlierJob(const QString &key, qint64 apiKeyId)
{
    auto earlier = byIdempotencyKey(key, apiKeyId);
    if (!earlier)
        return earlier.error();
    if (earlier.value())
        return *earlier.value();
    return Error{ErrorCode::DatabaseError, QStringLiteral("the job for this idempotency key vanished; try again")};
}

// Scoped to the API key that sent it ("k0:" without authentication). The id
// is digits up to the first ':', so no client's key can name another's space.
QString JobQueue::storedIdempotencyKey(const QString &key, qint64 apiKeyId)
{
    if (key.isEmpty())
        return key;
    return QLatin1Char('k') + QString::number(std::max<qint64>(apiKeyId, 0)) + QLatin1Char(':') + key;
}

QString jobStatusName(JobStatus status)
{
    switch (status) {
    case JobStatus::Queued: return QStringLiteral("queued");
    case JobStatus::Running: return QStringLiteral("running");
    case JobStatus::Done: return QStringLiteral("done");
    case JobStatus::Failed: return QStringLiteral("failed");
    }
    return {};
}

Result<std::unique_ptr<JobQueue>> JobQueue::create(std::shared_ptr<PredictionStore> store)
{
    if (!store->url().isPostgres())
        return Error{ErrorCode::InvalidArgument,
                     QStringLiteral("the job queue needs PostgreSQL (SELECT ... FOR UPDATE SKIP LOCKED, LISTEN/NOTIFY); "
                                    "%1 is SQLite. Pass --db postgresql://user:password@host/dbname")
                         .arg(store->maskedUrl())};
    return std::unique_ptr<JobQueue>(new JobQueue(std::move(store)));
}

JobQueue::JobQueue(std::shared_ptr<PredictionStore> store)
    : m_store(std::move(store)), m_instance(QUuid::createUuid().toString(QUuid::WithoutBraces))
{
}

// A failed statement: its error, and a fresh connection for the next call
// (after a server restart the old one is dead).
Error JobQueue::failed(const QString &what, const QSqlError &error)
{
    m_store->dropConnection();
    return databaseError(what, error);
}

Error JobQueue::failed(const QString &what, const Error &error)
{
    m_store->dropConnection();
    return Error{ErrorCode::DatabaseError, QStringLiteral("%1: %2").arg(what, error.message)};
}

Result<std::optional<Submitted>> JobQueue::byIdempotencyKey(const QString &key, qint64 apiKeyId)
{
    auto db = m_store->connection();
    if (!db)
        return db.error();
    auto rows = pg::exec(db.value(), "SELECT id, status, payload_sha256 FROM jobs WHERE idempotency_key = $1",
                         {pg::text(storedIdempotencyKey(key, apiKeyId))});
    if (!rows)
        return failed(QStringLiteral("cannot look up the idempotency key"), rows.error());
    if (rows.value().count() == 0)
        return std::optional<Submitted>();
    const pg::Rows &r = rows.value();
    return std::optional<Submitted>(Submitted{r.text(0, 0), statusFromName(r.text(0, 1)), true, 0, r.text(0, 2)});
}

Result<Submitted> JobQueue::enqueue(const NewJob &job, qint64 maxQueued, const std::function<std::optional<Error>()> &beforeCommit)
{
    if (!job.idempotencyKey.isEmpty()) {
        auto earlier = byIdempotencyKey(job.idempotencyKey, job.owner.apiKeyId);
        if (!earlier)
            return earlier.error();
        if (earlier.value())
            return *earlier.value();
    }
    auto db = m_store->connection();
    if (!db)
        return db.error();
    if (maxQueued > 0) {
        auto depth = pg::exec(db.value(), "SELECT count(*) FROM jobs WHERE status = 'queued'", {});
        if (!depth)
            return failed(QStringLiteral("cannot read the queue depth"), depth.error());
        if (depth.value().integer(0, 0) >= maxQueued)
            return Error{ErrorCode::Busy, QStringLiteral("the queue is full (%1 jobs waiting)").arg(maxQueued)};
    }
    const QString id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    // ON CONFLICT: a retry with the same key may race this one; the first wins.
    // The notification wakes idle workers when the row commits; they also
    // poll, so a lost one only costs time.
    static const QByteArray insert = sql(QStringLiteral(
        "WITH queued AS (INSERT INTO jobs (id, idempotency_key, file_name, content_type, byte_size, photo, created_ms,"
        "                                  api_key_id, payload_sha256)"
        " VALUES ($1, $2, $3, $4, $5, $6, {now}, $7, $8) ON CONFLICT (idempotency_key) DO NOTHING RETURNING id, created_ms)"
        " SELECT id, created_ms, pg_notify('%1', '') FROM queued").arg(QLatin1String(kJobsQueuedChannel))).toUtf8();
    if (beforeCommit) {
        if (auto begun = pg::exec(db.value(), "BEGIN", {}); !begun)
            return failed(QStringLiteral("cannot queue the photo"), begun.error());
    }
    auto inserted = pg::exec(db.value(), insert.constData(),
                             {pg::text(id), pg::textOrNull(storedIdempotencyKey(job.idempotencyKey, job.owner.apiKeyId)), pg::text(job.fileName),
                              pg::text(job.contentType), pg::number(job.photo.size()), pg::bytes(job.photo),
                              apiKeyParam(job.owner.apiKeyId), pg::textOrNull(job.owner.payloadSha256)});
    if (!inserted)
        return failed(QStringLiteral("cannot queue the photo"), inserted.error()); // the new connection has no transaction
    if (beforeCommit) {
        if (auto refusal = beforeCommit()) {
            pg::exec(db.value(), "ROLLBACK", {});
            return *refusal;
        }
        if (auto committed = pg::exec(db.value(), "COMMIT", {}); !committed)
            return failed(QStringLiteral("cannot queue the photo"), committed.error());
    }
    if (inserted.value().count() == 0) // lost the race for the key
        return earlierJob(job.idempotencyKey, job.owner.apiKeyId);
    return Submitted{id, JobStatus::Queued, false, inserted.value().integer(0, 1), {}};
}

Result<Submitted> JobQueue::storeDirect(const DirectJob &job, const QString &worker, const PredictionRecord &record,
                                        double inferenceMs, JobView *ended)
{
    auto db = m_store->connection();
    if (!db)
        return db.error();
    QSqlDatabase &c = db.value();
    auto begun = beginEnding(c, job.id, worker, 1, record);
    if (!begun)
        return begun.error();
    JobView view = std::move(begun).value();
    // No NOTIFY: nobody knows the id before this commits.
    static const QByteArray insert = sql(QStringLiteral(
        "INSERT INTO jobs (id, idempotency_key, file_name, content_type, byte_size, status, worker, attempts, created_ms,"
        "                  started_ms, finished_ms, prediction_id, error_code, error_message, queue_ms, inference_ms,"
        "                  api_key_id, payload_sha256)"
        " SELECT $1, $2, $3, $4, $5, $6, $7, 1, now - $8, now - $8, now, $9, $10, $11, 0, $12, $13, $14"
        " FROM (SELECT {now} AS now) clock ON CONFLICT (idempotency_key) DO NOTHING RETURNING created_ms, finished_ms")).toUtf8();
    auto inserted = pg::exec(c, insert.constData(),
                             {pg::text(job.id), pg::textOrNull(storedIdempotencyKey(job.idempotencyKey, job.owner.apiKeyId)), pg::text(job.fileName),
                              pg::text(job.contentType), pg::number(job.byteSize), pg::text(jobStatusName(view.status)),
                              pg::text(worker), pg::number(job.ageMs), pg::number(view.predictionId),
                              pg::textOrNull(view.errorCode),
                              pg::textOrNull(view.errorMessage), pg::real(inferenceMs), apiKeyParam(job.owner.apiKeyId),
                              pg::textOrNull(job.owner.payloadSha256)});
    if (!inserted) {
        c.rollback();
        return failed(QStringLiteral("cannot store the result"), inserted.error());
    }
    if (inserted.value().count() == 0) { // a retry with the same key got there first: its job stands
        c.rollback();
        return earlierJob(job.idempotencyKey, job.owner.apiKeyId);
    }
    if (!c.commit())
        return failed(QStringLiteral("cannot store the result"), c.lastError());
    view.createdMs = inserted.value().integer(0, 0);
    view.finishedMs = inserted.value().integer(0, 1);
    if (ended)
        *ended = view;
    return Submitted{job.id, view.status, false, view.createdMs, {}};
}

Result<std::optional<JobView>> JobQueue::job(const QString &id)
{
    if (QUuid::fromString(id).isNull())
        return std::optional<JobView>(); // not one of ours; PostgreSQL need not see it
    auto db = m_store->connection();
    if (!db)
        return db.error();
    // The result is the prediction's own row: the job keeps no copy of it.
    static const QByteArray read = QByteArray("SELECT j.id, j.status, j.created_ms, j.finished_ms, j.attempts, j.worker, j.prediction_id,"
                                              " j.error_code, j.error_message, j.api_key_id, p.id, ")
                                   + kStoredResultColumns
                                   + " FROM jobs j LEFT JOIN predictions p ON p.id = j.prediction_id WHERE j.id = $1";
    auto rows = pg::exec(db.value(), read.constData(), {pg::text(id)});
    if (!rows)
        return failed(QStringLiteral("cannot read the job"), rows.error());
    const pg::Rows &r = rows.value();
    if (r.count() == 0)
        return std::optional<JobView>();
    JobView v;
    v.id = r.text(0, 0);
    v.status = statusFromName(r.text(0, 1));
    v.createdMs = r.integer(0, 2);
    v.finishedMs = r.integer(0, 3);
    v.attempts = int(r.integer(0, 4));
    v.worker = r.text(0, 5);
    v.predictionId = r.integer(0, 6);
    v.errorCode = r.text(0, 7);
    v.errorMessage = r.text(0, 8);
    v.apiKeyId = r.integer(0, 9);
    if (v.status == JobStatus::Done && !r.isNull(0, 10))
        v.result = storedResult(r, 0, 11);
    return std::optional<JobView>(std::move(v));
}

Result<QueueCounts> JobQueue::counts()
{
    auto db = m_store->connection();
    if (!db)
        return db.error();
    QSqlQuery q(db.value());
    if (!q.exec(sql(QStringLiteral("SELECT status, count(*), COALESCE(({now} - min(created_ms)) / 1000.0, 0)"
                                   " FROM jobs GROUP BY status"))))
        return failed(QStringLiteral("cannot count jobs"), q.lastError());
    QueueCounts c;
    while (q.next()) {
        const qint64 n = q.value(1).toLongLong();
        switch (statusFromName(q.value(0).toString())) {
        case JobStatus::Queued:
            c.queued = n;
            c.oldestQueuedAgeS = q.value(2).toDouble();
            break;
        case JobStatus::Running: c.running = n; break;
        case JobStatus::Done: c.done = n; break;
        case JobStatus::Failed: c.failed = n; break;
        }
    }
    return c;
}

Result<QList<QPair<QString, qint64>>> JobQueue::endedByWorker()
{
    auto db = m_store->connection();
    if (!db)
        return db.error();
    QSqlQuery q(db.value());
    if (!q.exec(QStringLiteral("SELECT worker, count(*) FROM jobs WHERE status IN ('done', 'failed') AND worker IS NOT NULL"
                               " GROUP BY worker ORDER BY worker")))
        return failed(QStringLiteral("cannot count jobs by worker"), q.lastError());
    QList<QPair<QString, qint64>> rows;
    while (q.next())
        rows.append({q.value(0).toString(), q.value(1).toLongLong()});
    return rows;
}

Result<std::vector<ClaimedJob>> JobQueue::claim(const QString &worker, int limit, int leaseMs, int maxAttempts)
{
    auto db = m_store->connection();
    if (!db)
        return db.error();
    // A job whose worker vanished after its last attempt ends here, with the reason.
    static const QByteArray expire = sql(QStringLiteral(
        "WITH lost AS (UPDATE jobs SET status = 'failed', finished_ms = {now}, lease_until_ms = NULL, photo = NULL,"
        "              error_code = 'worker_lost', error_message = 'the worker processing this photo stopped responding '"
        "              || attempts || ' times (last: ' || COALESCE(worker, '?') || '); it was not retried again'"
        "              WHERE status = 'running' AND lease_until_ms < {now} AND attempts >= $1 RETURNING id)"
        " SELECT pg_notify('%1', id) FROM lost").arg(QLatin1String(kJobsEndedChannel))).toUtf8();
    if (auto expired = pg::exec(db.value(), expire.constData(), {pg::number(maxAttempts)}); !expired)
        return failed(QStringLiteral("cannot expire abandoned jobs"), expired.error());
    static const QByteArray take = sql(QStringLiteral(
        "UPDATE jobs SET status = 'running', worker = $1, claim_token = $4, attempts = attempts + 1, started_ms = {now},"
        " lease_until_ms = {now} + $2"
        " WHERE id IN (SELECT id FROM jobs WHERE status = 'queued' OR (status = 'running' AND lease_until_ms < {now})"
        "              ORDER BY created_ms LIMIT $3 FOR UPDATE SKIP LOCKED)"
        " RETURNING id, file_name, photo, attempts, created_ms, started_ms, COALESCE(api_key_id, 0)")).toUtf8();
    auto taken = pg::exec(db.value(), take.constData(),
                          {pg::text(worker), pg::number(leaseMs), pg::number(std::max(1, limit)), pg::text(m_instance)});
    if (!taken)
        return failed(QStringLiteral("cannot take jobs"), taken.error());
    const pg::Rows &rows = taken.value();
    std::vector<ClaimedJob> jobs;
    for (int r = 0; r < rows.count(); ++r)
        jobs.push_back({rows.text(r, 0), rows.text(r, 1), rows.bytes(r, 2), int(rows.integer(r, 3)), rows.integer(r, 4),
                        rows.integer(r, 5), rows.integer(r, 6)});
    std::sort(jobs.begin(), jobs.end(), [](const ClaimedJob &a, const ClaimedJob &b) { return a.createdMs < b.createdMs; });
    return jobs;
}

Result<int> JobQueue::renewLeases(const QString &worker, int leaseMs)
{
    auto db = m_store->connection();
    if (!db)
        return db.error();
    QSqlQuery q(db.value());
    q.prepare(sql(QStringLiteral("UPDATE jobs SET lease_until_ms = {now} + :lease"
                                 " WHERE worker = :w AND claim_token = :token AND status = 'running'")));
    q.bindValue(QStringLiteral(":lease"), leaseMs);
    q.bindValue(QStringLiteral(":w"), worker);
    q.bindValue(QStringLiteral(":token"), m_instance);
    if (!q.exec())
        return failed(QStringLiteral("cannot renew leases"), q.lastError());
    return q.numRowsAffected();
}

Result<qint64> JobQueue::complete(const ClaimedJob &job, const QString &worker, const PredictionRecord &record,
                                double inferenceMs, JobView *ended)
{
    auto db = m_store->connection();
    if (!db)
        return db.error();
    QSqlDatabase &c = db.value();
    auto begun = beginEnding(c, job.id, worker, job.attempt, record);
    if (!begun)
        return begun.error();
    JobView view = std::move(begun).value();
    view.createdMs = job.createdMs;
    static const QByteArray end = sql(QStringLiteral(
        "WITH ended AS (UPDATE jobs SET status = $1, finished_ms = {now}, lease_until_ms = NULL, photo = NULL,"
        "                               prediction_id = $2, error_code = $3, error_message = $4,"
        "                               queue_ms = started_ms - created_ms, inference_ms = $5"
        "               WHERE id = $6 AND worker = $7 AND attempts = $8 AND status = 'running' RETURNING id, finished_ms)"
        " SELECT finished_ms, pg_notify('%1', id) FROM ended").arg(QLatin1String(kJobsEndedChannel))).toUtf8();
    auto updated = pg::exec(c, end.constData(),
                            {pg::text(jobStatusName(view.status)), pg::number(view.predictionId),
                             pg::textOrNull(view.errorCode), pg::textOrNull(view.errorMessage), pg::real(inferenceMs),
                             pg::text(job.id), pg::text(worker), pg::number(job.attempt)});
    if (!updated) {
        c.rollback();
        return failed(QStringLiteral("cannot end the job"), updated.error());
    }
    if (updated.value().count() != 1) {
        // Not ours any more, or already ended by this very attempt (a retry
        // after a commit whose reply was lost). Either way, write nothing.
        c.rollback();
        QSqlQuery q(c);
        q.prepare(QStringLiteral("SELECT status, worker, attempts, prediction_id, finished_ms FROM jobs WHERE id = :id"));
        q.bindValue(QStringLiteral(":id"), job.id);
        if (!q.exec() || !q.next())
            return failed(QStringLiteral("cannot read the job back"), q.lastError());
        const QString status = q.value(0).toString();
        const bool mine = (status == QLatin1String("done") || status == QLatin1String("failed"))
                          && q.value(1).toString() == worker && q.value(2).toInt() == job.attempt;
        if (mine && ended) {
            view.predictionId = q.value(3).toLongLong();
            view.finishedMs = q.value(4).toLongLong();
            *ended = view;
        }
        return mine ? q.value(3).toLongLong() : qint64(0);
    }
    view.finishedMs = updated.value().integer(0, 0);
    if (!c.commit()) {
        const QSqlError e = c.lastError();
        c.rollback();
        m_store->dropConnection();
        return databaseError(QStringLiteral("cannot end the job"), e);
    }
    if (ended)
        *ended = view;
    return view.predictionId;
}

Result<int> JobQueue::release(const QStringList &ids, const QString &worker)
{
    if (ids.isEmpty())
        return 0;
    auto db = m_store->connection();
    if (!db)
        return db.error();
    QSqlQuery q(db.value());
    int released = 0;
    for (const QString &id : ids) {
        q.prepare(QStringLiteral("UPDATE jobs SET status = 'queued', worker = NULL, lease_until_ms = NULL, started_ms = NULL,"
                                 " attempts = attempts - 1 WHERE id = :id AND worker = :w AND status = 'running'"));
        q.bindValue(QStringLiteral(":id"), id);
        q.bindValue(QStringLiteral(":w"), worker);
        if (!q.exec())
            return failed(QStringLiteral("cannot release a job"), q.lastError());
        released += q.numRowsAffected();
    }
    q.exec(QStringLiteral("NOTIFY %1").arg(QLatin1String(kJobsQueuedChannel)));
    return released;
}

} // namespace listinglens
