#include "influx_pusher.h"

#include "environment.h"
#include "logging.h"

#include <QDateTime>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>

namespace listinglens {

InfluxPusher::InfluxPusher(QUrl url, std::shared_ptr<Metrics> metrics, MetricLabels tags, int intervalMs, QObject *parent)
    : QObject(parent), m_url(std::move(url)), m_metrics(std::move(metrics)), m_tags(std::move(tags)),
      m_network(new QNetworkAccessManager(this)), m_token(influxTokenFromEnvironment())
{
    m_timer.setInterval(std::max(200, intervalMs));
    connect(&m_timer, &QTimer::timeout, this, [this] { pushNow(); });
}

void InfluxPusher::start()
{
    m_timer.start();
}

void InfluxPusher::pushNow()
{
    if (m_inFlight)
        return; // a slow server gets one push at a time
    const QByteArray body = m_metrics->influxLines(m_tags, QDateTime::currentMSecsSinceEpoch() * 1'000'000);
    if (body.isEmpty())
        return;
    QNetworkRequest request(m_url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("text/plain; charset=utf-8"));
    request.setTransferTimeout(5'000);
    if (!m_token.isEmpty())
        request.setRawHeader("Authorization", "Token " + m_token);
    m_inFlight = true;
    QNetworkReply *reply = m_network->post(request, body);
    connect(reply, &QNetworkReply::finished, this, [this, reply] {
        reply->deleteLater();
        m_inFlight = false;
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (reply->error() == QNetworkReply::NoError && status / 100 == 2)
            return;
        qCWarning(lcPipeline).noquote() << QStringLiteral("metrics push to %1 failed: %2 %3")
                                               .arg(m_url.toDisplayString(QUrl::RemoveUserInfo | QUrl::RemoveQuery))
                                               .arg(status).arg(reply->errorString());
    });
}

} // namespace listinglens
