// Who gets the server's slots and memory: a request is admitted from its head
// (the verdict may come later, from another thread) before any of its body
// is read; bodies count against the in-flight budget as their bytes arrive,
// not as declared; idle connections give way to newcomers over a cap, grouped
// by address, IPv6 /64 and subnet; multipart bodies parse in bounded memory
// and hold one photo.
// Real sockets on loopback (127.0.0.2, .3... are separate client addresses).
#include "http_server.h"
#include "multipart.h"
#include "process_cost.h"
#include "raw_http.h"

#include <QCoreApplication>
#include <QFile>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QThreadPool>

#include <memory>
#include <vector>

using namespace listinglens;
using namespace listinglens::test;

namespace {

HttpServer::Handler echo()
{
    return [](const HttpRequest &r, const HttpResponder &responder) {
        responder.send(HttpResponse::text(200, "got " + QByteArray::number(r.body.size()) + " bytes", "text/plain"));
    };
}

// A head check like the API's: a key in the head, looked up on another
// thread (a pool), before the body is read.
void keyOnAPool(HttpServer &server)
{
    server.setHeadCheck([](const HttpRequest &head, const HttpServer::Admit &admit) {
        QThreadPool::globalInstance()->start([head, admit] {
            QThread::msleep(20); // the lookup
            if (head.header("authorization") == "Bearer good")
                return admit({{}, QStringLiteral("caller")});
            admit({HttpResponse::error(401, QStringLiteral("unauthorized"), QStringLiteral("no key")), {}});
        });
    });
}

// A server with a body limit and in-flight budget of 1 MB that admits
// requests by key, as the API does.
std::unique_ptr<HttpServer> keyedServer()
{
    HttpLimits l;
    l.maxBodyBytes = 1'000'000;
    l.maxBodyBytesInFlight = 1'000'000;
    auto server = std::make_unique<HttpServer>(echo(), l);
    keyOnAPool(*server);
    return server;
}

// A connection that sent `bytes` and keeps the socket open.
std::unique_ptr<QTcpSocket> holding(quint16 port, const QByteArray &bytes, const QHostAddress &from = {})
{
    auto s = std::make_unique<QTcpSocket>();
    if (!from.isNull())
        s->bind(from);
    s->connectToHost(QHostAddress::LocalHost, port);
    if (s->waitForConnected(2000) && !bytes.isEmpty()) {
        s->write(bytes);
        s->waitForBytesWritten(1000);
    }
    return s;
}

QByteArray upload(int bytes, const QByteArray &key)
{
    return "POST /v1/jobs HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer " + key
           + "\r\nContent-Length: " + QByteArray::number(bytes) + "\r\n\r\n";
}

// A multipart body and its Content-Type, as an attacker writes it.
struct Form {
    QByteArray contentType;
    QByteArray body;
};

Form hostileForm(const QString &kind)
{
    const QByteArray type = "multipart/form-data; boundary=b";
    const QByteArray photo = "--b\r\nContent-Disposition: form-data; name=\"photo\"\r\n\r\nJPEG\r\n--b--\r\n";
    if (kind == QLatin1String("newlines"))
        return {type, "--b\r\nContent-Disposition: form-data; name=\"x\"\r\n" + QByteArray(31'500'000, '\n') + "\r\n\r\nx\r\n" + photo};
    if (kind == QLatin1String("fields"))
        return {type, "--b\r\n" + QByteArray("X: y\r\n").repeated(5'000'000) + "\r\nx\r\n" + photo};
    if (kind == QLatin1String("parts"))
        return {type, QByteArray("--b\r\n\r\n\r\n").repeated(3'000'000) + photo};
    return {type, "--b\r\nContent-Disposition: form-data; name=\"x\"\r\n" + QByteArray(31'500'000, 'a') + photo}; // "unterminated"
}

} // namespace

