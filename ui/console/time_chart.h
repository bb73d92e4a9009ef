#pragma once

#include <QPointF>
#include <QWidget>

namespace listinglens::ui {

// A line chart over time. With ReliabilityChart, the only classes that touch
// Qt Charts (which Qt deprecates after 6.10), so that replacing it is two files.
class TimeChart : public QWidget {
    Q_OBJECT
public:
    TimeChart(const QString &title, const QString &unit, const QStringList &seriesNames, QWidget *parent = nullptr);
    ~TimeChart() override;

    // Replaces the series (for charts whose series come with the data, such as one per worker).
    void setSeriesNames(const QStringList &names);
    // points[i] is series i: x = epoch ms, y = value. Replaces everything at once.
    void setData(const QList<QList<QPointF>> &points, qint64 fromMs, qint64 toMs);

private:
    struct Parts;
    Parts *d;
};

} // namespace listinglens::ui
