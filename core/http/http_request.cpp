#include "http_server_p.h"

#include <QJsonDocument>
#include <QUrl>

#include <boost/asio/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/core/error.hpp>

#include <algorithm>

namespace listinglens {

namespace http_detail {

namespace {

HttpRefusal refusal(int status, const char *code, const QString &message)
{
    return {status, QString::fromLatin1(code), message};
}

// Fields that say how the message is framed or who sends it: one of each, or
// a proxy and this server might read the request differently.
constexpr const char *kSingularFields[] = {"content-length", "transfer-encoding", "host", "authorization", "content-type",
                                           "idempotency-key", "content-disposition", "expect", "connection"};

} // namespace

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 413: return "Content Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    default: { // the rest as Beast names them (it knows every registered status)
        const auto known = http::obsolete_reason(http::int_to_status(unsigned(status)));
        return known.empty() ? QByteArray("Unknown") : QByteArray(known.data(), qsizetype(known.size()));
    }
    }
}

void prepareParser(RequestParser &parser, const HttpLimits &limits)
{
    parser.header_limit(std::uint32_t(limits.maxHeaderBytes));
    parser.body_limit(std::uint64_t(limits.maxBodyBytes));
}

std::optional<HttpRefusal> checkHead(const RequestParser &parser, const HttpLimits &limits)
{
    const auto &m = parser.get();
    if (m.version() != 10 && m.version() != 11)
        return refusal(505, "http_version", QStringLiteral("only HTTP/1.0 and HTTP/1.1 are served"));
    for (const char *name : kSingularFields) {
        const auto [first, last] = m.equal_range(name);
        const auto n = std::distance(first, last);
        if (n > 1)
            return refusal(400, "bad_request", QStringLiteral("the request has %1 %2 fields; send one").arg(n).arg(QLatin1String(name)));
    }
    if (m.find(http::field::transfer_encoding) != m.end())
        return refusal(411, "length_required", QStringLiteral("send the body with a Content-Length (chunked uploads are not accepted)"));
    if (const auto length = parser.content_length(); length && *length > std::uint64_t(limits.maxBodyBytes))
        return refusal(413, "too_large", QStringLiteral("the upload is %1 bytes; the limit is %2 bytes").arg(*length).arg(limits.maxBodyBytes));
    const auto target = m.target();
    if (target.empty() || target.front() != '/')
        return refusal(400, "bad_request", QStringLiteral("the request target must be a path (origin form)"));
    return std::nullopt;
}

std::optional<HttpRefusal> lengthRequired(const RequestParser &parser)
{
    // A method that carries a body says how long it is (RFC 9110 15.5.12), even when it is empty.
    const auto &m = parser.get();
    const auto verb = m.method();
    if ((verb == http::verb::post || verb == http::verb::put || verb == http::verb::patch) && !parser.content_length())
        return refusal(411, "length_required",
                       QStringLiteral("a %1 needs a Content-Length (0 for an empty body)")
                           .arg(QString::fromLatin1(m.method_string().data(), qsizetype(m.method_string().size()))));
    return std::nullopt;
}

std::optional<HttpRefusal> refusalFor(const boost::beast::error_code &ec)
{
    if (ec == http::error::end_of_stream || ec == http::error::partial_message || ec == boost::asio::error::eof
        || ec == boost::asio::error::connection_reset || ec == boost::asio::error::operation_aborted)
        return std::nullopt;
    if (ec == boost::beast::error::timeout)
        return std::nullopt; // Beast has closed the socket: a deadline ends the connection without an answer
    if (ec == http::error::header_limit)
        return refusal(431, "headers_too_large", QStringLiteral("the request head is too large"));
    if (ec == http::error::body_limit)
        return refusal(413, "too_large", QStringLiteral("the body is over the limit"));
    if (ec.category() == make_error_code(http::error::bad_target).category())
        return refusal(400, "bad_request", QStringLiteral("malformed request: %1").arg(QString::fromStdString(ec.message())));
    return std::nullopt; // a socket or TLS error: the connection is gone
}

std::variant<HttpRequest, HttpRefusal> requestHead(const RequestParser::value_type &message)
{
    HttpRequest r;
    r.method = QByteArray(message.method_string().data(), qsizetype(message.method_string().size()));
    const auto target = message.target();
    const QUrl url = QUrl::fromEncoded(QByteArray(target.data(), qsizetype(target.size())), QUrl::StrictMode);
    if (!url.isValid() || !url.isRelative() || !url.host().isEmpty())
        return refusal(400, "bad_request", QStringLiteral("the request target is not a valid path"));
    r.path = url.path();
    r.query = QUrlQuery(url);
    for (const auto &field : message) {
        QByteArray name(field.name_string().data(), qsizetype(field.name_string().size()));
        r.headers.insert(name.toLower(), QByteArray(field.value().data(), qsizetype(field.value().size())));
    }
    return r;
}

std::variant<HttpRequest, HttpRefusal> toRequest(RequestParser::value_type &message)
{
    auto head = requestHead(message);
    if (auto *r = std::get_if<HttpRequest>(&head)) {
        std::string &body = message.body();
        r->body = QByteArray(body.data(), qsizetype(body.size()));
        std::string().swap(body);
    }
    return head;
}

} // namespace http_detail

PeerGroups peerGroups(const QHostAddress &peer)
{
    bool isV4 = false;
    const quint32 v4 = peer.toIPv4Address(&isV4); // IPv4-mapped IPv6 addresses too
    if (isV4)
        return {QHostAddress(v4).toString().toStdString(), QHostAddress(v4 & 0xFFFFFF00u).toString().toStdString() + "/24"};
    const Q_IPV6ADDR a = peer.toIPv6Address();
    const auto prefix = [&a](int bytes) {
        Q_IPV6ADDR p{};
        std::copy(a.c, a.c + bytes, p.c);
        return QHostAddress(p).toString().toStdString() + "/" + std::to_string(bytes * 8);
    };
    return {prefix(8), prefix(6)};
}

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

std::variant<HttpRequest, HttpRefusal> parseHttpRequest(QByteArrayView raw, const HttpLimits &limits)
{
    using namespace http_detail;
    RequestParser parser;
    prepareParser(parser, limits);
    boost::beast::error_code ec;
    std::size_t used = 0;
    bool headChecked = false;
    while (!parser.is_done()) {
        if (used >= std::size_t(raw.size()) && parser.got_some()) // a body cut short (found by fuzzing: an empty put never errs)
            return HttpRefusal{408, QStringLiteral("timeout"), QStringLiteral("the request is incomplete")};
        const std::size_t n = parser.put(boost::asio::const_buffer(raw.data() + used, std::size_t(raw.size()) - used), ec);
        used += n;
        if (ec == http::error::need_more) {
            ec = {};
            if (used >= std::size_t(raw.size()) || n == 0)
                return HttpRefusal{408, QStringLiteral("timeout"), QStringLiteral("the request is incomplete")};
        }
        if (ec)
            break;
        if (parser.is_header_done() && !headChecked) {
            headChecked = true;
            if (auto refused = checkHead(parser, limits))
                return *refused;
            if (auto refused = lengthRequired(parser))
                return *refused;
        }
    }
    if (ec) {
        auto refused = refusalFor(ec);
        return refused ? *refused : HttpRefusal{400, QStringLiteral("bad_request"), QString::fromStdString(ec.message())};
    }
    return toRequest(parser.get());
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
