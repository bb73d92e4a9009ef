#pragma once

// One HTTP connection of HttpServer, on its network thread: reading a request
// under the limits, the head check, handing it to the server's thread,
// writing the answer, keep-alive, timeouts, draining a refused body. A class
// template over the stream (plain TCP or TLS), so it lives in this header,
// which only http_server.cpp includes: one idea in about 430 lines.

#include "http_connections_p.h"
#include "http_server_p.h"

#include "logging.h"

#include <QJsonObject>
#include <QMetaObject>
#include <QRandomGenerator>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <atomic>
#include <chrono>

namespace listinglens {

namespace http_detail {

namespace net = boost::asio;
namespace beast = boost::beast;
using tcp = net::ip::tcp;

inline QByteArray newRequestId()
{
    return QByteArray::number(QRandomGenerator::global()->generate64(), 16).rightJustified(16, '0');
}


template <class Stream>
class Session : public HttpSession, public std::enable_shared_from_this<Session<Stream>> {
public:
    static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

    // `shared` has counted it in `groups` (Shared::join); it leaves them when it goes.
    Session(std::shared_ptr<Shared> shared, Stream stream, PeerGroups groups, QHostAddress peer)
        : m_shared(std::move(shared)), m_stream(std::move(stream)), m_buffer(std::size_t(m_shared->limits.maxHeaderBytes) + 64 * 1024),
          m_groups(std::move(groups)), m_peer(peer)
    {
    }
    ~Session() override
    {
        releaseBody();
        m_shared->leave(this, m_groups);
    }

    void start()
    {
        if constexpr (kTls) {
            lowest().expires_after(ms(m_shared->limits.headTimeoutMs));
            m_stream.async_handshake(net::ssl::stream_base::server, [self = this->shared_from_this()](beast::error_code ec) {
                if (ec)
                    return self->close();
                self->waitForRequest();
            });
        } else {
            waitForRequest();
        }
    }

    // Over a cap: answer 503 at once and close, reading nothing.
    void refuseAtStart(const QString &why)
    {
        m_keepAlive = false;
        m_started = Clock::now();
        m_request.id = newRequestId();
        m_drain = true;
        m_drainLimit = 64 * 1024; // the request it has sent, not an upload
        // Named in the body as every 503 is, so that a client's report finds the log's line.
        const QJsonObject error{{QStringLiteral("code"), QStringLiteral("busy")},
                                {QStringLiteral("message"), why},
                                {QStringLiteral("request_id"), QString::fromLatin1(m_request.id)}};
        respond(HttpResponse::json(503, {{QStringLiteral("error"), error}})
                    .withHeader("Retry-After", QByteArray::number(m_shared->limits.retryAfterS)));
    }

    void deliver(quint64 serial, const HttpResponse &response) override
    {
        m_shared->whileOpen([&] {
            net::post(m_stream.get_executor(), [self = this->shared_from_this(), serial, response] {
                if (serial != self->m_serial || !self->m_waiting)
                    return; // answered already
                self->m_waiting = false;
                self->respond(response);
            });
        });
    }
    bool waiting(quint64 serial) const override { return m_waiting && serial == m_serial && !m_closed; }

    void displace() override
    {
        m_shared->whileOpen([&] {
            net::post(m_stream.get_executor(), [self = this->shared_from_this()] {
                if (self->m_awaitingHead)
                    self->close();
            });
        });
    }

private:
    static std::chrono::milliseconds ms(int v) { return std::chrono::milliseconds(v); }
    beast::tcp_stream &lowest() { return beast::get_lowest_layer(m_stream); }

    // Keep-alive: the next request's first byte must come within the idle
    // timeout; from then on the head and the whole request have deadlines.
    void waitForRequest()
    {
        m_request = {};
        awaitHead();
        if (m_buffer.size() > 0)
            return readHead();
        const HttpLimits &l = m_shared->limits;
        const bool busy = m_shared->connections > l.maxConnections / 4 * 3;
        lowest().expires_after(ms(busy ? std::min(l.idleTimeoutMs, l.busyIdleTimeoutMs) : l.idleTimeoutMs));
        m_stream.async_read_some(m_buffer.prepare(4096), [self = this->shared_from_this()](beast::error_code ec, std::size_t n) {
            if (ec)
                return self->close(); // idle timeout or the client left
            self->m_buffer.commit(n);
            self->readHead();
        });
    }

