#pragma once

#include "database_url.h"
#include "error.h"
#include "photo_result.h"

#include <QHash>
#include <QSqlDatabase>

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

namespace listinglens {

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
};

// The record for one classification outcome (source: gui, cli, api, import).
PredictionRecord predictionRecord(const QString &source, const QString &file, const Result<PhotoResult> &outcome);

struct FeedbackRecord {
    QString moderator;
    bool corrected = false;
    QString categoryId;
    double price = 0;
    QString currency;
    QString title;
    QString description;
    qint64 createdMs = 0;                   // 0: now
};

struct HistoryFilter {
    qint64 sinceMs = 0;                     // 0: no bound
    qint64 untilMs = 0;
    QString categoryId;
    QString feedback;                       // "", none, accepted, corrected
    double minConfidence = -1;
    double maxConfidence = -1;
    QString modelVersion;
    QString qualityFlag;                    // blurry, too_dark, ...
    QString text;                           // in title or description
    QString finalCategoryId;                // confirmed category (quality page drill-down)
    bool oldestFirst = false;
};

struct HistoryCursor {
    qint64 createdMs = 0;
    qint64 id = 0;
};

struct HistoryRow {
    qint64 id = 0;
    qint64 createdMs = 0;
    QString source;
    QString fileName;
    bool ok = true;
    QString errorCode;
    QString categoryId;
    double confidence = 0;
    QString title;
    QString currency;
    double pricePoint = 0;
    QString feedback;
    QString finalCategoryId;
    double finalPrice = 0;
    QString modelVersion;
    QStringList flags;
    double totalMs = 0;
};

// What the listing index needs of a stored prediction.
struct IndexRow {
    qint64 id = 0;
    QString categoryId;
    bool confirmed = false;
    QString finalCategoryId;
    double finalPrice = 0;
    std::uint64_t phash = 0;
    QString fileName;
    std::vector<float> embedding;
};

struct StoreStats {
    qint64 predictions = 0;
    qint64 failures = 0;
    double perMinute = 0;
    double p50 = 0, p95 = 0, p99 = 0;       // total latency, ms
    qint64 accepted = 0;
    qint64 corrected = 0;
    double acceptanceRate = 0;              // accepted / decided; 0 when none
};

// Everything stored about one prediction, with its feedback (history detail).
struct PredictionDetail {
    HistoryRow row;
    QString description;
    QString sha256;
    qint64 byteSize = 0;
    int width = 0, height = 0;
    QString categoriesJson;
    QString labelsJson;
    QString errorMessage;
    QString priceBasis;
    double priceLow = 0, priceHigh = 0;
    struct Feedback {
        qint64 createdMs = 0;
        QString moderator, decision, categoryId, currency, title;
        double price = 0;
    };
    QList<Feedback> feedback;
};

// Suggested against confirmed, over a period (quality page).
struct QualityReport {
    struct Cell {
        QString suggested;
        QString confirmed;
        qint64 count = 0;
    };
    QList<Cell> confusion;                  // only decided predictions
    qint64 decided = 0;
    qint64 accepted = 0;
    double priceMdape = -1;                 // median |suggested - confirmed| / confirmed; -1: no prices
};

// One bucket of the throughput charts.
struct TimeBucket {
    qint64 startMs = 0;
    qint64 predictions = 0;
    qint64 failures = 0;
    double p50 = 0, p95 = 0, p99 = 0; // total latency of the successful ones, ms
};

// What the job queue of `serve` and its workers did (table jobs), for the
// throughput page; empty when the database has never had a job.
struct QueueActivity {
    qint64 queued = 0, running = 0;            // now
    qint64 jobs = 0;                           // every job ever queued, 0: no queue in use
    QStringList workers;                       // that ended jobs in the range, by name
    struct Bucket {
        qint64 startMs = 0;
        QHash<QString, qint64> endedByWorker;  // done and failed
        qint64 failed = 0;
    };
    QList<Bucket> buckets;                     // empty ones left out
};

// Prediction history and moderator feedback, on SQLite or PostgreSQL, through
// Qt SQL. Thread-safe: every thread gets its own connection.
class PredictionStore {
public:
    // SQLite databases are created and migrated on open. A PostgreSQL schema
    // must be current unless `migrate` is set (listinglens db migrate).
    static Result<std::shared_ptr<PredictionStore>> open(const QString &url, bool migrate = false);
    ~PredictionStore();

    static int latestSchemaVersion();
    Result<int> schemaVersion();
    Result<int> migrate();

    // Retried on a fresh connection with backoff (see setRetry) when the database is unreachable.
    Result<qint64> addPrediction(const PredictionRecord &record);
    Result<qint64> addFeedback(qint64 predictionId, const FeedbackRecord &feedback); // retried like addPrediction
    // One attempt on this thread's connection, so that it joins a transaction the
    // caller opened there (the job queue stores a result and ends its job at once).
    Result<qint64> insertPrediction(const PredictionRecord &record);

    // Newest first, `limit` rows after `after` (keyset pagination).
    Result<std::vector<HistoryRow>> history(const HistoryFilter &filter, std::optional<HistoryCursor> after, int limit);
    Result<StoreStats> stats(qint64 sinceMs = 0, qint64 untilMs = 0);
    // Buckets of bucketMs over [sinceMs, untilMs), empty ones left out.
    Result<std::vector<TimeBucket>> timeSeries(qint64 sinceMs, qint64 untilMs, qint64 bucketMs);
    Result<QueueActivity> queueActivity(qint64 sinceMs, qint64 untilMs, qint64 bucketMs);
    // Fills the store with synthetic predictions (source "synthetic", synthetic = 1) spread
    // over the last `days` days, until it holds at least `rows` of them. Returns how many it added.
    Result<qint64> fillSynthetic(qint64 rows, int days, const std::function<void(qint64 done)> &progress = {});
    // The newest `maxRows` successful predictions with an embedding and an id
    // above `afterId`, newest first, streamed.
    // `skip`, when given, sees each id first: rows it returns true for are not read further.
    Result<int> readIndexRows(int maxRows, const std::function<void(const IndexRow &)> &row, qint64 afterId = 0,
                              const std::function<bool(qint64)> &skip = {});
    Result<QHash<qint64, QByteArray>> thumbnails(const QList<qint64> &predictionIds);
    Result<PredictionDetail> detail(qint64 predictionId);
    Result<QualityReport> quality(qint64 sinceMs, qint64 untilMs, const QString &modelVersion = {});

    // Attempts for a write, and the wait before the second (doubling after that).
    void setRetry(int attempts, int firstDelayMs);

    const DatabaseUrl &url() const { return m_url; }
    QString maskedUrl() const { return m_url.masked(); }
    // This thread's connection, opened on first use. A role gives the thread a
    // second connection of its own (a LISTEN connection, say).
    Result<QSqlDatabase> connection(const QString &role = {});

private:
    explicit PredictionStore(DatabaseUrl url);
    QString connectionName(const QString &role) const;
    Result<qint64> insertFeedback(qint64 predictionId, const FeedbackRecord &feedback);
    template <typename Write>
    Result<qint64> withRetry(Write write);
public:
    // Closes this thread's connection; the next connection() opens a fresh one.
    void dropConnection(const QString &role = {});

private:

    DatabaseUrl m_url;
    QString m_prefix;
    std::mutex m_mutex;
    QStringList m_connections;
    int m_attempts = 5;
    int m_firstDelayMs = 250;
};

} // namespace listinglens
