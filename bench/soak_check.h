#pragma once

// `listinglens-bench soak`'s check: what the database says of a run's jobs, against
// what each client saw. Runs on the calling thread, on its connection of the store.

#include "prediction_store.h"

#include <map>
#include <vector>

namespace listinglens::cli {

// What one client saw of one job.
struct Outcome {
    QString id;     // empty: never accepted
    QString status; // done, failed; not_accepted, not_found or unfinished when the client gave up
    QString reason; // the error code, or why the client gave up
};

// Jobs by how they ended, with the reasons counted.
struct Tally {
    int submitted = 0, done = 0, failed = 0, lost = 0, duplicated = 0;
    std::map<QString, int> failedBy, lostBy, duplicatedBy;
};

// The run's jobs have idempotency keys RUN-i, i the index in `outcomes`;
// predictions from `sinceMs` that no job points to count as duplicated.
Result<Tally> checkInDatabase(PredictionStore &store, const QString &run, const std::vector<Outcome> &outcomes, qint64 sinceMs);

// Running jobs `worker` holds; -1 on failure.
qint64 heldBy(PredictionStore &store, const QString &worker);

} // namespace listinglens::cli
