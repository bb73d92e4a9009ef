#pragma once

// HTTP over raw sockets, for tests of the server's framing and caps: what
// a client sends, byte for byte, and what comes back.

#include <QByteArray>
#include <QHostAddress>
#include <QList>

namespace listinglens::test {

// The status of the first answer on a raw connection, -1 when the server
// closed without one, 0 when nothing came within the time.
int statusOf(const QByteArray &reply);
// How many answers a reply holds.
int countAnswers(const QByteArray &reply);

struct Raw {
    QByteArray reply;
    bool closed = false;
};

// Connects to port on loopback (from the local address `from` when given:
// 127.0.0.2, 127.0.0.3... are separate client addresses), sends the chunks
// with a pause between them, and reads until the server closes or `waitMs`
// passes. The event loop runs meanwhile.
Raw exchange(quint16 port, const QList<QByteArray> &chunks, int waitMs = 3000, int pauseMs = 50,
             const QHostAddress &from = QHostAddress());

} // namespace listinglens::test
