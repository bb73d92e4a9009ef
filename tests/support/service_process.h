#pragma once

// The services as child processes, for tests that drive them over real
// HTTP against the PostgreSQL of scripts/with-postgres.sh.

#include <QByteArray>
#include <QProcess>
#include <QString>
#include <QStringList>

namespace listinglens::test {

// A `listinglens-server serve/worker/...` child process, ready once its
// standard error matches `readyPattern` (its first group is captured: a
// port, say); SIGKILLed if still running at the end.
class Service {
public:
    Service(const QStringList &args, const QString &readyPattern);
    ~Service();
    Service(const Service &) = delete;
    Service &operator=(const Service &) = delete;

    bool ready() const { return m_ready; }
    QString captured() const { return m_match; }
    QByteArray log();
    void signal(int sig);
    bool waitForExit(int ms) { return m_process.waitForFinished(ms); }
    int exitCode() const { return m_process.exitStatus() == QProcess::NormalExit ? m_process.exitCode() : -1; }

private:
    QProcess m_process;
    QByteArray m_log;
    QString m_match;
    bool m_ready = false;
};

// A fresh PostgreSQL database `name` with the current schema (db migrate); empty on failure.
QString freshQueue(const QString &name);
// A new API key on the database at `url` (`scope`: "submit,read", ...); empty on failure.
QByteArray createApiKey(const QString &url, const QString &name, const QString &scope);

} // namespace listinglens::test
