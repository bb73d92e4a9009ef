#include "throughput_page.h"

#include "console_worker.h"
#include "count_text.h"
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
    for (QDateTimeEdit *e : {m_from, m_to}) {
        e->setDisplayFormat(QStringLiteral("yyyy-MM-dd HH:mm"));
        e->setCalendarPopup(true);
    }
    m_untilNow = new QCheckBox(tr("until now"));
    m_untilNow->setToolTip(tr("The custom range ends at each refresh, so it keeps taking in new photos"));
    m_untilNow->setChecked(true);
    // Two rows that fit a 1024 px window: the range and refreshing, then the custom range.
    auto *custom = new QHBoxLayout;
    custom->addWidget(m_from);
    custom->addWidget(new QLabel(QStringLiteral("–")));
    custom->addWidget(m_to);
    custom->addWidget(m_untilNow);
    custom->addStretch();
    m_auto = new QCheckBox(tr("Refresh every 10 s"));
    m_auto->setChecked(true);
    bar->addWidget(m_auto);
    auto *now = new QPushButton(tr("Refresh"));
    bar->addWidget(now);
    bar->addStretch();
    m_summary = new QLabel;
    m_summary->setObjectName(QStringLiteral("throughputSummary"));
    m_summary->setWordWrap(true);
    m_rate = new TimeChart(tr("Photos per minute"), tr("per minute"), {tr("photos"), tr("failures")}, TimeChart::Gaps::AreZero);
    m_latency = new TimeChart(tr("Latency per photo: processing apart from waiting"), tr("ms"),
                              {tr("processing p50"), tr("processing p95"), tr("waiting p50"), tr("waiting p95")});
    m_latency->setToolTip(tr("Processing: decode, preprocess and the forward pass. Waiting: the rest of the time from "
                             "the start of decoding to the result (between stages, for a batch). A break in a line: no photos then."));
    m_queueSummary = new QLabel;
    m_queueSummary->setObjectName(QStringLiteral("queueSummary"));
    m_queue = new TimeChart(tr("Job queue: jobs per minute by worker"), tr("per minute"), {}, TimeChart::Gaps::AreZero);
    m_queueSummary->hide();
    m_queue->hide();
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addLayout(custom);
    layout->addWidget(m_summary);
    layout->addWidget(m_rate, 1);
    layout->addWidget(m_latency, 1);
    layout->addWidget(m_queueSummary);
    layout->addWidget(m_queue, 1);

    connect(now, &QPushButton::clicked, this, &ThroughputPage::refresh);
    connectRefreshes();
    showRangeEdits();
    m_timer->start();
}

// What refreshes the page: the timer, the range, and the worker's answers.
void ThroughputPage::connectRefreshes()
{
    m_timer = new QTimer(this);
    m_timer->setInterval(10000);
    connect(m_timer, &QTimer::timeout, this, &ThroughputPage::refresh);
    connect(m_auto, &QCheckBox::toggled, this, [this](bool on) { on ? m_timer->start() : m_timer->stop(); });
    connect(m_ranges, &QButtonGroup::idClicked, this, [this] {
        showRangeEdits();
        refresh();
    });
    connect(m_untilNow, &QCheckBox::toggled, this, [this] {
        showRangeEdits();
        refresh();
    });
    for (QDateTimeEdit *e : {m_from, m_to})
        connect(e, &QDateTimeEdit::editingFinished, this, &ThroughputPage::refresh);
    connect(m_worker, &ConsoleWorker::seriesReady, this, [this](int request, const SeriesPlan &plan, const QList<TimeBucket> &b) {
        if (request != m_request)
            return;
        m_plan = plan;
        m_answered = request;
        show(b);
    });
    connect(m_worker, &ConsoleWorker::queueReady, this, [this](int request, const QueueActivity &a) {
        if (request == m_request)
            showQueue(a);
    });
}

void ThroughputPage::showRangeEdits()
{
    const bool custom = m_ranges->checkedId() == Custom;
    m_from->setEnabled(custom);
    m_untilNow->setEnabled(custom);
    m_to->setEnabled(custom && !m_untilNow->isChecked());
}

void ThroughputPage::setRange(int range)
{
    if (QAbstractButton *b = m_ranges->button(range))
        b->setChecked(true);
    showRangeEdits();
    refresh();
}

void ThroughputPage::setCustomRange(const QDateTime &from, const QDateTime &to, bool untilNow)
{
    m_from->setDateTime(from);
    m_to->setDateTime(to);
    m_untilNow->setChecked(untilNow);
    setRange(Custom);
}

