#pragma once

#include "error.h"

#include <QHostAddress>
#include <QObject>
#include <QTimer>
#include <QUrl>

#include <memory>

class QTemporaryDir;

namespace listinglens {
class HttpServer;
struct HttpRequest;
class HttpResponder;
} // namespace listinglens

namespace listinglens::ui {

// "Take a photo with your phone": a small page on the local network, served
// by the project's HTTP server (core/http) while presentation mode is open.
// The link carries a one-time token (128 random bits from the system's
// generator): it takes one photo, then a new token (and QR code) replaces
// it; unused, it expires kTokenLifetime after it was issued or its page was
// last served (a phone that opened the page late still has the time to take
// the photo). A wrong token is refused with 403, a used or expired one with
// 410, and either before the body is read (HttpServer's head check): nobody
// without the token can hold the server's memory with an upload. The server's
// caps are tight besides: sixteen connections, four per address, a 5 s head,
// a 60 s request, 60 MB of bodies in flight; idle connections give their
// place to a newcomer (the phone), so strangers on the network cannot hold
// the slots by connecting and waiting. A body that is not a JPEG, PNG, WebP,
// BMP or TIFF with 415. A photo that passes is written to a private temporary
// folder and handed on (photoReceived) for the same bounded checks and
// classification as any opened file.
//
// Threads: the server's network thread reads and writes, and runs the head
// check (the token, read under a mutex); every request is handled here, on
// the thread that created this object (the GUI thread); handling is cheap (a
// header check and one file write of a bounded body).
class PhoneUpload : public QObject {
    Q_OBJECT
public:
    static constexpr int kTokenLifetimeS = 15 * 60;
    static constexpr qint64 kMaxPhotoBytes = 25 * 1024 * 1024; // a phone's full-size JPEG is 3-12 MB

    explicit PhoneUpload(QObject *parent = nullptr);
    ~PhoneUpload() override;

    // Listens on address:port (port 0: any free one). A null address: the
    // machine's LAN address (lanAddress()).
    Result<quint16> start(const QHostAddress &address = {}, quint16 port = 0);
    void stop();
    bool isRunning() const { return m_server != nullptr; }

    // How long an unused token lasts (kTokenLifetimeS unless changed; for tests).
    void setTokenLifetimeMs(int ms) { m_lifetimeMs = ms; }

    // The page for the current token; empty while not running.
    QUrl url() const;
    quint16 port() const { return m_port; }

    // The address a phone on the same Wi-Fi can reach: $LISTINGLENS_PHONE_ADDRESS
    // when it names one of this machine's, else the best of its interfaces
    // (chooseLanAddress), else 127.0.0.1.
    static QHostAddress lanAddress();

    // An interface's IPv4 address, as lanAddress() weighs it.
    struct Candidate {
        QString interfaceName;
        bool wireless = false, wired = false, virtualType = false;
        QHostAddress address;
    };
    // Wi-Fi before Ethernet before the rest; never a container bridge, VPN
    // tunnel or virtual machine's network (docker0, br-*, veth*, virbr*, tun*,
    // tap*, wg*, tailscale*, zt*, vmnet*, vboxnet*), which a phone cannot reach;
    // private ranges before public ones. Null when none qualifies.
    static QHostAddress chooseLanAddress(const QList<Candidate> &candidates);

Q_SIGNALS:
    void urlChanged(const QUrl &url);
    void photoReceived(const QString &path);
    // A refusal the presenter may want to see (a wrong token, not a photo).
    void uploadRefused(const QString &why);

private:
    void handle(const HttpRequest &request, const HttpResponder &responder);
    void upload(const HttpRequest &request, const HttpResponder &responder);
    void newToken();
    void spendToken();
    // The current token lasts its lifetime again from now (its page was served).
    void extendToken();

    // The current token, its expiry and the spent ones: read by the head check
    // on the server's network thread, written here.
    struct TokenGate;
    std::shared_ptr<TokenGate> m_gate;
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<HttpServer> m_server; // after what its callbacks use: it goes first
    QHostAddress m_address;
    quint16 m_port = 0;
    QTimer m_expiry;
    int m_received = 0;
    int m_lifetimeMs = kTokenLifetimeS * 1000;
};

} // namespace listinglens::ui