class TestHttpAdmission : public QObject {
    Q_OBJECT
private Q_SLOTS:
    // Nine connections without a key declare bodies of nearly the whole
    // budget and send none: they cost their heads, and fifteen uploads with
    // a key all go through.
    void keylessConnectionsHoldingDeclaredBodiesCostNothing()
    {
        const auto server = keyedServer();
        const quint16 port = server->listen(QHostAddress::LocalHost, 0).value();
        std::vector<std::unique_ptr<QTcpSocket>> keyless;
        for (int i = 0; i < 9; ++i)
            keyless.push_back(holding(port, upload(900'000, "none")));
        QTest::qWait(300);
        for (auto &s : keyless) {
            s->waitForReadyRead(2000);
            QVERIFY2(s->readAll().startsWith("HTTP/1.1 401"), "refused from its head");
        }
        for (int i = 0; i < 15; ++i) {
            const Raw r = exchange(port, {upload(600'000, "good") + QByteArray(600'000, 'p')});
            QCOMPARE(statusOf(r.reply), 200);
            QVERIFY(r.reply.endsWith("got 600000 bytes"));
        }
    }

    // Bytes in flight are the bytes received: a slow upload with a key holds
    // what it has sent, not what it declared.
    void bodyBytesCountAsTheyArrive()
    {
        const auto server = keyedServer();
        const quint16 port = server->listen(QHostAddress::LocalHost, 0).value();
        auto slow = holding(port, upload(900'000, "good") + QByteArray(100'000, 's'));
        QTest::qWait(300);
        QCOMPARE(statusOf(exchange(port, {upload(800'000, "good") + QByteArray(800'000, 'q')}).reply), 200);
        // Once what it has sent and what another declares are over the budget, the other waits its turn (503).
        slow->write(QByteArray(500'000, 's'));
        slow->waitForBytesWritten(1000);
        QTest::qWait(300);
        QCOMPARE(statusOf(exchange(port, {upload(500'000, "good")}).reply), 503);
        slow->write(QByteArray(300'000, 's'));
        QTRY_VERIFY(slow->bytesAvailable() > 0 || slow->waitForReadyRead(100));
        QVERIFY(slow->readAll().contains("got 900000 bytes"));
    }

    // A POST without a Content-Length is refused with 411 only once the head check has let it
    // on: a wrong path, method or key is answered as such (404, 405, 401), not as a missing length.
    void theHeadCheckAnswersBeforeTheMissingLength_data()
    {
        QTest::addColumn<QByteArray>("head");
        QTest::addColumn<int>("status");
        QTest::newRow("no such path") << QByteArray("POST /nowhere HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer good\r\n\r\n") << 404;
        QTest::newRow("a GET-only route") << QByteArray("POST /v1/health HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer good\r\n\r\n") << 405;
        QTest::newRow("no key") << QByteArray("POST /v1/jobs HTTP/1.1\r\nHost: x\r\n\r\n") << 401;
        QTest::newRow("admitted") << QByteArray("POST /v1/jobs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer good\r\n\r\n") << 411;
        QTest::newRow("chunked, refused before the check: its body is on its way") << QByteArray("POST /v1/jobs HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n") << 411;
    }
    void theHeadCheckAnswersBeforeTheMissingLength()
    {
        QFETCH(QByteArray, head);
        QFETCH(int, status);
        HttpServer server(echo());
        server.setHeadCheck([](const HttpRequest &h, const HttpServer::Admit &admit) {
            if (h.path != QLatin1String("/v1/jobs") && h.path != QLatin1String("/v1/health"))
                return admit({HttpResponse::error(404, QStringLiteral("not_found"), QStringLiteral("no such endpoint")), {}});
            if (h.path == QLatin1String("/v1/health") && h.method != "GET")
                return admit({HttpResponse::error(405, QStringLiteral("method_not_allowed"), QStringLiteral("GET only")), {}});
            if (h.header("authorization") != "Bearer good")
                return admit({HttpResponse::error(401, QStringLiteral("unauthorized"), QStringLiteral("no key")), {}});
            admit({});
        });
        const quint16 port = server.listen(QHostAddress::LocalHost, 0).value();
        QCOMPARE(statusOf(exchange(port, {head}, 2000).reply), status);
    }

    // Nothing is read while the head check decides; no verdict at all ends
    // the connection at the request's deadline.
    void theVerdictMayComeLater()
    {
        HttpLimits l;
        l.requestTimeoutMs = 1000;
        HttpServer server(echo(), l);
        server.setHeadCheck([](const HttpRequest &head, const HttpServer::Admit &admit) {
            if (head.path == QLatin1String("/never"))
                return; // no verdict
            QThreadPool::globalInstance()->start([admit] {
                QThread::msleep(300);
                admit({});
            });
        });
        const quint16 port = server.listen(QHostAddress::LocalHost, 0).value();
        const Raw later = exchange(port, {"POST /later HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 5\r\n\r\nhello"}, 2000);
        QCOMPARE(statusOf(later.reply), 200);
        QVERIFY(later.reply.endsWith("got 5 bytes"));
        QElapsedTimer t;
        t.start();
        const Raw never = exchange(port, {"GET /never HTTP/1.1\r\nHost: x\r\n\r\n"}, 5000);
        QCOMPARE(statusOf(never.reply), -1);
        QVERIFY(never.closed);
        QVERIFY2(t.elapsed() < 3000, qPrintable(QString::number(t.elapsed())));
    }

    // Eight addresses with 64 idle connections each fill all 512 slots (the
    // defaults): another client is still served, displacing the connection
    // that has waited longest; the same within one address's cap.
    void idleConnectionsGiveWay_data()
    {
        QTest::addColumn<int>("addresses");
        QTest::addColumn<QString>("newcomer");
        QTest::newRow("all 512 slots: 8 addresses (8 subnets) x 64") << 8 << QStringLiteral("127.0.9.1");
        QTest::newRow("one address's 64") << 1 << QStringLiteral("127.0.0.2");
    }
    void idleConnectionsGiveWay()
    {
        QFETCH(int, addresses);
        QFETCH(QString, newcomer);
        HttpServer server(echo(), HttpLimits{});
        const quint16 port = server.listen(QHostAddress::LocalHost, 0).value();
        std::vector<std::unique_ptr<QTcpSocket>> idle;
        for (int a = 0; a < addresses; ++a)
            for (int i = 0; i < 64; ++i)
                idle.push_back(holding(port, {}, QHostAddress(QStringLiteral("127.0.%1.2").arg(a))));
        QTest::qWait(300);
        for (int request = 0; request < 3; ++request)
            QCOMPARE(statusOf(exchange(port, {"GET /x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"}, 1500, 50, QHostAddress(newcomer)).reply), 200);
        const auto displaced = [&idle] {
            return std::count_if(idle.begin(), idle.end(), [](const auto &s) { return s->state() != QAbstractSocket::ConnectedState; });
        };
        QTRY_VERIFY(displaced() >= 1); // each newcomer past the cap takes one waiting connection's place
    }

    // A subnet's connections that are busy (requests in hand) fill its cap:
    // another address of that /24 gets 503, another /24 is served.
    void aSubnetHasItsCap()
    {
        QList<HttpResponder> parked;
        HttpLimits l;
        l.maxConnectionsPerAddress = 4;
        l.maxConnectionsPerSubnet = 8;
        HttpServer server([&parked](const HttpRequest &, const HttpResponder &responder) { parked.append(responder); }, l);
        const quint16 port = server.listen(QHostAddress::LocalHost, 0).value();
        std::vector<std::unique_ptr<QTcpSocket>> busy;
        for (int a = 2; a < 4; ++a)
            for (int i = 0; i < 4; ++i)
                busy.push_back(holding(port, "GET /x HTTP/1.1\r\nHost: x\r\n\r\n", QHostAddress(QStringLiteral("127.0.0.%1").arg(a))));
        QTRY_COMPARE(parked.size(), 8);
        const Raw refused = exchange(port, {"GET /x HTTP/1.1\r\nHost: x\r\n\r\n"}, 1500, 50, QHostAddress(QStringLiteral("127.0.0.9")));
        QCOMPARE(statusOf(refused.reply), 503);
        QVERIFY(refused.reply.contains("your network"));
        auto other = holding(port, "GET /x HTTP/1.1\r\nHost: x\r\n\r\n", QHostAddress(QStringLiteral("127.0.1.9")));
        QTRY_COMPARE(parked.size(), 9);
        for (const HttpResponder &r : std::as_const(parked))
            r.send(HttpResponse::text(200, "ok", "text/plain"));
    }

    // Past three quarters of the slots, a connection that was just answered
    // waits busyIdleTimeoutMs for its next request, not idleTimeoutMs.
    void idleConnectionsCloseSoonerWhenSlotsRunShort()
    {
        HttpLimits l;
        l.maxConnections = 8;
        l.busyIdleTimeoutMs = 300;
        HttpServer server(echo(), l);
        const quint16 port = server.listen(QHostAddress::LocalHost, 0).value();
        std::vector<std::unique_ptr<QTcpSocket>> others;
        for (int i = 0; i < 6; ++i)
            others.push_back(holding(port, {}));
        QTest::qWait(200);
        auto answered = holding(port, "GET /x HTTP/1.1\r\nHost: x\r\n\r\n"); // the seventh of eight
        QTRY_COMPARE_WITH_TIMEOUT(answered->state(), QAbstractSocket::UnconnectedState, 2000);
        QCOMPARE(statusOf(answered->readAll()), 200);
        others.clear();
        QTest::qWait(200);
        // With slots to spare, keep-alive lasts its idle timeout.
        auto alone = holding(port, "GET /x HTTP/1.1\r\nHost: x\r\n\r\n");
        QTest::qWait(1000);
        QCOMPARE(alone->state(), QAbstractSocket::ConnectedState);
        QCOMPARE(statusOf(alone->readAll()), 200);
    }

    void peerGroups_data()
    {
        QTest::addColumn<QString>("a");
        QTest::addColumn<QString>("b");
        QTest::addColumn<bool>("sameAddress");
        QTest::addColumn<bool>("sameSubnet");
        QTest::newRow("IPv4, one /24") << "203.0.113.7" << "203.0.113.200" << false << true;
        QTest::newRow("IPv4, two /24s") << "203.0.113.7" << "203.0.114.7" << false << false;
        QTest::newRow("IPv4-mapped IPv6 is IPv4") << "::ffff:203.0.113.7" << "203.0.113.7" << true << true;
        QTest::newRow("IPv6, one /64: one host") << "2001:db8:1:2::1" << "2001:db8:1:2:ffff:1:2:3" << true << true;
        QTest::newRow("IPv6, two /64s of one /48") << "2001:db8:1:2::1" << "2001:db8:1:3::1" << false << true;
        QTest::newRow("IPv6, two /48s") << "2001:db8:1::1" << "2001:db8:2::1" << false << false;
    }
    void peerGroups()
    {
        QFETCH(QString, a);
        QFETCH(QString, b);
        QFETCH(bool, sameAddress);
        QFETCH(bool, sameSubnet);
        const PeerGroups x = listinglens::peerGroups(QHostAddress(a)), y = listinglens::peerGroups(QHostAddress(b));
        QCOMPARE(x.address == y.address, sameAddress);
        QCOMPARE(x.subnet == y.subnet, sameSubnet);
    }

    // Every status the products answer has its reason phrase.
    void reasonPhrases_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("line");
        QTest::newRow("410") << 410 << QByteArray("HTTP/1.1 410 Gone\r\n");
        QTest::newRow("413") << 413 << QByteArray("HTTP/1.1 413 Content Too Large\r\n");
        QTest::newRow("429") << 429 << QByteArray("HTTP/1.1 429 Too Many Requests\r\n");
        QTest::newRow("502") << 502 << QByteArray("HTTP/1.1 502 Bad Gateway\r\n");
    }
    void reasonPhrases()
    {
        QFETCH(int, status);
        QFETCH(QByteArray, line);
        HttpServer server([status](const HttpRequest &, const HttpResponder &responder) { responder.send(HttpResponse::text(status, "", "text/plain")); });
        const quint16 port = server.listen(QHostAddress::LocalHost, 0).value();
        const Raw r = exchange(port, {"GET /x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"}, 1500);
        QVERIFY2(r.reply.startsWith(line), r.reply.left(60).constData());
    }

    // One photo per form: none, or a second one, is refused (which one would be classified?).
    void multipartPhotoField_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("photo");   // the bytes read, else empty
        QTest::addColumn<QString>("refusal"); // part of the message, else empty
        const auto part = [](const QByteArray &disposition, const QByteArray &data) {
            return "--b\r\nContent-Disposition: form-data; " + disposition + "\r\nContent-Type: image/jpeg\r\n\r\n" + data + "\r\n";
        };
        const QByteArray end = "--b--\r\n";
        QTest::newRow("one photo") << part("name=\"photo\"", "JPEG") + end << QStringLiteral("JPEG") << QString();
        QTest::newRow("a photo and another field") << part("name=\"photo\"", "JPEG") + part("name=\"note\"", "hi") + end
                                                   << QStringLiteral("JPEG") << QString();
        QTest::newRow("no photo") << part("name=\"note\"", "hi") + end << QString() << QStringLiteral("no \"photo\" field");
        QTest::newRow("two photos") << part("name=\"photo\"; filename=\"a.jpg\"", "AAAA") + part("name=\"photo\"; filename=\"b.jpg\"", "BBBB") + end
                                    << QString() << QStringLiteral("more than one \"photo\" field");
        QTest::newRow("two photos, one name unquoted, a field between")
            << part("name=\"photo\"", "AAAA") + part("name=\"note\"", "hi") + part("name=photo", "BBBB") + end << QString()
            << QStringLiteral("more than one \"photo\" field");
    }
    void multipartPhotoField()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, photo);
        QFETCH(QString, refusal);
        const auto read = photoPart(body, "multipart/form-data; boundary=b");
        if (refusal.isEmpty()) {
            QVERIFY2(read, qPrintable(read ? QString() : read.error().message));
            QCOMPARE(QString::fromLatin1(read.value().bytes), photo);
            QCOMPARE(read.value().contentType, QStringLiteral("image/jpeg"));
        } else {
            QVERIFY(!read);
            QCOMPARE(read.error().code, ErrorCode::InvalidArgument);
            QVERIFY2(read.error().message.contains(refusal), qPrintable(read.error().message));
        }
    }

    // Whatever the body holds, the form parser's memory stays near the body's
    // size and its time near one pass (measured in a child process).
    void multipartIsBounded_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::newRow("a part head of 31.5 MB of line ends") << QStringLiteral("newlines");
        QTest::newRow("a part head of 5 million fields") << QStringLiteral("fields");
        QTest::newRow("3 million empty parts") << QStringLiteral("parts");
        QTest::newRow("a part head that never ends") << QStringLiteral("unterminated");
    }
    void multipartIsBounded()
    {
        QFETCH(QString, kind);
        QString error;
        const QJsonObject cost = runCostProbe({QStringLiteral("--multipart"), kind}, &error);
        QVERIFY2(!cost.isEmpty(), qPrintable(error));
        const double grownMb = cost.value(QStringLiteral("grown_kb")).toDouble() / 1024, cpuMs = cost.value(QStringLiteral("cpu_ms")).toDouble();
        qInfo("%s: %s, +%.0f MiB, %.0f ms of CPU", qPrintable(kind), qPrintable(cost.value(QStringLiteral("result")).toString()), grownMb, cpuMs);
        QVERIFY2(cost.value(QStringLiteral("result")).toString().startsWith(QLatin1String("refused")), "a hostile form was read");
        QVERIFY2(grownMb < 16, qPrintable(QStringLiteral("+%1 MiB").arg(grownMb)));
        QVERIFY2(cpuMs < 1000, qPrintable(QStringLiteral("%1 ms").arg(cpuMs)));
    }
};

int main(int argc, char **argv)
{
    if (argc == 3 && qstrcmp(argv[1], "--multipart") == 0) {
        const Form form = hostileForm(QString::fromLatin1(argv[2])); // built before the measure starts
        return printCost([&form] {
            const auto part = photoPart(form.body, form.contentType);
            return QJsonObject{{QStringLiteral("result"), part ? QStringLiteral("read") : QStringLiteral("refused: ") + part.error().message}};
        });
    }
    QCoreApplication app(argc, argv);
    TestHttpAdmission test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_http_admission.moc"
