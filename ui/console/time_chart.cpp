#include "time_chart.h"

#include <QtCharts/QChart>
#include <QtCharts/QChartView>
#include <QtCharts/QDateTimeAxis>
#include <QtCharts/QLineSeries>
#include <QtCharts/QValueAxis>
#include <QDateTime>
#include <QVBoxLayout>

namespace listinglens::ui {

struct TimeChart::Parts {
    QChart *chart = nullptr;
    QList<QLineSeries *> series;
    QDateTimeAxis *x = nullptr;
    QValueAxis *y = nullptr;
};

TimeChart::TimeChart(const QString &title, const QString &unit, const QStringList &seriesNames, QWidget *parent)
    : QWidget(parent), d(new Parts)
{
    d->chart = new QChart;
    d->chart->setTitle(title);
    d->x = new QDateTimeAxis;
    d->y = new QValueAxis;
    d->y->setTitleText(unit);
    d->y->setLabelFormat(QStringLiteral("%.0f"));
    d->chart->addAxis(d->x, Qt::AlignBottom);
    d->chart->addAxis(d->y, Qt::AlignLeft);
    setSeriesNames(seriesNames);
    auto *view = new QChartView(d->chart);
    view->setRenderHint(QPainter::Antialiasing);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(view);
}

void TimeChart::setSeriesNames(const QStringList &names)
{
    QStringList current;
    for (const QLineSeries *s : std::as_const(d->series))
        current << s->name();
    if (current == names)
        return;
    for (QLineSeries *s : std::as_const(d->series)) {
        d->chart->removeSeries(s);
        delete s;
    }
    d->series.clear();
    for (const QString &name : names) {
        auto *s = new QLineSeries;
        s->setName(name);
        s->setPointsVisible(true); // a lone bucket is a point, not a line
        d->chart->addSeries(s);
        s->attachAxis(d->x);
        s->attachAxis(d->y);
        d->series << s;
    }
}

TimeChart::~TimeChart()
{
    delete d;
}

void TimeChart::setData(const QList<QList<QPointF>> &points, qint64 fromMs, qint64 toMs)
{
    double top = 1;
    for (int i = 0; i < d->series.size(); ++i) {
        const QList<QPointF> p = points.value(i);
        d->series[i]->replace(p); // one update per refresh, not point by point
        for (const QPointF &pt : p)
            top = std::max(top, pt.y());
    }
    const qint64 span = toMs - fromMs;
    d->x->setFormat(span <= 86'400'000LL ? QStringLiteral("HH:mm") : QStringLiteral("MM-dd HH:mm"));
    d->x->setRange(QDateTime::fromMSecsSinceEpoch(fromMs), QDateTime::fromMSecsSinceEpoch(toMs));
    d->y->setRange(0, top * 1.1);
}

} // namespace listinglens::ui
