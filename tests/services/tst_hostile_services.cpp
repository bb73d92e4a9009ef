// The services under the attacks of a security review, as separate processes
// against the PostgreSQL of scripts/with-postgres.sh, over real sockets:
// keyless connections that declare large bodies cost nothing; scan bombs
// hold neither the threads that check keys and read jobs nor a worker in
// serve; a worker restarted under its name gives up its predecessor's jobs;
// the admin listener off loopback asks for a key; the first requests after a
// PostgreSQL restart are served.
#include "fixtures.h"
#include "hostile_images.h"
#include "job_queue.h"
#include "prediction_store.h"
#include "raw_http.h"
#include "service_process.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTcpSocket>
#include <QTest>

#include <memory>
#include <vector>

using namespace listinglens;
using namespace listinglens::test;

namespace {

QByteArray request(const QByteArray &head, const QByteArray &key, const QByteArray &body = {})
{
    QByteArray r = head + "\r\nHost: x\r\nConnection: close\r\n";
    if (!key.isEmpty())
        r += "Authorization: Bearer " + key + "\r\n";
    if (!body.isEmpty())
        r += "Content-Type: image/jpeg\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n";
    return r + "\r\n" + body;
}

QJsonObject bodyOf(const QByteArray &reply)
{
    return QJsonDocument::fromJson(reply.mid(reply.indexOf("\r\n\r\n") + 4)).object();
}

QByteArray samplePhoto(const QString &name)
{
    QFile f(samplePhotosDir() + QLatin1Char('/') + name);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// A connection that sent `bytes` and keeps the socket open.
std::unique_ptr<QTcpSocket> sent(quint16 port, const QByteArray &bytes)
{
    auto s = std::make_unique<QTcpSocket>();
    s->connectToHost(QHostAddress::LocalHost, port);
    if (s->waitForConnected(2000)) {
        s->write(bytes);
        s->waitForBytesWritten(2000);
    }
    return s;
}

} // namespace

class TestHostileServices : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        LISTINGLENS_REQUIRE_POSTGRES_SERVER();
        m_url = freshQueue(QStringLiteral("listinglens_hostile"));
        QVERIFY(!m_url.isEmpty());
        m_key = createApiKey(m_url, QStringLiteral("uploader"), QStringLiteral("submit,read"));
        m_admin = createApiKey(m_url, QStringLiteral("ops"), QStringLiteral("admin"));
        QVERIFY(!m_key.isEmpty() && !m_admin.isEmpty());
        m_photo = samplePhoto(QStringLiteral("toaster.jpg"));
        QVERIFY(!m_photo.isEmpty());
    }

    // Nine connections without a key announce 30 MB each (the whole 256 MiB
    // budget) and send nothing: fifteen uploads with a key still get 202.
    void keylessConnectionsDoNotStarveUploads()
    {
        Service serve = startServe();
        QVERIFY2(serve.ready(), serve.log().constData());
        const quint16 port = quint16(serve.captured().toUInt());
        std::vector<std::unique_ptr<QTcpSocket>> keyless;
        for (int i = 0; i < 9; ++i)
            keyless.push_back(sent(port, "POST /v1/jobs HTTP/1.1\r\nHost: x\r\nContent-Type: image/jpeg\r\nContent-Length: 30000000\r\n\r\n"));
        QTest::qWait(500);
        for (int i = 0; i < 15; ++i) {
            const Raw r = exchange(port, {request("POST /v1/jobs HTTP/1.1", m_key, m_photo)}, 20'000);
            QVERIFY2(statusOf(r.reply) == 202, r.reply.left(400).constData());
        }
        for (auto &s : keyless)
            QVERIFY2(s->readAll().startsWith("HTTP/1.1 401") || s->state() != QAbstractSocket::ConnectedState, "a keyless upload was read");
    }

    // Eight scan bombs (libjpeg decoded each for 20 s before) neither delay a
    // read of a job nor stay long themselves; in serve with a worker of its
    // own, two of them do not hold up a photo behind them.
    void scanBombsHoldNothing_data()
    {
        QTest::addColumn<int>("workers");
        QTest::addColumn<int>("bombs");
        QTest::newRow("queue") << 0 << 8;
        QTest::newRow("a worker in serve") << 1 << 2;
    }
    void scanBombsHoldNothing()
    {
        QFETCH(int, workers);
        QFETCH(int, bombs);
        Service serve = startServe({QStringLiteral("--workers"), QString::number(workers)});
        QVERIFY2(serve.ready(), serve.log().constData());
        const quint16 port = quint16(serve.captured().toUInt());
        const QByteArray bomb = progressiveJpeg(4096, 4096, 1, ScanAbuse::RepeatRefinement, 2000);
        std::vector<std::unique_ptr<QTcpSocket>> sentBombs;
        for (int i = 0; i < bombs; ++i)
            sentBombs.push_back(sent(port, request("POST /v1/jobs HTTP/1.1", m_key, bomb)));
        QElapsedTimer clock;
        clock.start();
        const Raw read = exchange(port, {request("GET /v1/jobs/00000000-0000-4000-8000-000000000000 HTTP/1.1", m_key)}, 30'000);
        QCOMPARE(statusOf(read.reply), 404);
        const Raw photo = exchange(port, {request("POST /v1/jobs HTTP/1.1", m_key, m_photo)}, 60'000);
        QCOMPARE(statusOf(photo.reply), 202);
        qInfo("a read and a photo behind %d bombs: %lld ms", bombs, clock.elapsed());
        QVERIFY2(clock.elapsed() < 15'000, qPrintable(QString::number(clock.elapsed())));
        for (auto &s : sentBombs) {
            QTRY_VERIFY_WITH_TIMEOUT(s->bytesAvailable() > 0 || s->state() != QAbstractSocket::ConnectedState, 15'000);
            const QByteArray answer = s->readAll();
            QVERIFY2(answer.startsWith("HTTP/1.1 400") && answer.contains("corrupt"), answer.left(300).constData());
        }
    }

    // The dead worker's job (claimed here, by a queue that then goes quiet)
    // is taken again by the worker started under the same name within about
    // one lease, not kept alive by its heartbeat.
    void aWorkerRestartedUnderItsNameGivesUpItsPredecessorsJob()
    {
        auto store = PredictionStore::open(m_url);
        QVERIFY(store.ok());
        auto dead = JobQueue::create(store.value()).value();
        const auto queued = dead->enqueue({m_photo, QStringLiteral("toaster.jpg"), QStringLiteral("image/jpeg"), {}, {}});
        QVERIFY(queued.ok());
        const auto held = dead->claim(QStringLiteral("worker-7"), 1, 3000, 3);
        QVERIFY(held.ok() && held.value().size() == 1 && held.value().front().id == queued.value().id);
        Service restarted({QStringLiteral("worker"), QStringLiteral("--db"), m_url, QStringLiteral("--name"), QStringLiteral("worker-7"),
                           QStringLiteral("--threads"), QStringLiteral("1"), QStringLiteral("--lease"), QStringLiteral("3"),
                           QStringLiteral("--poll"), QStringLiteral("500")},
                          QStringLiteral("(taking jobs)"));
        QVERIFY2(restarted.ready(), restarted.log().constData());
        QElapsedTimer clock;
        clock.start();
        std::optional<JobView> job;
        while (clock.elapsed() < 20'000) {
            job = dead->job(queued.value().id).value();
            if (job && job->status == JobStatus::Done)
                break;
            QTest::qWait(250);
        }
        QVERIFY2(job && job->status == JobStatus::Done, qPrintable(jobStatusName(job ? job->status : JobStatus::Queued)));
        QCOMPARE(job->attempts, 2);
        qInfo("taken over and done %lld ms after the restart (lease 3 s)", clock.elapsed());
    }

    // Off loopback, the admin listener asks for an admin key, unless told
    // --admin-open (said in the log); without API keys at all it is refused.
    void theAdminListenerOffLoopbackAsksForAKey()
    {
        const QRegularExpression adminPort(QStringLiteral("admin \\(metrics, readiness\\) on http://0\\.0\\.0\\.0:(\\d+)"));
        {
            Service serve = startServe({QStringLiteral("--admin-listen"), QStringLiteral("0.0.0.0:0")});
            QVERIFY2(serve.ready(), serve.log().constData());
            const quint16 port = quint16(adminPort.match(QString::fromUtf8(serve.log())).captured(1).toUInt());
            QVERIFY(port > 0);
            QCOMPARE(statusOf(exchange(port, {request("GET /metrics HTTP/1.1", {})}).reply), 401);
            QCOMPARE(statusOf(exchange(port, {request("GET /readyz HTTP/1.1", m_key)}).reply), 403);
            QCOMPARE(statusOf(exchange(port, {request("GET /metrics HTTP/1.1", m_admin)}).reply), 200);
            QCOMPARE(statusOf(exchange(port, {request("GET /healthz HTTP/1.1", {})}).reply), 200);
        }
        {
            Service open = startServe({QStringLiteral("--admin-listen"), QStringLiteral("0.0.0.0:0"), QStringLiteral("--admin-open")});
            QVERIFY2(open.ready(), open.log().constData());
            QVERIFY(open.log().contains("warning: --admin-open"));
            const quint16 port = quint16(adminPort.match(QString::fromUtf8(open.log())).captured(1).toUInt());
            QCOMPARE(statusOf(exchange(port, {request("GET /metrics HTTP/1.1", {})}).reply), 200);
        }
        Service keyless({QStringLiteral("serve"), QStringLiteral("--db"), m_url, QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                         QStringLiteral("--no-auth"), QStringLiteral("--admin-listen"), QStringLiteral("0.0.0.0:0")},
                        QStringLiteral("(serving)"));
        QVERIFY(!keyless.ready());
        keyless.waitForExit(10'000); // it has exited already, as a rule
        QCOMPARE(keyless.exitCode(), 2);
        QVERIFY2(keyless.log().contains("not a loopback address"), keyless.log().constData());
    }

    // After a restart of PostgreSQL, no request gets 503 for a connection
    // the restart killed.
    void theFirstRequestsAfterAPostgresRestartAreServed()
    {
        Service serve = startServe();
        QVERIFY2(serve.ready(), serve.log().constData());
        const quint16 port = quint16(serve.captured().toUInt());
        const QByteArray read = request("GET /v1/jobs/00000000-0000-4000-8000-000000000000 HTTP/1.1", m_key);
        for (int i = 0; i < 8; ++i)
            QCOMPARE(statusOf(exchange(port, {read}).reply), 404);
        QVERIFY(postgresControl(QStringLiteral("restart")));
        for (int i = 0; i < 16; ++i) {
            const Raw r = exchange(port, {read});
            QVERIFY2(statusOf(r.reply) == 404, r.reply.left(400).constData());
        }
    }

private:
    Service startServe(const QStringList &extra = {}) const
    {
        return Service(QStringList{QStringLiteral("serve"), QStringLiteral("--db"), m_url, QStringLiteral("--listen"),
                                   QStringLiteral("127.0.0.1:0"), QStringLiteral("--threads"), QStringLiteral("1")}
                           + extra,
                       QStringLiteral("serving http://127\\.0\\.0\\.1:(\\d+)"));
    }

    QString m_url;
    QByteArray m_key;
    QByteArray m_admin;
    QByteArray m_photo;
};

QTEST_GUILESS_MAIN(TestHostileServices)
#include "tst_hostile_services.moc"
