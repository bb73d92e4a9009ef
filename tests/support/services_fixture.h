#pragma once

// What the programs that drive the services end to end share: an HTTP client
// that checks every answer against resources/openapi.json and notes which
// documented operations it saw, `serve` and `worker` started as processes
// against the throwaway PostgreSQL of scripts/with-postgres.sh, the sample
// photos, and what `classify --json` says of them to compare results with.

#include "service_process.h"

#include <QHash>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QNetworkAccessManager>
#include <QObject>
#include <QPair>
#include <QSet>
#include <QStringList>
#include <QUrl>

#include <memory>

class QHttpMultiPart;
class QTcpSocket;

namespace listinglens::test {

struct Reply {
    int status = 0;
    QByteArray body;
    QHash<QByteArray, QByteArray> headers; // lower-case names
    QJsonObject json() const;
};

// Validates JSON against the OpenAPI document's schemas (the subset it uses).
class OpenApi {
public:
    OpenApi();
    // The response schema of an operation and status; null object when undocumented.
    QJsonObject responseSchema(const QString &pathTemplate, const QString &method, int status, bool *documented) const;
    QStringList methods(const QString &pathTemplate) const;
    QJsonObject errorSchema() const;
    QStringList operations() const; // "METHOD /template"
    // Empty when `value` fits `schema`; otherwise where and why not.
    QString check(const QJsonValue &value, QJsonObject schema, const QString &where = QStringLiteral("$")) const;

private:
    QJsonObject resolve(QJsonObject o) const;

    QJsonObject m_doc;
};

// The OpenAPI path template a request path falls under ("/v1/jobs/{id}").
QString pathTemplate(const QString &path);
// What the moderation lane adds to a result, taken out: a job whose worker
// died with the photo in its lane, or that came while the lane had no room
// for it, ends with moderation "failed", without it, and for review.
QJsonObject withoutModeration(QJsonObject o);
// Timings, the file name, "duplicate" and the sentence quoting the photo's text taken out.
QJsonObject withoutRunSpecifics(QJsonObject o);
// Where two results differ (empty: nowhere), numbers to the last printed digit.
QString jsonDifference(const QJsonValue &a, const QJsonValue &b, const QString &where = QStringLiteral("$"));

// The base of each services test class: the client, the processes and the photos.
class ServicesFixture : public QObject {
protected:
    // The sample photos, by name; with `classify`, what `classify --json` says of each too.
    void loadPhotos(bool classify);

    Reply send(const QString &method, const QUrl &url, const QByteArray &body = {}, const QByteArray &contentType = {},
               const QList<QPair<QByteArray, QByteArray>> &headers = {}, QHttpMultiPart *multipart = nullptr);
    // Every answer must be documented, with a body that fits its schema.
    void conforms(const QString &method, const QString &path, const Reply &r);
    Reply post(const QUrl &base, const QString &name, const QByteArray &bytes, const QByteArray &key = {});
    Reply postRaw(const QUrl &base, const QByteArray &bytes, const QByteArray &type);
    // An upload written straight to a socket, for tests that act between the
    // sending and the answer (check state() == ConnectedState).
    static std::unique_ptr<QTcpSocket> startUpload(const QString &port, const QByteArray &photo, const QByteArray &key,
                                                   const QString &fileName = {});
    // The job id of a raw answer when it is a 202, else empty.
    static QString acceptedId(const QByteArray &answer);
    Reply job(const QUrl &base, const QString &id, int waitS = 0);
    // Waits until every job has ended, and its text has been read; their final answers by id.
    QHash<QString, QJsonObject> waitForAll(const QUrl &base, const QStringList &ids, int timeoutS);
    static std::unique_ptr<Service> startServe(const QString &url, const QStringList &extra = {});
    static std::unique_ptr<Service> startWorker(const QString &url, const QString &name, const QStringList &extra = {});

    QNetworkAccessManager m_network;
    OpenApi m_api;
    QSet<QString> m_exercised; // "METHOD /template"
    QStringList m_photoNames;
    QHash<QString, QByteArray> m_photos;
    QHash<QString, QJsonObject> m_classified; // classify --json, by file name
};

} // namespace listinglens::test
