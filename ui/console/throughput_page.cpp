#include "throughput_page.h"

#include "console_worker.h"
#include "stats_reads.h"
#include "time_chart.h"

#include <QButtonGroup>
#include <QCheckBox>
#include <QDateTimeEdit>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QRadioButton>
#include <QTimer>
#include <QVBoxLayout>

namespace listinglens::ui {

namespace {
enum Range { Hour, Day, Week, Custom };
}

ThroughputPage::ThroughputPage(ConsoleWorker *worker, QWidget *parent) : QWidget(parent), m_worker(worker)
{
    m_ranges = new QButtonGroup(this);
    auto *bar = new QHBoxLayout;
    const QStringList names = {tr("1 hour"), tr("24 hours"), tr("7 days"), tr("Custom")};
    for (int i = 0; i < names.size(); ++i) {
        auto *b = new QRadioButton(names[i]);
        m_ranges->addButton(b, i);
        bar->addWidget(b);
    }
    m_ranges->button(Day)->setChecked(true);
    m_from = new QDateTimeEdit(QDateTime::currentDateTime().addDays(-1));
    m_to = new QDateTimeEdit(QDateTime::currentDateTime());
    bar->addWidget(m_from);
    bar->addWidget(m_to);
    m_auto = new QCheckBox(tr("Refresh every 10 s"));
    m_auto->setChecked(true);
    bar->addWidget(m_auto);
    auto *now = new QPushButton(tr("Refresh"));
    bar->addWidget(now);
    bar->addStretch();
    m_summary = new QLabel;
    m_rate = new TimeChart(tr("Photos per minute and failures"), tr("per minute"), {tr("photos"), tr("failures")});
    m_latency = new TimeChart(tr("Latency"), tr("ms"), {tr("p50"), tr("p95"), tr("p99")});
    m_queueSummary = new QLabel;
    m_queueSummary->setObjectName(QStringLiteral("queueSummary"));
    m_queue = new TimeChart(tr("Job queue: jobs per minute by worker"), tr("per minute"), {});
    m_queueSummary->hide();
    m_queue->hide();
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(m_summary);
    layout->addWidget(m_rate, 1);
    layout->addWidget(m_latency, 1);
    layout->addWidget(m_queueSummary);
    layout->addWidget(m_queue, 1);

    m_timer = new QTimer(this);
    m_timer->setInterval(10000);
    connect(m_timer, &QTimer::timeout, this, &ThroughputPage::refresh);
    connect(m_auto, &QCheckBox::toggled, this, [this](bool on) { on ? m_timer->start() : m_timer->stop(); });
    connect(m_ranges, &QButtonGroup::idClicked, this, &ThroughputPage::refresh);
    connect(now, &QPushButton::clicked, this, &ThroughputPage::refresh);
    connect(m_worker, &ConsoleWorker::seriesReady, this, [this](int request, const QList<TimeBucket> &b) {
        if (request == m_request)
            show(b);
    });
    connect(m_worker, &ConsoleWorker::queueReady, this, [this](int request, const QueueActivity &a) {
        if (request == m_request)
            showQueue(a);
    });
    m_timer->start();
}

void ThroughputPage::setRange(int range)
{
    m_ranges->button(range)->setChecked(true);
    refresh();
}

void ThroughputPage::refresh()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    switch (m_ranges->checkedId()) {
    case Hour: m_fromMs = now - 3'600'000LL; m_bucketMs = 60'000; break;
    case Day: m_fromMs = now - 86'400'000LL; m_bucketMs = 900'000; break;
    case Week: m_fromMs = now - 604'800'000LL; m_bucketMs = 7'200'000; break;
    default:
        m_fromMs = m_from->dateTime().toMSecsSinceEpoch();
        m_bucketMs = std::max<qint64>(60'000, (m_to->dateTime().toMSecsSinceEpoch() - m_fromMs) / 100);
    }
    m_toMs = m_ranges->checkedId() == Custom ? m_to->dateTime().toMSecsSinceEpoch() : now;
    const int request = ++m_request;
    const qint64 from = m_fromMs, to = m_toMs, bucket = m_bucketMs;
    QMetaObject::invokeMethod(m_worker, [w = m_worker, request, from, to, bucket] { w->fetchSeries(request, from, to, bucket); },
                              Qt::QueuedConnection);
}

void ThroughputPage::show(const QList<TimeBucket> &buckets)
{
    QList<QPointF> photos, failures, p50, p95, p99;
    qint64 total = 0, failed = 0;
    const double perMinute = 60'000.0 / double(m_bucketMs);
    for (const TimeBucket &b : buckets) {
        const double x = double(b.startMs + m_bucketMs / 2);
        photos << QPointF(x, b.predictions * perMinute);
        failures << QPointF(x, b.failures * perMinute);
        p50 << QPointF(x, b.p50);
        p95 << QPointF(x, b.p95);
        p99 << QPointF(x, b.p99);
        total += b.predictions;
        failed += b.failures;
    }
    m_rate->setData({photos, failures}, m_fromMs, m_toMs);
    m_latency->setData({p50, p95, p99}, m_fromMs, m_toMs);
    m_summary->setText(tr("%1 photos, %2 failed, %3 per minute on average")
                           .arg(total).arg(failed).arg(total / std::max(1.0, double(m_toMs - m_fromMs) / 60000.0), 0, 'f', 1));
}

void ThroughputPage::showQueue(const QueueActivity &a)
{
    // Only on a database that `serve` and its workers use.
    m_queueSummary->setVisible(a.jobs > 0);
    m_queue->setVisible(a.jobs > 0);
    if (a.jobs == 0)
        return;
    const double perMinute = 60'000.0 / double(m_bucketMs);
    QStringList names = a.workers;
    names << tr("failed");
    QList<QList<QPointF>> points(names.size());
    qint64 ended = 0, failed = 0;
    for (const QueueActivity::Bucket &b : a.buckets) {
        const double x = double(b.startMs + m_bucketMs / 2);
        for (int i = 0; i < a.workers.size(); ++i)
            points[i] << QPointF(x, b.endedByWorker.value(a.workers[i]) * perMinute);
        points.last() << QPointF(x, b.failed * perMinute);
        for (const qint64 n : b.endedByWorker)
            ended += n;
        failed += b.failed;
    }
    m_queue->setSeriesNames(names);
    m_queue->setData(points, m_fromMs, m_toMs);
    m_queueSummary->setText(tr("Job queue: %1 waiting, %2 running now; %3 jobs ended in this period (%4 failed) by %n worker(s)", "", int(a.workers.size()))
                                .arg(a.queued).arg(a.running).arg(ended).arg(failed));
}

} // namespace listinglens::ui
