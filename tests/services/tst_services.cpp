// The production services end to end: `serve` and separate `worker`
// processes against the throwaway PostgreSQL of scripts/with-postgres.sh,
// driven over real HTTP. Every answer is checked against resources/openapi.json.
// One test class on purpose, past 500 lines: the last test checks that the
// tests before it exercised every documented operation, which needs them all
// in one run.
#include "database_url.h"
#include "fixtures.h"
#include "head_store.h"
#include "http_server.h"
#include "job_api.h"
#include "model_manifest.h"
#include "taxonomy.h"
#include "prediction_store.h"
#include "service_process.h"
#include "stats_reads.h"

#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QHttpMultiPart>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>

#include <opencv2/core.hpp>

#include <csignal>
#include <memory>

using namespace listinglens;
using test::Service;

namespace {

struct Reply {
    int status = 0;
    QByteArray body;
    QHash<QByteArray, QByteArray> headers; // lower-case names
    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
};

// Validates JSON against the OpenAPI document's schemas (the subset it uses).
class OpenApi {
public:
    OpenApi() : m_doc(JobApi::openApiDocument().value()) {}

    // The response schema of an operation and status; null object when undocumented.
    QJsonObject responseSchema(const QString &pathTemplate, const QString &method, int status, bool *documented) const
    {
        const QJsonObject responses = m_doc.value(QStringLiteral("paths")).toObject().value(pathTemplate).toObject()
                                          .value(method.toLower()).toObject().value(QStringLiteral("responses")).toObject();
        QJsonObject response = resolve(responses.value(QString::number(status)).toObject());
        *documented = !response.isEmpty();
        const QJsonObject content = response.value(QStringLiteral("content")).toObject();
        return resolve(content.value(QStringLiteral("application/json")).toObject().value(QStringLiteral("schema")).toObject());
    }

    QStringList methods(const QString &pathTemplate) const
    {
        QStringList m;
        for (const QString &method : m_doc.value(QStringLiteral("paths")).toObject().value(pathTemplate).toObject().keys())
            m << method.toUpper();
        return m;
    }

    QJsonObject errorSchema() const { return resolve({{QStringLiteral("$ref"), QStringLiteral("#/components/schemas/Error")}}); }

    QStringList operations() const
    {
        QStringList ops;
        const QJsonObject paths = m_doc.value(QStringLiteral("paths")).toObject();
        for (auto p = paths.begin(); p != paths.end(); ++p)
            for (const QString &method : p.value().toObject().keys())
                ops << method.toUpper() + QLatin1Char(' ') + p.key();
        return ops;
    }

    // Empty when `value` fits `schema`; otherwise where and why not.
    QString check(const QJsonValue &value, QJsonObject schema, const QString &where = QStringLiteral("$")) const
    {
        schema = resolve(schema);
        if (value.isNull())
            return schema.value(QStringLiteral("nullable")).toBool() ? QString() : where + QStringLiteral(" is null");
        const QString type = schema.value(QStringLiteral("type")).toString();
        if (type == QLatin1String("object")) {
            if (!value.isObject())
                return where + QStringLiteral(" is not an object");
            const QJsonObject o = value.toObject();
            for (const QJsonValue &name : schema.value(QStringLiteral("required")).toArray())
                if (!o.contains(name.toString()))
                    return where + QStringLiteral(" lacks \"%1\"").arg(name.toString());
            const QJsonObject props = schema.value(QStringLiteral("properties")).toObject();
            for (auto it = o.begin(); it != o.end(); ++it) {
                if (!props.isEmpty() && !props.contains(it.key()))
                    return where + QStringLiteral(" has undocumented \"%1\"").arg(it.key());
                if (props.contains(it.key()))
                    if (QString e = check(it.value(), props.value(it.key()).toObject(), where + QLatin1Char('.') + it.key()); !e.isEmpty())
                        return e;
            }
        } else if (type == QLatin1String("array")) {
            if (!value.isArray())
                return where + QStringLiteral(" is not an array");
            int i = 0;
            for (const QJsonValue &item : value.toArray())
                if (QString e = check(item, schema.value(QStringLiteral("items")).toObject(), where + QStringLiteral("[%1]").arg(i++)); !e.isEmpty())
                    return e;
        } else if (type == QLatin1String("string")) {
            if (!value.isString())
                return where + QStringLiteral(" is not a string");
        } else if (type == QLatin1String("integer")) {
            if (!value.isDouble() || value.toDouble() != std::floor(value.toDouble()))
                return where + QStringLiteral(" is not an integer");
        } else if (type == QLatin1String("number")) {
            if (!value.isDouble())
                return where + QStringLiteral(" is not a number");
        } else if (type == QLatin1String("boolean")) {
            if (!value.isBool())
                return where + QStringLiteral(" is not a boolean");
        }
        const QJsonArray allowed = schema.value(QStringLiteral("enum")).toArray();
        if (!allowed.isEmpty() && !allowed.contains(value))
            return where + QStringLiteral(" is not one of the documented values");
        return {};
    }

private:
    QJsonObject resolve(QJsonObject o) const
    {
        while (o.contains(QStringLiteral("$ref"))) {
            QJsonValue v = m_doc;
            for (const QString &part : o.value(QStringLiteral("$ref")).toString().mid(2).split(QLatin1Char('/')))
                v = v.toObject().value(part);
            o = v.toObject();
        }
        return o;
    }

