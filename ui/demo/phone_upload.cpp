#include "phone_upload.h"

#include "http_server.h"
#include "image_header.h"
#include "logging.h"
#include "multipart.h"

#include <QDateTime>
#include <QFile>
#include <QMutex>
#include <QNetworkInterface>
#include <QRandomGenerator>
#include <QSet>
#include <QTemporaryDir>

#include <algorithm>

namespace listinglens::ui {

namespace {

constexpr auto kPathPrefix = QLatin1String("/p/");

QByteArray page(const QString &title, const QString &body)
{
    // Small and self-contained: a phone on the shop's Wi-Fi has nothing else to fetch.
    return QStringLiteral(
               "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
               "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
               "<title>%1 · ListingLens</title><style>"
               "body{margin:0;font-family:system-ui,sans-serif;background:#f4f6f8;color:#1d2733}"
               "main{max-width:28rem;margin:0 auto;padding:2.5rem 1.5rem;text-align:center}"
               "h1{font-size:1.9rem;margin:.2rem 0 .8rem}p{font-size:1.1rem;line-height:1.5;color:#4a5663}"
               ".brand{font-weight:700;color:#1565c0;letter-spacing:.04em}"
               ".camera{display:block;margin:2rem 0 1rem;padding:1.4rem;border-radius:1rem;background:#1565c0;color:#fff;"
               "font-size:1.4rem;font-weight:600;cursor:pointer}"
               ".camera input{display:block;margin:.8rem auto 0;font-size:.9rem;color:#dbe7f7;max-width:100%}"
               "button{font-size:1.2rem;padding:.8rem 2rem;border:0;border-radius:.8rem;background:#2e7d32;color:#fff}"
               ".big{font-size:4rem;margin:0}"
               "</style></head><body><main><div class=\"brand\">ListingLens</div>%2</main></body></html>")
        .arg(title.toHtmlEscaped(), body)
        .toUtf8();
}

// retakePath: the form's path, for a "Take another photo" link (a refused
// upload leaves the link valid); empty: none.
HttpResponse htmlAnswer(int status, const QString &title, const QString &text, const QString &retakePath = {})
{
    QString body = QStringLiteral("<h1>%1</h1><p>%2</p>").arg(title.toHtmlEscaped(), text.toHtmlEscaped());
    if (!retakePath.isEmpty())
        body += QStringLiteral("<p><a id=\"retake\" class=\"camera\" href=\"%1\">%2</a></p>")
                    .arg(retakePath.toHtmlEscaped(), PhoneUpload::tr("Take another photo").toHtmlEscaped());
    return HttpResponse::text(status, page(title, body), "text/html; charset=utf-8").withHeader("Cache-Control", "no-store");
}

HttpResponse formPage(const QString &token)
{
    const QString action = kPathPrefix + token;
    const QString body = QStringLiteral(
        "<h1>Take a photo</h1><p>of the item you want to sell. We do the rest: category, price, title and description.</p>"
        "<form id=\"f\" method=\"post\" enctype=\"multipart/form-data\" action=\"%1\">"
        "<label class=\"camera\">Open the camera"
        "<input id=\"photo\" type=\"file\" name=\"photo\" accept=\"image/*\" capture=\"environment\" required></label>"
        "<button id=\"send\" type=\"submit\">Send photo</button></form>"
        "<script>var sent=false;var f=document.getElementById('f');"
        "f.addEventListener('submit',function(e){if(sent){e.preventDefault();}sent=true;});"
        "document.getElementById('photo').addEventListener('change',function(){if(this.files.length&&!sent){sent=true;f.submit();}});"
        "</script>").arg(action);
    return HttpResponse::text(200, page(QStringLiteral("Take a photo"), body), "text/html; charset=utf-8")
        .withHeader("Cache-Control", "no-store");
}

QString extensionFor(ImageFormat format)
{
    switch (format) {
    case ImageFormat::Jpeg: return QStringLiteral("jpg");
    case ImageFormat::Png: return QStringLiteral("png");
    case ImageFormat::WebP: return QStringLiteral("webp");
    case ImageFormat::Bmp: return QStringLiteral("bmp");
    case ImageFormat::Tiff: return QStringLiteral("tiff");
    }
    return QStringLiteral("img");
}

// Equal strings in a time that does not depend on where they differ.
bool sameToken(const QString &a, const QString &b)
{
    if (a.size() != b.size())
        return false;
    ushort diff = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        diff |= a.at(i).unicode() ^ b.at(i).unicode();
    return diff == 0;
}

// The server's caps. One phone at a time uses the page: tight ones, so that a
// client on the LAN without the token cannot crowd it out (its uploads are
// refused at the head, before their body; these bound what is left:
// connections and slow heads).
HttpLimits serverLimits()
{
    HttpLimits limits;
    limits.maxBodyBytes = PhoneUpload::kMaxPhotoBytes + 64 * 1024; // the form's own parts around the photo
    limits.maxConnections = 16;
    // A phone's browser opens a few at once (the page, its icon, a preconnect,
    // the upload); a stranger without the token is answered at the head anyway,
    // and idle connections (anyone's) make room for a newcomer. The phone
    // shares its subnet with everyone on the Wi-Fi: no cap per subnet.
    limits.maxConnectionsPerAddress = 4;
    limits.maxConnectionsPerSubnet = 0;
    limits.maxBodyBytesInFlight = 60LL * 1024 * 1024;
    limits.headTimeoutMs = 5'000;
    limits.idleTimeoutMs = 15'000;
    limits.requestTimeoutMs = 60'000; // 25 MB in a minute: 3.5 Mbit/s, a weak Wi-Fi link
    return limits;
}

HttpResponse refusalPage(int status)
{
    if (status == 410)
        return htmlAnswer(410, PhoneUpload::tr("This link was used"),
                          PhoneUpload::tr("Each QR code takes one photo. Scan the new code on the big screen."));
    if (status == 404)
        return htmlAnswer(404, PhoneUpload::tr("Not here"), PhoneUpload::tr("Scan the QR code on the big screen to take a photo."));
    return htmlAnswer(403, PhoneUpload::tr("Not a valid link"), PhoneUpload::tr("Scan the QR code on the big screen to take a photo."));
}

} // namespace

struct PhoneUpload::TokenGate {
    mutable QMutex mutex;
    QString token;
    QDateTime expires;
    QSet<QString> spent; // used or expired tokens: 410 rather than 403

