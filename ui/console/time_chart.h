#pragma once

#include <QPointF>
#include <QWidget>

namespace listinglens::ui {

// A line chart over time buckets. With ReliabilityChart (and chart_palette),
// the only classes that touch Qt Charts (which Qt deprecates after 6.10), so
// that replacing it is a few files.
//
// A bucket with no point is a gap: the line stops and starts again after it
// (a lone bucket is drawn as a dot), unless the chart counts things
// (Gaps::AreZero), where an empty bucket is a true zero. The y axis ends on a
// round number with round ticks; the x axis's ticks fall on the clock.
class TimeChart : public QWidget {
    Q_OBJECT
public:
    enum class Gaps { Break, AreZero };

    TimeChart(const QString &title, const QString &unit, const QStringList &seriesNames, Gaps gaps = Gaps::Break,
              QWidget *parent = nullptr);
    ~TimeChart() override;

    // Replaces the series (for charts whose series come with the data, such as one per worker).
    void setSeriesNames(const QStringList &names);
    // points[i] is series i: x = a bucket's start (epoch ms), y = its value,
    // over [fromMs, toMs) in buckets of bucketMs. Replaces everything at once.
    void setData(const QList<QList<QPointF>> &points, qint64 fromMs, qint64 toMs, qint64 bucketMs);

    // What is drawn, for the tests: the unbroken runs of series i (x = bucket start).
    QList<QList<QPointF>> segments(int series) const;
    double yMax() const;
    int yTickCount() const;
    qint64 axisFromMs() const;
    qint64 axisToMs() const;

protected:
    void changeEvent(QEvent *event) override;

private:
    void redraw();

    struct Parts;
    Parts *d;
};

// The tick step of a value axis reaching `top`: 1, 2 or 5 times a power of ten,
// with at most maxTicks intervals; and the round top it gives.
double niceStep(double top, int maxTicks = 5);

} // namespace listinglens::ui
