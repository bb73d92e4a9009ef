#include "http_server_p.h"
#include "http_session_p.h"

#include "logging.h"

#include <QFile>

#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/steady_timer.hpp>

#include <thread>

namespace listinglens {

using namespace http_detail;

struct HttpServer::Private {
    std::shared_ptr<Shared> shared = std::make_shared<Shared>();
    net::io_context io{1};
    std::optional<net::ssl::context> tls;
    std::optional<tcp::acceptor> acceptor;
    net::steady_timer acceptPause{io};
    std::thread thread;
    quint16 port = 0;

    void accept()
    {
        acceptor->async_accept(net::make_strand(io), [this](beast::error_code ec, tcp::socket socket) {
            if (ec == net::error::operation_aborted)
                return;
            if (ec) { // out of descriptors, typically: try again shortly rather than spin
                qCWarning(lcHttp) << "accept failed:" << QString::fromStdString(ec.message());
                acceptPause.expires_after(std::chrono::milliseconds(100));
                return acceptPause.async_wait([this](beast::error_code waitEc) {
                    if (!waitEc)
                        accept();
                });
            }
            admit(std::move(socket));
            accept();
        });
    }

    // Caps: a newcomer over one displaces the connection of its group that has
    // waited longest for a request's head; when none waits, it is refused.
    void admit(tcp::socket socket)
    {
        beast::error_code ignored;
        const auto endpoint = socket.remote_endpoint(ignored);
        const QHostAddress peer(QString::fromStdString(endpoint.address().to_string()));
        const PeerGroups groups = peerGroups(peer);
        const HttpLimits &l = shared->limits;
        const Shared::Counts n = shared->join(groups);
        QString over;
        if (n.fromAddress > l.maxConnectionsPerAddress
            && !shared->makeRoom([&](const PeerGroups &g) { return g.address == groups.address; }))
            over = QStringLiteral("too many connections from your address; try again shortly");
        else if (l.maxConnectionsPerSubnet > 0 && n.fromSubnet > l.maxConnectionsPerSubnet
                 && !shared->makeRoom([&](const PeerGroups &g) { return g.subnet == groups.subnet; }))
            over = QStringLiteral("too many connections from your network; try again shortly");
        else if (n.open > l.maxConnections && !shared->makeRoom([](const PeerGroups &) { return true; }))
            over = QStringLiteral("the server has too many connections open; try again shortly");
        // Far over the cap, nothing is written at all: the descriptor is the resource.
        const bool drop = n.open > 2 * l.maxConnections || n.fromAddress > 2 * l.maxConnectionsPerAddress;
        if (tls) {
            auto s = std::make_shared<Session<beast::ssl_stream<beast::tcp_stream>>>(
                shared, beast::ssl_stream<beast::tcp_stream>(beast::tcp_stream(std::move(socket)), *tls), groups, peer);
            if (over.isEmpty())
                s->start();
            // over a cap with TLS: no handshake is spent on it; the session closes as it goes
        } else {
            auto s = std::make_shared<Session<beast::tcp_stream>>(shared, beast::tcp_stream(std::move(socket)), groups, peer);
            if (over.isEmpty())
                s->start();
            else if (!drop)
                s->refuseAtStart(over);
        }
    }
};

HttpResponder::HttpResponder(std::weak_ptr<HttpSession> session, quint64 serial, QByteArray requestId)
    : m_session(std::move(session)), m_serial(serial), m_requestId(std::move(requestId))
{
}

void HttpResponder::send(const HttpResponse &response) const
{
    if (auto s = m_session.lock())
        s->deliver(m_serial, response);
}

bool HttpResponder::isOpen() const
{
    auto s = m_session.lock();
    return s && s->waiting(m_serial);
}

HttpServer::HttpServer(Handler handler, HttpLimits limits, QObject *parent) : QObject(parent), d(std::make_unique<Private>())
{
    d->shared->handler = std::move(handler);
    d->shared->limits = limits;
    d->shared->server = this;
}

HttpServer::~HttpServer()
{
    d->shared->close(); // answers and verdicts from other threads are dropped from now on
    d->io.stop();
    if (d->thread.joinable())
        d->thread.join();
    d->acceptor.reset();
    // Destroying the context destroys every connection's pending work, and with it the connections.
}

void HttpServer::setHeadCheck(HeadCheck check)
{
    d->shared->headCheck = std::move(check);
}

const HttpLimits &HttpServer::limits() const
{
    return d->shared->limits;
}

Result<bool> HttpServer::setTls(const HttpTls &tls)
{
    if (!tls.enabled())
        return true;
    try {
        net::ssl::context context(net::ssl::context::tls_server);
        context.set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 | net::ssl::context::no_sslv3
                            | net::ssl::context::no_tlsv1 | net::ssl::context::no_tlsv1_1 | net::ssl::context::single_dh_use);
        context.use_certificate_chain_file(QFile::encodeName(tls.certificateFile).toStdString());
        context.use_private_key_file(QFile::encodeName(tls.privateKeyFile).toStdString(), net::ssl::context::pem);
        d->tls.emplace(std::move(context));
    } catch (const std::exception &e) {
        return Error{ErrorCode::InvalidArgument, QStringLiteral("cannot use the TLS certificate %1 and key %2: %3")
                                                     .arg(tls.certificateFile, tls.privateKeyFile, QString::fromLocal8Bit(e.what()))};
    }
    return true;
}

Result<quint16> HttpServer::listen(const QHostAddress &address, quint16 port)
{
    try {
        beast::error_code ec;
        // "*" (QHostAddress::Any) is every address, IPv6 and IPv4, as QTcpServer had it.
        const bool any = address == QHostAddress(QHostAddress::Any);
        const auto ip = any ? net::ip::address(net::ip::address_v6::any()) : net::ip::make_address(address.toString().toStdString(), ec);
        if (ec)
            return Error{ErrorCode::InvalidArgument, QStringLiteral("cannot listen on %1: not an IP address").arg(address.toString())};
        tcp::endpoint endpoint(ip, port);
        d->acceptor.emplace(d->io);
        d->acceptor->open(endpoint.protocol(), ec);
        if (ec && any) { // no IPv6 on this machine
            endpoint = tcp::endpoint(net::ip::address_v4::any(), port);
            ec = {};
            d->acceptor->open(endpoint.protocol());
        } else if (ec) {
            throw boost::system::system_error(ec);
        }
        if (endpoint.address().is_v6() && any)
            d->acceptor->set_option(net::ip::v6_only(false));
        d->acceptor->set_option(net::socket_base::reuse_address(true));
        d->acceptor->bind(endpoint);
        d->acceptor->listen(net::socket_base::max_listen_connections);
        d->port = d->acceptor->local_endpoint().port();
    } catch (const std::exception &e) {
        d->acceptor.reset();
        return Error{ErrorCode::InvalidArgument,
                     QStringLiteral("cannot listen on %1:%2: %3").arg(address.toString()).arg(port).arg(QString::fromLocal8Bit(e.what()))};
    }
    d->accept();
    d->thread = std::thread([this] {
        for (;;) {
            try {
                d->io.run();
                return;
            } catch (const std::exception &e) {
                qCWarning(lcHttp) << "HTTP network thread:" << e.what();
            }
        }
    });
    return d->port;
}

} // namespace listinglens
