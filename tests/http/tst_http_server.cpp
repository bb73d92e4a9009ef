// The HTTP layer against request-level attacks:
// framing, deadlines, caps, no buffering while a request waits, HTTP/1.0,
// Connection: close, TLS. Real sockets on loopback; the handler is trivial.
#include "fixtures.h"
#include "http_server.h"
#include "raw_http.h"

#include <QElapsedTimer>
#include <QProcess>
#include <QSslSocket>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <mutex>

using namespace listinglens;

using namespace listinglens::test;

class TestHttpServer : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init()
    {
        m_parked.clear();
        m_seen.clear();
    }

    void framing_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<int>("status");
        QTest::newRow("plain GET") << QByteArray("GET /echo HTTP/1.1\r\nHost: x\r\n\r\n") << 200;
        QTest::newRow("duplicate Content-Length (40 then 5)")
            << QByteArray("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 40\r\nContent-Length: 5\r\n\r\nhello") << 400;
        QTest::newRow("duplicate equal Content-Length")
            << QByteArray("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello") << 400;
        QTest::newRow("Content-Length: +5") << QByteArray("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: +5\r\n\r\nhello") << 400;
        QTest::newRow("Content-Length: -1") << QByteArray("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n") << 400;
        QTest::newRow("bare LF") << QByteArray("GET /echo HTTP/1.1\nHost: x\n\n") << 400;
        QTest::newRow("bare LF in a field") << QByteArray("GET /echo HTTP/1.1\r\nHost: x\nX: y\r\n\r\n") << 400;
        QTest::newRow("bare CR") << QByteArray("GET /echo HTTP/1.1\r\nHost: x\r\nX: a\rb\r\n\r\n") << 400;
        QTest::newRow("NUL in a field") << QByteArray("GET /echo HTTP/1.1\r\nHost: x\r\nX: a\0b\r\n\r\n", 38) << 400;
        QTest::newRow("space in a field name") << QByteArray("GET /echo HTTP/1.1\r\nHost: x\r\nBad Name: v\r\n\r\n") << 400;
        QTest::newRow("chunked") << QByteArray("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n") << 411;
        QTest::newRow("POST without Content-Length") << QByteArray("POST /echo HTTP/1.1\r\nHost: x\r\n\r\n") << 411;
        QTest::newRow("PUT without Content-Length") << QByteArray("PUT /echo HTTP/1.1\r\nHost: x\r\n\r\n") << 411;
        QTest::newRow("POST with Content-Length: 0") << QByteArray("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n") << 200;
        QTest::newRow("chunked and Content-Length")
            << QByteArray("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\nhello") << 400;
        QTest::newRow("absolute target") << QByteArray("GET http://evil/echo HTTP/1.1\r\nHost: x\r\n\r\n") << 400;
        QTest::newRow("HTTP/2.0 line") << QByteArray("GET /echo HTTP/2.0\r\nHost: x\r\n\r\n") << 400;
        QTest::newRow("two Authorization fields")
            << QByteArray("GET /echo HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer a\r\nAuthorization: Bearer b\r\n\r\n") << 400;
        QByteArray many("GET /echo HTTP/1.1\r\nHost: x\r\n");
        for (int i = 0; i < 10000; ++i)
            many += "X-" + QByteArray::number(i) + ": y\r\n";
        QTest::newRow("10,000 fields in one write") << many + "\r\n" << 431;
        QTest::newRow("body over the limit")
            << QByteArray("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2000000\r\n\r\n") << 413;
    }
    void framing()
    {
        QFETCH(QByteArray, request);
        QFETCH(int, status);
        HttpServer server(echo(), limits());
        const quint16 port = server.listen(QHostAddress::LocalHost, 0).value();
        const Raw r = exchange(port, {request}, 2000);
        QCOMPARE(statusOf(r.reply), status);
        QCOMPARE(countAnswers(r.reply), 1); // nothing after it ran as a second request
        if (status != 200)
            QVERIFY2(r.closed, "a refused request must close the connection");
        QVERIFY(r.reply.contains("X-Request-Id: "));
        // parseHttpRequest (the fuzzer's entry) says the same.
        const auto parsed = parseHttpRequest(request, limits());
        if (status == 200)
            QVERIFY(std::holds_alternative<HttpRequest>(parsed));
        else
            QCOMPARE(std::get<HttpRefusal>(parsed).status, status);
    }

    // Every answer reaches onAnswered (the request metric) with its method and path, refusals
    // from the head too: a 411 or a 413 is counted under its route, not as "other".
    void answersAreCountedUnderTheirMethodAndPath_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<int>("status");
        QTest::newRow("served") << QByteArray("GET /echo HTTP/1.1\r\nHost: x\r\n\r\n") << QByteArray("GET") << 200;
        QTest::newRow("no Content-Length") << QByteArray("POST /echo HTTP/1.1\r\nHost: x\r\n\r\n") << QByteArray("POST") << 411;
        QTest::newRow("over the limit") << QByteArray("PUT /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2000000\r\n\r\n")
                                        << QByteArray("PUT") << 413;
        QTest::newRow("two Content-Length fields")
            << QByteArray("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nab") << QByteArray("POST") << 400;
    }
    void answersAreCountedUnderTheirMethodAndPath()
    {
        QFETCH(QByteArray, request);
        QFETCH(QByteArray, method);
        QFETCH(int, status);
        HttpServer server(echo(), limits());
        struct Seen {
            QByteArray method;
            QString path;
            int status;
        };
        QList<Seen> seen;
        server.onAnswered = [&seen](const HttpRequest &r, int answered, double) { seen.append({r.method, r.path, answered}); };
        const quint16 port = server.listen(QHostAddress::LocalHost, 0).value();
        QCOMPARE(statusOf(exchange(port, {request}, 2000).reply), status);
        QTRY_COMPARE(seen.size(), 1);
        QCOMPARE(seen[0].method, method);
        QCOMPARE(seen[0].path, QStringLiteral("/echo"));
        QCOMPARE(seen[0].status, status);
    }

    // Found by fuzzing: a body shorter than its Content-Length looped forever in parseHttpRequest.
    void incompleteRequestsAreRefused()
    {
        const auto cut = parseHttpRequest("POST /v1/jobs HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nabcd");
        QCOMPARE(std::get<HttpRefusal>(cut).status, 408);
        QCOMPARE(std::get<HttpRefusal>(parseHttpRequest("GET /v1/jobs HTTP/1.1\r\nHost:")).status, 408);
    }

    // A smuggling attempt: the second request must never run.
    void smuggledRequestDoesNotRun()
    {
        HttpServer server(echo(), limits());
        const quint16 port = server.listen(QHostAddress::LocalHost, 0).value();
        const QByteArray smuggled = "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n";
        const Raw r = exchange(port, {"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: " + QByteArray::number(smuggled.size())
                                          + "\r\nContent-Length: 0\r\n\r\n" + smuggled});
        QCOMPARE(statusOf(r.reply), 400);
        QVERIFY(!m_seen.contains(QStringLiteral("/smuggled")));
    }

    // HTTP/1.0 and Connection: close with a body that spans several reads
    // were never answered (a default nginx proxy sends exactly that).
    void closeAfterBodyInSeveralReads_data()
    {
        QTest::addColumn<QByteArray>("head");
        QTest::newRow("HTTP/1.0") << QByteArray("POST /echo HTTP/1.0\r\nContent-Length: 30000\r\n\r\n");
        QTest::newRow("Connection: close") << QByteArray("POST /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 30000\r\n\r\n");
    }
    void closeAfterBodyInSeveralReads()
    {
        QFETCH(QByteArray, head);
        HttpServer server(echo(), limits());
        const quint16 port = server.listen(QHostAddress::LocalHost, 0).value();
        const Raw r = exchange(port, {head, QByteArray(10000, 'a'), QByteArray(10000, 'b'), QByteArray(10000, 'c')}, 3000, 200);
        QCOMPARE(statusOf(r.reply), 200);
        QVERIFY(r.reply.contains("got 30000 bytes"));
        QVERIFY(r.closed);
    }

    // A HEAD answer carries no content: a client would read it as the next answer.
    void headAnswersHaveNoBody()
    {
        HttpServer server(echo(), limits());
        const quint16 port = server.listen(QHostAddress::LocalHost, 0).value();
        const Raw r = exchange(port, {"HEAD /echo HTTP/1.1\r\nHost: x\r\n\r\n"}, 1500);
        QCOMPARE(statusOf(r.reply), 200);
        QVERIFY2(r.reply.endsWith("\r\n\r\n"), r.reply.constData());
    }

    void keepAliveAnswersInOrder()
    {
        HttpServer server(echo(), limits());
        const quint16 port = server.listen(QHostAddress::LocalHost, 0).value();
        const QByteArray one = "GET /echo?n=1 HTTP/1.1\r\nHost: x\r\n\r\n", two = "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc";
        const Raw r = exchange(port, {one + two + one}, 1500);
        QCOMPARE(countAnswers(r.reply), 3);
        QVERIFY(!r.closed);
    }

    // Every byte restarted the old idle timer: one byte every 20 s held a
    // connection for 140 s. The deadline now covers the whole request.
    void slowRequestsHitTheDeadline()
    {
        HttpLimits l = limits();
        l.headTimeoutMs = 800;
        l.requestTimeoutMs = 1500;
        HttpServer server(echo(), l);
        const quint16 port = server.listen(QHostAddress::LocalHost, 0).value();
        QElapsedTimer t;
        t.start();
        QList<QByteArray> drip;
        for (const char c : QByteArray("GET /echo HTTP/1.1\r\nHost: x\r\nX-Slow: yyyyyyyyyyyyyyyyyyyyyyyyy"))
            drip << QByteArray(1, c);
        const Raw head = exchange(port, drip, 4000, 100); // a byte every 100 ms: 6 s for the whole head
        QVERIFY2(head.closed, "a head dripping in was not cut off");
        QVERIFY2(t.elapsed() < 2500, qPrintable(QString::number(t.elapsed())));
        QCOMPARE(statusOf(head.reply), -1); // closed at the deadline, with no answer

        t.restart();
        QList<QByteArray> body{"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n"};
        for (int i = 0; i < 40; ++i)
            body << "x";
        const Raw slowBody = exchange(port, body, 5000, 100);
        QVERIFY(slowBody.closed);
        QCOMPARE(statusOf(slowBody.reply), -1);
        QVERIFY2(t.elapsed() < 2500, qPrintable(QString::number(t.elapsed())));
    }

    void idleConnectionsAreClosed()
    {
        HttpLimits l = limits();
        l.idleTimeoutMs = 500;
        HttpServer server(echo(), l);
        const quint16 port = server.listen(QHostAddress::LocalHost, 0).value();
        const Raw r = exchange(port, {}, 3000);
        QVERIFY(r.closed);
        QCOMPARE(statusOf(r.reply), -1);
    }

    // While a request is parked nothing more is read: what a client sends
    // meanwhile stays in its socket, not in the server's memory.
    void nothingIsBufferedWhileARequestWaits()
    {
        HttpServer server(echo(), limits());
        const quint16 port = server.listen(QHostAddress::LocalHost, 0).value();
        QTcpSocket s;
        s.connectToHost(QHostAddress::LocalHost, port);
        QVERIFY(s.waitForConnected(2000));
        s.write("GET /park HTTP/1.1\r\nHost: x\r\n\r\n");
        QTRY_COMPARE(m_parked.size(), 1);
        const QByteArray junk(1024 * 1024, 'j');
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < 2000 && s.bytesToWrite() < 64LL * 1024 * 1024) {
            s.write(junk);
            QTest::qWait(10);
        }
        // The kernel's socket buffers hold a few MiB; the rest waits in the client.
        QVERIFY2(s.bytesToWrite() > 16LL * 1024 * 1024, qPrintable(QString::number(s.bytesToWrite())));
        m_parked.first().send(HttpResponse::text(200, "late", "text/plain"));
        QTRY_VERIFY(s.peek(12).startsWith("HTTP/1.1 200"));
    }

    void connectionCapsAnswer503_data()
    {
        QTest::addColumn<bool>("perAddress");
        QTest::newRow("all connections") << false;
        QTest::newRow("per client address") << true;
    }
    // Connections busy with a request (here parked) are never displaced: past
    // a cap, a newcomer gets 503.
    void connectionCapsAnswer503()
    {
        QFETCH(bool, perAddress);
        HttpLimits l = limits();
        (perAddress ? l.maxConnectionsPerAddress : l.maxConnections) = 3;
        HttpServer server(echo(), l);
        const quint16 port = server.listen(QHostAddress::LocalHost, 0).value();
        std::vector<std::unique_ptr<QTcpSocket>> open;
        for (int i = 0; i < 3; ++i) {
            open.push_back(std::make_unique<QTcpSocket>());
            open.back()->connectToHost(QHostAddress::LocalHost, port);
            QVERIFY(open.back()->waitForConnected(2000));
            open.back()->write("GET /park HTTP/1.1\r\nHost: x\r\n\r\n");
        }
        QTRY_COMPARE(m_parked.size(), 3);
        const Raw over = exchange(port, {"GET /echo HTTP/1.1\r\nHost: x\r\n\r\n"}, 2000);
        QCOMPARE(statusOf(over.reply), 503);
        QVERIFY(over.reply.contains("Retry-After: "));
        // The body names the request id the X-Request-Id header gives, as every 503 does.
        const QByteArray head = over.reply.left(over.reply.indexOf("\r\n\r\n"));
        const qsizetype at = head.indexOf("X-Request-Id: ");
        QVERIFY2(at >= 0, head.constData());
        const QByteArray id = head.mid(at + 14, head.indexOf("\r\n", at) - at - 14);
        QVERIFY(!id.isEmpty());
        QVERIFY2(over.reply.contains("\"request_id\":\"" + id + "\""), over.reply.constData());
        for (const HttpResponder &parked : std::as_const(m_parked))
            parked.send(HttpResponse::text(200, "ok", "text/plain"));
        open.clear();
        QTest::qWait(300);
        QCOMPARE(statusOf(exchange(port, {"GET /echo HTTP/1.1\r\nHost: x\r\n\r\n"}, 1000).reply), 200);
    }

    void bodyBytesInFlightAreCapped()
    {
        HttpLimits l = limits();
        l.maxBodyBytesInFlight = 1'000'000;
        HttpServer server(echo(), l);
        const quint16 port = server.listen(QHostAddress::LocalHost, 0).value();
        QTcpSocket first;
        first.connectToHost(QHostAddress::LocalHost, port);
        QVERIFY(first.waitForConnected(2000));
        first.write("POST /park HTTP/1.1\r\nHost: x\r\nContent-Length: 600000\r\n\r\n" + QByteArray(600000, 'a'));
        QTRY_COMPARE(m_parked.size(), 1);
        const Raw second = exchange(port, {"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 600000\r\n\r\n" + QByteArray(600000, 'b')});
        QCOMPARE(statusOf(second.reply), 503);
        QVERIFY(second.reply.contains("Retry-After: "));
        m_parked.first().send(HttpResponse::text(200, "ok", "text/plain"));
        QTRY_VERIFY(first.bytesAvailable() > 0);
        QTest::qWait(100);
        QCOMPARE(statusOf(exchange(port, {"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 600000\r\n\r\n" + QByteArray(600000, 'c')}).reply), 200);
    }

    // The head-stage check answers before any of the body is read: the
    // handler never sees the request, no body bytes are held, and the body
    // the client still sends is dropped with the connection.
    void headCheckRefusesBeforeTheBody()
    {
        HttpLimits l = limits();
        l.maxBodyBytesInFlight = 1'000'000;
        HttpServer server(echo(), l);
        QStringList checked;
        std::mutex checkedMutex;
        server.setHeadCheck([&](const HttpRequest &head, const HttpServer::Admit &admit) {
            {
                std::lock_guard lock(checkedMutex);
                checked << QString::fromLatin1(head.method) + QLatin1Char(' ') + head.path;
            }
            if (head.path.startsWith(QLatin1String("/open")))
                return admit({});
            admit({HttpResponse::text(403, "not yours", "text/plain"), {}});
        });
        const quint16 port = server.listen(QHostAddress::LocalHost, 0).value();
        QElapsedTimer t;
        t.start();
        const Raw refused = exchange(port, {"POST /closed%20door HTTP/1.1\r\nHost: x\r\nContent-Length: 900000\r\n\r\n"}, 2000);
        QCOMPARE(statusOf(refused.reply), 403);
        QVERIFY(refused.reply.endsWith("not yours"));
        QVERIFY(refused.closed);
        QVERIFY2(t.elapsed() < 1500, qPrintable(QString::number(t.elapsed()))); // no wait for the 900 kB
        QVERIFY(m_seen.isEmpty());
        {
            std::lock_guard lock(checkedMutex);
            QCOMPARE(checked, QStringList{QStringLiteral("POST /closed door")}); // decoded, as the handler would see it
        }
        // Nothing was reserved for it: a body of nearly the whole cap still goes through.
        QCOMPARE(statusOf(exchange(port, {"POST /open HTTP/1.1\r\nHost: x\r\nContent-Length: 900000\r\n\r\n" + QByteArray(900000, 'a')}).reply), 200);
        QCOMPARE(m_seen, QStringList{QStringLiteral("/open")});
        // The server's own framing checks come first.
        QCOMPARE(statusOf(exchange(port, {"POST /closed HTTP/1.1\r\nHost: x\r\nContent-Length: 2000000\r\n\r\n"}).reply), 413);
        QCOMPARE(statusOf(exchange(port, {"GET /closed HTTP/1.1\r\nHost: x\r\n\r\n"}).reply), 403);
    }

    void tls()
    {
        QTemporaryDir dir;
        const QString cert = dir.filePath(QStringLiteral("cert.pem")), key = dir.filePath(QStringLiteral("key.pem"));
        QProcess openssl;
        openssl.start(QStringLiteral("openssl"), {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"), QStringLiteral("rsa:2048"),
                                                  QStringLiteral("-nodes"), QStringLiteral("-days"), QStringLiteral("1"), QStringLiteral("-subj"),
                                                  QStringLiteral("/CN=localhost"), QStringLiteral("-keyout"), key, QStringLiteral("-out"), cert});
        if (!openssl.waitForFinished(60000) || openssl.exitCode() != 0)
            QSKIP("the openssl command is not available");
        HttpServer server(echo(), limits());
        QVERIFY(server.setTls({cert, key}).ok());
        QVERIFY(!HttpServer(echo()).setTls({cert, dir.filePath(QStringLiteral("missing.pem"))}).ok());
        const quint16 port = server.listen(QHostAddress::LocalHost, 0).value();
        QSslSocket s;
        s.setPeerVerifyMode(QSslSocket::VerifyNone); // self-signed
        s.connectToHostEncrypted(QStringLiteral("localhost"), port);
        QVERIFY2(s.waitForEncrypted(5000), qPrintable(s.errorString()));
        s.write("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello");
        QByteArray reply;
        QElapsedTimer t;
        t.start();
        while (!reply.contains("got 5 bytes") && t.elapsed() < 5000) {
            QTest::qWait(20);
            reply += s.readAll();
        }
        QCOMPARE(statusOf(reply), 200);
        // Plain HTTP on the TLS port gets nothing.
        QVERIFY(statusOf(exchange(port, {"GET /echo HTTP/1.1\r\nHost: x\r\n\r\n"}, 1500).reply) <= 0);
    }

private:
    HttpLimits limits() const
    {
        HttpLimits l;
        l.maxBodyBytes = 1'000'000;
        return l;
    }
    HttpServer::Handler echo()
    {
        return [this](const HttpRequest &r, const HttpResponder &responder) {
            m_seen << r.path;
            if (r.path == QLatin1String("/park"))
                return m_parked.append(responder);
            responder.send(HttpResponse::text(200, "got " + QByteArray::number(r.body.size()) + " bytes", "text/plain"));
        };
    }

    QList<HttpResponder> m_parked;
    QStringList m_seen;
};

QTEST_GUILESS_MAIN(TestHttpServer)
#include "tst_http_server.moc"
