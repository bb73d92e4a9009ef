#include "notification_listener.h"

#include <QSqlDriver>
#include <QSqlQuery>

namespace listinglens {

NotificationListener::NotificationListener(std::shared_ptr<PredictionStore> store, QString role, QString channel,
                                           std::function<void(const QString &)> onNotification, QObject *parent)
    : QObject(parent), m_store(std::move(store)), m_role(std::move(role)), m_channel(std::move(channel)),
      m_onNotification(std::move(onNotification))
{
}

bool NotificationListener::check()
{
    auto db = m_store->connection(m_role);
    if (!db)
        return m_listening = false;
    QSqlQuery ping(db.value());
    if (!ping.exec(QStringLiteral("SELECT 1"))) {
        m_store->dropConnection(m_role);
        return m_listening = false;
    }
    QSqlDriver *driver = db.value().driver();
    if (m_listening && driver->subscribedToNotifications().contains(m_channel))
        return true;
    disconnect(driver, &QSqlDriver::notification, this, nullptr);
    connect(driver, &QSqlDriver::notification, this,
            [this](const QString &name, QSqlDriver::NotificationSource, const QVariant &payload) {
                if (name == m_channel)
                    m_onNotification(payload.toString());
            });
    m_listening = driver->subscribeToNotification(m_channel);
    if (m_listening && onSubscribed)
        onSubscribed();
    return m_listening;
}

void NotificationListener::close()
{
    m_store->dropConnection(m_role);
    m_listening = false;
}

} // namespace listinglens
