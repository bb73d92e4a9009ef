#pragma once

#include "prediction_store.h"
#include "stats_reads.h"

#include <QWidget>

class QButtonGroup;
class QCheckBox;
class QDateTimeEdit;
class QLabel;
class QTimer;

namespace listinglens::ui {

class ConsoleWorker;
class TimeChart;

// Photos per minute, latency percentiles and failures over time, aggregated
// by the database; 1 h / 24 h / 7 d / custom, refreshed automatically. On a
// database the services' job queue uses, also queue depth, jobs per minute by
// worker and failed jobs.
class ThroughputPage : public QWidget {
    Q_OBJECT
public:
    ThroughputPage(ConsoleWorker *worker, QWidget *parent = nullptr);
    void refresh();
    void setRange(int range); // 0: 1 hour, 1: 24 hours, 2: 7 days

private:
    void show(const QList<TimeBucket> &buckets);
    void showQueue(const QueueActivity &activity);

    ConsoleWorker *m_worker;
    QButtonGroup *m_ranges;
    QDateTimeEdit *m_from;
    QDateTimeEdit *m_to;
    QCheckBox *m_auto;
    QTimer *m_timer;
    QLabel *m_summary;
    TimeChart *m_rate;
    TimeChart *m_latency;
    QLabel *m_queueSummary;
    TimeChart *m_queue;
    int m_request = 0;
    qint64 m_fromMs = 0, m_toMs = 0, m_bucketMs = 60000;
};

} // namespace listinglens::ui
