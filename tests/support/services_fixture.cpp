#include "services_fixture.h"

#include "fixtures.h"
#include "job_api.h"
#include "photo_result.h"

#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QHttpMultiPart>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QTcpSocket>
#include <QTest>

#include <cmath>

namespace listinglens::test {

QJsonObject Reply::json() const
{
    return QJsonDocument::fromJson(body).object();
}

OpenApi::OpenApi() : m_doc(JobApi::openApiDocument().value()) {}

QJsonObject OpenApi::responseSchema(const QString &pathTemplate, const QString &method, int status, bool *documented) const
{
    const QJsonObject responses = m_doc.value(QStringLiteral("paths")).toObject().value(pathTemplate).toObject()
                                      .value(method.toLower()).toObject().value(QStringLiteral("responses")).toObject();
    QJsonObject response = resolve(responses.value(QString::number(status)).toObject());
    *documented = !response.isEmpty();
    const QJsonObject content = response.value(QStringLiteral("content")).toObject();
    return resolve(content.value(QStringLiteral("application/json")).toObject().value(QStringLiteral("schema")).toObject());
}

QStringList OpenApi::methods(const QString &pathTemplate) const
{
    QStringList m;
    for (const QString &method : m_doc.value(QStringLiteral("paths")).toObject().value(pathTemplate).toObject().keys())
        m << method.toUpper();
    return m;
}

QJsonObject OpenApi::errorSchema() const
{
    return resolve({{QStringLiteral("$ref"), QStringLiteral("#/components/schemas/Error")}});
}

QStringList OpenApi::operations() const
{
    QStringList ops;
    const QJsonObject paths = m_doc.value(QStringLiteral("paths")).toObject();
    for (auto p = paths.begin(); p != paths.end(); ++p)
        for (const QString &method : p.value().toObject().keys())
            ops << method.toUpper() + QLatin1Char(' ') + p.key();
    return ops;
}

QString OpenApi::check(const QJsonValue &value, QJsonObject schema, const QString &where) const
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

QJsonObject OpenApi::resolve(QJsonObject o) const
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
QString jsonDifference(const QJsonValue &a, const QJsonValue &b, const QString &where)
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

void ServicesFixture::loadPhotos(bool classify)
{
    const QDir dir(samplePhotosDir());
    m_photoNames = dir.entryList({QStringLiteral("*.jpg")}, QDir::Files, QDir::Name);
    QVERIFY(m_photoNames.size() >= 20);
    for (const QString &name : std::as_const(m_photoNames)) {
        QFile f(dir.filePath(name));
        QVERIFY(f.open(QIODevice::ReadOnly));
        m_photos.insert(name, f.readAll());
    }
    if (!classify)
        return;
    QProcess process;
    process.start(serverBinaryPath(), {QStringLiteral("classify"), QStringLiteral("--json"), samplePhotosDir()});
    QVERIFY(process.waitForFinished(120'000));
    for (const QByteArray &line : process.readAllStandardOutput().split('\n'))
        if (!line.trimmed().isEmpty()) {
            const QJsonObject o = QJsonDocument::fromJson(line).object();
            m_classified.insert(QFileInfo(o.value(QStringLiteral("file")).toString()).fileName(), o);
        }
    QCOMPARE(m_classified.size(), m_photoNames.size());
}

Reply ServicesFixture::send(const QString &method, const QUrl &url, const QByteArray &body, const QByteArray &contentType,
                            const QList<QPair<QByteArray, QByteArray>> &headers, QHttpMultiPart *multipart)
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
void ServicesFixture::conforms(const QString &method, const QString &path, const Reply &r)
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

Reply ServicesFixture::post(const QUrl &base, const QString &name, const QByteArray &bytes, const QByteArray &key)
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

Reply ServicesFixture::postRaw(const QUrl &base, const QByteArray &bytes, const QByteArray &type)
{
    return send(QStringLiteral("POST"), QUrl(base.toString() + QStringLiteral("/v1/jobs")), bytes, type);
}

// An upload written straight to a socket, for tests that act between the
// sending and the answer (check state() == ConnectedState).
std::unique_ptr<QTcpSocket> ServicesFixture::startUpload(const QString &port, const QByteArray &photo, const QByteArray &key,
                                               const QString &fileName)
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
QString ServicesFixture::acceptedId(const QByteArray &answer)
{
    if (!answer.startsWith("HTTP/1.1 202"))
        return {};
    return QJsonDocument::fromJson(answer.mid(answer.indexOf("\r\n\r\n") + 4)).object().value(QStringLiteral("id")).toString();
}

Reply ServicesFixture::job(const QUrl &base, const QString &id, int waitS)
{
    return send(QStringLiteral("GET"), QUrl(base.toString() + QStringLiteral("/v1/jobs/%1%2").arg(id, waitS ? QStringLiteral("?wait=%1").arg(waitS) : QString())));
}

// Waits until every job has ended, and its text has been read; their final answers by id.
QHash<QString, QJsonObject> ServicesFixture::waitForAll(const QUrl &base, const QStringList &ids, int timeoutS)
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

std::unique_ptr<Service> ServicesFixture::startServe(const QString &url, const QStringList &extra)
{
    // Without API keys unless a test gives some (apiKeysAndInputChecks).
    const QStringList auth = extra.contains(QStringLiteral("--auth")) ? QStringList() : QStringList{QStringLiteral("--no-auth")};
    QStringList rest = extra;
    rest.removeAll(QStringLiteral("--auth"));
    return std::make_unique<Service>(QStringList{QStringLiteral("serve"), QStringLiteral("--db"), url, QStringLiteral("--listen"),
                                                 QStringLiteral("127.0.0.1:0"), QStringLiteral("--threads"), QStringLiteral("1")} + auth + rest,
                                     QStringLiteral("serving http://127\\.0\\.0\\.1:(\\d+)"));
}

std::unique_ptr<Service> ServicesFixture::startWorker(const QString &url, const QString &name, const QStringList &extra)
{
    return std::make_unique<Service>(QStringList{QStringLiteral("worker"), QStringLiteral("--db"), url, QStringLiteral("--name"), name,
                                                 QStringLiteral("--threads"), QStringLiteral("1"), QStringLiteral("--batch"),
                                                 QStringLiteral("4"), QStringLiteral("--lease"), QStringLiteral("3"),
                                                 QStringLiteral("--poll"), QStringLiteral("500")} + extra,
                                     QStringLiteral("(taking jobs)"));
}

} // namespace listinglens::test
