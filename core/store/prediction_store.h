#pragma once

#include "backoff.h"
#include "database_url.h"
#include "db_connections.h"
#include "error.h"
#include "photo_result.h"

#include <QSqlDatabase>
#include <QSqlQuery>

#include <memory>
#include <optional>
#include <vector>

namespace listinglens {

// How long a row waiting for the moderation lane is held from the stale sweep
// when it is stored, and each time the process whose lane holds it renews the
// hold (PredictionStore::holdModeration).
inline constexpr qint64 kModerationHoldMs = 120'000;

// One classification to store: a result or the error it ended with.
struct PredictionRecord {
    QString source = QStringLiteral("cli"); // gui, cli, api, import, synthetic
    QString fileName;
    qint64 createdMs = 0;                   // 0: now
    QString sha256;
    qint64 byteSize = 0;
    std::optional<PhotoResult> result;
    std::optional<Error> error;
    StageTimings timing;                    // for failures (results carry their own)
    QByteArray thumbnail;                   // small JPEG
    bool synthetic = false;
    qint64 moderationHoldMs = 0;            // waiting for the lane: held from the stale sweep this long (0: kModerationHoldMs)
};

// The record for one classification outcome (source: gui, cli, api, import).
PredictionRecord predictionRecord(const QString &source, const QString &file, const Result<PhotoResult> &outcome);

struct FeedbackRecord {
    QString moderator;
    bool corrected = false;
    QString categoryId;
    std::optional<double> price;            // none: no price (stored NULL), never 0
    QString currency;
    QString title;
    QString description;
    qint64 createdMs = 0;                   // 0: now
    // An imported catalogue's listing: a confirmed example, not a moderator's
    // decision (the statistics leave it out unless asked to include imports).
    bool imported = false;
};

// Where a decision came from (feedback.origin, predictions.final_origin).
inline QString decisionOrigin(bool imported)
{
    return imported ? QStringLiteral("import") : QStringLiteral("moderator");
}

// A prediction's decision as it stands in the store: the newest feedback not
// undone, or "none" (then the other fields are empty).
struct StandingDecision {
    QString decision = QStringLiteral("none"); // none, accepted, corrected
    QString categoryId;
    std::optional<double> price;               // none: the decision has no price
    QString title;
    QString description;
    QString origin;                            // moderator, import; empty for none
};

// The ListingLens database, on SQLite or PostgreSQL through Qt SQL: opening
// (and migrating) it, and writing predictions and moderator feedback. Reads
// live beside it, each group in its own file: history_reads.h (history,
// details, thumbnails), stats_reads.h (statistics, series, quality, queue
// activity), listing_index_store.h (the index's rows), job_queue.h (jobs).
// Thread-safe: every thread gets its own connection (db_connections.h).
class PredictionStore {
public:
    // SQLite databases are created and migrated on open. A PostgreSQL schema
    // must be current unless `migrate` is set (listinglens db migrate).
    static Result<std::shared_ptr<PredictionStore>> open(const QString &url, bool migrate = false);
    ~PredictionStore();

    static int latestSchemaVersion();
    Result<int> schemaVersion();
    // The currencies of the confirmed prices stored so far, and the one the
    // database was given (database_settings.h): a
    // catalogue in another is refused or converted.
    Result<QStringList> confirmedCurrencies();
    Result<int> migrate();

    // Retried on a fresh connection with backoff (see setRetry) when the database is unreachable.
    Result<qint64> addPrediction(const PredictionRecord &record);
    Result<qint64> addFeedback(qint64 predictionId, const FeedbackRecord &feedback); // retried like addPrediction
    // A listing imported from a catalogue: its prediction and its confirmation
    // in one transaction, so that it is stored whole or not at all. Returns
    // the prediction's id. Retried like addPrediction.
    Result<qint64> addConfirmedPrediction(const PredictionRecord &record, const FeedbackRecord &feedback);
    // The moderation lane finished with a stored prediction: its text and
    // faces, the flags, review reasons, hints and title they changed, and
    // the thumbnail with faces blurred (stored only now); or it could not
    // read the photo, and the row says so (failed, review not_moderated).
    // false: no such row (deleted meanwhile). Retried like addPrediction.
    Result<bool> completeModeration(qint64 predictionId, const PhotoResult &result);
    // Rows a live moderation lane still holds, kept from the stale sweep
    // until `untilMs` (each process renews its own well before the hold runs out).
    Result<int> holdModeration(const std::vector<qint64> &predictionIds, qint64 untilMs);
    // Rows waiting for a moderation lane whose hold ran out before `nowMs`
    // (their process stopped with the photo in its lane): marked failed and
    // needing review (not_moderated), so that a finished job shows it and a
    // moderator looks. Never a row a live lane holds. A lane that finishes
    // later still completes them. Returns how many rows.
    Result<int> failStaleModeration(qint64 nowMs);
    // Marks feedback row `feedbackId` undone by `moderator` (it stays in the
    // log, with undone_ms and undone_by) and puts its prediction back to the
    // newest decision still standing, or to none. Returns what stands
    // afterwards. NotFound when there is no such row or it is undone already.
    // Retried like addFeedback; a retry that finds the row undone by the same
    // moderator takes it for its own attempt whose commit was lost on the way
    // and answers what stands.
    Result<StandingDecision> undoFeedback(qint64 feedbackId, const QString &moderator);
    // What stands for a prediction now (NotFound: no such prediction).
    Result<StandingDecision> standingDecision(qint64 predictionId);
    // One attempt on this thread's connection, so that it joins a transaction the
    // caller opened there (the job queue stores a result and ends its job at once).
    Result<qint64> insertPrediction(const PredictionRecord &record);

    // How a write is retried (default backoff::kStoreWrite).
    void setRetry(BackoffPolicy policy) { m_retry = policy; }

    const DatabaseUrl &url() const { return m_db.url(); }
    QString maskedUrl() const { return m_db.url().masked(); }
    // This thread's connection, opened on first use. A role gives the thread a
    // second connection of its own (a LISTEN connection, say).
    Result<QSqlDatabase> connection(const QString &role = {}) { return m_db.get(role); }
    // Closes this thread's connection; the next connection() opens a fresh one.
    void dropConnection(const QString &role = {}) { m_db.drop(role); }
    DbConnections &connections() { return m_db; }

private:
    explicit PredictionStore(DatabaseUrl url);
    Result<qint64> insertFeedback(qint64 predictionId, const FeedbackRecord &feedback);
    // insertFeedback's statements on `q`, inside a transaction the caller
    // opened on q's connection (and rolls back on an error, before q goes:
    // PostgreSQL frees a prepared statement only outside a failed transaction).
    Result<qint64> writeFeedback(QSqlQuery &q, qint64 predictionId, const FeedbackRecord &feedback);
    // retried: an earlier attempt of the same call may have committed.
    Result<StandingDecision> markUndone(qint64 feedbackId, const QString &moderator, bool retried);
    template <typename Write>
    auto withRetry(Write write) -> decltype(write());

    DbConnections m_db;
    BackoffPolicy m_retry = backoff::kStoreWrite;
};

} // namespace listinglens
