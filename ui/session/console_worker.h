#pragma once

#include "head_summary.h"
#include "history_reads.h"
#include "prediction_store.h"
#include "stats_reads.h"

#include <QImage>
#include <QObject>
#include <QSize>

#include <atomic>
#include <memory>

namespace listinglens::ui {

// Database reads for the console pages, and the quality page's head
// activations, on a thread of its own (Session), with that thread's
// connection to the session's store. Call its functions through
// queued invocations; each answer carries the request number it was asked
// with, so stale answers can be dropped.
class ConsoleWorker : public QObject {
    Q_OBJECT
public:
    static constexpr QSize kThumbnail{64, 48};
    static constexpr QSize kDetailPhoto{320, 240};

    // The store to read from now on (null: none), opened by the session.
    void setStore(const std::shared_ptr<PredictionStore> &store) { m_store = store; }
    // Thumbnails come scaled to fit kThumbnail (the whole photo, its aspect kept).
    void fetchHistory(int request, const HistoryFilter &filter, std::optional<HistoryCursor> after, int limit);
    // Answers historyCount, counting no further than cap.
    void countHistory(int request, const HistoryFilter &filter, qint64 cap);
    void fetchDetail(int request, qint64 predictionId);
    // Thumbnails of rows read before the moderation lane stored them (it
    // blurs faces first); answers thumbnailsReady, a null image where there is none yet.
    void fetchThumbnails(const QList<qint64> &predictionIds);
    // Plans the buckets (planSeries: fitted to the data, on the clock), then
    // answers seriesReady and queueReady with that plan.
    void fetchSeries(int request, qint64 sinceMs, qint64 untilMs);
    // Answers qualityReady, then reliabilityReady and headAccuracyReady.
    // Moderators' decisions; imported listings' too when includeImports.
    void fetchQuality(int request, qint64 sinceMs, qint64 untilMs, const QString &modelVersion, bool includeImports = false);
    void fetchHeads(int request);
    // Each checks that the role may write heads first; answers headChanged.
    void activateHead(int request, qint64 version); // 0: the built-in mapping
    void rollbackHead(int request);
    void exportCsv(int request, const HistoryFilter &filter, const QString &path);
    void cancelExport() { m_cancelExport = true; } // safe from any thread

Q_SIGNALS:
    void failed(int request, const QString &message);
    void historyPage(int request, const QList<listinglens::HistoryRow> &rows, const QList<QImage> &thumbnails, bool more);
    void historyCount(int request, qint64 count, qint64 cap);
    void detailReady(int request, const listinglens::PredictionDetail &detail, const QImage &thumbnail);
    void thumbnailsReady(const QList<qint64> &predictionIds, const QList<QImage> &thumbnails);
    void seriesReady(int request, const listinglens::SeriesPlan &plan, const QList<listinglens::TimeBucket> &buckets);
    void queueReady(int request, const listinglens::QueueActivity &activity); // after seriesReady
    void qualityReady(int request, const listinglens::QualityReport &report);
    void reliabilityReady(int request, const listinglens::ReliabilityReport &report);
    void headAccuracyReady(int request, const QList<listinglens::HeadAccuracy> &heads);
    // Last of fetchQuality's answers: the share of photos per flag (chartedFlags()), per day of the period.
    void flagRatesReady(int request, const listinglens::SeriesPlan &plan, const QList<listinglens::FlagRateBucket> &buckets);
    // writeRefusal: why this role may not activate or roll back heads; empty when it may.
    void headsReady(int request, const QList<listinglens::HeadSummary> &heads, const QString &writeRefusal);
    void headChanged(int request, bool ok, const QString &message);
    void exportProgress(int request, qint64 rows);
    void exportFinished(int request, bool ok, const QString &message);

private:
    QList<QImage> thumbnails(const QList<qint64> &predictionIds);

    std::shared_ptr<PredictionStore> m_store;
    std::atomic_bool m_cancelExport{false};
};

} // namespace listinglens::ui
