#include "http_server.h"

#include "logging.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>
#include <QUrl>

namespace listinglens {

namespace {

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 411: return "Length Required";
    case 413: return "Content Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Status";
    }
}

} // namespace

HttpResponse HttpResponse::json(int status, const QJsonObject &object)
{
    HttpResponse r;
    r.status = status;
    r.body = QJsonDocument(object).toJson(QJsonDocument::Compact);
    return r;
}

HttpResponse HttpResponse::error(int status, const QString &code, const QString &message)
{
    return json(status, {{QStringLiteral("error"), QJsonObject{{QStringLiteral("code"), code}, {QStringLiteral("message"), message}}}});
}

HttpResponse HttpResponse::text(int status, const QByteArray &body, const QByteArray &contentType)
{
    HttpResponse r;
    r.status = status;
    r.body = body;
    r.contentType = contentType;
    return r;
}

// One client connection: reads a request, hands it to the handler, and reads
// the next only after the answer has been written.
class HttpConnection : public QObject {
public:
    HttpConnection(HttpServer *server, QTcpSocket *socket) : QObject(server), m_server(server), m_socket(socket)
    {
        socket->setParent(this);
        connect(socket, &QTcpSocket::readyRead, this, [this] { readMore(); });
        connect(socket, &QTcpSocket::disconnected, this, [this] { deleteLater(); });
        m_idle.setSingleShot(true);
        m_idle.setInterval(server->limits().idleTimeoutMs);
        connect(&m_idle, &QTimer::timeout, this, [this] { m_socket->abort(); deleteLater(); });
        m_idle.start();
    }

    void answer(quint64 serial, const HttpResponse &response)
    {
        if (serial != m_serial || !m_waiting)
            return; // already answered
        m_waiting = false;
        write(response, m_closeAfter);
        if (m_server->onAnswered)
            m_server->onAnswered(m_request, response.status, m_timer.nsecsElapsed() / 1e6);
        m_request = {};
        if (m_closeAfter)
            return;
        m_idle.start();
        QTimer::singleShot(0, this, [this] { readMore(); }); // a pipelined request may be buffered
    }

    bool waiting(quint64 serial) const { return m_waiting && serial == m_serial; }

private:
    enum class State { Head, Body };

    void write(const HttpResponse &r, bool close)
    {
        QByteArray out = "HTTP/1.1 " + QByteArray::number(r.status) + ' ' + reasonPhrase(r.status) + "\r\n";
        out += "Content-Type: " + r.contentType + "\r\n";
        out += "Content-Length: " + QByteArray::number(r.body.size()) + "\r\n";
        for (const auto &[name, value] : r.headers)
            out += name + ": " + value + "\r\n";
        if (close)
            out += "Connection: close\r\n";
        out += "\r\n";
        out += r.body;
        m_socket->write(out);
        if (close && m_discard <= 0)
            m_socket->disconnectFromHost();
    }

    // Refuses the request and closes: what is left of it cannot be trusted.
    // A body the client is already sending is read and dropped first (up to
    // `discard` bytes), so that the client reads the answer rather than a reset.
    void refuse(int status, const QString &code, const QString &message, qint64 discard = 0)
    {
        m_state = State::Head;
        m_closeAfter = true;
        m_waiting = false;
        constexpr qint64 kMostDiscarded = 256LL * 1024 * 1024;
        const bool drain = discard > m_buffer.size() && discard <= kMostDiscarded;
        m_discard = drain ? discard - m_buffer.size() : 0;
        m_buffer.clear();
        write(HttpResponse::error(status, code, message), true);
        if (drain)
            connect(m_socket, &QTcpSocket::readyRead, this, [this] {
                m_discard -= m_socket->skip(m_discard);
                if (m_discard <= 0)
                    m_socket->disconnectFromHost();
            });
        if (m_server->onAnswered)
            m_server->onAnswered(m_request, status, m_timer.nsecsElapsed() / 1e6);
    }

    void readMore()
    {
        if (m_waiting || m_closeAfter)
            return; // one request at a time; the rest stays buffered in the socket
        m_idle.start(); // a client that stops sending mid-request is dropped after the idle timeout
        m_buffer += m_socket->readAll();
        if (m_state == State::Head && !parseHead())
            return;
        if (m_state == State::Body) {
            if (m_buffer.size() < m_bodyLength)
                return;
            m_request.body = m_buffer.left(m_bodyLength);
            m_buffer.remove(0, m_bodyLength);
            m_state = State::Head;
            dispatch();
        }
    }

