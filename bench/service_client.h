#pragma once

// What the commands that drive the services from outside (http, soak)
// share: `serve` and `worker` as child processes (listinglens-server), a lean
// blocking HTTP client, and the photos they send. Everything here runs on the
// calling thread; a ServiceProcess belongs to the thread that made it.

#include "cli_common.h"

#include <QJsonObject>
#include <QProcess>
#include <QTcpSocket>

#include <memory>
#include <vector>

namespace listinglens::cli {

// A child `listinglens-server serve|worker` (beside this executable), started in the
// constructor, which waits up to a minute for `readyPattern` on its stderr
// (its first capture group in `captured`). Stopped with SIGTERM when it goes
// out of scope.
class ServiceProcess {
public:
    ServiceProcess(const QStringList &args, const QString &readyPattern, QString *captured = nullptr);
    ~ServiceProcess();
    ServiceProcess(const ServiceProcess &) = delete;
    ServiceProcess &operator=(const ServiceProcess &) = delete;

    bool ready() const { return m_ready; }
    bool running() const { return m_process.state() != QProcess::NotRunning; }
    // Reads what the child wrote to stderr since, so that its pipe never fills;
    // keeps the last 64 KB.
    void drain();
    QString log() const { return m_log; }
    // SIGKILL, as a crash or the OOM killer would; waits for the exit.
    void killHard();

private:
    QProcess m_process;
    QString m_log;
    bool m_ready = false;
};

// The database of --db when it is PostgreSQL (where the queue lives); else
// says so for `command` and returns an empty string.
QString queueDatabaseUrl(const QCommandLineParser &parser, const QString &command);

// `serve` on a free loopback port, without authentication, with `args`
// after its database and address; its port in *port. Null, with its log
// printed, when it did not start.
std::unique_ptr<ServiceProcess> startServe(const QString &url, const QStringList &args, quint16 *port);
// A `worker` on the database with `args`; null, with its log printed, when it did not start.
std::unique_ptr<ServiceProcess> startWorker(const QString &url, const QStringList &args);

// One request on a kept-alive connection, blocking: `head` is the request
// line and headers without Content-Length or the blank line. The answer's
// JSON body; *status 0 when the connection failed or closed first (the
// socket is then of no further use).
QJsonObject httpExchange(QTcpSocket &socket, const QByteArray &head, const QByteArray &body, int *status);

// The model options given on this command line, to pass on to child services.
QStringList modelArguments(const QCommandLineParser &parser, const ModelOptions &model);

// The contents of each file; prints the error and returns nullopt when one cannot be read.
std::optional<std::vector<QByteArray>> readPhotos(const QStringList &paths);

} // namespace listinglens::cli
