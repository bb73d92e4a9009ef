#include "soak_check.h"

#include "job_queue.h"

#include <QSqlError>
#include <QSqlQuery>

namespace listinglens::cli {

qint64 heldBy(PredictionStore &store, const QString &worker)
{
    auto db = store.connection();
    if (!db)
        return -1;
    QSqlQuery q(db.value());
    q.prepare(QStringLiteral("SELECT count(*) FROM jobs WHERE status = 'running' AND worker = :w"));
    q.bindValue(QStringLiteral(":w"), worker);
    return q.exec() && q.next() ? q.value(0).toLongLong() : -1;
}

Result<Tally> checkInDatabase(PredictionStore &store, const QString &run, const std::vector<Outcome> &outcomes, qint64 sinceMs)
{
    store.dropConnection(); // opened before PostgreSQL restarted
    auto db = store.connection();
    if (!db)
        return db.error();
    QSqlQuery q(db.value());
    q.prepare(QStringLiteral("SELECT j.idempotency_key, j.id, j.status, coalesce(j.error_code, ''), j.prediction_id, p.id IS NOT NULL"
                             " FROM jobs j LEFT JOIN predictions p ON p.id = j.prediction_id WHERE j.idempotency_key LIKE :run"));
    q.bindValue(QStringLiteral(":run"), JobQueue::storedIdempotencyKey(run, 0) + QStringLiteral("-%")); // soak runs serve --no-auth
    if (!q.exec())
        return databaseError(QStringLiteral("cannot read the jobs back"), q.lastError());
    struct Row {
        QString id, status, error;
        qint64 prediction = 0;
        bool predictionExists = false;
    };
    QHash<QString, QList<Row>> byKey;
    QHash<qint64, int> predictionUses;
    while (q.next()) {
        byKey[q.value(0).toString()].append({q.value(1).toString(), q.value(2).toString(), q.value(3).toString(), q.value(4).toLongLong(), q.value(5).toBool()});
        if (q.value(4).toLongLong())
            ++predictionUses[q.value(4).toLongLong()];
    }
    // A prediction no job points to: a job processed (and stored) twice.
    q.prepare(QStringLiteral("SELECT count(*) FROM predictions p WHERE p.source = 'api' AND p.created_ms >= :since"
                             " AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.prediction_id = p.id)"));
    q.bindValue(QStringLiteral(":since"), sinceMs);
    if (!q.exec() || !q.next())
        return databaseError(QStringLiteral("cannot count the predictions"), q.lastError());
    Tally t;
    if (const int orphans = q.value(0).toInt()) {
        t.duplicated += orphans;
        t.duplicatedBy[QStringLiteral("prediction_without_job")] = orphans;
    }
    for (std::size_t i = 0; i < outcomes.size(); ++i) {
        const Outcome &o = outcomes[i];
        const QList<Row> rows = byKey.value(JobQueue::storedIdempotencyKey(QStringLiteral("%1-%2").arg(run).arg(i), 0));
        t.submitted += o.id.isEmpty() ? 0 : 1;
        auto count = [](int &total, std::map<QString, int> &by, const QString &why) { ++total, ++by[why]; };
        if (rows.size() > 1)
            count(t.duplicated, t.duplicatedBy, QStringLiteral("jobs_for_one_key"));
        else if (rows.isEmpty())
            o.id.isEmpty() ? count(t.failed, t.failedBy, QStringLiteral("not_accepted ") + o.reason)
                           : count(t.lost, t.lostBy, QStringLiteral("accepted_without_row"));
        else if (const Row &r = rows.front(); !o.id.isEmpty() && o.id != r.id)
            count(t.duplicated, t.duplicatedBy, QStringLiteral("other_job_for_key"));
        else if (r.status == QLatin1String("queued") || r.status == QLatin1String("running"))
            count(t.lost, t.lostBy, QStringLiteral("left_") + r.status);
        else if (o.status != r.status)
            count(t.lost, t.lostBy, QStringLiteral("client_not_told (%1 %2)").arg(o.status, o.reason));
        else if (r.status == QLatin1String("failed"))
            count(t.failed, t.failedBy, r.error.isEmpty() ? QStringLiteral("unknown") : r.error);
        else if (!r.predictionExists)
            count(t.lost, t.lostBy, QStringLiteral("done_without_prediction"));
        else if (predictionUses.value(r.prediction) > 1)
            count(t.duplicated, t.duplicatedBy, QStringLiteral("prediction_shared"));
        else
            ++t.done;
    }
    return t;
}

} // namespace listinglens::cli
