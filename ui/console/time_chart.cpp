#include "time_chart.h"

#include "chart_palette.h"
#include "stats_reads.h"

#include <QtCharts/QChart>
#include <QtCharts/QChartView>
#include <QtCharts/QDateTimeAxis>
#include <QtCharts/QLegendMarker>
#include <QtCharts/QLineSeries>
#include <QtCharts/QValueAxis>
#include <QDateTime>
#include <QEvent>
#include <QVBoxLayout>

#include <cmath>

namespace listinglens::ui {

namespace {

const QColor kColours[] = {QColor(0x1f, 0x77, 0xb4), QColor(0xd6, 0x27, 0x28), QColor(0x2c, 0xa0, 0x2c), QColor(0xff, 0x7f, 0x0e),
                           QColor(0x94, 0x67, 0xbd), QColor(0x8c, 0x56, 0x4b), QColor(0x17, 0xbe, 0xcf), QColor(0xbc, 0xbd, 0x22)};

// A round step for the time axis: at most eight intervals over the span.
qint64 timeStep(qint64 spanMs)
{
    static constexpr qint64 kMinute = 60'000, kHour = 60 * kMinute, kDay = 24 * kHour;
    static constexpr qint64 steps[] = {kMinute,   2 * kMinute, 5 * kMinute, 10 * kMinute, 15 * kMinute, 30 * kMinute, kHour,
                                       2 * kHour, 3 * kHour,   6 * kHour,   12 * kHour,   kDay,         2 * kDay,     7 * kDay};
    for (qint64 s : steps)
        if (spanMs / s <= 8)
            return s;
    return 30 * kDay;
}

} // namespace

double niceStep(double top, int maxTicks)
{
    if (!(top > 0))
        return 1;
    const double raw = top / std::max(1, maxTicks);
    const double power = std::pow(10.0, std::floor(std::log10(raw)));
    for (double m : {1.0, 2.0, 5.0, 10.0})
        if (m * power >= raw)
            return m * power;
    return 10 * power;
}

struct TimeChart::Parts {
    QChart *chart = nullptr;
    QDateTimeAxis *x = nullptr;
    QValueAxis *y = nullptr;
    Gaps gaps = Gaps::Break;
    QStringList names;
    QList<QList<QList<QPointF>>> segments; // per series, its unbroken runs
    QList<QLineSeries *> drawn;
    qint64 fromMs = 0, toMs = 0, bucketMs = 60'000;
};

TimeChart::TimeChart(const QString &title, const QString &unit, const QStringList &seriesNames, Gaps gaps, QWidget *parent)
    : QWidget(parent), d(new Parts)
{
    d->gaps = gaps;
    d->chart = new QChart;
    d->chart->setTitle(title);
    d->chart->legend()->setAlignment(Qt::AlignBottom);
    d->x = new QDateTimeAxis;
    d->y = new QValueAxis;
    d->y->setTitleText(unit);
    d->chart->addAxis(d->x, Qt::AlignBottom);
    d->chart->addAxis(d->y, Qt::AlignLeft);
    auto *view = new QChartView(d->chart);
    view->setRenderHint(QPainter::Antialiasing);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(view);
    applyPaletteToChart(d->chart, palette());
    setSeriesNames(seriesNames);
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    setData({}, now - 3'600'000LL, now, 60'000);
}

TimeChart::~TimeChart()
{
    delete d;
}

void TimeChart::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        applyPaletteToChart(d->chart, palette());
}

void TimeChart::setSeriesNames(const QStringList &names)
{
    if (names == d->names)
        return;
    d->names = names;
    d->segments = QList<QList<QList<QPointF>>>(names.size());
    redraw();
}

void TimeChart::setData(const QList<QList<QPointF>> &points, qint64 fromMs, qint64 toMs, qint64 bucketMs)
{
    d->fromMs = fromMs;
    d->toMs = std::max(toMs, fromMs + 1);
    d->bucketMs = std::max<qint64>(1, bucketMs);
    d->segments = QList<QList<QList<QPointF>>>(d->names.size());
    for (int i = 0; i < d->names.size(); ++i) {
        QList<QPointF> p = points.value(i);
        std::sort(p.begin(), p.end(), [](const QPointF &a, const QPointF &b) { return a.x() < b.x(); });
        if (d->gaps == Gaps::AreZero) { // every bucket of the range, the empty ones as 0
            QList<QPointF> filled;
            int at = 0;
            for (qint64 b = fromMs; b < toMs; b += d->bucketMs) {
                while (at < p.size() && p[at].x() < double(b))
                    ++at;
                filled << QPointF(double(b), at < p.size() && qint64(p[at].x()) == b ? p[at].y() : 0.0);
            }
            p = filled;
        }
        QList<QList<QPointF>> runs;
        for (const QPointF &pt : std::as_const(p)) {
            if (runs.isEmpty() || pt.x() - runs.last().last().x() > 1.5 * double(d->bucketMs))
                runs.append(QList<QPointF>());
            runs.last() << pt;
        }
        d->segments[i] = runs;
    }
    redraw();
}

void TimeChart::redraw()
{
    // Drawn afresh each time: nothing of an earlier range can stay behind.
    for (QLineSeries *s : std::as_const(d->drawn)) {
        d->chart->removeSeries(s);
        delete s;
    }
    d->drawn.clear();
    double top = 0;
    const double half = double(d->bucketMs) / 2; // a bucket's point sits at its middle
    for (int i = 0; i < d->names.size(); ++i) {
        const QColor colour = kColours[i % std::size(kColours)];
        const QList<QList<QPointF>> runs = d->segments.value(i).isEmpty() ? QList<QList<QPointF>>{{}} : d->segments.value(i);
        for (int r = 0; r < runs.size(); ++r) {
            auto *s = new QLineSeries;
            s->setName(d->names[i]);
            QPen pen(colour, 2);
            s->setPen(pen);
            s->setColor(colour);
            QList<QPointF> shifted;
            for (const QPointF &pt : runs[r]) {
                shifted << QPointF(pt.x() + half, pt.y());
                top = std::max(top, pt.y());
            }
            s->setPointsVisible(shifted.size() == 1); // a lone bucket is a dot, not a line
            s->setMarkerSize(7);
            s->replace(shifted);
            d->chart->addSeries(s);
            s->attachAxis(d->x);
            s->attachAxis(d->y);
            if (r > 0) // one legend entry per series
                for (QLegendMarker *m : d->chart->legend()->markers(s))
                    m->setVisible(false);
            d->drawn << s;
        }
    }
    // Round ticks on both axes.
    const double step = niceStep(top > 0 ? top * 1.05 : 1);
    const double yTop = std::max(step, std::ceil(top * 1.05 / step) * step);
    d->y->setRange(0, yTop);
    d->y->setTickCount(int(std::lround(yTop / step)) + 1);
    d->y->setLabelFormat(step >= 1 ? QStringLiteral("%.0f") : step >= 0.1 ? QStringLiteral("%.1f") : QStringLiteral("%.2f"));
    const qint64 tick = timeStep(d->toMs - d->fromMs);
    const qint64 from = bucketStart(d->fromMs, tick);
    qint64 to = bucketStart(d->toMs - 1, tick) + tick;
    d->x->setFormat(tick >= 86'400'000LL ? QStringLiteral("MM-dd") : to - from > 86'400'000LL ? QStringLiteral("MM-dd HH:mm") : QStringLiteral("HH:mm"));
    d->x->setTickCount(int((to - from) / tick) + 1);
    d->x->setRange(QDateTime::fromMSecsSinceEpoch(from), QDateTime::fromMSecsSinceEpoch(to));
    applyPaletteToChart(d->chart, palette());
}

QList<QList<QPointF>> TimeChart::segments(int series) const
{
    return d->segments.value(series);
}

double TimeChart::yMax() const
{
    return d->y->max();
}

int TimeChart::yTickCount() const
{
    return d->y->tickCount();
}

qint64 TimeChart::axisFromMs() const
{
    return d->x->min().toMSecsSinceEpoch();
}

qint64 TimeChart::axisToMs() const
{
    return d->x->max().toMSecsSinceEpoch();
}

} // namespace listinglens::ui