    // False while the head is incomplete or was refused.
    bool parseHead()
    {
        const qsizetype end = m_buffer.indexOf("\r\n\r\n");
        if (end < 0) {
            if (m_buffer.size() > m_server->limits().maxHeaderBytes)
                refuse(431, QStringLiteral("headers_too_large"), QStringLiteral("the request head is over %1 bytes").arg(m_server->limits().maxHeaderBytes));
            return false;
        }
        m_timer.start();
        m_request = {};
        const QList<QByteArray> lines = m_buffer.left(end).split('\n');
        m_buffer.remove(0, end + 4);
        const QList<QByteArray> start = lines.value(0).trimmed().split(' ');
        if (start.size() != 3 || !start[2].startsWith("HTTP/1.")) {
            refuse(400, QStringLiteral("bad_request"), QStringLiteral("not an HTTP/1.x request line"));
            return false;
        }
        m_request.method = start[0];
        const QUrl url(QString::fromLatin1(start[1]));
        m_request.path = url.path();
        m_request.query = QUrlQuery(url);
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const QByteArray line = lines[i].trimmed();
            const qsizetype colon = line.indexOf(':');
            if (colon <= 0) {
                refuse(400, QStringLiteral("bad_request"), QStringLiteral("a malformed header line"));
                return false;
            }
            m_request.headers.insert(line.left(colon).trimmed().toLower(), line.mid(colon + 1).trimmed());
        }
        const bool http10 = start[2] == "HTTP/1.0";
        const QByteArray connection = m_request.header("connection").toLower();
        m_closeAfter = http10 ? !connection.contains("keep-alive") : connection.contains("close");
        if (m_request.headers.contains("transfer-encoding")) {
            refuse(411, QStringLiteral("length_required"), QStringLiteral("send the body with a Content-Length (chunked uploads are not accepted)"));
            return false;
        }
        bool ok = true;
        const QByteArray lengthHeader = m_request.header("content-length");
        m_bodyLength = lengthHeader.isEmpty() ? 0 : lengthHeader.toLongLong(&ok);
        if (!ok || m_bodyLength < 0) {
            refuse(400, QStringLiteral("bad_request"), QStringLiteral("Content-Length is not a number"));
            return false;
        }
        if (m_bodyLength > m_server->limits().maxBodyBytes) {
            const bool expectsContinue = m_request.header("expect").toLower() == "100-continue";
            refuse(413, QStringLiteral("too_large"),
                   QStringLiteral("the upload is %1 bytes; the limit is %2 bytes").arg(m_bodyLength).arg(m_server->limits().maxBodyBytes),
                   expectsContinue ? 0 : m_bodyLength);
            return false;
        }
        if (m_bodyLength > 0 && m_request.header("expect").toLower() == "100-continue" && m_buffer.isEmpty())
            m_socket->write("HTTP/1.1 100 Continue\r\n\r\n");
        m_state = State::Body;
        return true;
    }

    void dispatch()
    {
        m_idle.stop(); // a long poll may take longer than the idle timeout
        m_waiting = true;
        ++m_serial;
        m_server->m_handler(m_request, HttpResponder(this, m_serial));
    }

    HttpServer *m_server;
    QTcpSocket *m_socket;
    QByteArray m_buffer;
    State m_state = State::Head;
    qint64 m_bodyLength = 0;
    qint64 m_discard = 0;
    HttpRequest m_request;
    bool m_waiting = false;
    bool m_closeAfter = false;
    quint64 m_serial = 0;
    QTimer m_idle;
    QElapsedTimer m_timer;
};

HttpResponder::HttpResponder(HttpConnection *connection, quint64 serial) : m_connection(connection), m_serial(serial)
{
}

void HttpResponder::send(const HttpResponse &response) const
{
    if (m_connection)
        m_connection->answer(m_serial, response);
}

bool HttpResponder::isOpen() const
{
    return m_connection && m_connection->waiting(m_serial);
}

HttpServer::HttpServer(Handler handler, HttpLimits limits, QObject *parent)
    : QObject(parent), m_handler(std::move(handler)), m_limits(limits), m_server(new QTcpServer(this))
{
    connect(m_server, &QTcpServer::newConnection, this, [this] {
        while (QTcpSocket *socket = m_server->nextPendingConnection())
            new HttpConnection(this, socket);
    });
}

HttpServer::~HttpServer() = default;

Result<quint16> HttpServer::listen(const QHostAddress &address, quint16 port)
{
    if (!m_server->listen(address, port))
        return Error{ErrorCode::InvalidArgument,
                     QStringLiteral("cannot listen on %1:%2: %3").arg(address.toString()).arg(port).arg(m_server->errorString())};
    return m_server->serverPort();
}

quint16 HttpServer::port() const
{
    return m_server->serverPort();
}

Result<QPair<QHostAddress, quint16>> parseListenAddress(const QString &text)
{
    const qsizetype colon = text.lastIndexOf(QLatin1Char(':'));
    bool ok = false;
    const uint port = colon > 0 ? text.mid(colon + 1).toUInt(&ok) : 0;
    if (colon <= 0 || !ok || port > 65535)
        return Error{ErrorCode::InvalidArgument, QStringLiteral("\"%1\" is not HOST:PORT (for example 127.0.0.1:8080)").arg(text)};
    QString host = text.left(colon);
    if (host.startsWith(QLatin1Char('[')) && host.endsWith(QLatin1Char(']')))
        host = host.mid(1, host.size() - 2);
    QHostAddress address;
    if (host == QLatin1String("*"))
        address = QHostAddress::Any;
    else if (host == QLatin1String("localhost"))
        address = QHostAddress::LocalHost;
    else if (!address.setAddress(host))
        return Error{ErrorCode::InvalidArgument, QStringLiteral("\"%1\" is not an IP address (use 0.0.0.0, 127.0.0.1, [::] or *)").arg(host)};
    return QPair<QHostAddress, quint16>(address, quint16(port));
}

} // namespace listinglens
