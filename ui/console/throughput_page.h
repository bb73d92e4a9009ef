#pragma once

#include "prediction_store.h"
#include "stats_reads.h"

#include <QWidget>

class QButtonGroup;
class QCheckBox;
class QDateTime;
class QDateTimeEdit;
class QLabel;
class QTimer;

namespace listinglens::ui {

class ConsoleWorker;
class TimeChart;

// Photos per minute, failures and latency over time, aggregated by the
// database; 1 h / 24 h / 7 d / custom, refreshed automatically. The buckets
// sit on the clock (ConsoleWorker::fetchSeries, planSeries), so a refresh
// redraws the same data the same way, and the range is fitted to the data.
// Latency is shown as processing (decode, preprocess, inference) apart from
// waiting (between stages, for a batch). On a database the services' job
// queue uses, also queue depth, jobs per minute by worker and failed jobs.
class ThroughputPage : public QWidget {
    Q_OBJECT
public:
    ThroughputPage(ConsoleWorker *worker, QWidget *parent = nullptr);
    void refresh();
    void setRange(int range); // 0: 1 hour, 1: 24 hours, 2: 7 days, 3: custom
    // Custom range: [from, to), to being "now" at each refresh when untilNow.
    void setCustomRange(const QDateTime &from, const QDateTime &to, bool untilNow);

    TimeChart *rateChart() const { return m_rate; }
    TimeChart *latencyChart() const { return m_latency; }
    QLabel *summary() const { return m_summary; }
    const SeriesPlan &plan() const { return m_plan; }
    int lastAnswered() const { return m_answered; }

private:
    void connectRefreshes();
    void show(const QList<TimeBucket> &buckets);
    void showRangeEdits();
    void showQueue(const QueueActivity &activity);

    ConsoleWorker *m_worker;
    QButtonGroup *m_ranges;
    QDateTimeEdit *m_from;
    QDateTimeEdit *m_to;
    QCheckBox *m_untilNow;
    QCheckBox *m_auto;
    QTimer *m_timer;
    QLabel *m_summary;
    TimeChart *m_rate;
    TimeChart *m_latency;
    QLabel *m_queueSummary;
    TimeChart *m_queue;
    int m_request = 0;
    int m_answered = 0;                     // the request the charts show
    SeriesPlan m_plan;
};

} // namespace listinglens::ui
