#pragma once

#include "metrics.h"

#include <QObject>
#include <QTimer>
#include <QUrl>

#include <memory>

class QNetworkAccessManager;

namespace listinglens {

// Pushes a Metrics registry to InfluxDB's write endpoint in line protocol
// every few seconds (worker --influx URL), as the original system did. The
// URL is the full write URL, e.g. http://influx:8086/api/v2/write?org=o&bucket=b
// (v2) or http://influx:8086/write?db=listinglens (v1); a token in
// $LISTINGLENS_INFLUX_TOKEN is sent as "Authorization: Token ...". A failed
// push is logged and the next one tries again; nothing waits on it.
class InfluxPusher : public QObject {
    Q_OBJECT
public:
    InfluxPusher(QUrl url, std::shared_ptr<Metrics> metrics, MetricLabels tags, int intervalMs, QObject *parent = nullptr);

    void start();
    void pushNow();

private:
    QUrl m_url;
    std::shared_ptr<Metrics> m_metrics;
    MetricLabels m_tags;
    QTimer m_timer;
    QNetworkAccessManager *m_network;
    QByteArray m_token;
    bool m_inFlight = false;
};

} // namespace listinglens