    // Waiting for a request's head: a newcomer over a cap may displace it.
    void awaitHead()
    {
        m_awaitingHead = true;
        m_shared->startWaiting(this, this->weak_from_this(), m_groups);
    }

    void readHead()
    {
        awaitHead();
        m_started = Clock::now();
        m_request.id = newRequestId();
        m_request.peer = m_peer;
        m_parser.emplace();
        prepareParser(*m_parser, m_shared->limits);
        lowest().expires_after(ms(std::min(m_shared->limits.headTimeoutMs, m_shared->limits.requestTimeoutMs)));
        http::async_read_header(m_stream, m_buffer, *m_parser, [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
            self->headRead(ec);
        });
    }

    void headRead(beast::error_code ec)
    {
        m_awaitingHead = false;
        m_shared->stopWaiting(this);
        // What the head says of the request (as much as was read) goes with any answer to the
        // request metric: a refusal from the head (411, 413, 431...) is counted under its method and route.
        const auto &m = m_parser->get();
        m_request.method = QByteArray(m.method_string().data(), qsizetype(m.method_string().size()));
        auto head = requestHead(m);
        if (const auto *read = std::get_if<HttpRequest>(&head))
            m_request.path = read->path;
        if (ec)
            return readFailed(ec);
        m_keepAlive = m.keep_alive();
        m_version = m.version() == 10 ? 10 : 11;
        m_length = m_parser->content_length().value_or(0);
        // A client that does not wait for 100-continue is sending its body already
        // (chunked ones too): read and drop it after a refusal, or the close resets the answer.
        m_expects = m_version == 11 && beast::iequals(m[http::field::expect], "100-continue");
        m_sending = !m_expects && (m_length > 0 || m.find(http::field::transfer_encoding) != m.end() || m_buffer.size() > 0);
        if (auto refused = checkHead(*m_parser, m_shared->limits))
            return refuse(*refused, m_sending);
        if (auto *refused = std::get_if<HttpRefusal>(&head))
            return refuse(*refused, m_sending);
        const QByteArray id = m_request.id;
        m_request = std::get<HttpRequest>(std::move(head));
        m_request.id = id;
        m_request.peer = m_peer;
        if (!m_shared->headCheck)
            return admitted({});
        // Nothing is read until the verdict comes, for at most the request's deadline.
        m_admitting = true;
        m_handling.expires_at(m_started + ms(m_shared->limits.requestTimeoutMs));
        m_handling.async_wait([self = this->shared_from_this()](beast::error_code timerEc) {
            if (!timerEc && self->m_admitting)
                self->close();
        });
        m_shared->headCheck(m_request, [shared = m_shared, weak = this->weak_from_this()](HttpServer::Admission verdict) {
            shared->whileOpen([&] {
                if (auto self = weak.lock())
                    net::post(self->m_stream.get_executor(),
                              [self, verdict = std::move(verdict)]() mutable { self->admitted(std::move(verdict)); });
            });
        });
    }

    // The head check let the request on (or refused it): its body is read,
    // counted against the bodies in flight as it arrives.
    void admitted(HttpServer::Admission verdict)
    {
        if (m_closed || (m_shared->headCheck && !m_admitting))
            return;
        m_admitting = false;
        m_handling.cancel();
        if (verdict.refusal) {
            m_keepAlive = false;
            m_drain = m_sending;
            return respond(*verdict.refusal);
        }
        if (auto refused = lengthRequired(*m_parser))
            return refuse(*refused, m_sending);
        m_request.admitted = std::move(verdict.context);
        if (m_length > 0 && m_shared->bodyBytes + qint64(m_length) > m_shared->limits.maxBodyBytesInFlight)
            return refuse(busy(), m_sending);
        if (m_expects && m_length > 0 && m_buffer.size() == 0) {
            static const char kContinue[] = "HTTP/1.1 100 Continue\r\n\r\n";
            lowest().expires_after(ms(m_shared->limits.writeTimeoutMs));
            return net::async_write(m_stream, net::buffer(kContinue, sizeof kContinue - 1),
                                    [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                                        if (ec)
                                            return self->close();
                                        self->readBody();
                                    });
        }
        readBody();
    }

