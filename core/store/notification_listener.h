#pragma once

#include "prediction_store.h"

#include <QObject>

#include <functional>
#include <memory>

namespace listinglens {

// LISTEN on a PostgreSQL channel, on a connection of its own (the store's
// connection for this thread and `role`). A restarted server forgets its
// listeners, so check(), called every few seconds, pings the connection,
// reconnects and subscribes again. Lives on the thread that calls check();
// notifications arrive through that thread's event loop.
class NotificationListener : public QObject {
public:
    NotificationListener(std::shared_ptr<PredictionStore> store, QString role, QString channel,
                         std::function<void(const QString &payload)> onNotification, QObject *parent = nullptr);

    // True when subscribed. After a (re)subscription calls onSubscribed:
    // whatever was notified while nobody listened is lost.
    bool check();
    bool listening() const { return m_listening; }
    void close();

    std::function<void()> onSubscribed;

private:
    std::shared_ptr<PredictionStore> m_store;
    QString m_role;
    QString m_channel;
    std::function<void(const QString &)> m_onNotification;
    bool m_listening = false;
};

} // namespace listinglens
