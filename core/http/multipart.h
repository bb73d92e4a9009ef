#pragma once

#include "error.h"

#include <QByteArray>
#include <QString>

namespace listinglens {

// A photo as a client sent it.
struct Upload {
    QByteArray bytes;
    QString fileName;
    QString contentType;
};

// The `photo` part of a multipart/form-data body (RFC 7578), in one pass and
// in bounded memory whatever the body holds: at most 64 parts, each head at
// most 8 KiB and 16 lines; only the photo is copied. A form with two `photo`
// parts is refused: which one to classify would be a guess.
Result<Upload> photoPart(const QByteArray &body, const QByteArray &contentType);
// A parameter of a header value (`boundary`, `name`, `filename`), quoted or not; empty when absent.
QString headerParameter(const QByteArray &header, const QByteArray &parameter);
// A file name from a client: its last path component, printable, bounded.
QString cleanFileName(QString name);

} // namespace listinglens
