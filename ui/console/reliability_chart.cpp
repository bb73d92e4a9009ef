#include "reliability_chart.h"

#include "chart_palette.h"
#include "count_text.h"

#include <QtCharts/QChart>
#include <QtCharts/QChartView>
#include <QtCharts/QLineSeries>
#include <QtCharts/QValueAxis>
#include <QCursor>
#include <QEvent>
#include <QToolTip>
#include <QVBoxLayout>

#include <cmath>

namespace listinglens::ui {

struct ReliabilityChart::Parts {
    QChart *chart = nullptr;
    QLineSeries *bins = nullptr;
    QList<ReliabilityReport::Bin> shown; // the non-empty bins, in the order drawn
};

ReliabilityChart::ReliabilityChart(QWidget *parent) : QWidget(parent), d(new Parts)
{
    d->chart = new QChart;
    d->chart->legend()->setAlignment(Qt::AlignBottom);
    auto *x = new QValueAxis;
    auto *y = new QValueAxis;
    x->setTitleText(tr("confidence"));
    y->setTitleText(tr("accuracy")); // confirmed as suggested: a short chart has room for one word
    for (QValueAxis *axis : {x, y}) {
        axis->setRange(0, 1);
        axis->setTickCount(6);
        axis->setLabelFormat(QStringLiteral("%.1f"));
    }
    d->chart->addAxis(x, Qt::AlignBottom);
    d->chart->addAxis(y, Qt::AlignLeft);
    auto *diagonal = new QLineSeries;
    diagonal->setName(tr("perfect calibration"));
    diagonal->setPen(QPen(Qt::gray, 1, Qt::DashLine));
    diagonal->append({QPointF(0, 0), QPointF(1, 1)});
    d->bins = new QLineSeries;
    d->bins->setName(tr("decisions per bin"));
    d->bins->setPointsVisible(true);
    d->bins->setMarkerSize(9);
    for (QLineSeries *s : {diagonal, d->bins}) {
        d->chart->addSeries(s);
        s->attachAxis(x);
        s->attachAxis(y);
    }
    connect(d->bins, &QLineSeries::hovered, this, [this](const QPointF &at, bool entered) {
        if (!entered || d->shown.isEmpty())
            return QToolTip::hideText();
        int nearest = 0;
        for (int i = 1; i < d->shown.size(); ++i)
            if (std::abs(d->shown[i].meanConfidence - at.x()) < std::abs(d->shown[nearest].meanConfidence - at.x()))
                nearest = i;
        QToolTip::showText(QCursor::pos(), binToolTip(nearest), this);
    });
    setReport({});
    auto *view = new QChartView(d->chart);
    view->setRenderHint(QPainter::Antialiasing);
    applyPaletteToChart(d->chart, palette());
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(view);
}

void ReliabilityChart::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        applyPaletteToChart(d->chart, palette());
}

ReliabilityChart::~ReliabilityChart()
{
    delete d;
}

void ReliabilityChart::setReport(const ReliabilityReport &report)
{
    d->shown.clear();
    QList<QPointF> points;
    for (const ReliabilityReport::Bin &b : report.bins) {
        if (b.count == 0)
            continue;
        d->shown << b;
        points << QPointF(b.meanConfidence, b.accuracy);
    }
    d->bins->replace(points); // one update per refresh
    d->chart->setTitle(report.decided == 0 ? tr("Calibration: no decisions yet")
                                           : tr("Calibration over %1: ECE %2").arg(countText(report.decided, tr("decision"), tr("decisions")))
                                                 .arg(report.ece, 0, 'f', 3));
}

QList<QPointF> ReliabilityChart::points() const
{
    return d->bins->points();
}

QString ReliabilityChart::title() const
{
    return d->chart->title();
}

QString ReliabilityChart::binToolTip(int point) const
{
    if (point < 0 || point >= d->shown.size())
        return {};
    const ReliabilityReport::Bin &b = d->shown[point];
    return tr("confidence %1–%2 %: %5\nmean confidence %3 %, confirmed as suggested %4 %")
        .arg(b.lower * 100, 0, 'f', 0).arg(b.upper * 100, 0, 'f', 0)
        .arg(b.meanConfidence * 100, 0, 'f', 1).arg(b.accuracy * 100, 0, 'f', 1)
        .arg(countText(b.count, tr("decision"), tr("decisions")));
}

} // namespace listinglens::ui
