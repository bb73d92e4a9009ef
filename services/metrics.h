#pragma once

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QPair>
#include <QString>

#include <mutex>
#include <vector>

namespace listinglens {

using MetricLabels = QList<QPair<QString, QString>>;

// Counters, gauges and histograms, written as Prometheus text (GET /metrics)
// or InfluxDB line protocol (worker --influx). Thread-safe.
class Metrics {
public:
    enum class Type { Counter, Gauge, Histogram };

    // Declares a metric once; histograms take their bucket bounds (upper, inclusive).
    void describe(const QString &name, Type type, const QString &help, std::vector<double> buckets = {});

    void add(const QString &name, const MetricLabels &labels, double value = 1); // counter
    void set(const QString &name, const MetricLabels &labels, double value);     // gauge
    void observe(const QString &name, const MetricLabels &labels, double value); // histogram
    // Drops every series of a metric (its description stays): for a value no longer known.
    void drop(const QString &name);

    QByteArray prometheusText() const;
    // One line per series; histograms as count, sum and the bucket counts.
    QByteArray influxLines(const MetricLabels &tags, qint64 timestampNs) const;

    // Bounds in milliseconds suited to a photo's way through the service.
    static std::vector<double> latencyBucketsMs();

private:
    struct Series {
        MetricLabels labels;
        double value = 0;                  // counter or gauge
        std::vector<quint64> bucketCounts; // histogram, one per bound
        quint64 count = 0;
        double sum = 0;
    };
    struct Family {
        Type type = Type::Counter;
        QString help;
        std::vector<double> buckets;
        QMap<QString, Series> series;       // by the labels' text
    };
    Series &seriesFor(const QString &name, const MetricLabels &labels); // caller holds m_mutex

    mutable std::mutex m_mutex;
    QMap<QString, Family> m_families;
};

} // namespace listinglens
