#pragma once

// What libpq itself reads in a connection string: the parameters it sets, by
// keyword; a "!error" key when it cannot read the string. For tests and the
// database URL fuzzer, which check that URL options reach libpq as given.

#include <QMap>
#include <QString>

#include <libpq-fe.h>

namespace listinglens::test {

inline QMap<QString, QString> libpqReads(const QString &conninfo)
{
    char *error = nullptr;
    PQconninfoOption *options = PQconninfoParse(conninfo.toUtf8().constData(), &error);
    QMap<QString, QString> read;
    if (!options) {
        read.insert(QStringLiteral("!error"), QString::fromUtf8(error));
        PQfreemem(error);
        return read;
    }
    for (PQconninfoOption *o = options; o->keyword; ++o)
        if (o->val)
            read.insert(QString::fromUtf8(o->keyword), QString::fromUtf8(o->val));
    PQconninfoFree(options);
    return read;
}

} // namespace listinglens::test
