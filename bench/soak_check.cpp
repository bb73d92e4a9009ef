#include "soak_check.h"

#include "job_audit.h"
#include "job_queue.h"

#include <QHash>

namespace listinglens::cli {

qint64 heldBy(PredictionStore &store, const QString &worker)
{
    const auto held = job_audit::runningJobsOf(store, worker);
    return held ? held.value() : -1;
}

Result<Tally> checkInDatabase(PredictionStore &store, const QString &run, const std::vector<Outcome> &outcomes, qint64 sinceMs)
{
    store.dropConnection(); // opened before PostgreSQL restarted
    // soak runs serve --no-auth: the keys are stored as API key 0's
    auto jobs = job_audit::jobsWithKeyPrefix(store, JobQueue::storedIdempotencyKey(run, 0) + QLatin1Char('-'));
    if (!jobs)
        return jobs.error();
    QHash<QString, QList<job_audit::AuditedJob>> byKey;
    QHash<qint64, int> predictionUses;
    for (const job_audit::AuditedJob &j : jobs.value()) {
        byKey[j.idempotencyKey].append(j);
        if (j.predictionId)
            ++predictionUses[j.predictionId];
    }
    // A prediction no job points to: a job processed (and stored) twice.
    const auto orphans = job_audit::predictionsWithoutJob(store, QStringLiteral("api"), sinceMs);
    if (!orphans)
        return orphans.error();
    Tally t;
    if (orphans.value()) {
        t.duplicated += orphans.value();
        t.duplicatedBy[QStringLiteral("prediction_without_job")] = orphans.value();
    }
    for (std::size_t i = 0; i < outcomes.size(); ++i) {
        const Outcome &o = outcomes[i];
        const QList<job_audit::AuditedJob> rows = byKey.value(JobQueue::storedIdempotencyKey(QStringLiteral("%1-%2").arg(run).arg(i), 0));
        t.submitted += o.id.isEmpty() ? 0 : 1;
        auto count = [](int &total, std::map<QString, int> &by, const QString &why) { ++total, ++by[why]; };
        if (rows.size() > 1)
            count(t.duplicated, t.duplicatedBy, QStringLiteral("jobs_for_one_key"));
        else if (rows.isEmpty())
            o.id.isEmpty() ? count(t.failed, t.failedBy, QStringLiteral("not_accepted ") + o.reason)
                           : count(t.lost, t.lostBy, QStringLiteral("accepted_without_row"));
        else if (const job_audit::AuditedJob &r = rows.front(); !o.id.isEmpty() && o.id != r.id)
            count(t.duplicated, t.duplicatedBy, QStringLiteral("other_job_for_key"));
        else if (r.status == QLatin1String("queued") || r.status == QLatin1String("running"))
            count(t.lost, t.lostBy, QStringLiteral("left_") + r.status);
        else if (o.status != r.status)
            count(t.lost, t.lostBy, QStringLiteral("client_not_told (%1 %2)").arg(o.status, o.reason));
        else if (r.status == QLatin1String("failed"))
            count(t.failed, t.failedBy, r.errorCode.isEmpty() ? QStringLiteral("unknown") : r.errorCode);
        else if (!r.predictionExists)
            count(t.lost, t.lostBy, QStringLiteral("done_without_prediction"));
        else if (predictionUses.value(r.predictionId) > 1)
            count(t.duplicated, t.duplicatedBy, QStringLiteral("prediction_shared"));
        else
            ++t.done;
    }
    return t;
}

} // namespace listinglens::cli