    QJsonObject m_doc;
};

QString pathTemplate(const QString &path)
{
    static const QRegularExpression job(QStringLiteral("^/v1/jobs/[^/]+$")), feedback(QStringLiteral("^/v1/jobs/[^/]+/feedback$"));
    if (feedback.match(path).hasMatch())
        return QStringLiteral("/v1/jobs/{id}/feedback");
    if (job.match(path).hasMatch())
        return QStringLiteral("/v1/jobs/{id}");
    return path;
}

// What the moderation lane adds to a result, taken out: a job whose worker
// died with the photo in its lane, or that came while the lane had no room
// for it, ends with moderation "failed", without it, and for review.
QJsonObject withoutModeration(QJsonObject o)
{
    static const QStringList added{QStringLiteral("contact_details"), QStringLiteral("stock_photo_text"), QStringLiteral("person_in_photo"),
                                   QString::fromLatin1(kNotModerated)};
    o.remove(QStringLiteral("text"));
    o.remove(QStringLiteral("moderation"));
    o.remove(QStringLiteral("title")); // may carry the brand read
    o.remove(QStringLiteral("title_evidence"));
    o.remove(QStringLiteral("hints"));
    o.remove(QStringLiteral("description")); // starts with the title, and quotes what the lane read
    QJsonObject quality = o.value(QStringLiteral("quality")).toObject();
    QJsonArray flags;
    for (const QJsonValue &f : quality.value(QStringLiteral("flags")).toArray())
        if (!added.contains(f.toString()))
            flags.append(f);
    quality.insert(QStringLiteral("flags"), flags);
    o.insert(QStringLiteral("quality"), quality);
    QJsonArray reasons;
    for (const QJsonValue &r : o.value(QStringLiteral("review")).toObject().value(QStringLiteral("reasons")).toArray())
        if (!added.contains(r.toString()))
            reasons.append(r);
    o.insert(QStringLiteral("review"), QJsonObject{{QStringLiteral("needed"), !reasons.isEmpty()}, {QStringLiteral("reasons"), reasons}});
    return o;
}

QJsonObject withoutRunSpecifics(QJsonObject o)
{
    // Timings differ run to run; the file is a path for classify and the
    // upload's name here; "duplicate" depends on the listings stored before.
    o.remove(QStringLiteral("timing_ms"));
    o.remove(QStringLiteral("file"));
    QJsonObject quality = o.value(QStringLiteral("quality")).toObject();
    QJsonArray flags = quality.value(QStringLiteral("flags")).toArray();
    for (qsizetype i = flags.size() - 1; i >= 0; --i)
        if (flags[i].toString() == QLatin1String("duplicate"))
            flags.removeAt(i);
    quality.insert(QStringLiteral("flags"), flags);
    o.insert(QStringLiteral("quality"), quality);
    // So does review's "duplicate" reason.
    QJsonArray reasons = o.value(QStringLiteral("review")).toObject().value(QStringLiteral("reasons")).toArray();
    for (qsizetype i = reasons.size() - 1; i >= 0; --i)
        if (reasons[i].toString() == QLatin1String("duplicate"))
            reasons.removeAt(i);
    o.insert(QStringLiteral("review"), QJsonObject{{QStringLiteral("needed"), !reasons.isEmpty()}, {QStringLiteral("reasons"), reasons}});
    return o;
}

// Where two results differ (empty: nowhere). Probabilities may differ in the
// last printed digit: a forward pass over a batch of another size takes other
// BLAS paths (float rounding), as tst_pipeline shows for batching.
QString jsonDifference(const QJsonValue &a, const QJsonValue &b, const QString &where = QStringLiteral("$"))
{
    if (a.isDouble() && b.isDouble())
        return std::abs(a.toDouble() - b.toDouble()) <= 2e-6 + 1e-6 * std::abs(b.toDouble())
                   ? QString()
                   : QStringLiteral("%1: %2 against %3").arg(where).arg(a.toDouble()).arg(b.toDouble());
    if (a.isObject() && b.isObject()) {
        const QJsonObject x = a.toObject(), y = b.toObject();
        if (x.keys() != y.keys())
            return where + QStringLiteral(": keys %1 against %2").arg(x.keys().join(QLatin1Char(',')), y.keys().join(QLatin1Char(',')));
        for (const QString &key : x.keys())
            if (QString d = jsonDifference(x.value(key), y.value(key), where + QLatin1Char('.') + key); !d.isEmpty())
                return d;
        return {};
    }
    if (a.isArray() && b.isArray()) {
        const QJsonArray x = a.toArray(), y = b.toArray();
        if (x.size() != y.size())
            return where + QStringLiteral(": %1 items against %2").arg(x.size()).arg(y.size());
        for (qsizetype i = 0; i < x.size(); ++i)
            if (QString d = jsonDifference(x[i], y[i], where + QStringLiteral("[%1]").arg(i)); !d.isEmpty())
                return d;
        return {};
    }
    return a == b ? QString() : where + QStringLiteral(": %1 against %2").arg(a.toVariant().toString(), b.toVariant().toString());
}

} // namespace

