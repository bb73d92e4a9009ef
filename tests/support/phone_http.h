#pragma once

// HTTP as the phone upload page's tests speak it: requests answered by a
// server on the test's own thread (the event loop runs while they are out),
// a photo posted as a form, and raw bytes for the refusals.

#include <QByteArray>
#include <QString>

class QNetworkAccessManager;
class QNetworkReply;
class QUrl;

namespace listinglens::test {

struct Answer {
    int status = 0;
    QByteArray body;
};

// Runs the event loop while the request is out: the server answers on this thread.
Answer fetch(QNetworkAccessManager &net, QNetworkReply *reply);
Answer get(QNetworkAccessManager &net, const QUrl &url);
Answer postPhoto(QNetworkAccessManager &net, const QUrl &url, const QByteArray &bytes, const QByteArray &type);
// Sends raw bytes and returns the status line of the answer (empty when none came).
QByteArray rawStatusLine(const QUrl &url, const QByteArray &bytes);
QByteArray fileBytes(const QString &path);

} // namespace listinglens::test
