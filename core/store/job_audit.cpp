#include "job_audit.h"

#include "db_connections.h"
#include "store_sql_p.h"

#include <QSqlError>
#include <QSqlQuery>

namespace listinglens::job_audit {

namespace {

const QString kJobsWithKeyPrefix = QStringLiteral(
    "SELECT j.idempotency_key, j.id, j.status, coalesce(j.error_code, ''), coalesce(j.prediction_id, 0), p.id IS NOT NULL"
    " FROM jobs j LEFT JOIN predictions p ON p.id = j.prediction_id WHERE j.idempotency_key LIKE :prefix ESCAPE '\\'");
const QString kPredictionsWithoutJob = QStringLiteral(
    "SELECT count(*) FROM predictions p WHERE p.source = :source AND p.created_ms >= :since"
    " AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.prediction_id = p.id)");
const QString kRunningJobsOf = QStringLiteral("SELECT count(*) FROM jobs WHERE status = 'running' AND worker = :worker");

} // namespace

Result<std::vector<AuditedJob>> jobsWithKeyPrefix(PredictionStore &store, const QString &storedKeyPrefix)
{
    auto db = store.connection();
    if (!db)
        return db.error();
    QSqlQuery q(db.value());
    q.prepare(kJobsWithKeyPrefix);
    q.bindValue(QStringLiteral(":prefix"), store_sql::escapedLike(storedKeyPrefix) + QLatin1Char('%'));
    if (!q.exec())
        return databaseError(QStringLiteral("cannot read the jobs back"), q.lastError());
    std::vector<AuditedJob> jobs;
    while (q.next())
        jobs.push_back({q.value(0).toString(), q.value(1).toString(), q.value(2).toString(), q.value(3).toString(),
                        q.value(4).toLongLong(), q.value(5).toBool()});
    return jobs;
}

Result<int> predictionsWithoutJob(PredictionStore &store, const QString &source, qint64 sinceMs)
{
    auto db = store.connection();
    if (!db)
        return db.error();
    QSqlQuery q(db.value());
    q.prepare(kPredictionsWithoutJob);
    q.bindValue(QStringLiteral(":source"), source);
    q.bindValue(QStringLiteral(":since"), sinceMs);
    if (!q.exec() || !q.next())
        return databaseError(QStringLiteral("cannot count the predictions"), q.lastError());
    return q.value(0).toInt();
}

Result<qint64> runningJobsOf(PredictionStore &store, const QString &worker)
{
    auto db = store.connection();
    if (!db)
        return db.error();
    QSqlQuery q(db.value());
    q.prepare(kRunningJobsOf);
    q.bindValue(QStringLiteral(":worker"), worker);
    if (!q.exec() || !q.next())
        return databaseError(QStringLiteral("cannot count the jobs the worker holds"), q.lastError());
    return q.value(0).toLongLong();
}

} // namespace listinglens::job_audit