void ThroughputPage::refresh()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    qint64 from = 0, to = now;
    switch (m_ranges->checkedId()) {
    case Hour: from = now - 3'600'000LL; break;
    case Day: from = now - 86'400'000LL; break;
    case Week: from = now - 604'800'000LL; break;
    default:
        from = m_from->dateTime().toMSecsSinceEpoch();
        if (!m_untilNow->isChecked())
            to = m_to->dateTime().toMSecsSinceEpoch();
        if (to <= from) {
            ++m_request; // an answer still coming for the range before is not drawn under this message
            m_summary->setText(tr("The custom range ends before it starts: choose an end after %1.")
                                   .arg(m_from->dateTime().toString(QStringLiteral("yyyy-MM-dd HH:mm"))));
            return;
        }
    }
    const int request = ++m_request;
    QMetaObject::invokeMethod(m_worker, [w = m_worker, request, from, to] { w->fetchSeries(request, from, to); }, Qt::QueuedConnection);
}

void ThroughputPage::show(const QList<TimeBucket> &buckets)
{
    QList<QPointF> photos, failures, processing50, processing95, waiting50, waiting95;
    qint64 total = 0, failed = 0;
    double worstWait = 0, worstProcessing = 0;
    const double perMinute = 60'000.0 / double(m_plan.bucketMs);
    for (const TimeBucket &b : buckets) {
        const double x = double(b.startMs);
        photos << QPointF(x, b.predictions * perMinute);
        failures << QPointF(x, b.failures * perMinute);
        if (b.predictions > b.failures) { // latency only where something succeeded
            processing50 << QPointF(x, b.processingP50);
            processing95 << QPointF(x, b.processingP95);
            waiting50 << QPointF(x, b.waitP50);
            waiting95 << QPointF(x, b.waitP95);
            worstWait = std::max(worstWait, b.waitP95);
            worstProcessing = std::max(worstProcessing, b.processingP95);
        }
        total += b.predictions;
        failed += b.failures;
    }
    m_rate->setData({photos, failures}, m_plan.fromMs, m_plan.toMs, m_plan.bucketMs);
    m_latency->setData({processing50, processing95, waiting50, waiting95}, m_plan.fromMs, m_plan.toMs, m_plan.bucketMs);
    const qint64 bucketMinutes = m_plan.bucketMs / 60'000;
    const auto count = [](qint64 n, const QString &one, const QString &many) { return n == 1 ? one : many.arg(n); };
    const QString bucket = bucketMinutes % 1440 == 0 ? count(bucketMinutes / 1440, tr("1 day"), tr("%1 days"))
                           : bucketMinutes % 60 == 0 ? count(bucketMinutes / 60, tr("1 hour"), tr("%1 hours"))
                                                     : count(bucketMinutes, tr("1 minute"), tr("%1 minutes"));
    const QString format = QStringLiteral("yyyy-MM-dd HH:mm");
    m_summary->setText(total == 0 ? tr("No photos from %1 to %2.")
                                        .arg(QDateTime::fromMSecsSinceEpoch(m_plan.fromMs).toString(format),
                                             QDateTime::fromMSecsSinceEpoch(m_plan.toMs).toString(format))
                                  : tr("%1 photos, %2 failed, from %3 to %4 in buckets of %5; worst p95: processing %6 ms, waiting %7 ms")
                                        .arg(total).arg(failed)
                                        .arg(QDateTime::fromMSecsSinceEpoch(m_plan.fromMs).toString(format),
                                             QDateTime::fromMSecsSinceEpoch(m_plan.toMs).toString(format), bucket)
                                        .arg(worstProcessing, 0, 'f', 0).arg(worstWait, 0, 'f', 0));
}

void ThroughputPage::showQueue(const QueueActivity &a)
{
    // Only on a database that `serve` and its workers use.
    m_queueSummary->setVisible(a.jobs > 0);
    m_queue->setVisible(a.jobs > 0);
    if (a.jobs == 0)
        return;
    const double perMinute = 60'000.0 / double(m_plan.bucketMs);
    QStringList names = a.workers;
    names << tr("failed");
    QList<QList<QPointF>> points(names.size());
    qint64 ended = 0, failed = 0;
    for (const QueueActivity::Bucket &b : a.buckets) {
        const double x = double(b.startMs);
        for (int i = 0; i < a.workers.size(); ++i)
            points[i] << QPointF(x, b.endedByWorker.value(a.workers[i]) * perMinute);
        points.last() << QPointF(x, b.failed * perMinute);
        for (const qint64 n : b.endedByWorker)
            ended += n;
        failed += b.failed;
    }
    m_queue->setSeriesNames(names);
    m_queue->setData(points, m_plan.fromMs, m_plan.toMs, m_plan.bucketMs);
    m_queueSummary->setText(tr("Job queue: %1 waiting, %2 running now; %3 jobs ended in this period (%4 failed) by %7; "
                               "waited in the queue before a worker took them: p50 %5 ms, p95 %6 ms")
                                .arg(a.queued).arg(a.running).arg(ended).arg(failed)
                                .arg(a.queueWaitP50, 0, 'f', 0).arg(a.queueWaitP95, 0, 'f', 0)
                                .arg(countText(qint64(a.workers.size()), tr("worker"), tr("workers"))));
}

} // namespace listinglens::ui