    // 0: the current token; otherwise the HTTP status that refuses the path (404, 403, 410).
    int status(const QString &path) const
    {
        if (!path.startsWith(kPathPrefix))
            return 404;
        const QString given = path.mid(kPathPrefix.size());
        QMutexLocker lock(&mutex);
        if (!token.isEmpty() && sameToken(given, token) && QDateTime::currentDateTimeUtc() < expires)
            return 0;
        return spent.contains(given) || sameToken(given, token) ? 410 : 403;
    }
};

PhoneUpload::PhoneUpload(QObject *parent) : QObject(parent), m_gate(std::make_shared<TokenGate>())
{
    m_expiry.setSingleShot(true);
    connect(&m_expiry, &QTimer::timeout, this, [this] {
        spendToken();
        newToken();
    });
}

PhoneUpload::~PhoneUpload()
{
    m_server.reset(); // joins its network thread before anything its callbacks reach goes
}

QHostAddress PhoneUpload::chooseLanAddress(const QList<Candidate> &candidates)
{
    static const QStringList unreachable{QStringLiteral("docker"), QStringLiteral("br-"),      QStringLiteral("veth"),
                                         QStringLiteral("virbr"),  QStringLiteral("tun"),      QStringLiteral("tap"),
                                         QStringLiteral("wg"),     QStringLiteral("tailscale"), QStringLiteral("zt"),
                                         QStringLiteral("vmnet"),  QStringLiteral("vboxnet"),  QStringLiteral("lxc"),
                                         QStringLiteral("cni"),    QStringLiteral("flannel"),  QStringLiteral("podman")};
    const auto isPrivate = [](const QHostAddress &a) {
        return a.isInSubnet(QHostAddress(QStringLiteral("10.0.0.0")), 8) || a.isInSubnet(QHostAddress(QStringLiteral("172.16.0.0")), 12)
               || a.isInSubnet(QHostAddress(QStringLiteral("192.168.0.0")), 16);
    };
    QHostAddress best;
    int bestScore = -1;
    for (const Candidate &c : candidates) {
        if (c.address.protocol() != QAbstractSocket::IPv4Protocol || c.address.isLoopback() || c.address.isLinkLocal() || c.virtualType)
            continue;
        if (std::any_of(unreachable.begin(), unreachable.end(), [&](const QString &p) { return c.interfaceName.startsWith(p); }))
            continue;
        const int score = (c.wireless ? 4 : c.wired ? 2 : 0) + (isPrivate(c.address) ? 1 : 0);
        if (score > bestScore) { // the first of equals: the order the system lists them in
            best = c.address;
            bestScore = score;
        }
    }
    return best;
}

QHostAddress PhoneUpload::lanAddress()
{
    QList<Candidate> candidates;
    for (const QNetworkInterface &i : QNetworkInterface::allInterfaces()) {
        const auto flags = i.flags();
        if (!(flags & QNetworkInterface::IsUp) || !(flags & QNetworkInterface::IsRunning) || (flags & QNetworkInterface::IsLoopBack))
            continue;
        for (const QNetworkAddressEntry &e : i.addressEntries())
            candidates.append({i.name(), i.type() == QNetworkInterface::Wifi, i.type() == QNetworkInterface::Ethernet,
                               i.type() == QNetworkInterface::Virtual, e.ip()});
    }
    // A presenter's choice, when it is one of this machine's addresses.
    if (const QHostAddress chosen(qEnvironmentVariable("LISTINGLENS_PHONE_ADDRESS")); !chosen.isNull()) {
        if (std::any_of(candidates.begin(), candidates.end(), [&](const Candidate &c) { return c.address == chosen; }))
            return chosen;
        qCWarning(lcHttp).noquote() << QStringLiteral("LISTINGLENS_PHONE_ADDRESS=%1 is not an address of this machine; choosing one")
                                           .arg(chosen.toString());
    }
    const QHostAddress best = chooseLanAddress(candidates);
    return best.isNull() ? QHostAddress(QHostAddress::LocalHost) : best;
}

Result<quint16> PhoneUpload::start(const QHostAddress &address, quint16 port)
{
    if (m_server)
        return m_port;
    auto server = std::make_unique<HttpServer>(
        [this](const HttpRequest &request, const HttpResponder &responder) { handle(request, responder); }, serverLimits());
    // Only a request for the current token gets its body read (a GET may carry
    // one too); handle() checks again, the token may be spent meanwhile. The
    // server is joined before this object goes (~PhoneUpload), so the queued
    // signal always finds it.
    server->setHeadCheck([this, gate = m_gate](const HttpRequest &head, const HttpServer::Admit &admit) {
        const int status = gate->status(head.path);
        if (status == 0)
            return admit({});
        if (status == 403)
            QMetaObject::invokeMethod(this, [this] { Q_EMIT uploadRefused(tr("A phone tried a link that is not valid")); },
                                      Qt::QueuedConnection);
        admit({refusalPage(status), {}});
    });
    const QHostAddress at = address.isNull() ? lanAddress() : address;
    const auto listening = server->listen(at, port);
    if (!listening)
        return listening.error();
    if (!m_dir) { // one folder for the window's life: the session may still be reading earlier photos
        auto dir = std::make_unique<QTemporaryDir>(); // 0700: photos from the phone are nobody else's to read
        if (!dir->isValid())
            return Error{ErrorCode::IoError, tr("No private temporary folder for photos from the phone: %1").arg(dir->errorString())};
        m_dir = std::move(dir);
    }
    m_server = std::move(server);
    m_address = at;
    m_port = listening.value();
    {
        QMutexLocker lock(&m_gate->mutex);
        m_gate->spent.clear();
    }
    newToken();
    qCInfo(lcHttp) << "phone upload page on" << at.toString() << "port" << m_port;
    return m_port;
}

void PhoneUpload::stop()
{
    if (!m_server)
        return;
    m_expiry.stop();
    m_server.reset(); // joins its network thread; open connections close
    {
        QMutexLocker lock(&m_gate->mutex);
        m_gate->token.clear();
        m_gate->spent.clear();
    }
    // The photos stay until the window goes: the session may still be reading them.
    Q_EMIT urlChanged({});
}

QUrl PhoneUpload::url() const
{
    if (!m_server)
        return {};
    QUrl url;
    url.setScheme(QStringLiteral("http"));
    url.setHost(m_address.toString());
    url.setPort(m_port);
    QMutexLocker lock(&m_gate->mutex);
    url.setPath(kPathPrefix + m_gate->token);
    return url;
}

void PhoneUpload::newToken()
{
    quint32 words[4];
    QRandomGenerator::system()->fillRange(words);
    QString token;
    for (quint32 w : words)
        token += QStringLiteral("%1").arg(w, 8, 16, QLatin1Char('0'));
    {
        QMutexLocker lock(&m_gate->mutex);
        m_gate->token = token;
        m_gate->expires = QDateTime::currentDateTimeUtc().addMSecs(m_lifetimeMs);
    }
    m_expiry.start(m_lifetimeMs);
    Q_EMIT urlChanged(url());
}

void PhoneUpload::spendToken()
{
    QMutexLocker lock(&m_gate->mutex);
    m_gate->spent.insert(m_gate->token);
}

void PhoneUpload::extendToken()
{
    {
        QMutexLocker lock(&m_gate->mutex);
        m_gate->expires = QDateTime::currentDateTimeUtc().addMSecs(m_lifetimeMs);
    }
    m_expiry.start(m_lifetimeMs);
}

void PhoneUpload::handle(const HttpRequest &request, const HttpResponder &responder)
{
    if (const int status = m_gate->status(request.path); status != 0) {
        if (status == 403)
            Q_EMIT uploadRefused(tr("A phone tried a link that is not valid"));
        responder.send(refusalPage(status));
        return;
    }
    if (request.method == "GET") {
        extendToken(); // the time to take the photo counts from the page
        responder.send(formPage(request.path.mid(kPathPrefix.size())));
        return;
    }
    if (request.method == "POST") {
        upload(request, responder);
        return;
    }
    responder.send(htmlAnswer(405, tr("Not allowed"), tr("Open the link in your phone's browser.")).withHeader("Allow", "GET, POST"));
}

void PhoneUpload::upload(const HttpRequest &request, const HttpResponder &responder)
{
    const QString retake = request.path; // a refused upload leaves the link valid: the phone takes another photo there
    const QByteArray type = request.header("content-type");
    if (!type.trimmed().toLower().startsWith("multipart/form-data")) {
        responder.send(htmlAnswer(415, tr("Not a photo"), tr("Send the photo from the page's form."), retake));
        return;
    }
    const auto part = photoPart(request.body, type);
    if (!part) {
        responder.send(htmlAnswer(400, tr("No photo"), tr("The form arrived without a photo. Try again."), retake));
        return;
    }
    const QByteArray &bytes = part.value().bytes;
    if (bytes.size() > kMaxPhotoBytes) {
        responder.send(htmlAnswer(413, tr("Photo too large"), tr("Photos up to %1 MB are taken.").arg(kMaxPhotoBytes >> 20), retake));
        return;
    }
    const auto header = readImageHeader({reinterpret_cast<const std::uint8_t *>(bytes.constData()), std::size_t(bytes.size())});
    if (!header) {
        const bool notImage = header.error().code == ErrorCode::UnsupportedFormat || header.error().code == ErrorCode::Empty;
        Q_EMIT uploadRefused(notImage ? tr("A phone sent something that is not a photo; it can take another")
                                      : tr("A phone sent a damaged photo; it can take another"));
        responder.send(notImage ? htmlAnswer(415, tr("Not a photo"), tr("Only photos are taken (JPEG, PNG, WebP, BMP, TIFF)."), retake)
                                : htmlAnswer(422, tr("Photo damaged"),
                                             tr("The photo could not be read (%1). Take it again.").arg(header.error().message), retake));
        return;
    }
    const QString path = m_dir->filePath(QStringLiteral("phone-photo-%1.%2").arg(++m_received).arg(extensionFor(header.value().format)));
    QFile file(path);
    const bool opened = file.open(QIODevice::WriteOnly | QIODevice::NewOnly);
    if (!opened || file.write(bytes) != bytes.size() || !file.flush()) {
        qCWarning(lcHttp) << "phone upload: cannot write" << path << file.errorString();
        if (opened) { // a partial photo is not left behind
            file.close();
            file.remove();
        }
        responder.send(htmlAnswer(500, tr("Not saved"), tr("The big screen could not keep the photo. Try again."), request.path));
        return;
    }
    file.close();
    spendToken();
    newToken();
    responder.send(htmlAnswer(200, tr("Done — look at the big screen"), tr("Your listing is being written there now.")));
    Q_EMIT photoReceived(path);
}

} // namespace listinglens::ui
