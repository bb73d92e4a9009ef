#include "raw_http.h"

#include <QElapsedTimer>
#include <QTcpSocket>
#include <QTest>

namespace listinglens::test {

int statusOf(const QByteArray &reply)
{
    if (!reply.startsWith("HTTP/1."))
        return reply.isEmpty() ? -1 : 0;
    return reply.mid(9, 3).toInt();
}

int countAnswers(const QByteArray &reply)
{
    return int(reply.count("HTTP/1.1 ") + reply.count("HTTP/1.0 "));
}

Raw exchange(quint16 port, const QList<QByteArray> &chunks, int waitMs, int pauseMs, const QHostAddress &from)
{
    QTcpSocket s;
    if (!from.isNull())
        s.bind(from);
    s.connectToHost(QHostAddress::LocalHost, port);
    Raw r;
    if (!s.waitForConnected(2000))
        return r;
    for (const QByteArray &c : chunks) {
        if (s.state() != QAbstractSocket::ConnectedState)
            break; // the server gave up on the request
        s.write(c);
        s.waitForBytesWritten(1000);
        if (chunks.size() > 1)
            QTest::qWait(pauseMs); // the handler runs on this thread's event loop
    }
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < waitMs) {
        if (s.state() != QAbstractSocket::ConnectedState && s.bytesAvailable() == 0) {
            r.closed = true;
            break;
        }
        QTest::qWait(20);
        r.reply += s.readAll();
    }
    return r;
}

} // namespace listinglens::test