    static HttpRefusal busy()
    {
        return {503, QStringLiteral("busy"), QStringLiteral("the server is receiving too many uploads; try again shortly")};
    }

    void readBody()
    {
        if (m_parser->is_done())
            return dispatch();
        lowest().expires_at(m_started + ms(m_shared->limits.requestTimeoutMs));
        http::async_read_some(m_stream, m_buffer, *m_parser, [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
            if (ec)
                return self->readFailed(ec);
            if (!self->countBody())
                return self->refuse(busy(), true);
            self->readBody();
        });
    }

    // The body's bytes so far join the bodies in flight; false past the cap.
    bool countBody()
    {
        const qint64 received = qint64(m_parser->get().body().size());
        if (received <= m_counted)
            return true;
        const qint64 inFlight = m_shared->bodyBytes += received - m_counted;
        m_counted = received;
        return inFlight <= m_shared->limits.maxBodyBytesInFlight;
    }

    void readFailed(beast::error_code ec)
    {
        if (auto refused = refusalFor(ec))
            return refuse(*refused, refused->status != 408); // a malformed request may still be arriving
        close();
    }

    // Hands the request to the handler on the server's thread; nothing more
    // is read from this connection until it is answered.
    void dispatch()
    {
        lowest().expires_never();
        HttpRequest request = m_request;
        std::string &body = m_parser->get().body();
        request.body = QByteArray(body.data(), qsizetype(body.size()));
        m_parser.reset();
        m_request.admitted.reset();
        m_waiting = true;
        // Nothing is read meanwhile: this wait is what keeps the connection
        // while the handler has the request (and it goes with the network
        // thread's work when the server is destroyed). It gives up after a
        // generous limit in case a handler never answers.
        m_handling.expires_after(std::chrono::minutes(10));
        m_handling.async_wait([self = this->shared_from_this()](beast::error_code ec) {
            if (!ec && self->m_waiting) {
                qCWarning(lcHttp) << "request" << self->m_request.id << "was never answered; closing its connection";
                self->close();
            }
        });
        const HttpResponder responder(this->weak_from_this(), ++m_serial, m_request.id);
        QMetaObject::invokeMethod(m_shared->server, [shared = m_shared, request = std::move(request), responder] {
            shared->handler(request, responder);
        }, Qt::QueuedConnection);
    }

    // Answers a request that cannot be served and closes the connection: the
    // rest of what the client sends cannot be trusted to be framed right.
    void refuse(const HttpRefusal &r, bool bodyComing)
    {
        m_keepAlive = false;
        m_drain = bodyComing;
        respond(HttpResponse::error(r.status, r.code, r.message)
                    .withHeader("Retry-After", r.status == 503 ? QByteArray::number(m_shared->limits.retryAfterS) : QByteArray()));
    }

