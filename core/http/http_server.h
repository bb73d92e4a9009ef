#pragma once

#include "error.h"

#include <QByteArray>
#include <QHash>
#include <QHostAddress>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QUrlQuery>

#include <any>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace listinglens {

struct HttpRequest {
    QByteArray method;
    QString path;                         // decoded, without the query
    QUrlQuery query;
    QHash<QByteArray, QByteArray> headers; // names in lower case; at most one of each that has meaning here
    QByteArray body;
    QByteArray id;                        // request id, also sent back as X-Request-Id
    QHostAddress peer;
    std::any admitted;                    // what the head check let it on with (HttpServer::Admission)

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

class HttpSession;

// Answers one request, now or later (a long poll). Copies share the request;
// the first send() wins, and a send() after the client went away does nothing.
// Thread-safe.
class HttpResponder {
public:
    HttpResponder() = default;
    HttpResponder(std::weak_ptr<HttpSession> session, quint64 serial, QByteArray requestId);
    void send(const HttpResponse &response) const;
    bool isOpen() const;
    const QByteArray &requestId() const { return m_requestId; } // for the server log

private:
    std::weak_ptr<HttpSession> m_session;
    quint64 m_serial = 0;
    QByteArray m_requestId;
};

struct HttpLimits {
    qint64 maxBodyBytes = 30 * 1024 * 1024;   // larger bodies get 413 before they are read
    int maxHeaderBytes = 16 * 1024;           // request line and fields: 431 beyond
    int idleTimeoutMs = 30'000;               // keep-alive: from one answer to the next request's first byte
    int headTimeoutMs = 10'000;               // from a request's first byte to the end of its head
    int requestTimeoutMs = 120'000;           // from a request's first byte to the end of its body: 408
    int writeTimeoutMs = 30'000;              // to write an answer
    // Connections open at once, from one client address (an IPv4 address, or
    // an IPv6 /64: one host may use all of it) and from one subnet (an IPv4
    // /24, an IPv6 /48; 0: no cap). A newcomer over a cap displaces the
    // connection of its group that has waited longest for a request's head
    // (idle keep-alive, or a head not yet complete); when none waits, 503 with
    // Retry-After, then close.
    int maxConnections = 512;
    int maxConnectionsPerAddress = 64;
    int maxConnectionsPerSubnet = 256;
    // Past 3/4 of maxConnections, an idle keep-alive connection waits at most this long.
    int busyIdleTimeoutMs = 2'000;
    // Bodies in flight on all connections, counted as their bytes arrive
    // (nothing is reserved for a declared length) until they are answered.
    qint64 maxBodyBytesInFlight = 256LL * 1024 * 1024;
    int retryAfterS = 5;
};

// The groups a connection from `peer` counts in for HttpLimits' caps: its
// address (an IPv4 address, IPv4-mapped ones alike, or an IPv6 /64) and its
// subnet (an IPv4 /24 or an IPv6 /48), as text keys.
struct PeerGroups {
    std::string address;
    std::string subnet;
};
PeerGroups peerGroups(const QHostAddress &peer);

struct HttpTls {
    QString certificateFile; // PEM, the chain
    QString privateKeyFile;  // PEM
    bool enabled() const { return !certificateFile.isEmpty(); }
};

// The HTTP/1.1 server of the API and of the workers' metrics, on Boost.Beast
// (docs/operations/services.md, "HTTP layer": why Beast). Beast parses strictly (bare CR or LF,
// a malformed Content-Length, a Content-Length with Transfer-Encoding or
// an oversized head are errors); this adds what the API needs on top:
// - a deadline for the whole request (head and body), not per byte;
// - caps on connections, per client address, and on body bytes in flight
//   (503 with Retry-After);
// - one request at a time per connection, and nothing read while it is
//   handled or parked (a long poll), so nothing is buffered meanwhile;
// - duplicate framing or identity fields, chunked bodies and non-origin
//   targets refused; HTTP/1.0 and Connection: close answered and closed;
// - TLS with OpenSSL when a certificate is given;
// - optionally, a check of each request's head before any of its body is
//   read (setHeadCheck): route, method, credentials. A request the server
//   will refuse anyway costs one head read; nothing is read meanwhile.
//
// Threads: one network thread runs every connection (reads, writes,
// timers). The handler runs on the thread that created the server (a Qt
// event loop must run there), and so does onAnswered. Responders may send
// from any thread.
class HttpServer : public QObject {
    Q_OBJECT
public:
    using Handler = std::function<void(const HttpRequest &request, const HttpResponder &responder)>;
    // The head check's verdict: a refusal answers the request at once, and the
    // connection closes without keeping the body (what the client still sends
    // is drained and dropped); otherwise the body is read and the request goes
    // to the handler with `context` as HttpRequest::admitted.
    struct Admission {
        std::optional<HttpResponse> refusal;
        std::any context;
    };
    // Called once with the verdict, from any thread, now or later (a key
    // looked up on a pool); after the server is destroyed it does nothing.
    using Admit = std::function<void(Admission)>;
    // Looks at a request once its head is read, before any of its body is:
    // method, path (decoded; the request has a valid one), query and headers,
    // without the body. Runs on the network thread, so it must not wait: work
    // that waits goes elsewhere and calls `admit` when done. The connection
    // reads nothing until then, for at most the request's deadline.
    using HeadCheck = std::function<void(const HttpRequest &head, Admit admit)>;

    explicit HttpServer(Handler handler, HttpLimits limits = {}, QObject *parent = nullptr);
    ~HttpServer() override;

    // TLS for every connection of this server; call before listen().
    Result<bool> setTls(const HttpTls &tls);
    // The head-stage check for every request of this server; call before listen().
    void setHeadCheck(HeadCheck check);
    Result<quint16> listen(const QHostAddress &address, quint16 port);
    const HttpLimits &limits() const;

    // Called for every answer sent, refusals included (metrics): the request
    // as far as it was read, the status, and the time from its first byte.
    std::function<void(const HttpRequest &request, int status, double ms)> onAnswered;

    struct Private;

private:
    std::unique_ptr<Private> d;
};

// "HOST:PORT" (HOST may be an IPv4 address, [IPv6], "localhost" or "*") to an address and port.
Result<QPair<QHostAddress, quint16>> parseListenAddress(const QString &text);

// A whole request as it arrived on a connection, through the server's own
// parser and checks (for tests and the fuzzer). The refusal's code is the
// HTTP status the server would answer with, its message the reason.
struct HttpRefusal {
    int status = 400;
    QString code;
    QString message;
};
std::variant<HttpRequest, HttpRefusal> parseHttpRequest(QByteArrayView raw, const HttpLimits &limits = {});

} // namespace listinglens
