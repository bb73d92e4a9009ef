// The production services end to end, jobs from upload to result: `serve`
// and separate `worker` processes against the throwaway PostgreSQL of
// scripts/with-postgres.sh, driven over real HTTP, each result compared with
// what `classify --json` says of the same photo. Every answer is checked
// against resources/openapi.json.
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

#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTcpSocket>
#include <QTest>

#include <csignal>
#include <memory>

using namespace listinglens;
using namespace listinglens::test;

class TestServicesJobs : public ServicesFixture {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        loadPhotos(true);
    }

    void twoWorkersOneKilled_everyJobDoneOnceLikeClassify()
    {
        LISTINGLENS_REQUIRE_POSTGRES_SERVER();
        const QString url = freshQueue(QStringLiteral("listinglens_services"));
        QVERIFY(!url.isEmpty());

        // An InfluxDB stand-in: records what a worker pushes in line protocol.
        QByteArrayList pushed;
        HttpServer influx([&](const HttpRequest &r, const HttpResponder &responder) {
            pushed << r.body;
            responder.send(HttpResponse::text(204, {}, "text/plain"));
        });
        const quint16 influxPort = influx.listen(QHostAddress::LocalHost, 0).value();

        auto serve = startServe(url);
        QVERIFY2(serve->ready(), serve->log().constData());
        const QUrl base(QStringLiteral("http://127.0.0.1:%1").arg(serve->captured()));
        // w1's connections carry a name of their own, so that the test can see when none is left.
        const QString w1Url = url + (url.contains(QLatin1Char('?')) ? QLatin1Char('&') : QLatin1Char('?')) + QStringLiteral("application_name=listinglens-w1");
        auto w1 = startWorker(w1Url, QStringLiteral("w1"));
        auto w2 = startWorker(url, QStringLiteral("w2"), {QStringLiteral("--influx"),
                                                          QStringLiteral("http://127.0.0.1:%1/api/v2/write?org=o&bucket=b").arg(influxPort),
                                                          QStringLiteral("--influx-interval"), QStringLiteral("1")});
        QVERIFY2(w1->ready(), w1->log().constData());
        QVERIFY2(w2->ready(), w2->log().constData());

        constexpr int kJobs = 200;
        QStringList ids;
        QHash<QString, QString> nameOf;
        bool killed = false; // with the jobs it held then in the table held_by_killed
        for (int i = 0; i < kJobs; ++i) {
            const QString name = m_photoNames[i % m_photoNames.size()];
            const Reply r = post(base, name, m_photos.value(name));
            QCOMPARE(r.status, 202);
            QCOMPARE(r.headers.value("location"), "/v1/jobs/" + r.json().value(QStringLiteral("id")).toString().toLatin1());
            ids << r.json().value(QStringLiteral("id")).toString();
            nameOf.insert(ids.last(), name);
            if (!killed && i >= 60
                && test::postgresScalar(url, QStringLiteral("SELECT count(*) FROM jobs WHERE worker = 'w1' AND status = 'running'")) > 0) {
                // SIGKILL w1 while it holds jobs: they must be taken over once their lease runs out.
                w1->signal(SIGKILL);
                QVERIFY(w1->waitForExit(10'000));
                // What it held is read once none of its connections is left, so
                // that nothing it sent before it died can still end a job: the
                // jobs it held may have ended between the count and the kill.
                QTRY_COMPARE_WITH_TIMEOUT(test::postgresScalar(url, QStringLiteral("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'listinglens-w1'")),
                                          qint64(0), 10'000);
                test::postgresScalar(url, QStringLiteral("DROP TABLE IF EXISTS held_by_killed"));
                test::postgresScalar(url, QStringLiteral("CREATE TABLE held_by_killed AS SELECT id FROM jobs WHERE worker = 'w1' AND status = 'running'"));
                killed = test::postgresScalar(url, QStringLiteral("SELECT count(*) FROM held_by_killed")) > 0;
                if (!killed) { // it held nothing when it died: a new w1, killed later
                    w1 = startWorker(w1Url, QStringLiteral("w1"));
                    QVERIFY2(w1->ready(), w1->log().constData());
                }
            }
        }
        QVERIFY2(killed, "w1 never held a job when it was killed while the photos were posted");

        const QHash<QString, QJsonObject> ended = waitForAll(base, ids, 240);
        QCOMPARE(ended.size(), kJobs);
        int retaken = 0, unread = 0;
        for (const QString &id : std::as_const(ids)) {
            const QJsonObject j = ended.value(id);
            QCOMPARE(j.value(QStringLiteral("status")).toString(), QStringLiteral("done"));
            if (j.value(QStringLiteral("attempts")).toInt() > 1)
                ++retaken;
            QJsonObject expected = withoutRunSpecifics(m_classified.value(nameOf.value(id)));
            QJsonObject actual = withoutRunSpecifics(j.value(QStringLiteral("result")).toObject());
            if (const QString state = actual.value(QStringLiteral("moderation")).toObject().value(QStringLiteral("state")).toString();
                state == QLatin1String("failed")) {
                ++unread; // stored by w1 before it was killed, or more photos than the lane could read: text not read, for review
                QVERIFY(actual.value(QStringLiteral("review")).toObject().value(QStringLiteral("reasons")).toArray().contains(QString::fromLatin1(kNotModerated)));
                expected = withoutModeration(expected);
                actual = withoutModeration(actual);
            }
            const QString difference = jsonDifference(actual, expected);
            QVERIFY2(difference.isEmpty(), qPrintable(nameOf.value(id) + QStringLiteral(" differs from classify --json at ") + difference));
            QCOMPARE(j.value(QStringLiteral("result")).toObject().value(QStringLiteral("file")).toString(), nameOf.value(id));
        }
        QVERIFY2(retaken > 0, "no job held by the killed worker was taken over");
        // Each job the killed worker held when it died was taken over: done by the other, on a later attempt.
        QVERIFY(test::postgresScalar(url, QStringLiteral("SELECT count(*) FROM held_by_killed")) > 0);
        QCOMPARE(test::postgresScalar(url, QStringLiteral("SELECT count(*) FROM held_by_killed h JOIN jobs j ON j.id = h.id"
                                                          " WHERE j.status = 'done' AND j.attempts > 1 AND j.worker = 'w2'")),
                 test::postgresScalar(url, QStringLiteral("SELECT count(*) FROM held_by_killed")));
        QVERIFY2(unread < kJobs, "the moderation lane read no photo at all");
        // Exactly once: one stored prediction per job, each job pointing at its own.
        QCOMPARE(test::postgresScalar(url, QStringLiteral("SELECT count(*) FROM predictions WHERE source = 'api'")), qint64(kJobs));
        QCOMPARE(test::postgresScalar(url, QStringLiteral("SELECT count(DISTINCT prediction_id) FROM jobs WHERE status = 'done'")), qint64(kJobs));
        QCOMPARE(test::postgresScalar(url, QStringLiteral("SELECT count(*) FROM jobs WHERE photo IS NOT NULL")), qint64(0));
        // The second copy of a photo is flagged as a duplicate of the first.
        const QJsonObject later = ended.value(ids.last()).value(QStringLiteral("result")).toObject();
        QVERIFY(later.value(QStringLiteral("quality")).toObject().value(QStringLiteral("flags")).toArray().contains(QStringLiteral("duplicate")));

        // What the desktop Throughput page shows of the queue: jobs by worker, per bucket.
        {
            auto store = PredictionStore::open(url).value();
            const qint64 now = QDateTime::currentMSecsSinceEpoch();
            auto activity = readQueueActivity(*store, now - 3'600'000, now + 60'000, 60'000);
            QVERIFY(activity);
            QCOMPARE(activity.value().queued + activity.value().running, qint64(0));
            QVERIFY(activity.value().workers.contains(QStringLiteral("w2")));
            qint64 ended = 0;
            for (const auto &bucket : activity.value().buckets)
                for (const qint64 n : bucket.endedByWorker)
                    ended += n;
            QCOMPARE(ended, qint64(kJobs));
        }

        // The metrics the API exports, from the queue table (every machine's workers).
        const Reply metrics = send(QStringLiteral("GET"), QUrl(base.toString() + QStringLiteral("/metrics")));
        QCOMPARE(metrics.status, 200);
        QVERIFY(metrics.body.contains("listinglens_jobs{status=\"done\"} 200"));
        QVERIFY(metrics.body.contains("listinglens_queue_depth 0"));
        QVERIFY(metrics.body.contains("listinglens_jobs_ended_by_worker{worker=\"w2\"}"));
        QVERIFY(metrics.body.contains("listinglens_http_requests_total{route=\"/v1/jobs\",method=\"POST\",status=\"202\"} 200"));

        // w2 pushed its metrics to "InfluxDB" in line protocol.
        QTRY_VERIFY_WITH_TIMEOUT(!pushed.isEmpty(), 5'000);
        const QByteArray lines = pushed.join();
        QVERIFY2(lines.contains("listinglens_photos_processed_total,service=worker,"), lines.left(500).constData());
        QVERIFY(QRegularExpression(QStringLiteral("listinglens_job_total_ms,service=worker,host=[^ ]+,worker=w2 count=\\d+i,sum="))
                    .match(QString::fromUtf8(lines)).hasMatch());

        // SIGTERM: the surviving worker stops cleanly.
        w2->signal(SIGTERM);
        QVERIFY(w2->waitForExit(20'000));
        QCOMPARE(w2->exitCode(), 0);
    }

    void embeddedWorker_decodesOnce_andACrashLosesNoAcceptedJob()
    {
        LISTINGLENS_REQUIRE_POSTGRES_SERVER();
        const QString url = freshQueue(QStringLiteral("listinglens_embedded"));
        QVERIFY(!url.isEmpty());
        QHash<QString, QString> nameOf;
        auto compareWithClassify = [&](const QString &id, const QJsonObject &job) {
            QJsonObject actual = withoutRunSpecifics(job.value(QStringLiteral("result")).toObject());
            QJsonObject expected = withoutRunSpecifics(m_classified.value(nameOf.value(id)));
            if (const QString state = actual.value(QStringLiteral("moderation")).toObject().value(QStringLiteral("state")).toString();
                state == QLatin1String("failed")) {
                actual = withoutModeration(actual); // its server was killed with the photo in the lane, or the lane was full
                expected = withoutModeration(expected);
            }
            const QString difference = jsonDifference(actual, expected);
            return difference.isEmpty() ? QString() : nameOf.value(id) + QStringLiteral(" differs from classify --json at ") + difference;
        };
        QStringList ids;
        QList<QByteArray> keys;
        QHash<QByteArray, QString> answeredBeforeCrash; // key -> id
        {
            auto serve = startServe(url, {QStringLiteral("--workers"), QStringLiteral("1"), QStringLiteral("--batch"), QStringLiteral("4"),
                                          QStringLiteral("--lease"), QStringLiteral("3"), QStringLiteral("--name"), QStringLiteral("e")});
            QVERIFY2(serve->ready(), serve->log().constData());
            const QUrl base(QStringLiteral("http://127.0.0.1:%1").arg(serve->captured()));
            for (const QString &name : std::as_const(m_photoNames)) {
                const Reply r = post(base, name, m_photos.value(name));
                QCOMPARE(r.status, 202);
                // Answered once the job and its result were stored.
                QCOMPARE(r.json().value(QStringLiteral("status")).toString(), QStringLiteral("done"));
                ids << r.json().value(QStringLiteral("id")).toString();
                nameOf.insert(ids.last(), name);
            }
            const QHash<QString, QJsonObject> ended = waitForAll(base, ids, 120);
            QCOMPARE(ended.size(), ids.size());
            for (const QString &id : std::as_const(ids)) {
                const QJsonObject j = ended.value(id);
                QCOMPARE(j.value(QStringLiteral("status")).toString(), QStringLiteral("done"));
                QCOMPARE(j.value(QStringLiteral("attempts")).toInt(), 1);
                const QString difference = compareWithClassify(id, j);
                QVERIFY2(difference.isEmpty(), qPrintable(difference));
                QCOMPARE(j.value(QStringLiteral("result")).toObject().value(QStringLiteral("file")).toString(), nameOf.value(id));
            }
            // Every upload went straight to the embedded worker, and no photo was written to the database.
            const Reply metrics = send(QStringLiteral("GET"), QUrl(base.toString() + QStringLiteral("/metrics")));
            QVERIFY2(metrics.body.contains(QStringLiteral("listinglens_jobs_handed_total{worker=\"e\"} %1").arg(ids.size()).toUtf8()),
                     metrics.body.constData());
            QVERIFY(metrics.body.contains("listinglens_inference_ms_bucket{worker=\"e\""));
            QCOMPARE(test::postgresScalar(url, QStringLiteral("SELECT count(*) FROM jobs WHERE worker = 'e' AND queue_ms = 0")),
                     qint64(ids.size()));
            QCOMPARE(test::postgresScalar(url, QStringLiteral("SELECT count(*) FROM jobs WHERE photo IS NOT NULL")), qint64(0));

            // The process dies with uploads in hand: six sent at once, killed as soon as they are written.
            std::vector<std::unique_ptr<QTcpSocket>> sockets;
            for (int i = 0; i < 6; ++i) {
                const QString name = m_photoNames[i];
                const QByteArray key = "crash-" + QByteArray::number(i);
                keys << key;
                nameOf.insert(QString::fromLatin1(key), name);
                sockets.push_back(startUpload(serve->captured(), m_photos.value(name), key, name));
                QCOMPARE(sockets.back()->state(), QAbstractSocket::ConnectedState);
            }
            for (auto &socket : sockets)
                while (socket->bytesToWrite() > 0)
                    QVERIFY(socket->waitForBytesWritten(5'000));
            serve->signal(SIGKILL);
            QVERIFY(serve->waitForExit(10'000));
            for (std::size_t i = 0; i < sockets.size(); ++i) {
                sockets[i]->waitForReadyRead(200);
                if (const QString id = acceptedId(sockets[i]->readAll()); !id.isEmpty())
                    answeredBeforeCrash.insert(keys[int(i)], id);
            }
        }
        QVERIFY2(answeredBeforeCrash.size() < keys.size(), "every upload was answered before the kill: nothing was in flight");
        // What was not answered was not kept: nothing half-written, no job left running.
        QCOMPARE(test::postgresScalar(url, QStringLiteral("SELECT count(*) FROM jobs")), qint64(ids.size() + answeredBeforeCrash.size()));
        QCOMPARE(test::postgresScalar(url, QStringLiteral("SELECT count(*) FROM jobs WHERE status NOT IN ('done', 'failed')")), qint64(0));
        // The clients send again with their keys: what was answered is answered the same, the rest is done once.
        auto serve = startServe(url, {QStringLiteral("--workers"), QStringLiteral("1"), QStringLiteral("--name"), QStringLiteral("e2")});
        QVERIFY2(serve->ready(), serve->log().constData());
        const QUrl base(QStringLiteral("http://127.0.0.1:%1").arg(serve->captured()));
        QStringList resent;
        for (const QByteArray &key : std::as_const(keys)) {
            const QString name = nameOf.value(QString::fromLatin1(key));
            const Reply r = post(base, name, m_photos.value(name), key);
            QCOMPARE(r.status, 202);
            const QString id = r.json().value(QStringLiteral("id")).toString();
            if (answeredBeforeCrash.contains(key)) {
                QCOMPARE(id, answeredBeforeCrash.value(key));
                QCOMPARE(r.headers.value("idempotent-replayed"), QByteArray("true"));
            }
            resent << id;
            nameOf.insert(id, name);
        }
        const QHash<QString, QJsonObject> ended = waitForAll(base, resent, 60);
        QCOMPARE(ended.size(), resent.size());
        for (const QString &id : std::as_const(resent)) {
            QCOMPARE(ended.value(id).value(QStringLiteral("status")).toString(), QStringLiteral("done"));
            const QString difference = compareWithClassify(id, ended.value(id));
            QVERIFY2(difference.isEmpty(), qPrintable(difference));
        }
        QCOMPARE(test::postgresScalar(url, QStringLiteral("SELECT count(*) FROM jobs WHERE idempotency_key LIKE 'k0:crash-%'")),
                 qint64(keys.size()));
        QCOMPARE(test::postgresScalar(url, QStringLiteral("SELECT count(*) FROM predictions WHERE source = 'api'")),
                 qint64(ids.size() + keys.size()));
    }

    // A number written on the photo: the upload is answered with the result
    // (its text perhaps still being read), and GET shows the job completed:
    // the number, its box, the contact_details flag and review.
};

QTEST_GUILESS_MAIN(TestServicesJobs)
#include "tst_services_jobs.moc"
