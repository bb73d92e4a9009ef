#include "pg_binary.h"

#include <QSqlDriver>
#include <QVariant>
#include <QtEndian>

#include <libpq-fe.h>

namespace listinglens::pg {

Param text(const QString &value)
{
    return {value.toUtf8(), false, false};
}

Param textOrNull(const QString &value)
{
    return {value.toUtf8(), value.isEmpty(), false};
}

Param number(qint64 value)
{
    return {QByteArray::number(value), false, false};
}

Param bytes(const QByteArray &value)
{
    return {value, false, true};
}

int Rows::count() const
{
    return PQntuples(m_result.get());
}

bool Rows::isNull(int row, int column) const
{
    return PQgetisnull(m_result.get(), row, column) != 0;
}

QByteArray Rows::bytes(int row, int column) const
{
    return QByteArray(PQgetvalue(m_result.get(), row, column), PQgetlength(m_result.get(), row, column));
}

QString Rows::text(int row, int column) const
{
    return QString::fromUtf8(PQgetvalue(m_result.get(), row, column), PQgetlength(m_result.get(), row, column));
}

qint64 Rows::integer(int row, int column) const
{
    const char *v = PQgetvalue(m_result.get(), row, column);
    switch (PQgetlength(m_result.get(), row, column)) {
    case 2: return qFromBigEndian<qint16>(v);
    case 4: return qFromBigEndian<qint32>(v);
    case 8: return qFromBigEndian<qint64>(v);
    default: return 0; // NULL
    }
}

Result<Rows> exec(QSqlDatabase &db, const char *sql, const std::vector<Param> &params)
{
    const QVariant handle = db.driver() ? db.driver()->handle() : QVariant();
    // QPSQL's handle is a PGconn* (struct pg_conn*; older Qt spelled the type name PGconn*).
    if (qstrcmp(handle.typeName(), "pg_conn*") != 0 && qstrcmp(handle.typeName(), "PGconn*") != 0)
        return Error{ErrorCode::Internal, QStringLiteral("binary statements need a PostgreSQL (QPSQL) connection")};
    PGconn *conn = *static_cast<PGconn *const *>(handle.constData());
    if (!conn)
        return Error{ErrorCode::DatabaseError, QStringLiteral("the connection to PostgreSQL is closed")};

    std::vector<const char *> values(params.size());
    std::vector<int> lengths(params.size()), formats(params.size());
    for (std::size_t i = 0; i < params.size(); ++i) {
        values[i] = params[i].null ? nullptr : params[i].value.constData();
        lengths[i] = int(params[i].value.size());
        formats[i] = params[i].binary ? 1 : 0;
    }
    Rows rows;
    rows.m_result.reset(PQexecParams(conn, sql, int(params.size()), nullptr, values.data(), lengths.data(), formats.data(), 1),
                        PQclear);
    const ExecStatusType status = rows.m_result ? PQresultStatus(rows.m_result.get()) : PGRES_FATAL_ERROR;
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
        const char *message = rows.m_result ? PQresultErrorMessage(rows.m_result.get()) : PQerrorMessage(conn);
        return Error{ErrorCode::DatabaseError, QString::fromUtf8(message).trimmed()};
    }
    return rows;
}

} // namespace listinglens::pg
