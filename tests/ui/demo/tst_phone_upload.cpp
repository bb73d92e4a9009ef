// The phone upload page presentation mode serves, driven in a real headless
// Chromium (tests/support/phone_page_browser.py over the DevTools protocol)
// and by hand with Qt Network for the refusals: its QR code, tokens that
// expire, uploads refused before their body, the address and port.
#include "card_note.h"
#include "fixtures.h"
#include "main_window.h"
#include "phone_http.h"
#include "phone_upload.h"
#include "photo_list_model.h"
#include "photo_strip.h"
#include "presentation_view.h"
#include "qr_code.h"
#include "window_fixture.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>

using namespace listinglens;
using namespace listinglens::ui;
using namespace listinglens::test;

namespace {

// Whether `image` is a QR code of `text` as a camera would find it: a white
// quiet zone of four modules, the three finder patterns in their corners, and
// the modules libqrencode gives for the text. (Debian's OpenCV is built
// without its QR decoder, quirc, so the text itself is not read back.)
QString qrMismatch(const QImage &image, const QByteArray &text)
{
    if (image.isNull() || image.width() != image.height())
        return QStringLiteral("no square image");
    const QImage g = image.convertToFormat(QImage::Format_Grayscale8);
    auto dark = [&](int x, int y) { return qGray(g.pixel(x, y)) < 128; };
    int first = -1; // the top-left finder's corner, on the diagonal
    for (int i = 0; i < g.width() && first < 0; ++i)
        if (dark(i, i))
            first = i;
    if (first <= 0)
        return QStringLiteral("no dark module");
    int run = 0;
    while (first + run < g.width() && dark(first + run, first))
        ++run;
    const int ms = run / 7;
    if (ms < 1 || run % 7 != 0 || first != 4 * ms)
        return QStringLiteral("no finder pattern with a four-module quiet zone (run %1 at %2)").arg(run).arg(first);
    const int modules = g.width() / ms - 8;
    static const char *kFinder[7] = {"1111111", "1000001", "1011101", "1011101", "1011101", "1000001", "1111111"};
    for (const QPoint corner : {QPoint(0, 0), QPoint(modules - 7, 0), QPoint(0, modules - 7)})
        for (int y = 0; y < 7; ++y)
            for (int x = 0; x < 7; ++x)
                if (dark((corner.x() + x + 4) * ms + ms / 2, (corner.y() + y + 4) * ms + ms / 2) != (kFinder[y][x] == '1'))
                    return QStringLiteral("finder pattern broken at module %1,%2").arg(corner.x() + x).arg(corner.y() + y);
    if (qrCodeImage(text, ms).convertToFormat(QImage::Format_Grayscale8) != g)
        return QStringLiteral("the modules are not those of %1").arg(QString::fromUtf8(text));
    return {};
}

} // namespace

