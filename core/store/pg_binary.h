#pragma once

#include "error.h"

#include <QByteArray>
#include <QSqlDatabase>
#include <QList>
#include <QString>

#include <memory>
#include <vector>

struct pg_result;

namespace listinglens::pg {

// The services' hot statements go through libpq on the Qt connection's own
// PGconn, with parameters and results in binary. Qt's QPSQL driver inlines a
// QByteArray as an escaped literal twice its size that the server then parses
// (about 10 ms to write a 1 MB photo and 10 ms to read it back, against 2 and
// 1), and it runs each bound query as PREPARE, EXECUTE and DEALLOCATE: three
// round trips and a fresh parse and plan every time. Here a statement with
// parameters is prepared once per connection and then only executed.

struct Param {
    QByteArray value;
    bool null = false;
    bool binary = false;
};
Param text(const QString &value);
Param textOrNull(const QString &value); // empty: SQL NULL
Param number(qint64 value);
Param real(double value);               // the shortest text that reads back as the same double
Param bytes(const QByteArray &value);
Param fromVariant(const QVariant &value); // null: SQL NULL; QByteArray: binary; else its text

// A result whose columns came back in binary format.
class Rows {
public:
    int count() const;
    bool isNull(int row, int column) const;
    QByteArray bytes(int row, int column) const;
    QString text(int row, int column) const;
    qint64 integer(int row, int column) const; // int2, int4 or int8
    double real(int row, int column) const;    // float4 or float8; 0 for NULL

private:
    friend Result<Rows> exec(QSqlDatabase &, const char *, const std::vector<Param> &);
    std::shared_ptr<pg_result> m_result;
};

// Whether the server of an idle, open QPSQL connection has gone (a restart
// ends every connection): its goodbye, or the end of the stream, waits on the
// socket while nothing was asked. Costs a poll(); reads nothing. False for
// other drivers, for a connection in a transaction, and when it cannot tell.
bool serverHungUp(const QSqlDatabase &db);

// Runs one statement ($1, $2, ... placeholders) on `db`, which must be an open
// QPSQL connection with no query of Qt's still reading results. A statement
// with parameters is prepared on the connection the first time it runs there.
// Errors are DatabaseError with the server's message.
Result<Rows> exec(QSqlDatabase &db, const char *sql, const std::vector<Param> &params);

// A statement written with :name placeholders, as QSqlQuery takes them, for
// code that runs the same text through Qt on SQLite: bind by name, then exec().
class NamedStatement {
public:
    explicit NamedStatement(const QString &sql);
    void bind(const char *name, const QVariant &value);
    Result<Rows> exec(QSqlDatabase &db) const;
    const QByteArray &positional() const { return m_sql; } // the text with $1, $2, ...

private:
    QByteArray m_sql;
    QList<QByteArray> m_names; // m_names[i] is $(i + 1)
    std::vector<Param> m_params;
};

} // namespace listinglens::pg
