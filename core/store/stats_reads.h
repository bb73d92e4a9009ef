#pragma once

#include "error.h"
#include "prediction_store.h"

#include <QHash>
#include <QList>
#include <QStringList>

#include <optional>
#include <vector>

namespace listinglens {

// Aggregates over the stored predictions and jobs, computed in the database,
// never by loading rows: the stats command, the console's quality and
// throughput pages.

struct StoreStats {
    qint64 predictions = 0;
    qint64 failures = 0;
    double perMinute = 0;
    double p50 = 0, p95 = 0, p99 = 0;       // total latency, ms; none measured when every prediction failed (timed())
    // Moderators' decisions (and imported listings' when includesImports).
    qint64 accepted = 0;
    qint64 corrected = 0;
    std::optional<double> acceptanceRate;   // accepted / decided; none when nothing is decided (never 0 %)
    qint64 imported = 0;                    // imported listings (confirmed examples, no moderator's decision)
    bool includesImports = false;

    // Whether the latencies rest on any successful prediction.
    bool timed() const { return predictions > failures; }
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
    QString currency;                       // the database's: only suggestions in it are compared
    qint64 pricesCompared = 0;
};

// Calibration from moderators' decisions (quality page): the decided
// predictions in equal bins of their calibrated top-1 confidence, each with
// how often the suggested category was the one confirmed.
struct ReliabilityReport {
    struct Bin {
        double lower = 0, upper = 0;        // confidence in [lower, upper); the last bin holds 1 too
        qint64 count = 0;
        double meanConfidence = 0;          // 0 when empty
        double accuracy = 0;                // share with category_id = final_category_id; 0 when empty
    };
    QList<Bin> bins;                        // all of them, empty ones included
    qint64 decided = 0;
    double ece = 0;                         // expectedCalibrationError of the bins (calibration.h); 0 when none decided
};

// How often the suggestion was confirmed, per category head it was made with
// (quality page), so that a new head is judged on live decisions.
struct HeadAccuracy {
    qint64 headVersion = 0;                 // 0: the built-in mapping (head_version NULL)
    qint64 decided = 0;
    qint64 accepted = 0;                    // category_id = final_category_id
};

// One bucket of the throughput charts.
struct TimeBucket {
    qint64 startMs = 0;
    qint64 predictions = 0;
    qint64 failures = 0;
    double p50 = 0, p95 = 0, p99 = 0; // total latency of the successful ones, ms
    // The total split in two: processing (decode + preprocess + inference)
    // and waiting (the rest: queued between stages and for a batch), ms.
    double processingP50 = 0, processingP95 = 0;
    double waitP50 = 0, waitP95 = 0;
};

// The buckets of a chart: [fromMs, toMs) in whole buckets of bucketMs, each
// starting on the clock (a minute, a quarter hour, an hour, a local midnight),
// so the same rows fall in the same buckets whenever the chart is drawn.
struct SeriesPlan {
    qint64 fromMs = 0;
    qint64 toMs = 0;
    qint64 bucketMs = 60'000;
};

// The plan for a chart of [sinceMs, untilMs) whose first stored row is at
// firstMs (0: none): fitted to the data (it starts at the first row's bucket
// when that is later than sinceMs, keeping at least minBuckets), with the
// smallest clock bucket that keeps it to maxBuckets.
SeriesPlan planSeries(qint64 sinceMs, qint64 untilMs, qint64 firstMs, int maxBuckets = 240, int minBuckets = 12);
// As planSeries, in whole days at least (weeks past a year of them): the flag-rate chart.
SeriesPlan planDailySeries(qint64 sinceMs, qint64 untilMs, qint64 firstMs, int minDays = 7);
// The start of the clock bucket of bucketMs that holds ms (days: local midnight).
qint64 bucketStart(qint64 ms, qint64 bucketMs);

// How often photos carry each flag, per bucket (quality page): the share of
// the successful photos of the bucket whose flags hold it. Quality flags
// (blurry, too_dark...) and moderation flags (contact_details,
// stock_photo_text, person_in_photo) alike: both are in quality_flags.
struct FlagRateBucket {
    qint64 startMs = 0;
    qint64 photos = 0;                      // successful predictions in the bucket
    QList<qint64> flagged;                  // per flag asked for, in its order
    double rate(int flag) const { return photos > 0 ? double(flagged.value(flag)) / double(photos) : 0; }
};

// The flags the quality page charts, moderation first.
QStringList chartedFlags();

// What the job queue of `serve` and its workers did (table jobs), for the
// throughput page; empty when the database has never had a job.
struct QueueActivity {
    qint64 queued = 0, running = 0;            // now
    qint64 jobs = 0;                           // every job ever queued, 0: no queue in use
    QStringList workers;                       // that ended jobs in the range, by name
    // How long the jobs that ended in the range waited in the queue before a
    // worker took them (jobs.queue_ms = started - created), ms; apart from
    // the predictions' own processing and waiting.
    double queueWaitP50 = 0, queueWaitP95 = 0;
    struct Bucket {
        qint64 startMs = 0;
        QHash<QString, qint64> endedByWorker;  // done and failed
        qint64 failed = 0;
    };
    QList<Bucket> buckets;                     // empty ones left out
};

// The decisions counted (accepted, corrected, the quality reads' below) are
// moderators'; an imported catalogue's listings only when includeImports.
Result<StoreStats> readStats(PredictionStore &store, qint64 sinceMs = 0, qint64 untilMs = 0, bool includeImports = false);
// Buckets of bucketMs over [sinceMs, untilMs), empty ones left out.
// The first created_ms in [sinceMs, untilMs), 0 when there is none (one index probe).
Result<qint64> readFirstTime(PredictionStore &store, qint64 sinceMs, qint64 untilMs);
Result<std::vector<TimeBucket>> readTimeSeries(PredictionStore &store, qint64 sinceMs, qint64 untilMs, qint64 bucketMs);
Result<QueueActivity> readQueueActivity(PredictionStore &store, qint64 sinceMs, qint64 untilMs, qint64 bucketMs);
Result<QualityReport> readQuality(PredictionStore &store, qint64 sinceMs, qint64 untilMs, const QString &modelVersion = {},
                                  bool includeImports = false);
// Over the decisions of readQuality's period and model version.
Result<ReliabilityReport> readReliability(PredictionStore &store, qint64 sinceMs, qint64 untilMs, const QString &modelVersion = {},
                                          int bins = 10, bool includeImports = false);
// Buckets of bucketMs over [sinceMs, untilMs), empty ones left out; at most
// 16 flags (InvalidArgument past that, or for a flag that is not a plain word).
Result<std::vector<FlagRateBucket>> readFlagRates(PredictionStore &store, qint64 sinceMs, qint64 untilMs, qint64 bucketMs,
                                                  const QStringList &flags, const QString &modelVersion = {});
// The built-in mapping first, then the heads by version: each over the
// decisions on the photos it suggested (the head a prediction was made with).
Result<std::vector<HeadAccuracy>> readHeadAccuracy(PredictionStore &store, qint64 sinceMs, qint64 untilMs,
                                                   const QString &modelVersion = {}, bool includeImports = false);

} // namespace listinglens
