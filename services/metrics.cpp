#include "metrics.h"

#include <cmath>

namespace listinglens {

namespace {

QString escapeLabel(QString v)
{
    v.replace(QLatin1Char('\\'), QStringLiteral("\\\\"));
    v.replace(QLatin1Char('"'), QStringLiteral("\\\""));
    v.replace(QLatin1Char('\n'), QStringLiteral("\\n"));
    return v;
}

QString labelText(const MetricLabels &labels, const QString &extraName = {}, const QString &extraValue = {})
{
    QStringList parts;
    for (const auto &[k, v] : labels)
        parts << QStringLiteral("%1=\"%2\"").arg(k, escapeLabel(v));
    if (!extraName.isEmpty())
        parts << QStringLiteral("%1=\"%2\"").arg(extraName, extraValue);
    return parts.isEmpty() ? QString() : QLatin1Char('{') + parts.join(QLatin1Char(',')) + QLatin1Char('}');
}

QString number(double v)
{
    if (std::isinf(v))
        return v > 0 ? QStringLiteral("+Inf") : QStringLiteral("-Inf");
    return QString::number(v, 'g', 12);
}

// Influx tag keys and values escape commas, spaces and equals signs.
QString influxEscape(QString v)
{
    v.replace(QLatin1Char(','), QStringLiteral("\\,"));
    v.replace(QLatin1Char(' '), QStringLiteral("\\ "));
    v.replace(QLatin1Char('='), QStringLiteral("\\="));
    return v;
}

} // namespace

std::vector<double> Metrics::latencyBucketsMs()
{
    return {5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000};
}

void Metrics::describe(const QString &name, Type type, const QString &help, std::vector<double> buckets)
{
    std::lock_guard lock(m_mutex);
    Family &f = m_families[name];
    f.type = type;
    f.help = help;
    f.buckets = std::move(buckets);
}

Metrics::Series &Metrics::seriesFor(const QString &name, const MetricLabels &labels)
{
    Family &f = m_families[name];
    Series &s = f.series[labelText(labels)];
    if (s.labels.isEmpty())
        s.labels = labels;
    if (f.type == Type::Histogram && s.bucketCounts.size() != f.buckets.size())
        s.bucketCounts.assign(f.buckets.size(), 0);
    return s;
}

void Metrics::add(const QString &name, const MetricLabels &labels, double value)
{
    std::lock_guard lock(m_mutex);
    seriesFor(name, labels).value += value;
}

void Metrics::set(const QString &name, const MetricLabels &labels, double value)
{
    std::lock_guard lock(m_mutex);
    seriesFor(name, labels).value = value;
}

void Metrics::observe(const QString &name, const MetricLabels &labels, double value)
{
    std::lock_guard lock(m_mutex);
    Series &s = seriesFor(name, labels);
    const std::vector<double> &bounds = m_families[name].buckets;
    for (std::size_t i = 0; i < bounds.size(); ++i)
        if (value <= bounds[i])
            ++s.bucketCounts[i];
    ++s.count;
    s.sum += value;
}

void Metrics::drop(const QString &name)
{
    std::lock_guard lock(m_mutex);
    if (const auto f = m_families.find(name); f != m_families.end())
        f->series.clear();
}

QByteArray Metrics::prometheusText() const
{
    std::lock_guard lock(m_mutex);
    QString out;
    for (auto f = m_families.cbegin(); f != m_families.cend(); ++f) {
        const QString &name = f.key();
        const char *type = f->type == Type::Counter ? "counter" : f->type == Type::Gauge ? "gauge" : "histogram";
        out += QStringLiteral("# HELP %1 %2\n# TYPE %1 %3\n").arg(name, f->help, QLatin1String(type));
        for (const Series &s : f->series) {
            if (f->type != Type::Histogram) {
                out += name + labelText(s.labels) + QLatin1Char(' ') + number(s.value) + QLatin1Char('\n');
                continue;
            }
            for (std::size_t i = 0; i < f->buckets.size(); ++i)
                out += name + QStringLiteral("_bucket") + labelText(s.labels, QStringLiteral("le"), number(f->buckets[i]))
                       + QLatin1Char(' ') + QString::number(s.bucketCounts[i]) + QLatin1Char('\n');
            out += name + QStringLiteral("_bucket") + labelText(s.labels, QStringLiteral("le"), QStringLiteral("+Inf"))
                   + QLatin1Char(' ') + QString::number(s.count) + QLatin1Char('\n');
            out += name + QStringLiteral("_sum") + labelText(s.labels) + QLatin1Char(' ') + number(s.sum) + QLatin1Char('\n');
            out += name + QStringLiteral("_count") + labelText(s.labels) + QLatin1Char(' ') + QString::number(s.count) + QLatin1Char('\n');
        }
    }
    return out.toUtf8();
}

QByteArray Metrics::influxLines(const MetricLabels &tags, qint64 timestampNs) const
{
    std::lock_guard lock(m_mutex);
    QString out;
    for (auto f = m_families.cbegin(); f != m_families.cend(); ++f) {
        for (const Series &s : f->series) {
            QString line = influxEscape(f.key());
            for (const auto &[k, v] : tags + s.labels)
                line += QLatin1Char(',') + influxEscape(k) + QLatin1Char('=') + influxEscape(v.isEmpty() ? QStringLiteral("-") : v);
            if (f->type == Type::Histogram) {
                line += QStringLiteral(" count=%1i,sum=%2").arg(s.count).arg(number(s.sum));
                for (std::size_t i = 0; i < f->buckets.size(); ++i)
                    line += QStringLiteral(",le_%1=%2i").arg(number(f->buckets[i])).arg(s.bucketCounts[i]);
            } else {
                line += QStringLiteral(" value=") + number(s.value);
            }
            out += line + QLatin1Char(' ') + QString::number(timestampNs) + QLatin1Char('\n');
        }
    }
    return out.toUtf8();
}

} // namespace listinglens
