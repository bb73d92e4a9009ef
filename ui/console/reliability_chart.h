#pragma once

#include "stats_reads.h"

#include <QPointF>
#include <QWidget>

namespace listinglens::ui {

// A reliability diagram: per confidence bin, how often the suggested category
// was confirmed against how sure the suggestion was, beside the diagonal of
// perfect calibration; a point's tooltip gives its bin and count. With
// TimeChart (and chart_palette), the only classes that touch Qt Charts.
class ReliabilityChart : public QWidget {
    Q_OBJECT
public:
    explicit ReliabilityChart(QWidget *parent = nullptr);
    ~ReliabilityChart() override;

    // Replaces everything at once; empty bins are not drawn.
    void setReport(const ReliabilityReport &report);
    // What is drawn: x = mean confidence, y = accuracy, one per non-empty bin.
    QList<QPointF> points() const;
    QString title() const;
    QString binToolTip(int point) const;

protected:
    void changeEvent(QEvent *event) override;

private:
    struct Parts;
    Parts *d;
};

} // namespace listinglens::ui