class TestPhoneUpload : public QObject, public test::WindowTest {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        setUpWindowTests(QStringLiteral("tst_phone_upload"));
        m_chromium = qEnvironmentVariable("LISTINGLENS_CHROMIUM");
        if (m_chromium.isEmpty())
            m_chromium = QStandardPaths::findExecutable(QStringLiteral("chromium"));
        m_python = QStandardPaths::findExecutable(QStringLiteral("python3"));
    }

    void init() { QVERIFY(openOwnWindow()); }
    void cleanup() { closeWindow(); }

    void refusesWrongUsedAndNonImageUploads()
    {
        m_window->setPresentation(true);
        PresentationView *view = m_window->presentationView();
        const QUrl url = view->phoneUrl();
        QVERIFY2(url.isValid() && !url.isEmpty(), qPrintable(view->phoneError()));
        QCOMPARE(qrMismatch(view->qrImage(), url.toEncoded()), QString()); // the code on the screen is the link
        const QString token = url.path().section(QLatin1Char('/'), -1);
        QCOMPARE(token.size(), 32); // 128 bits in hex
        QNetworkAccessManager net;

        const Answer form = get(net, url);
        QCOMPARE(form.status, 200);
        QVERIFY(form.body.contains("accept=\"image/*\""));
        QVERIFY(form.body.contains("capture=\"environment\""));

        QUrl wrong = url;
        wrong.setPath(QStringLiteral("/p/") + QString(token).replace(0, 1, token.at(0) == QLatin1Char('0') ? QStringLiteral("1") : QStringLiteral("0")));
        QCOMPARE(get(net, wrong).status, 403);
        QCOMPARE(postPhoto(net, wrong, fileBytes(photo("toaster.jpg")), "image/jpeg").status, 403);
        QUrl root = url;
        root.setPath(QStringLiteral("/"));
        QCOMPARE(get(net, root).status, 404);

        // Not a photo: 415, and the link still takes one.
        const Answer text = postPhoto(net, url, "just some text, not a photo", "image/jpeg");
        QCOMPARE(text.status, 415);
        QVERIFY(text.body.contains("Not a photo"));
        QCOMPARE(postPhoto(net, url, QByteArray(), "image/jpeg").status, 415);
        const Answer damaged = postPhoto(net, url, QByteArray("\xFF\xD8\xFF\xE0\x00\x10JFIF\x00", 11), "image/jpeg");
        QCOMPARE(damaged.status, 422);
        // Each refusal lets the phone take another photo: a link back to the form, which still takes one.
        for (const Answer &a : {text, damaged})
            QVERIFY2(a.body.contains(QStringLiteral("id=\"retake\" class=\"camera\" href=\"%1\"").arg(url.path()).toUtf8()), a.body.constData());
        QCOMPARE(get(net, url).status, 200);
        QNetworkRequest plain(url);
        plain.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("text/plain"));
        QCOMPARE(fetch(net, net.post(plain, QByteArray("hello"))).status, 415);
        plain.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("multipart/form-data"));
        QCOMPARE(fetch(net, net.post(plain, QByteArray("--x\r\n\r\n"))).status, 400); // no boundary
        QCOMPARE(fetch(net, net.sendCustomRequest(QNetworkRequest(url), "PUT", QByteArray("x"))).status, 405);
        // Hostile bytes: refused by the server's own checks, and nothing breaks.
        QVERIFY(rawStatusLine(url, "\x16\x03\x01garbage\r\n\r\n").startsWith("HTTP/1.1 400"));
        QVERIFY(rawStatusLine(url, "POST " + url.path().toLatin1() + " HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\n"
                                   "Content-Length: 900000000\r\n\r\n").startsWith("HTTP/1.1 413"));
        QCOMPARE(m_window->photos()->rowCount(), 0);
        QCOMPARE(view->phoneUrl(), url);
        QCOMPARE(get(net, url).status, 200); // still serving

        // A photo: taken once, then the link is spent and a new one shows.
        const Answer done = postPhoto(net, url, fileBytes(photo("teddy.jpg")), "image/jpeg");
        QCOMPARE(done.status, 200);
        QVERIFY(done.body.contains("look at the big screen"));
        QVERIFY(view->phoneUrl() != url);
        QCOMPARE(qrMismatch(view->qrImage(), view->phoneUrl().toEncoded()), QString()); // the screen shows the new code
        QCOMPARE(get(net, url).status, 410);
        QCOMPARE(postPhoto(net, url, fileBytes(photo("teddy.jpg")), "image/jpeg").status, 410);
        QTRY_COMPARE_WITH_TIMEOUT(m_window->photos()->count(PhotoState::Done), 1, 60000);
        QCOMPARE(m_window->photos()->rowCount(), 1);
    }

    void unusedLinksExpire()
    {
        m_window->setPresentation(true);
        PresentationView *view = m_window->presentationView();
        view->phoneUpload()->setTokenLifetimeMs(1500);
        m_window->setPresentation(false); // the lifetime applies from the next token
        m_window->setPresentation(true);
        const QUrl url = view->phoneUrl();
        QNetworkAccessManager net;
        QCOMPARE(get(net, url).status, 200);
        QTRY_VERIFY_WITH_TIMEOUT(view->phoneUrl() != url, 5000); // a new code on the screen
        QCOMPARE(get(net, url).status, 410);
        QCOMPARE(postPhoto(net, url, fileBytes(photo("teddy.jpg")), "image/jpeg").status, 410);
        QCOMPARE(qrMismatch(view->qrImage(), view->phoneUrl().toEncoded()), QString());
        QCOMPARE(m_window->photos()->rowCount(), 0);
    }

    // Without the token nobody gets an upload's body read: the head alone is
    // answered, at once; and the caps are the phone page's own, tight ones.
    void uploadsWithoutTheTokenAreRefusedBeforeTheirBody()
    {
        m_window->setPresentation(true);
        PresentationView *view = m_window->presentationView();
        const QUrl url = view->phoneUrl();
        QVERIFY2(url.isValid() && !url.isEmpty(), qPrintable(view->phoneError()));
        QSignalSpy refused(view->phoneUpload(), &PhoneUpload::uploadRefused);
        const QByteArray head = " HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\n"
                                "Content-Length: 20000000\r\n\r\n"; // 20 MB announced, none sent
        QElapsedTimer clock;
        clock.start();
        const QByteArray wrong = rawStatusLine(url, "POST /p/" + QByteArray(32, 'a') + head);
        QVERIFY2(wrong.startsWith("HTTP/1.1 403"), wrong.constData());
        QVERIFY2(clock.elapsed() < 3000, qPrintable(QString::number(clock.elapsed())));
        QTRY_COMPARE(refused.count(), 1); // the presenter still hears of it
        QVERIFY(rawStatusLine(url, "POST /upload" + head).startsWith("HTTP/1.1 404"));
        QVERIFY(rawStatusLine(url, "GET /p/" + QByteArray(32, 'b') + head).startsWith("HTTP/1.1 403")); // a GET with a body too
        QCOMPARE(view->phoneUrl(), url); // the real link is untouched

        // Idle connections hold no slot against the phone: four addresses with
        // four connections each fill the page's sixteen, and each request of
        // the phone displaces the one that has waited longest.
        QTest::qWait(500); // the refused ones above are closed on the server's side too
        std::vector<std::unique_ptr<QTcpSocket>> idle;
        for (int address = 2; address <= 5; ++address) {
            for (int i = 0; i < 4; ++i) {
                idle.push_back(std::make_unique<QTcpSocket>());
                idle.back()->bind(QHostAddress(QStringLiteral("127.0.0.%1").arg(address)));
                idle.back()->connectToHost(url.host(), quint16(url.port()));
                QVERIFY(idle.back()->waitForConnected(2000));
            }
        }
        QTest::qWait(100);
        for (int request = 0; request < 3; ++request)
            QVERIFY(rawStatusLine(url, "GET " + url.path().toLatin1() + " HTTP/1.1\r\nHost: x\r\n\r\n").startsWith("HTTP/1.1 200"));
    }

    // The time to take the photo counts from the page, not from the code: a
    // phone that opened the page late can still send. And the page's CSS is
    // what it says (no "100%%").
    void theLinkLastsFromThePage()
    {
        m_window->setPresentation(true);
        PresentationView *view = m_window->presentationView();
        view->phoneUpload()->setTokenLifetimeMs(1500);
        m_window->setPresentation(false); // the lifetime applies from the next token
        m_window->setPresentation(true);
        const QUrl url = view->phoneUrl();
        QNetworkAccessManager net;
        QTest::qWait(1000);
        const Answer page = get(net, url); // at 1 s of 1.5
        QCOMPARE(page.status, 200);
        QVERIFY(page.body.contains("max-width:100%}"));
        QVERIFY(!page.body.contains("%%"));
        QTest::qWait(1000); // 2 s after the code, 1 s after the page
        QCOMPARE(view->phoneUrl(), url);
        QCOMPARE(postPhoto(net, url, fileBytes(photo("teddy.jpg")), "image/jpeg").status, 200);
        QVERIFY(view->phoneUrl() != url); // still one photo per link
        QCOMPARE(get(net, url).status, 410);
    }

    // The QR code must point where a phone on the Wi-Fi can reach: never a
    // container bridge or a VPN tunnel, Wi-Fi before Ethernet.
    void theAddressIsOneAPhoneCanReach()
    {
        using C = PhoneUpload::Candidate;
        const auto ip = [](const char *a) { return QHostAddress(QString::fromLatin1(a)); };
        QCOMPARE(PhoneUpload::chooseLanAddress({C{"docker0", false, true, false, ip("172.17.0.1")},
                                                C{"wlp2s0", true, false, false, ip("192.168.1.23")}}),
                 ip("192.168.1.23"));
        QCOMPARE(PhoneUpload::chooseLanAddress({C{"tun0", false, false, false, ip("10.8.0.2")},
                                                C{"br-5f3a", false, true, false, ip("172.18.0.1")},
                                                C{"enp3s0", false, true, false, ip("10.0.0.7")}}),
                 ip("10.0.0.7"));
        QCOMPARE(PhoneUpload::chooseLanAddress({C{"enp3s0", false, true, false, ip("10.0.0.7")},
                                                C{"wlan0", true, false, false, ip("192.168.0.5")}}),
                 ip("192.168.0.5"));
        QVERIFY(PhoneUpload::chooseLanAddress({C{"wg0", false, false, false, ip("10.6.0.1")},
                                               C{"eth0", false, true, false, ip("169.254.3.4")}})
                    .isNull());
        // A presenter's choice stands when it is this machine's; otherwise it is ignored.
        qputenv("LISTINGLENS_PHONE_ADDRESS", "203.0.113.9");
        const QHostAddress ignored = PhoneUpload::lanAddress();
        qputenv("LISTINGLENS_PHONE_ADDRESS", "127.0.0.1");
        const QHostAddress loopbackIsNoCandidate = PhoneUpload::lanAddress();
        qunsetenv("LISTINGLENS_PHONE_ADDRESS");
        QVERIFY(ignored != QHostAddress(QStringLiteral("203.0.113.9")));
        QCOMPARE(loopbackIsNoCandidate, PhoneUpload::lanAddress());
    }

    void phonePortCanBeFixed()
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::Any, 0));
        const quint16 port = probe.serverPort();
        probe.close();
        qputenv("LISTINGLENS_PHONE_PORT", QByteArray::number(port));
        m_window->setPresentation(true);
        qunsetenv("LISTINGLENS_PHONE_PORT");
        QCOMPARE(m_window->presentationView()->phoneUrl().port(), int(port));
        m_window->setPresentation(false);
        qputenv("LISTINGLENS_PHONE_PORT", "not-a-port");
        m_window->setPresentation(true);
        qunsetenv("LISTINGLENS_PHONE_PORT");
        QVERIFY(m_window->presentationView()->phoneUrl().port() > 0); // any free one
    }

    void phonePageInHeadlessChromium()
    {
        if (m_chromium.isEmpty() && test::onCi())
            QFAIL("CI runs the browser test: run it through scripts/test.sh, which installs chromium");
        if (m_chromium.isEmpty())
            QSKIP("chromium is not installed (scripts/test.sh installs it)");
        QVERIFY2(!m_python.isEmpty(), "python3 is needed to drive chromium");
        m_window->setPresentation(true);
        PresentationView *view = m_window->presentationView();
        const QUrl url = view->phoneUrl();
        QVERIFY2(url.isValid() && !url.isEmpty(), qPrintable(view->phoneError()));
        QCOMPARE(qrMismatch(view->qrImage(), url.toEncoded()), QString());

        const QJsonObject sent = browse({QStringLiteral("upload"), url.toString(), photo("acoustic_guitar.jpg")});
        QVERIFY(!sent.isEmpty());
        const QJsonObject input = sent.value(QStringLiteral("input")).toObject();
        QCOMPARE(input.value(QStringLiteral("accept")).toString(), QStringLiteral("image/*"));
        QCOMPARE(input.value(QStringLiteral("capture")).toString(), QStringLiteral("environment"));
        QVERIFY2(sent.value(QStringLiteral("h1")).toString().contains(QStringLiteral("look at the big screen")),
                 qPrintable(sent.value(QStringLiteral("text")).toString()));

        // The photo is in the workbench with a result, and on the big screen.
        PhotoListModel *photos = m_window->photos();
        QTRY_COMPARE_WITH_TIMEOUT(photos->count(PhotoState::Done), 1, 60000);
        const PhotoItem *item = photos->item(0);
        QVERIFY(item->name.startsWith(QStringLiteral("phone-photo-")));
        QVERIFY(!item->result.category.id.isEmpty());
        QVERIFY(!item->result.title.isEmpty());
        QCOMPARE(view->shownId(), item->id);
        QTRY_COMPARE_WITH_TIMEOUT(view->stage(), PresentationView::ListingStage, 10000);

        // The same link again: refused, with a page that says why.
        const QJsonObject again = browse({QStringLiteral("open"), url.toString()});
        QVERIFY2(again.value(QStringLiteral("h1")).toString().contains(QStringLiteral("used")),
                 qPrintable(again.value(QStringLiteral("text")).toString()));
        QVERIFY(again.value(QStringLiteral("input")).isNull());
        // And a made-up one.
        QUrl wrong = url;
        wrong.setPath(QStringLiteral("/p/0123456789abcdef0123456789abcdef"));
        const QJsonObject refused = browse({QStringLiteral("open"), wrong.toString()});
        QVERIFY(refused.value(QStringLiteral("h1")).toString().contains(QStringLiteral("Not a valid link")));
        QCOMPARE(photos->rowCount(), 1);
    }

private:
    // tests/support/phone_page_browser.py with the event loop running (the server answers on this thread).
    QJsonObject browse(const QStringList &args)
    {
        QProcess p;
        p.start(m_python, QStringList{QStringLiteral(LISTINGLENS_SOURCE_DIR "/tests/support/phone_page_browser.py"), m_chromium} + args);
        if (!p.waitForStarted(10000))
            return {};
        QEventLoop loop;
        connect(&p, &QProcess::finished, &loop, &QEventLoop::quit);
        QTimer::singleShot(90000, &loop, &QEventLoop::quit);
        if (p.state() != QProcess::NotRunning)
            loop.exec();
        if (p.state() != QProcess::NotRunning) {
            p.kill();
            p.waitForFinished();
        }
        const QByteArray err = p.readAllStandardError();
        if (p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) {
            qWarning("phone_page_browser.py failed (%d): %s", p.exitCode(), err.constData());
            return {};
        }
        return QJsonDocument::fromJson(p.readAllStandardOutput()).object();
    }

    QString m_chromium;
    QString m_python;
};

QTEST_MAIN(TestPhoneUpload)
#include "tst_phone_upload.moc"
