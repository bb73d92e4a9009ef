#pragma once

// Reads that check the job queue from outside, for a run that injects faults
// (listinglens-bench soak): every job of a run's idempotency keys with what
// became of its prediction, predictions no job points to, and the jobs a
// worker holds. On the calling thread, on its connection of the store.

#include "prediction_store.h"

#include <vector>

namespace listinglens::job_audit {

// A job row as the audit sees it.
struct AuditedJob {
    QString idempotencyKey; // as stored (JobQueue::storedIdempotencyKey)
    QString id;
    QString status;    // queued, running, done, failed
    QString errorCode; // empty unless failed
    qint64 predictionId = 0;
    bool predictionExists = false;
};

// Jobs whose stored idempotency key starts with `storedKeyPrefix` (taken literally).
Result<std::vector<AuditedJob>> jobsWithKeyPrefix(PredictionStore &store, const QString &storedKeyPrefix);

// Predictions from `source` made at or after `sinceMs` that no job points to.
Result<int> predictionsWithoutJob(PredictionStore &store, const QString &source, qint64 sinceMs);

// Running jobs `worker` holds.
Result<qint64> runningJobsOf(PredictionStore &store, const QString &worker);

} // namespace listinglens::job_audit