class TestServices : public QObject {
    Q_OBJECT

private:
    QNetworkAccessManager m_network;
    OpenApi m_api;
    QSet<QString> m_exercised; // "METHOD /template"
    QStringList m_photoNames;
    QHash<QString, QByteArray> m_photos;
    QHash<QString, QJsonObject> m_classified; // classify --json, by file name

    Reply send(const QString &method, const QUrl &url, const QByteArray &body = {}, const QByteArray &contentType = {},
               const QList<QPair<QByteArray, QByteArray>> &headers = {}, QHttpMultiPart *multipart = nullptr)
    {
        QNetworkRequest request(url);
        if (!contentType.isEmpty())
            request.setHeader(QNetworkRequest::ContentTypeHeader, contentType);
        for (const auto &[k, v] : headers)
            request.setRawHeader(k, v);
        request.setTransferTimeout(90'000);
        QNetworkReply *reply = multipart ? m_network.post(request, multipart)
                                         : m_network.sendCustomRequest(request, method.toLatin1(), body);
        QEventLoop loop;
        connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        loop.exec();
        Reply r;
        r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        r.body = reply->readAll();
        for (const auto &[k, v] : reply->rawHeaderPairs())
            r.headers.insert(k.toLower(), v);
        reply->deleteLater();
        conforms(method, url.path(), r);
        return r;
    }

    // Every answer must be documented, with a body that fits its schema.
    void conforms(const QString &method, const QString &path, const Reply &r)
    {
        const QString templ = pathTemplate(path);
        const QStringList methods = m_api.methods(templ);
        if (!methods.isEmpty() && !methods.contains(method.toUpper())) {
            // A method the path does not document: 405, naming the ones it does.
            QCOMPARE(r.status, 405);
            QCOMPARE(QString::fromLatin1(r.headers.value("allow")), methods.join(QStringLiteral(", ")));
            QVERIFY(m_api.check(QJsonDocument::fromJson(r.body).object(), m_api.errorSchema()).isEmpty());
            return;
        }
        bool documented = false;
        const QJsonObject schema = m_api.responseSchema(templ, method, r.status, &documented);
        QVERIFY2(documented, qPrintable(QStringLiteral("%1 %2 answered %3, which openapi.json does not document: %4")
                                            .arg(method, path).arg(r.status).arg(QString::fromUtf8(r.body.left(300)))));
        if (!schema.isEmpty()) {
            const QString problem = m_api.check(QJsonDocument::fromJson(r.body).object(), schema);
            QVERIFY2(problem.isEmpty(), qPrintable(QStringLiteral("%1 %2 (%3): %4").arg(method, path).arg(r.status).arg(problem)));
        }
        m_exercised.insert(method + QLatin1Char(' ') + templ);
    }

    Reply post(const QUrl &base, const QString &name, const QByteArray &bytes, const QByteArray &key = {})
    {
        auto *multipart = new QHttpMultiPart(QHttpMultiPart::FormDataType);
        QHttpPart part;
        part.setHeader(QNetworkRequest::ContentDispositionHeader, QStringLiteral("form-data; name=\"photo\"; filename=\"%1\"").arg(name));
        part.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("image/jpeg"));
        part.setBody(bytes);
        multipart->append(part);
        QList<QPair<QByteArray, QByteArray>> headers;
        if (!key.isEmpty())
            headers.append({"Idempotency-Key", key});
        Reply r = send(QStringLiteral("POST"), QUrl(base.toString() + QStringLiteral("/v1/jobs")), {}, {}, headers, multipart);
        delete multipart;
        return r;
    }

