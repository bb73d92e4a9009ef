#pragma once

#include "error.h"

#include <QByteArray>
#include <QHash>
#include <QHostAddress>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QUrlQuery>

#include <functional>

class QTcpServer;

namespace listinglens {

struct HttpRequest {
    QByteArray method;
    QString path;                         // decoded, without the query
    QUrlQuery query;
    QHash<QByteArray, QByteArray> headers; // names in lower case
    QByteArray body;

    QByteArray header(const char *lowerCaseName) const { return headers.value(QByteArray(lowerCaseName)); }
};

struct HttpResponse {
    int status = 200;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
    QByteArray contentType = "application/json";

    static HttpResponse json(int status, const QJsonObject &object);
    // {"error": {"code", "message"}}: every refusal of the API looks like this.
    static HttpResponse error(int status, const QString &code, const QString &message);
    static HttpResponse text(int status, const QByteArray &body, const QByteArray &contentType);
    HttpResponse &withHeader(const QByteArray &name, const QByteArray &value)
    {
        headers.append({name, value});
        return *this;
    }
};

class HttpConnection;

// Answers one request, now or later (a long poll). Copies share the request;
// the first send() wins, and a send() after the client went away does nothing.
class HttpResponder {
public:
    HttpResponder() = default;
    HttpResponder(HttpConnection *connection, quint64 serial);
    void send(const HttpResponse &response) const;
    bool isOpen() const;

private:
    QPointer<HttpConnection> m_connection;
    quint64 m_serial = 0;
};

struct HttpLimits {
    qint64 maxBodyBytes = 30 * 1024 * 1024; // larger bodies get 413 before they are read
    int maxHeaderBytes = 16 * 1024;
    int idleTimeoutMs = 60'000;             // a connection with no complete request in this long is closed
};

// A small HTTP/1.1 server on QTcpServer for the job API: keep-alive, one
// request at a time per connection (answers stay in order), Content-Length
// bodies with a limit enforced from the header (413 without reading the body,
// 100-continue honoured), and handlers that may answer later. Chunked request
// bodies are refused with 411. Qt's QHttpServer 6.4 was not used: it reads
// any body into memory without a limit and cannot defer an answer safely.
// Lives on the thread that created it.
class HttpServer : public QObject {
    Q_OBJECT
public:
    using Handler = std::function<void(const HttpRequest &request, const HttpResponder &responder)>;

    explicit HttpServer(Handler handler, HttpLimits limits = {}, QObject *parent = nullptr);
    ~HttpServer() override;

    Result<quint16> listen(const QHostAddress &address, quint16 port);
    quint16 port() const;
    const HttpLimits &limits() const { return m_limits; }

    // Called for every answer sent (metrics): the request's method and path, the status.
    std::function<void(const HttpRequest &request, int status, double ms)> onAnswered;

private:
    friend class HttpConnection;
    Handler m_handler;
    HttpLimits m_limits;
    QTcpServer *m_server = nullptr;
};

// "HOST:PORT" (HOST may be an IPv4 address, [IPv6], "localhost" or "*") to an address and port.
Result<QPair<QHostAddress, quint16>> parseListenAddress(const QString &text);

} // namespace listinglens
