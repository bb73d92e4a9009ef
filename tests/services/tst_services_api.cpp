// The production services' HTTP interface end to end: refusals that never
// reach the queue, API keys and input checks. Every answer is checked against
// resources/openapi.json, and the last test checks that the tests before it
// exercised every documented operation (they run in one program for that).
#include "database_url.h"
#include "fixtures.h"
#include "head_store.h"
#include "http_server.h"
#include "job_api.h"
#include "model_manifest.h"
#include "taxonomy.h"
#include "prediction_store.h"
#include "service_process.h"
#include "services_fixture.h"
#include "stats_reads.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTcpSocket>
#include <QTest>

#include <opencv2/core.hpp>

#include <memory>

using namespace listinglens;
using namespace listinglens::test;

class TestServicesApi : public ServicesFixture {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        loadPhotos(false);
    }

    void refusals_neverReachTheQueue()
    {
        LISTINGLENS_REQUIRE_POSTGRES_SERVER();
        const QString url = freshQueue(QStringLiteral("listinglens_services_refusals"));
        QVERIFY(!url.isEmpty());
        auto serve = startServe(url, {QStringLiteral("--max-queue"), QStringLiteral("3")}); // no workers: jobs stay queued
        QVERIFY2(serve->ready(), serve->log().constData());
        const QUrl base(QStringLiteral("http://127.0.0.1:%1").arg(serve->captured()));
        const QByteArray photo = m_photos.value(m_photoNames.first());

        struct Bad {
            const char *what;
            QByteArray body;
            QByteArray type;
            int status;
            const char *code;
        };
        const cv::Mat tiny(8, 8, CV_8UC3, cv::Scalar(10, 20, 30));
        const QList<Bad> bad = {
            {"empty body", {}, "image/jpeg", 400, "empty"},
            {"truncated JPEG", photo.left(photo.size() / 2), "image/jpeg", 400, "corrupt"},
            {"text as an image", "hello, I am not a photo", "image/jpeg", 415, "unsupported_format"},
            {"not an image type", photo, "text/plain", 415, "unsupported_format"},
            {"no content type", photo, {}, 415, "unsupported_format"},
            {"8x8 thumbnail", test::encode(tiny, ".png"), "image/png", 400, "too_small"},
            {"PNG header only", test::pngHeaderOnly(640, 480), "image/png", 400, "corrupt"},
            {"over 30 MiB", QByteArray(31 * 1024 * 1024, 'x'), "image/jpeg", 413, "too_large"},
            {"form without photo", "--b\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\nx\r\n--b--\r\n",
             "multipart/form-data; boundary=b", 400, "invalid_argument"},
            {"form with two photos",
             "--b\r\nContent-Disposition: form-data; name=\"photo\"\r\nContent-Type: image/jpeg\r\n\r\n" + photo
                 + "\r\n--b\r\nContent-Disposition: form-data; name=\"photo\"\r\nContent-Type: image/jpeg\r\n\r\n" + photo + "\r\n--b--\r\n",
             "multipart/form-data; boundary=b", 400, "invalid_argument"},
        };
        auto refuses = [&](const QUrl &to) {
            for (const Bad &b : bad) {
                const Reply r = postRaw(to, b.body, b.type);
                QVERIFY2(r.status == b.status, qPrintable(QStringLiteral("%1: %2 %3").arg(QLatin1String(b.what)).arg(r.status).arg(QString::fromUtf8(r.body))));
                QCOMPARE(r.json().value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString(), QLatin1String(b.code));
            }
        };
        refuses(base);
        QCOMPARE(test::postgresScalar(url, QStringLiteral("SELECT count(*) FROM jobs")), qint64(0));
        {
            // The same refusals where an embedded worker checks uploads by preparing them; and a
            // repeated key there gives the job the first upload stored.
            const QString direct = freshQueue(QStringLiteral("listinglens_services_refusals_direct"));
            QVERIFY(!direct.isEmpty());
            auto embedded = startServe(direct, {QStringLiteral("--workers"), QStringLiteral("1")});
            QVERIFY2(embedded->ready(), embedded->log().constData());
            const QUrl to(QStringLiteral("http://127.0.0.1:%1").arg(embedded->captured()));
            refuses(to);
            QCOMPARE(test::postgresScalar(direct, QStringLiteral("SELECT count(*) FROM jobs")), qint64(0));
            const Reply first = post(to, QStringLiteral("a.jpg"), photo, "key-1");
            const Reply repeated = post(to, QStringLiteral("a.jpg"), photo, "key-1");
            QCOMPARE(first.status, 202);
            QCOMPARE(repeated.json().value(QStringLiteral("id")), first.json().value(QStringLiteral("id")));
            QCOMPARE(repeated.headers.value("idempotent-replayed"), QByteArray("true"));
            QCOMPARE(test::postgresScalar(direct, QStringLiteral("SELECT count(*) FROM jobs")), qint64(1));
            QCOMPARE(test::postgresScalar(direct, QStringLiteral("SELECT count(*) FROM predictions")), qint64(1));
            // Two uploads with one key at the same moment: both are processed, one is stored, both get its id.
            std::vector<std::unique_ptr<QTcpSocket>> racing;
            for (int i = 0; i < 2; ++i) {
                racing.push_back(startUpload(embedded->captured(), photo, "key-2"));
                QCOMPARE(racing.back()->state(), QAbstractSocket::ConnectedState);
            }
            QStringList raced;
            for (auto &socket : racing) {
                QByteArray answer;
                while (!answer.contains("}") && socket->waitForReadyRead(30'000))
                    answer += socket->readAll();
                raced << acceptedId(answer);
                QVERIFY2(!raced.last().isEmpty(), answer.constData());
            }
            QCOMPARE(raced[0], raced[1]);
            QCOMPARE(test::postgresScalar(direct, QStringLiteral("SELECT count(*) FROM jobs WHERE idempotency_key = 'k0:key-2'")), qint64(1));
            QCOMPARE(test::postgresScalar(direct, QStringLiteral("SELECT count(*) FROM predictions")), qint64(2));
        }

        // An Idempotency-Key repeated gives the same job.
        const Reply once = post(base, QStringLiteral("a.jpg"), photo, "key-1");
        const Reply again = post(base, QStringLiteral("a.jpg"), photo, "key-1");
        QCOMPARE(once.status, 202);
        QCOMPARE(again.status, 202);
        QCOMPARE(again.json().value(QStringLiteral("id")), once.json().value(QStringLiteral("id")));
        QCOMPARE(again.headers.value("idempotent-replayed"), QByteArray("true"));
        QCOMPARE(test::postgresScalar(url, QStringLiteral("SELECT count(*) FROM jobs")), qint64(1));

        // Backpressure: over the bound, 503 with Retry-After; nothing queued.
        QCOMPARE(postRaw(base, photo, "image/jpeg").status, 202);
        QCOMPARE(postRaw(base, photo, "image/jpeg").status, 202);
        const Reply full = postRaw(base, photo, "image/jpeg");
        QCOMPARE(full.status, 503);
        QCOMPARE(full.json().value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString(), QStringLiteral("busy"));
        QCOMPARE(full.headers.value("retry-after"), QByteArray("5"));
        QCOMPARE(test::postgresScalar(url, QStringLiteral("SELECT count(*) FROM jobs")), qint64(3));

        // Status of a queued job, a long poll that times out, unknown ids and wrong methods.
        const QString id = once.json().value(QStringLiteral("id")).toString();
        QCOMPARE(job(base, id).json().value(QStringLiteral("status")).toString(), QStringLiteral("queued"));
        QElapsedTimer waited;
        waited.start();
        QCOMPARE(job(base, id, 1).json().value(QStringLiteral("status")).toString(), QStringLiteral("queued"));
        QVERIFY(waited.elapsed() >= 900);
        QCOMPARE(job(base, QStringLiteral("00000000-0000-0000-0000-000000000000")).status, 404);
        QCOMPARE(job(base, QStringLiteral("not-a-uuid")).status, 404);
        QCOMPARE(send(QStringLiteral("GET"), QUrl(base.toString() + QStringLiteral("/v1/jobs/%1?wait=abc").arg(id))).status, 400);
        QCOMPARE(send(QStringLiteral("DELETE"), QUrl(base.toString() + QStringLiteral("/v1/jobs/%1").arg(id))).status, 405);
        QCOMPARE(send(QStringLiteral("GET"), QUrl(base.toString() + QStringLiteral("/v1/jobs"))).status, 405);
        QCOMPARE(send(QStringLiteral("POST"), QUrl(base.toString() + QStringLiteral("/v1/jobs/%1/feedback").arg(id)),
                      R"({"decision":"accepted"})", "application/json").status, 409);
        QCOMPARE(send(QStringLiteral("GET"), QUrl(base.toString() + QStringLiteral("/healthz"))).status, 200);
        QCOMPARE(send(QStringLiteral("GET"), QUrl(base.toString() + QStringLiteral("/readyz"))).status, 200);
        const Reply doc = send(QStringLiteral("GET"), QUrl(base.toString() + QStringLiteral("/openapi.json")));
        QCOMPARE(doc.json().value(QStringLiteral("openapi")).toString(), QStringLiteral("3.0.3"));
        QCOMPARE(send(QStringLiteral("GET"), QUrl(base.toString() + QStringLiteral("/metrics"))).status, 200);

        // The database goes away: readiness says so, submissions get 503, health stays 200.
        QVERIFY(test::postgresControl(QStringLiteral("stop")));
        const Reply notReady = send(QStringLiteral("GET"), QUrl(base.toString() + QStringLiteral("/readyz")));
        const Reply refused = postRaw(base, photo, "image/jpeg");
        const Reply alive = send(QStringLiteral("GET"), QUrl(base.toString() + QStringLiteral("/healthz")));
        QVERIFY(test::postgresControl(QStringLiteral("start")));
        QCOMPARE(notReady.status, 503);
        QCOMPARE(refused.status, 503);
        QVERIFY(refused.headers.contains("retry-after"));
        QCOMPARE(alive.status, 200);
    }

    // Runs last: the tests above must have exercised every documented operation.
    // Keys and scopes on every /v1 route, jobs and
    // idempotency keys owned by their key, checked input, no internals.

    void apiKeysAndInputChecks()
    {
        LISTINGLENS_REQUIRE_POSTGRES_SERVER();
        const QString url = freshQueue(QStringLiteral("listinglens_services_auth"));
        QVERIFY(!url.isEmpty());
        const auto createKey = [&](const QString &name, const QString &scope) { return test::createApiKey(url, name, scope); };
        const QByteArray a = createKey(QStringLiteral("a"), QStringLiteral("submit,read,feedback"));
        const QByteArray b = createKey(QStringLiteral("b"), QStringLiteral("submit,read"));
        const QByteArray submitOnly = createKey(QStringLiteral("s"), QStringLiteral("submit"));
        const QByteArray admin = createKey(QStringLiteral("ops"), QStringLiteral("admin"));
        QVERIFY(!a.isEmpty() && !b.isEmpty() && !submitOnly.isEmpty() && !admin.isEmpty());

        auto serve = startServe(url, {QStringLiteral("--auth"), QStringLiteral("--admin-listen"), QStringLiteral("127.0.0.1:0")});
        QVERIFY2(serve->ready(), serve->log().constData());
        const QUrl base(QStringLiteral("http://127.0.0.1:%1").arg(serve->captured()));
        const QRegularExpression adminLine(QStringLiteral("admin \\(metrics, readiness\\) on http://127\\.0\\.0\\.1:(\\d+)"));
        const QString adminPort = adminLine.match(QString::fromUtf8(serve->log())).captured(1);
        QVERIFY(!adminPort.isEmpty());
        const QUrl adminBase(QStringLiteral("http://127.0.0.1:%1").arg(adminPort));
        const auto bearer = [](const QByteArray &key) { return QPair<QByteArray, QByteArray>("Authorization", "Bearer " + key); };
        const QByteArray photo = m_photos.value(m_photoNames.value(0)), other = m_photos.value(m_photoNames.value(1));
        const QUrl jobs(base.toString() + QStringLiteral("/v1/jobs"));
        const auto submit = [&](const QByteArray &key, const QByteArray &bytes, const QByteArray &idem) {
            QList<QPair<QByteArray, QByteArray>> h{bearer(key)};
            if (!idem.isEmpty())
                h << QPair<QByteArray, QByteArray>("Idempotency-Key", idem);
            return send(QStringLiteral("POST"), jobs, bytes, "image/jpeg", h);
        };

        // Keys and scopes.
        Reply r = send(QStringLiteral("POST"), jobs, photo, "image/jpeg");
        QCOMPARE(r.status, 401);
        QVERIFY(r.headers.value("www-authenticate").startsWith("Bearer"));
        QCOMPARE(submit("llk_00000000_" + QByteArray(43, 'A'), photo, {}).status, 401);
        r = submit(a, photo, "one");
        QCOMPARE(r.status, 202);
        const QString id = r.json().value(QStringLiteral("id")).toString();
        const auto get = [&](const QByteArray &key, const QString &jobId, const QString &query = {}) {
            return send(QStringLiteral("GET"), QUrl(base.toString() + QStringLiteral("/v1/jobs/") + jobId + query), {}, {}, {bearer(key)});
        };
        QCOMPARE(get(submitOnly, id).status, 403);
        QCOMPARE(get(a, id).status, 200);
        QCOMPARE(get(a, id.toUpper()).status, 200); // ids in any case
        QCOMPARE(get(b, id).status, 404);           // another key's job is not found
        QCOMPARE(get(admin, id).status, 200);
        QCOMPARE(get(a, QStringLiteral("not-a-uuid")).status, 404);
        QCOMPARE(get(a, id, QStringLiteral("?wait=nan")).status, 400);
        QCOMPARE(get(a, id, QStringLiteral("?wait=inf")).status, 400);

        // Idempotency keys: one payload each, and each API key has its own.
        r = submit(a, photo, "one");
        QCOMPARE(r.status, 202);
        QCOMPARE(r.json().value(QStringLiteral("id")).toString(), id);
        r = submit(a, other, "one");
        QCOMPARE(r.status, 422);
        QCOMPARE(r.json().value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString(), QStringLiteral("idempotency_key_reused"));
        r = submit(b, other, "one");
        QCOMPARE(r.status, 202);
        QVERIFY(r.json().value(QStringLiteral("id")).toString() != id);
        // Control bytes and invalid UTF-8 never reach PostgreSQL (a NUL once cut its statement short).
        for (const QByteArray &bad : {QByteArray("a\0b", 3), QByteArray("caf\xff"), QByteArray("tab\x01"), QByteArray(201, 'k')}) {
            const QByteArray raw = "POST /v1/jobs HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " + a + "\r\nContent-Type: image/jpeg\r\n"
                                   "Idempotency-Key: " + bad + "\r\nContent-Length: " + QByteArray::number(photo.size()) + "\r\n\r\n" + photo;
            QTcpSocket socket;
            socket.connectToHost(QHostAddress::LocalHost, quint16(serve->captured().toUInt()));
            QVERIFY(socket.waitForConnected(5000));
            socket.write(raw);
            QByteArray answer;
            while (!answer.contains("\r\n\r\n") && socket.waitForReadyRead(5000))
                answer += socket.readAll();
            QVERIFY2(answer.startsWith("HTTP/1.1 400"), answer.left(200).constData());
        }

        // Feedback: JSON only, typed, bounded (checked before the job's state).
        const QUrl feedback(base.toString() + QStringLiteral("/v1/jobs/%1/feedback").arg(id));
        const auto give = [&](const QByteArray &body, const QByteArray &type) {
            return send(QStringLiteral("POST"), feedback, body, type, {bearer(a)});
        };
        QCOMPARE(give(R"({"decision":"accepted"})", "text/plain").status, 415);
        QCOMPARE(give(R"({"decision":"corrected","price":"abc"})", "application/json").status, 400);
        QCOMPARE(give(R"({"decision":"corrected","title":"a\u0000b"})", "application/json").status, 400);
        QCOMPARE(give(R"({"decision":"corrected","colour":"red"})", "application/json").status, 400);
        QCOMPARE(give("{\"decision\":\"corrected\",\"description\":\"" + QByteArray(100'000, 'x') + "\"}", "application/json").status, 413);
        QCOMPARE(give(R"({"decision":"accepted"})", "application/json").status, 409); // well-formed: the job is still queued
        QCOMPARE(send(QStringLiteral("POST"), feedback, R"({"decision":"accepted"})", "application/json", {bearer(b)}).status, 403);

        // Operators' details on the admin listener only; methods are a bounded label.
        QCOMPARE(send(QStringLiteral("GET"), QUrl(base.toString() + QStringLiteral("/metrics"))).status, 404);
        for (int i = 0; i < 30; ++i)
            send(QStringLiteral("X-ODD-%1").arg(i), QUrl(base.toString() + QStringLiteral("/healthz")));
        const Reply metrics = send(QStringLiteral("GET"), QUrl(adminBase.toString() + QStringLiteral("/metrics")));
        QCOMPARE(metrics.status, 200);
        QVERIFY(!metrics.body.contains("X-ODD"));
        QVERIFY(metrics.body.contains("method=\"other\""));
        QCOMPARE(send(QStringLiteral("GET"), QUrl(adminBase.toString() + QStringLiteral("/v1/jobs/") + id)).status, 404);

        // A database outage: 503 with a request id, and no host, user or driver text.
        QVERIFY(test::postgresControl(QStringLiteral("stop")));
        r = submit(a, m_photos.value(m_photoNames.value(2)), {});
        const Reply readyMain = send(QStringLiteral("GET"), QUrl(base.toString() + QStringLiteral("/readyz")));
        const Reply readyAdmin = send(QStringLiteral("GET"), QUrl(adminBase.toString() + QStringLiteral("/readyz")));
        const Reply outageMetrics = send(QStringLiteral("GET"), QUrl(adminBase.toString() + QStringLiteral("/metrics")));
        QVERIFY(test::postgresControl(QStringLiteral("start")));
        // Meanwhile the queue's gauges are left out, not shown at their last values; the one
        // submit refused is counted once under POST /v1/jobs, and no request without its method.
        QVERIFY(metrics.body.contains("\nlistinglens_queue_depth "));
        QCOMPARE(outageMetrics.status, 200);
        QVERIFY(outageMetrics.body.contains("listinglens_database_up 0"));
        for (const char *gone : {"\nlistinglens_queue_depth ", "\nlistinglens_queue_oldest_age_seconds ", "\nlistinglens_jobs{",
                                 "\nlistinglens_jobs_ended_by_worker{"}) // series, not HELP
            QVERIFY2(!outageMetrics.body.contains(gone), gone);
        QVERIFY2(outageMetrics.body.contains("listinglens_http_requests_total{route=\"/v1/jobs\",method=\"POST\",status=\"503\"} 1"),
                 outageMetrics.body.constData());
        QVERIFY(!outageMetrics.body.contains("method=\"-\""));
        QCOMPARE(r.status, 503);
        const QJsonObject error = r.json().value(QStringLiteral("error")).toObject();
        QVERIFY(!error.value(QStringLiteral("request_id")).toString().isEmpty());
        QCOMPARE(error.value(QStringLiteral("request_id")).toString().toLatin1(), r.headers.value("x-request-id"));
        const QString port = QUrl(url).port() > 0 ? QString::number(QUrl(url).port()) : QStringLiteral("5432");
        for (const Reply *shown : std::initializer_list<const Reply *>{&r, &readyMain}) {
            QCOMPARE(shown->status, 503);
            QVERIFY2(!shown->body.contains("127.0.0.1") && !shown->body.contains(port.toLatin1()) && !shown->body.toLower().contains("postgres"),
                     shown->body.constData());
        }
        QCOMPARE(readyAdmin.status, 503);
        QVERIFY2(!readyMain.json().contains(QStringLiteral("reason")), readyMain.body.constData()); // the public listener gives no reason
        QVERIFY(!readyAdmin.json().value(QStringLiteral("reason")).toString().isEmpty());
        QVERIFY(serve->log().contains(error.value(QStringLiteral("request_id")).toString().toLatin1())); // the detail is in the log
        // PostgreSQL back: the queue's gauges come back with it.
        Reply recovered;
        for (int i = 0; i < 50 && !recovered.body.contains("listinglens_database_up 1"); ++i) {
            if (i > 0)
                QTest::qWait(200);
            recovered = send(QStringLiteral("GET"), QUrl(adminBase.toString() + QStringLiteral("/metrics")));
        }
        QVERIFY2(recovered.body.contains("listinglens_database_up 1"), recovered.body.constData());
        for (const char *back : {"\nlistinglens_queue_depth ", "\nlistinglens_queue_oldest_age_seconds ", "\nlistinglens_jobs{"})
            QVERIFY2(recovered.body.contains(back), back);

        // --no-auth anywhere but loopback is refused.
        QProcess open;
        open.start(test::serverBinaryPath(), {QStringLiteral("serve"), QStringLiteral("--db"), url, QStringLiteral("--no-auth"),
                                        QStringLiteral("--listen"), QStringLiteral("0.0.0.0:0")});
        QVERIFY(open.waitForFinished(60'000));
        QCOMPARE(open.exitCode(), 2);
        QVERIFY(open.readAllStandardError().contains("loopback"));
    }

    void openApi_everyOperationExercised()
    {
        LISTINGLENS_REQUIRE_POSTGRES_SERVER();
        for (const QString &op : m_api.operations())
            QVERIFY2(m_exercised.contains(op), qPrintable(op + QStringLiteral(" is documented but no test called it")));
    }
};

QTEST_GUILESS_MAIN(TestServicesApi)
#include "tst_services_api.moc"