    void respond(const HttpResponse &r)
    {
        m_handling.cancel(); // the write below holds the connection from here
        auto &res = m_response.emplace(http::status(r.status), m_version);
        res.set(http::field::content_type, beast::string_view(r.contentType.constData(), std::size_t(r.contentType.size())));
        res.set("X-Request-Id", beast::string_view(m_request.id.constData(), std::size_t(m_request.id.size())));
        for (const auto &[name, value] : r.headers)
            if (!value.isEmpty())
                res.insert(beast::string_view(name.constData(), std::size_t(name.size())),
                           beast::string_view(value.constData(), std::size_t(value.size())));
        res.reason(reasonPhrase(r.status).toStdString());
        // A HEAD answer has no content (RFC 9110); the API serves no HEAD, so these are refusals.
        if (m_request.method == "HEAD")
            m_keepAlive = false;
        else
            res.body().assign(r.body.constData(), std::size_t(r.body.size()));
        res.keep_alive(m_keepAlive);
        res.prepare_payload();
        const int status = r.status;
        lowest().expires_after(ms(m_shared->limits.writeTimeoutMs));
        http::async_write(m_stream, res, [self = this->shared_from_this(), status](beast::error_code ec, std::size_t) {
            self->answered(status);
            self->releaseBody();
            self->m_response.reset();
            if (ec)
                return self->close();
            if (!self->m_keepAlive)
                return self->finish();
            self->waitForRequest();
        });
    }

    void answered(int status)
    {
        HttpServer *server = m_shared->server;
        HttpRequest seen;
        seen.method = m_request.method;
        seen.path = m_request.path;
        seen.id = m_request.id;
        const double elapsed = std::chrono::duration<double, std::milli>(Clock::now() - m_started).count();
        QMetaObject::invokeMethod(server, [server, seen, status, elapsed] {
            if (server->onAnswered)
                server->onAnswered(seen, status, elapsed);
        }, Qt::QueuedConnection);
    }

    void releaseBody()
    {
        if (m_counted > 0)
            m_shared->bodyBytes -= m_counted;
        m_counted = 0;
    }

    // After the last answer: TLS says goodbye; plain TCP stops sending and
    // reads (and drops) what the client still sends for a moment, so that
    // it reads the answer rather than a reset.
    void finish()
    {
        m_closed = true;
        if constexpr (kTls) {
            lowest().expires_after(ms(2000));
            m_stream.async_shutdown([self = this->shared_from_this()](beast::error_code) { self->close(); });
        } else {
            beast::error_code ignored;
            lowest().socket().shutdown(tcp::socket::shutdown_send, ignored);
            if (!m_drain)
                return close();
            lowest().expires_after(ms(5000)); // long enough for a refused upload on a fast link
            drain(0);
        }
    }

    void drain(std::size_t drained)
    {
        m_buffer.clear();
        m_stream.async_read_some(m_buffer.prepare(64 * 1024), [self = this->shared_from_this(), drained](beast::error_code ec, std::size_t n) {
            if (ec || drained + n > self->m_drainLimit)
                return self->close();
            self->drain(drained + n);
        });
    }

    void close()
    {
        m_closed = true;
        m_waiting = false;
        m_admitting = false;
        m_awaitingHead = false;
        m_shared->stopWaiting(this);
        m_handling.cancel();
        beast::error_code ignored;
        lowest().socket().close(ignored);
    }

    std::shared_ptr<Shared> m_shared;
    Stream m_stream;
    net::steady_timer m_handling{m_stream.get_executor()};
    beast::flat_buffer m_buffer;
    std::optional<RequestParser> m_parser;
    std::optional<http::response<http::string_body>> m_response;
    HttpRequest m_request; // the current request's head (its body goes straight to the handler)
    PeerGroups m_groups;
    QHostAddress m_peer;
    Clock::time_point m_started = Clock::now();
    qint64 m_counted = 0; // body bytes counted in Shared::bodyBytes
    std::atomic<quint64> m_serial{0};
    std::atomic_bool m_waiting{false};
    std::atomic_bool m_closed{false};
    bool m_keepAlive = true;
    bool m_drain = false;
    bool m_awaitingHead = false; // idle, or its head not complete: displaceable
    bool m_admitting = false;    // the head check has the request
    bool m_expects = false;      // 100-continue
    bool m_sending = false;      // the body is (or may be) on its way already
    std::uint64_t m_length = 0;  // the declared Content-Length
    std::size_t m_drainLimit = 256 * 1024 * 1024;
    unsigned m_version = 11;
};

} // namespace http_detail

} // namespace listinglens
