#pragma once

#include "error.h"

#include <QByteArray>
#include <QSqlDatabase>
#include <QString>

#include <memory>
#include <vector>

struct pg_result;

namespace listinglens::pg {

// Statements that carry photos go through libpq on the Qt connection's own
// PGconn, with parameters and results in binary. Qt's QPSQL driver inlines a
// QByteArray as an escaped literal twice its size that the server then parses:
// about 10 ms to write a 1 MB photo and 10 ms to read it back, against 2 and 1.

struct Param {
    QByteArray value;
    bool null = false;
    bool binary = false;
};
Param text(const QString &value);
Param textOrNull(const QString &value); // empty: SQL NULL
Param number(qint64 value);
Param bytes(const QByteArray &value);

// A result whose columns came back in binary format.
class Rows {
public:
    int count() const;
    bool isNull(int row, int column) const;
    QByteArray bytes(int row, int column) const;
    QString text(int row, int column) const;
    qint64 integer(int row, int column) const; // int2, int4 or int8

private:
    friend Result<Rows> exec(QSqlDatabase &, const char *, const std::vector<Param> &);
    std::shared_ptr<pg_result> m_result;
};

// Runs one statement ($1, $2, ... placeholders) on `db`, which must be an open
// QPSQL connection with no query of Qt's still reading results. Errors are
// DatabaseError with the server's message.
Result<Rows> exec(QSqlDatabase &db, const char *sql, const std::vector<Param> &params);

} // namespace listinglens::pg
