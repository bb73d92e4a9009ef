#include "service_process.h"

#include "fixtures.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

#include <csignal>

namespace listinglens::test {

Service::Service(const QStringList &args, const QString &readyPattern)
{
    m_process.setProcessChannelMode(QProcess::SeparateChannels);
    m_process.setReadChannel(QProcess::StandardError);
    m_process.start(serverBinaryPath(), args);
    const QRegularExpression ready(readyPattern);
    QElapsedTimer waited;
    waited.start();
    while (waited.elapsed() < 60'000 && m_process.state() != QProcess::NotRunning) {
        m_process.waitForReadyRead(100);
        m_log += m_process.readAllStandardError();
        const auto m = ready.match(QString::fromUtf8(m_log));
        if (m.hasMatch()) {
            m_match = m.captured(1);
            m_ready = true;
            return;
        }
    }
    m_log += m_process.readAllStandardError();
}

Service::~Service()
{
    if (m_process.state() != QProcess::NotRunning) {
        m_process.kill();
        m_process.waitForFinished(10'000);
    }
}

QByteArray Service::log()
{
    m_log += m_process.readAllStandardError();
    return m_log;
}

void Service::signal(int sig)
{
    ::kill(pid_t(m_process.processId()), sig);
}

QString freshQueue(const QString &name)
{
    const QString url = freshPostgresDatabase(name);
    QProcess migrate;
    migrate.start(serverBinaryPath(), {QStringLiteral("db"), QStringLiteral("migrate"), QStringLiteral("--db"), url});
    migrate.waitForFinished(60'000);
    return migrate.exitCode() == 0 ? url : QString();
}

QByteArray createApiKey(const QString &url, const QString &name, const QString &scope)
{
    QProcess p;
    p.start(serverBinaryPath(), {QStringLiteral("apikey"), QStringLiteral("create"), QStringLiteral("--db"), url, QStringLiteral("--name"), name,
                                 QStringLiteral("--scope"), scope, QStringLiteral("--json")});
    p.waitForFinished(60'000);
    return QJsonDocument::fromJson(p.readAllStandardOutput()).object().value(QStringLiteral("key")).toString().toLatin1();
}

} // namespace listinglens::test
