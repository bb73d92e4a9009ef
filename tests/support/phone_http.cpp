#include "phone_http.h"

#include <QEventLoop>
#include <QFile>
#include <QHttpMultiPart>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTcpSocket>
#include <QTimer>
#include <QUrl>

namespace listinglens::test {

Answer fetch(QNetworkAccessManager &net, QNetworkReply *reply)
{
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(30000, &loop, &QEventLoop::quit);
    loop.exec();
    Answer a;
    a.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    a.body = reply->readAll();
    reply->deleteLater();
    Q_UNUSED(net);
    return a;
}

Answer get(QNetworkAccessManager &net, const QUrl &url)
{
    return fetch(net, net.get(QNetworkRequest(url)));
}

Answer postPhoto(QNetworkAccessManager &net, const QUrl &url, const QByteArray &bytes, const QByteArray &type)
{
    auto *multi = new QHttpMultiPart(QHttpMultiPart::FormDataType);
    QHttpPart part;
    part.setHeader(QNetworkRequest::ContentDispositionHeader, QByteArray("form-data; name=\"photo\"; filename=\"x.jpg\""));
    part.setHeader(QNetworkRequest::ContentTypeHeader, type);
    part.setBody(bytes);
    multi->append(part);
    QNetworkReply *reply = net.post(QNetworkRequest(url), multi);
    multi->setParent(reply);
    return fetch(net, reply);
}

QByteArray rawStatusLine(const QUrl &url, const QByteArray &bytes)
{
    QTcpSocket socket;
    socket.connectToHost(url.host(), quint16(url.port()));
    QEventLoop loop;
    QByteArray got;
    QObject::connect(&socket, &QTcpSocket::connected, &loop, [&] { socket.write(bytes); });
    QObject::connect(&socket, &QTcpSocket::readyRead, &loop, [&] {
        got += socket.readAll();
        if (got.contains("\r\n"))
            loop.quit();
    });
    QObject::connect(&socket, &QTcpSocket::disconnected, &loop, &QEventLoop::quit);
    QTimer::singleShot(15000, &loop, &QEventLoop::quit);
    loop.exec();
    return got.left(got.indexOf("\r\n"));
}

QByteArray fileBytes(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace listinglens::test
