#include "service_client.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QStandardPaths>

#include <csignal>

namespace listinglens::cli {

namespace {

// listinglens-server beside this executable (the build puts both in build/app/),
// else the one on PATH.
QString serverExecutable()
{
    const QString beside = QCoreApplication::applicationDirPath() + QStringLiteral("/listinglens-server");
    if (QFileInfo(beside).isExecutable())
        return beside;
    const QString onPath = QStandardPaths::findExecutable(QStringLiteral("listinglens-server"));
    return onPath.isEmpty() ? beside : onPath;
}

} // namespace

ServiceProcess::ServiceProcess(const QStringList &args, const QString &readyPattern, QString *captured)
{
    m_process.setProgram(serverExecutable());
    // The database URL goes to the child in its environment: its command line
    // (with the password) would be readable by every local user.
    QStringList childArgs = args;
    if (const qsizetype i = childArgs.indexOf(QStringLiteral("--db")); i >= 0 && i + 1 < childArgs.size()) {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("LISTINGLENS_DB"), childArgs.at(i + 1));
        m_process.setProcessEnvironment(env);
        childArgs.remove(i, 2);
    }
    m_process.setArguments(childArgs);
    m_process.setProcessChannelMode(QProcess::SeparateChannels);
    m_process.setStandardOutputFile(QProcess::nullDevice());
    m_process.setReadChannel(QProcess::StandardError);
    m_process.start();
    const QRegularExpression ready(readyPattern);
    QElapsedTimer waited;
    waited.start();
    while (waited.elapsed() < 60'000 && m_process.state() != QProcess::NotRunning) {
        m_process.waitForReadyRead(200);
        m_log += QString::fromUtf8(m_process.readAllStandardError());
        const auto m = ready.match(m_log);
        if (m.hasMatch()) {
            m_ready = true;
            if (captured)
                *captured = m.captured(1);
            return;
        }
    }
}

QString queueDatabaseUrl(const QCommandLineParser &parser, const QString &command)
{
    const QString url = databaseUrl(parser, {});
    if (url.startsWith(QLatin1String("postgres")))
        return url;
    printError(QStringLiteral("%1 needs --db postgresql://... (the queue lives in PostgreSQL)").arg(command));
    return {};
}

std::unique_ptr<ServiceProcess> startServe(const QString &url, const QStringList &args, quint16 *port)
{
    QString captured;
    auto serve = std::make_unique<ServiceProcess>(QStringList{QStringLiteral("serve"), QStringLiteral("--db"), url, QStringLiteral("--listen"),
                                                              QStringLiteral("127.0.0.1:0"), QStringLiteral("--no-auth")} // loopback
                                                      + args,
                                                  QStringLiteral("serving http://[^:]+:(\\d+)"), &captured);
    if (!serve->ready()) {
        printError(QStringLiteral("serve did not start:\n") + serve->log());
        return nullptr;
    }
    *port = quint16(captured.toUInt());
    return serve;
}

std::unique_ptr<ServiceProcess> startWorker(const QString &url, const QStringList &args)
{
    auto worker = std::make_unique<ServiceProcess>(QStringList{QStringLiteral("worker"), QStringLiteral("--db"), url} + args, QStringLiteral("taking jobs"));
    if (!worker->ready()) {
        printError(QStringLiteral("a worker did not start:\n") + worker->log());
        return nullptr;
    }
    return worker;
}

ServiceProcess::~ServiceProcess()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    ::kill(pid_t(m_process.processId()), SIGTERM);
    if (!m_process.waitForFinished(20'000))
        m_process.kill();
    m_process.waitForFinished(5'000);
}

void ServiceProcess::drain()
{
    m_log += QString::fromUtf8(m_process.readAllStandardError());
    if (m_log.size() > 64 * 1024)
        m_log = m_log.right(64 * 1024);
}

void ServiceProcess::killHard()
{
    drain();
    m_process.kill(); // SIGKILL on Unix
    m_process.waitForFinished(10'000);
}

QJsonObject httpExchange(QTcpSocket &socket, const QByteArray &head, const QByteArray &body, int *status)
{
    *status = 0;
    if (socket.state() != QAbstractSocket::ConnectedState)
        return {};
    socket.write(head + "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body);
    QByteArray in;
    qsizetype headEnd = -1;
    qint64 length = -1;
    int answered = 0;
    while (socket.waitForReadyRead(90'000)) {
        in += socket.readAll();
        if (headEnd < 0 && (headEnd = in.indexOf("\r\n\r\n")) >= 0) {
            static const QRegularExpression re(QStringLiteral("content-length:\\s*(\\d+)"), QRegularExpression::CaseInsensitiveOption);
            length = re.match(QString::fromLatin1(in.left(headEnd))).captured(1).toLongLong();
            answered = in.mid(9, 3).toInt();
        }
        if (headEnd >= 0 && in.size() >= headEnd + 4 + length) {
            *status = answered;
            return QJsonDocument::fromJson(in.mid(headEnd + 4, length)).object();
        }
    }
    return {};
}

QStringList modelArguments(const QCommandLineParser &parser, const ModelOptions &model)
{
    QStringList args;
    for (const QCommandLineOption *o : {&model.modelDir, &model.manifest, &model.taxonomy, &model.device, &model.threads, &model.batch})
        if (parser.isSet(*o))
            args << QStringLiteral("--") + o->names().constFirst() << parser.value(*o);
    return args;
}

std::optional<std::vector<QByteArray>> readPhotos(const QStringList &paths)
{
    std::vector<QByteArray> photos;
    for (const QString &path : paths) {
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly)) {
            printError(QStringLiteral("cannot read %1: %2").arg(path, f.errorString()));
            return std::nullopt;
        }
        photos.push_back(f.readAll());
    }
    return photos;
}

} // namespace listinglens::cli
