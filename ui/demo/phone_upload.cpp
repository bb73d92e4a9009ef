#include "phone_upload.h"

#include "http_server.h"
#include "image_header.h"
#include "logging.h"
#include "multipart.h"

#include <QFile>
#include <QNetworkInterface>
#include <QRandomGenerator>
#include <QTemporaryDir>

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
               ".camera input{display:block;margin:.8rem auto 0;font-size:.9rem;color:#dbe7f7;max-width:100%%}"
               "button{font-size:1.2rem;padding:.8rem 2rem;border:0;border-radius:.8rem;background:#2e7d32;color:#fff}"
               ".big{font-size:4rem;margin:0}"
               "</style></head><body><main><div class=\"brand\">ListingLens</div>%2</main></body></html>")
        .arg(title.toHtmlEscaped(), body)
        .toUtf8();
}

HttpResponse htmlAnswer(int status, const QString &title, const QString &text)
{
    return HttpResponse::text(status, page(title, QStringLiteral("<h1>%1</h1><p>%2</p>").arg(title.toHtmlEscaped(), text.toHtmlEscaped())),
                              "text/html; charset=utf-8")
        .withHeader("Cache-Control", "no-store");
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

} // namespace

PhoneUpload::PhoneUpload(QObject *parent) : QObject(parent)
{
    m_expiry.setSingleShot(true);
    connect(&m_expiry, &QTimer::timeout, this, [this] {
        m_spent.insert(m_token);
        newToken();
    });
}

PhoneUpload::~PhoneUpload() = default;

QHostAddress PhoneUpload::lanAddress()
{
    for (const QNetworkInterface &i : QNetworkInterface::allInterfaces()) {
        const auto flags = i.flags();
        if (!(flags & QNetworkInterface::IsUp) || !(flags & QNetworkInterface::IsRunning) || (flags & QNetworkInterface::IsLoopBack))
            continue;
        for (const QNetworkAddressEntry &e : i.addressEntries()) {
            const QHostAddress a = e.ip();
            if (a.protocol() == QAbstractSocket::IPv4Protocol && !a.isLoopback() && !a.isLinkLocal())
                return a;
        }
    }
    return QHostAddress(QHostAddress::LocalHost);
}

Result<quint16> PhoneUpload::start(const QHostAddress &address, quint16 port)
{
    if (m_server)
        return m_port;
    HttpLimits limits;
    limits.maxBodyBytes = kMaxPhotoBytes + 64 * 1024; // the form's own parts around the photo
    limits.maxConnections = 32;
    limits.maxConnectionsPerAddress = 8;
    limits.maxBodyBytesInFlight = 4 * limits.maxBodyBytes;
    limits.requestTimeoutMs = 180'000; // a full-size photo over a weak Wi-Fi link
    auto server = std::make_unique<HttpServer>(
        [this](const HttpRequest &request, const HttpResponder &responder) { handle(request, responder); }, limits);
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
    m_spent.clear();
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
    m_token.clear();
    m_spent.clear();
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
    url.setPath(kPathPrefix + m_token);
    return url;
}

void PhoneUpload::newToken()
{
    quint32 words[4];
    QRandomGenerator::system()->fillRange(words);
    m_token.clear();
    for (quint32 w : words)
        m_token += QStringLiteral("%1").arg(w, 8, 16, QLatin1Char('0'));
    m_tokenExpires = QDateTime::currentDateTimeUtc().addMSecs(m_lifetimeMs);
    m_expiry.start(m_lifetimeMs);
    Q_EMIT urlChanged(url());
}

int PhoneUpload::tokenStatus(const QString &token) const
{
    if (!m_token.isEmpty() && sameToken(token, m_token) && QDateTime::currentDateTimeUtc() < m_tokenExpires)
        return 0;
    return m_spent.contains(token) || sameToken(token, m_token) ? 410 : 403;
}

void PhoneUpload::handle(const HttpRequest &request, const HttpResponder &responder)
{
    if (!request.path.startsWith(kPathPrefix)) {
        responder.send(htmlAnswer(404, tr("Not here"), tr("Scan the QR code on the big screen to take a photo.")));
        return;
    }
    const QString token = request.path.mid(kPathPrefix.size());
    if (const int status = tokenStatus(token); status != 0) {
        if (status == 403)
            Q_EMIT uploadRefused(tr("A phone tried a link that is not valid"));
        responder.send(status == 410 ? htmlAnswer(410, tr("This link was used"),
                                                  tr("Each QR code takes one photo. Scan the new code on the big screen."))
                                     : htmlAnswer(403, tr("Not a valid link"),
                                                  tr("Scan the QR code on the big screen to take a photo.")));
        return;
    }
    if (request.method == "GET") {
        responder.send(formPage(token));
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
    const QByteArray type = request.header("content-type");
    if (!type.trimmed().toLower().startsWith("multipart/form-data")) {
        responder.send(htmlAnswer(415, tr("Not a photo"), tr("Send the photo from the page's form.")));
        return;
    }
    const auto part = photoPart(request.body, type);
    if (!part) {
        responder.send(htmlAnswer(400, tr("No photo"), tr("The form arrived without a photo. Try again.")));
        return;
    }
    const QByteArray &bytes = part.value().bytes;
    if (bytes.size() > kMaxPhotoBytes) {
        responder.send(htmlAnswer(413, tr("Photo too large"), tr("Photos up to %1 MB are taken.").arg(kMaxPhotoBytes >> 20)));
        return;
    }
    const auto header = readImageHeader({reinterpret_cast<const std::uint8_t *>(bytes.constData()), std::size_t(bytes.size())});
    if (!header) {
        const bool notImage = header.error().code == ErrorCode::UnsupportedFormat || header.error().code == ErrorCode::Empty;
        Q_EMIT uploadRefused(tr("A phone sent something that is not a photo"));
        responder.send(notImage ? htmlAnswer(415, tr("Not a photo"), tr("Only photos are taken (JPEG, PNG, WebP, BMP, TIFF)."))
                                : htmlAnswer(422, tr("Photo damaged"), tr("The photo could not be read (%1). Take it again.")
                                                                            .arg(header.error().message)));
        return;
    }
    const QString path = m_dir->filePath(QStringLiteral("phone-photo-%1.%2").arg(++m_received).arg(extensionFor(header.value().format)));
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::NewOnly) || file.write(bytes) != bytes.size() || !file.flush()) {
        qCWarning(lcHttp) << "phone upload: cannot write" << path << file.errorString();
        responder.send(htmlAnswer(500, tr("Not saved"), tr("The big screen could not keep the photo. Try again.")));
        return;
    }
    file.close();
    m_spent.insert(m_token);
    newToken();
    responder.send(htmlAnswer(200, tr("Done — look at the big screen"), tr("Your listing is being written there now.")));
    Q_EMIT photoReceived(path);
}

} // namespace listinglens::ui