    Reply postRaw(const QUrl &base, const QByteArray &bytes, const QByteArray &type)
    {
        return send(QStringLiteral("POST"), QUrl(base.toString() + QStringLiteral("/v1/jobs")), bytes, type);
    }

    // An upload written straight to a socket, for tests that act between the
    // sending and the answer (check state() == ConnectedState).
    static std::unique_ptr<QTcpSocket> startUpload(const QString &port, const QByteArray &photo, const QByteArray &key,
                                                   const QString &fileName = {})
    {
        auto socket = std::make_unique<QTcpSocket>();
        socket->connectToHost(QHostAddress::LocalHost, quint16(port.toUInt()));
        if (!socket->waitForConnected(5'000))
            return socket;
        QByteArray head = "POST /v1/jobs HTTP/1.1\r\nHost: test\r\nContent-Type: image/jpeg\r\nIdempotency-Key: " + key + "\r\n";
        if (!fileName.isEmpty())
            head += "Content-Disposition: attachment; filename=\"" + fileName.toUtf8() + "\"\r\n";
        socket->write(head + "Content-Length: " + QByteArray::number(photo.size()) + "\r\n\r\n" + photo);
        return socket;
    }

    // The job id of a raw answer when it is a 202, else empty.
    static QString acceptedId(const QByteArray &answer)
    {
        if (!answer.startsWith("HTTP/1.1 202"))
            return {};
        return QJsonDocument::fromJson(answer.mid(answer.indexOf("\r\n\r\n") + 4)).object().value(QStringLiteral("id")).toString();
    }

    Reply job(const QUrl &base, const QString &id, int waitS = 0)
    {
        return send(QStringLiteral("GET"), QUrl(base.toString() + QStringLiteral("/v1/jobs/%1%2").arg(id, waitS ? QStringLiteral("?wait=%1").arg(waitS) : QString())));
    }

    // Waits until every job has ended, and its text has been read; their final answers by id.
    QHash<QString, QJsonObject> waitForAll(const QUrl &base, const QStringList &ids, int timeoutS)
    {
        QHash<QString, QJsonObject> ended;
        QElapsedTimer timer;
        timer.start();
        while (ended.size() < ids.size() && timer.elapsed() < timeoutS * 1000) {
            for (const QString &id : ids) {
                if (ended.contains(id))
                    continue;
                const Reply r = job(base, id, 5);
                const QString status = r.json().value(QStringLiteral("status")).toString();
                const bool reading = r.json().value(QStringLiteral("result")).toObject().value(QStringLiteral("moderation")).toObject()
                                         .value(QStringLiteral("state")).toString() == QLatin1String("pending");
                if ((status == QLatin1String("done") && !reading) || status == QLatin1String("failed")) {
                    ended.insert(id, r.json());
                } else {
                    if (reading)
                        QTest::qWait(100); // the result is out; the lane finishes it shortly
                    break; // oldest first: wait on this one again
                }
            }
        }
        return ended;
    }

    QString freshQueue(const QString &name) { return test::freshQueue(name); }

    static std::unique_ptr<Service> startServe(const QString &url, const QStringList &extra = {})
    {
        // Without API keys unless a test gives some (apiKeysAndInputChecks).
        const QStringList auth = extra.contains(QStringLiteral("--auth")) ? QStringList() : QStringList{QStringLiteral("--no-auth")};
        QStringList rest = extra;
        rest.removeAll(QStringLiteral("--auth"));
        return std::make_unique<Service>(QStringList{QStringLiteral("serve"), QStringLiteral("--db"), url, QStringLiteral("--listen"),
                                                     QStringLiteral("127.0.0.1:0"), QStringLiteral("--threads"), QStringLiteral("1")} + auth + rest,
                                         QStringLiteral("serving http://127\\.0\\.0\\.1:(\\d+)"));
    }

    static std::unique_ptr<Service> startWorker(const QString &url, const QString &name, const QStringList &extra = {})
    {
        return std::make_unique<Service>(QStringList{QStringLiteral("worker"), QStringLiteral("--db"), url, QStringLiteral("--name"), name,
                                                     QStringLiteral("--threads"), QStringLiteral("1"), QStringLiteral("--batch"),
                                                     QStringLiteral("4"), QStringLiteral("--lease"), QStringLiteral("3"),
                                                     QStringLiteral("--poll"), QStringLiteral("500")} + extra,
                                         QStringLiteral("(taking jobs)"));
    }

private Q_SLOTS:
    void initTestCase()
    {
        const QDir dir(test::samplePhotosDir());
        m_photoNames = dir.entryList({QStringLiteral("*.jpg")}, QDir::Files, QDir::Name);
        QVERIFY(m_photoNames.size() >= 20);
        for (const QString &name : std::as_const(m_photoNames)) {
            QFile f(dir.filePath(name));
            QVERIFY(f.open(QIODevice::ReadOnly));
            m_photos.insert(name, f.readAll());
        }
        // What classify --json says of each photo, to compare the API's results with.
        QProcess classify;
        classify.start(test::serverBinaryPath(), {QStringLiteral("classify"), QStringLiteral("--json"), test::samplePhotosDir()});
        QVERIFY(classify.waitForFinished(120'000));
        for (const QByteArray &line : classify.readAllStandardOutput().split('\n'))
            if (!line.trimmed().isEmpty()) {
                const QJsonObject o = QJsonDocument::fromJson(line).object();
                m_classified.insert(QFileInfo(o.value(QStringLiteral("file")).toString()).fileName(), o);
            }
        QCOMPARE(m_classified.size(), m_photoNames.size());
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
    void moderation_textOnThePhotoCompletesTheStoredResult()
    {
        LISTINGLENS_REQUIRE_POSTGRES_SERVER();
        const QString url = freshQueue(QStringLiteral("listinglens_moderation"));
        QVERIFY(!url.isEmpty());
        auto serve = startServe(url, {QStringLiteral("--workers"), QStringLiteral("1"), QStringLiteral("--name"), QStringLiteral("m")});
        QVERIFY2(serve->ready(), serve->log().constData());
        const QUrl base(QStringLiteral("http://127.0.0.1:%1").arg(serve->captured()));
        const QByteArray photo = test::photoWithPhoneNumber();
        QVERIFY(!photo.isEmpty());
        const Reply answer = post(base, QStringLiteral("toaster-with-number.jpg"), photo);
        QCOMPARE(answer.status, 202);
        const QString id = answer.json().value(QStringLiteral("id")).toString();
        const QJsonObject job = waitForAll(base, {id}, 60).value(id);
        const QJsonObject result = job.value(QStringLiteral("result")).toObject();
        QCOMPARE(result.value(QStringLiteral("moderation")).toObject().value(QStringLiteral("state")).toString(), QStringLiteral("done"));
        const QJsonArray contacts = result.value(QStringLiteral("text")).toObject().value(QStringLiteral("contacts")).toArray();
        QCOMPARE(contacts.size(), 1);
        QCOMPARE(contacts[0].toObject().value(QStringLiteral("value")).toString(), QStringLiteral("+447911123456"));
        QVERIFY(contacts[0].toObject().value(QStringLiteral("box")).toObject().value(QStringLiteral("width")).toInt() > 0);
        QVERIFY(result.value(QStringLiteral("quality")).toObject().value(QStringLiteral("flags")).toArray().contains(QStringLiteral("contact_details")));
        QVERIFY(result.value(QStringLiteral("review")).toObject().value(QStringLiteral("reasons")).toArray().contains(QStringLiteral("contact_details")));
        // The log never carries the number whole.
        QVERIFY(!serve->log().contains("7911123456") && !serve->log().contains("07911 123456"));
        // History filters on the flag.
        auto store = PredictionStore::open(url).value();
        auto db = store->connection().value();
        QSqlQuery q(db);
        QVERIFY(q.exec(QStringLiteral("SELECT count(*) FROM predictions WHERE quality_flags LIKE '%,contact_details,%'")));
        QVERIFY(q.next());
        QCOMPARE(q.value(0).toInt(), 1);
    }

    // One API key floods a serve whose moderation lane reads slower than its
    // main lane; another key's photo with a phone number on it, sent after
    // the flood, is still read and flagged: the lane takes keys in turn, and a
    // flood pushes out only its own photos (stored for review, never passed
    // as read).
    void moderation_aFloodFromOneKeyCannotLeaveAnotherKeysPhotoUnread()
    {
        LISTINGLENS_REQUIRE_POSTGRES_SERVER();
        const QString url = freshQueue(QStringLiteral("listinglens_flood"));
        QVERIFY(!url.isEmpty());
        const QByteArray flooder = test::createApiKey(url, QStringLiteral("flood"), QStringLiteral("submit,read"));
        const QByteArray seller = test::createApiKey(url, QStringLiteral("seller"), QStringLiteral("submit,read"));
        QVERIFY(!flooder.isEmpty() && !seller.isEmpty());
        auto serve = startServe(url, {QStringLiteral("--auth"), QStringLiteral("--workers"), QStringLiteral("1"), QStringLiteral("--name"), QStringLiteral("f")});
        QVERIFY2(serve->ready(), serve->log().constData());
        const QUrl jobs(QStringLiteral("http://127.0.0.1:%1/v1/jobs").arg(serve->captured()));
        const QByteArray photo = test::photoWithPhoneNumber();
        QVERIFY(!photo.isEmpty());
        const auto as = [](const QByteArray &key) { return QList<QPair<QByteArray, QByteArray>>{{"Authorization", "Bearer " + key}}; };
        for (int i = 0; i < 120; ++i)
            QCOMPARE(send(QStringLiteral("POST"), jobs, photo, "image/jpeg", as(flooder)).status, 202);
        const Reply mine = send(QStringLiteral("POST"), jobs, photo, "image/jpeg", as(seller));
        QCOMPARE(mine.status, 202);
        const QUrl job(jobs.toString() + QLatin1Char('/') + mine.json().value(QStringLiteral("id")).toString());
        QJsonObject result;
        QElapsedTimer waited;
        waited.start();
        while (waited.elapsed() < 60'000) {
            result = send(QStringLiteral("GET"), job, {}, {}, as(seller)).json().value(QStringLiteral("result")).toObject();
            if (result.value(QStringLiteral("moderation")).toObject().value(QStringLiteral("state")).toString() != QLatin1String("pending"))
                break;
            QTest::qWait(200);
        }
        QCOMPARE(result.value(QStringLiteral("moderation")).toObject().value(QStringLiteral("state")).toString(), QStringLiteral("done"));
        const QJsonArray contacts = result.value(QStringLiteral("text")).toObject().value(QStringLiteral("contacts")).toArray();
        QCOMPARE(contacts.size(), 1);
        QCOMPARE(contacts[0].toObject().value(QStringLiteral("value")).toString(), QStringLiteral("+447911123456"));
        QVERIFY(result.value(QStringLiteral("review")).toObject().value(QStringLiteral("reasons")).toArray().contains(QStringLiteral("contact_details")));
        // The flood's own photos made room: each is read, waiting, or stored for review; none passed as read.
        const qint64 forReview = test::postgresScalar(url, QStringLiteral("SELECT count(*) FROM predictions WHERE review LIKE '%not_moderated%'"));
        QVERIFY2(forReview > 0, "the lane never ran out of room: the flood did not test it");
        QCOMPARE(test::postgresScalar(url, QStringLiteral("SELECT count(*) FROM predictions WHERE moderation LIKE '%skipped%'")), qint64(0));
    }

    void runningServe_picksUpANewlyActivatedHeadWithoutARestart()
    {
        LISTINGLENS_REQUIRE_POSTGRES_SERVER();
        const QString url = freshQueue(QStringLiteral("listinglens_heads"));
        QVERIFY(!url.isEmpty());
        auto serve = startServe(url, {QStringLiteral("--workers"), QStringLiteral("1"), QStringLiteral("--name"), QStringLiteral("h")});
        QVERIFY2(serve->ready(), serve->log().constData());
        const QUrl base(QStringLiteral("http://127.0.0.1:%1").arg(serve->captured()));
        const QString name = m_photoNames.first();
        auto headOf = [&](const Reply &r) {
            const QString id = r.json().value(QStringLiteral("id")).toString();
            const QJsonObject job = waitForAll(base, {id}, 60).value(id);
            return job.value(QStringLiteral("result")).toObject().value(QStringLiteral("model")).toObject().value(QStringLiteral("head"));
        };
        QVERIFY(headOf(post(base, name, m_photos.value(name))).isNull()); // the built-in mapping

        // A head stored and activated by another process (as `model train --activate` does).
        const ModelManifest manifest = ModelManifest::forModelDir(test::modelDir()).value();
        const Taxonomy taxonomy = Taxonomy::builtIn().value();
        CategoryHead head;
        head.modelName = manifest.name;
        head.modelVersion = manifest.version;
        head.taxonomyFingerprint = taxonomy.fingerprint();
        head.categoryIds = taxonomy.ids();
        head.dimension = 1280;
        head.weight.assign(std::size_t(head.categories()) * 1280, 0.0f);
        head.bias.assign(std::size_t(head.categories()), 0.0f);
        head.builtinShare = 0.5;
        auto store = PredictionStore::open(url).value();
        const qint64 version = saveHead(*store, head).value();
        QVERIFY(activateHead(*store, version, QStringLiteral("activate")).ok());
        QElapsedTimer since;
        since.start();
        QJsonValue used;
        while (since.elapsed() < 15'000) {
            used = headOf(post(base, name, m_photos.value(name)));
            if (used == QJsonValue(QStringLiteral("h%1").arg(version)))
                break;
            QTest::qWait(500);
        }
        QCOMPARE(used.toString(), QStringLiteral("h%1").arg(version));
        qInfo("picked up in %lld ms (NOTIFY, else the 5 s check)", since.elapsed());
        QVERIFY2(since.elapsed() <= 10'000, qPrintable(QStringLiteral("picked up after %1 ms").arg(since.elapsed())));
        // The stored prediction records it too, and rolling back goes back to the built-in mapping.
        QVERIFY(test::postgresScalar(url, QStringLiteral("SELECT count(*) FROM predictions WHERE head_version = %1").arg(version)) >= 1);
        QCOMPARE(rollbackHead(*store).value(), qint64(0));
        since.restart();
        while (since.elapsed() < 15'000 && !(used = headOf(post(base, name, m_photos.value(name)))).isNull())
            QTest::qWait(500);
        QVERIFY(used.isNull());
    }

    void postgresRestart_servicesRecoverAndLoseNothing()
    {
        LISTINGLENS_REQUIRE_POSTGRES_SERVER();
        const QString url = freshQueue(QStringLiteral("listinglens_services_restart"));
        QVERIFY(!url.isEmpty());
        // Both ways a job goes: to the embedded worker of one serve (--workers 1),
        // and through the queue from a serve without workers to a separate worker.
        auto serve = startServe(url, {QStringLiteral("--workers"), QStringLiteral("1"), QStringLiteral("--batch"), QStringLiteral("2"),
                                      QStringLiteral("--lease"), QStringLiteral("3")});
        QVERIFY2(serve->ready(), serve->log().constData());
        const QUrl base(QStringLiteral("http://127.0.0.1:%1").arg(serve->captured()));
        auto queueApi = startServe(url);
        QVERIFY2(queueApi->ready(), queueApi->log().constData());
        const QUrl queueBase(QStringLiteral("http://127.0.0.1:%1").arg(queueApi->captured()));
        QCOMPARE(send(QStringLiteral("GET"), QUrl(base.toString() + QStringLiteral("/readyz"))).status, 200);

        QStringList ids;
        for (int i = 0; i < 48; ++i) { // the queued half last: the restart comes while jobs wait or run
            const QString name = m_photoNames[i % m_photoNames.size()];
            const Reply r = post(i < 24 ? base : queueBase, name, m_photos.value(name));
            QCOMPARE(r.status, 202);
            ids << r.json().value(QStringLiteral("id")).toString();
        }
        QVERIFY(test::postgresControl(QStringLiteral("restart")));
        auto worker = startWorker(url, QStringLiteral("solo"));
        QVERIFY2(worker->ready(), worker->log().constData());
        // Right after the restart the services may still be reconnecting: a
        // client that gets 503 retries after Retry-After, as documented.
        for (int i = 0; i < 24; ++i) {
            const QString name = m_photoNames[i % m_photoNames.size()];
            const QUrl to = i % 2 ? base : queueBase;
            Reply r = post(to, name, m_photos.value(name), QByteArray("after-restart-") + QByteArray::number(i));
            for (int tries = 0; r.status == 503 && tries < 20; ++tries) {
                QVERIFY(r.headers.contains("retry-after"));
                QTest::qWait(500);
                r = post(to, name, m_photos.value(name), QByteArray("after-restart-") + QByteArray::number(i));
            }
            QCOMPARE(r.status, 202);
            ids << r.json().value(QStringLiteral("id")).toString();
        }
        const QHash<QString, QJsonObject> ended = waitForAll(base, ids, 240);
        QCOMPARE(ended.size(), ids.size());
        for (const QJsonObject &j : ended)
            QCOMPARE(j.value(QStringLiteral("status")).toString(), QStringLiteral("done"));
        QCOMPARE(test::postgresScalar(url, QStringLiteral("SELECT count(*) FROM predictions WHERE source = 'api'")), qint64(ids.size()));

        // The embedded worker's histograms are on the API's /metrics.
        const Reply metrics = send(QStringLiteral("GET"), QUrl(base.toString() + QStringLiteral("/metrics")));
        QVERIFY(metrics.body.contains("listinglens_inference_ms_bucket{worker="));
        QVERIFY(metrics.body.contains("listinglens_queue_wait_ms_count{worker="));
        QVERIFY(metrics.body.contains("listinglens_database_up 1"));

        // Feedback on a finished job, and its refusals.
        const QString first = ids.first();
        const QUrl feedback(base.toString() + QStringLiteral("/v1/jobs/%1/feedback").arg(first));
        Reply fb = send(QStringLiteral("POST"), feedback, R"({"decision":"corrected","category_id":"phones","price":120,"moderator":"ana"})", "application/json");
        QCOMPARE(fb.status, 201);
        QCOMPARE(test::postgresScalar(url, QStringLiteral("SELECT count(*) FROM feedback WHERE moderator = 'ana' AND category_id = 'phones'")), qint64(1));
        QCOMPARE(send(QStringLiteral("POST"), feedback, R"({"decision":"accepted"})", "application/json").status, 201);
        QCOMPARE(send(QStringLiteral("POST"), feedback, R"({"decision":"maybe"})", "application/json").status, 400);
        QCOMPARE(send(QStringLiteral("POST"), feedback, R"({"decision":"corrected","category_id":"spaceships"})", "application/json").status, 400);
        QCOMPARE(send(QStringLiteral("POST"), feedback, "not json", "application/json").status, 400);
        QCOMPARE(send(QStringLiteral("POST"), QUrl(base.toString() + QStringLiteral("/v1/jobs/00000000-0000-0000-0000-000000000000/feedback")),
                      R"({"decision":"accepted"})", "application/json").status, 404);

        serve->signal(SIGTERM);
        QVERIFY(serve->waitForExit(20'000));
        QCOMPARE(serve->exitCode(), 0);
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
        QVERIFY(test::postgresControl(QStringLiteral("start")));
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
        QVERIFY(serve->log().contains(error.value(QStringLiteral("request_id")).toString().toLatin1())); // the detail is in the log

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

QTEST_GUILESS_MAIN(TestServices)
#include "tst_services.moc"
