#include "pg_binary.h"

#include <QHash>
#include <QLocale>
#include <QSet>
#include <QSqlDriver>
#include <QVariant>
#include <QtEndian>

#include <bit>

#include <libpq-fe.h>

#include <poll.h>

#include <cctype>
#include <mutex>
#include <unordered_map>

namespace listinglens::pg {

namespace {

// Which statements each connection has prepared. A connection is known by its
// PGconn and its server process: a reconnect may reuse the address, not both.
struct Connection {
    int backendPid = 0;
    QSet<QByteArray> prepared;
};

std::mutex g_mutex;
std::unordered_map<const PGconn *, Connection> g_connections;
QHash<QByteArray, QByteArray> g_names; // statement text -> its name on every connection

QByteArray statementName(const char *sql)
{
    std::lock_guard lock(g_mutex);
    QByteArray &name = g_names[QByteArray(sql)];
    if (name.isEmpty())
        name = "listinglens_" + QByteArray::number(g_names.size());
    return name;
}

bool isPrepared(const PGconn *conn, const QByteArray &name)
{
    std::lock_guard lock(g_mutex);
    auto it = g_connections.find(conn);
    return it != g_connections.end() && it->second.backendPid == PQbackendPID(conn) && it->second.prepared.contains(name);
}

void markPrepared(const PGconn *conn, const QByteArray &name)
{
    std::lock_guard lock(g_mutex);
    Connection &c = g_connections[conn];
    if (c.backendPid != PQbackendPID(conn))
        c = Connection{PQbackendPID(conn), {}};
    c.prepared.insert(name);
}

void forget(const PGconn *conn)
{
    std::lock_guard lock(g_mutex);
    g_connections.erase(conn);
}

Error serverError(const PGresult *result, PGconn *conn)
{
    const char *message = result ? PQresultErrorMessage(result) : PQerrorMessage(conn);
    return Error{ErrorCode::DatabaseError, QString::fromUtf8(message).trimmed()};
}

bool succeeded(const PGresult *result)
{
    const ExecStatusType status = result ? PQresultStatus(result) : PGRES_FATAL_ERROR;
    return status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK;
}

} // namespace

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

Param real(double value)
{
    return {QString::number(value, 'g', QLocale::FloatingPointShortest).toLatin1(), false, false};
}

Param bytes(const QByteArray &value)
{
    return {value, false, true};
}

Param fromVariant(const QVariant &value)
{
    if (value.isNull())
        return {{}, true, false};
    switch (value.typeId()) {
    case QMetaType::QByteArray: return bytes(value.toByteArray());
    case QMetaType::Double:
    case QMetaType::Float: return real(value.toDouble());
    case QMetaType::Bool: return number(value.toBool() ? 1 : 0);
    default: return text(value.toString());
    }
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

double Rows::real(int row, int column) const
{
    const char *v = PQgetvalue(m_result.get(), row, column);
    switch (PQgetlength(m_result.get(), row, column)) {
    case 4: return double(std::bit_cast<float>(qFromBigEndian<quint32>(v)));
    case 8: return std::bit_cast<double>(qFromBigEndian<quint64>(v));
    default: return 0; // NULL
    }
}

namespace {

// QPSQL's PGconn under a Qt connection; null for another driver or a closed one.
PGconn *connectionOf(const QSqlDatabase &db)
{
    const QVariant handle = db.driver() ? db.driver()->handle() : QVariant();
    // QPSQL's handle is a PGconn* (struct pg_conn*; older Qt spelled the type name PGconn*).
    if (qstrcmp(handle.typeName(), "pg_conn*") != 0 && qstrcmp(handle.typeName(), "PGconn*") != 0)
        return nullptr;
    return *static_cast<PGconn *const *>(handle.constData());
}

} // namespace

bool serverHungUp(const QSqlDatabase &db)
{
    PGconn *conn = connectionOf(db);
    if (!conn || PQtransactionStatus(conn) != PQTRANS_IDLE)
        return false;
    if (PQstatus(conn) == CONNECTION_BAD)
        return true;
    // Nothing was asked of an idle connection, so anything to read on it is
    // the server's goodbye (a restart's "terminating connection", then the
    // end of the stream) or, rarely, a notice: a fresh connection is right
    // either way, and costs a few milliseconds.
    pollfd socket{PQsocket(conn), POLLIN, 0};
    return socket.fd >= 0 && ::poll(&socket, 1, 0) > 0;
}

Result<Rows> exec(QSqlDatabase &db, const char *sql, const std::vector<Param> &params)
{
    if (db.driverName() != QLatin1String("QPSQL"))
        return Error{ErrorCode::Internal, QStringLiteral("binary statements need a PostgreSQL (QPSQL) connection")};
    PGconn *conn = connectionOf(db);
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
    if (params.empty()) { // BEGIN, COMMIT and the like: nothing to plan
        rows.m_result.reset(PQexecParams(conn, sql, 0, nullptr, nullptr, nullptr, nullptr, 1), PQclear);
    } else {
        const QByteArray name = statementName(sql);
        if (!isPrepared(conn, name)) {
            std::unique_ptr<PGresult, void (*)(PGresult *)> prepared(PQprepare(conn, name.constData(), sql, int(params.size()), nullptr),
                                                                    PQclear);
            if (!succeeded(prepared.get()))
                return serverError(prepared.get(), conn);
            markPrepared(conn, name);
        }
        rows.m_result.reset(PQexecPrepared(conn, name.constData(), int(params.size()), values.data(), lengths.data(),
                                           formats.data(), 1),
                            PQclear);
    }
    if (!succeeded(rows.m_result.get())) {
        const char *state = rows.m_result ? PQresultErrorField(rows.m_result.get(), PG_DIAG_SQLSTATE) : nullptr;
        if (state && qstrcmp(state, "26000") == 0) // invalid_sql_statement_name: prepared on another connection
            forget(conn);
        return serverError(rows.m_result.get(), conn);
    }
    return rows;
}

NamedStatement::NamedStatement(const QString &sql)
{
    const QByteArray in = sql.toUtf8();
    char quote = 0;
    for (qsizetype i = 0; i < in.size(); ++i) {
        const char ch = in[i];
        if (quote) {
            quote = ch == quote ? 0 : quote;
            m_sql += ch;
            continue;
        }
        if (ch == '\'' || ch == '"')
            quote = ch;
        const bool placeholder = ch == ':' && i + 1 < in.size() && (std::isalpha(uchar(in[i + 1])) || in[i + 1] == '_')
                                 && (i == 0 || in[i - 1] != ':');
        if (!placeholder) {
            m_sql += ch;
            continue;
        }
        qsizetype end = i + 1;
        while (end < in.size() && (std::isalnum(uchar(in[end])) || in[end] == '_'))
            ++end;
        const QByteArray name = in.mid(i, end - i);
        qsizetype at = m_names.indexOf(name);
        if (at < 0) {
            m_names.append(name);
            at = m_names.size() - 1;
        }
        m_sql += '$' + QByteArray::number(at + 1);
        i = end - 1;
    }
    m_params.resize(std::size_t(m_names.size()), Param{{}, true, false});
}

void NamedStatement::bind(const char *name, const QVariant &value)
{
    const qsizetype at = m_names.indexOf(QByteArray(name));
    Q_ASSERT_X(at >= 0, "NamedStatement::bind", name);
    if (at >= 0)
        m_params[std::size_t(at)] = fromVariant(value);
}

Result<Rows> NamedStatement::exec(QSqlDatabase &db) const
{
    return pg::exec(db, m_sql.constData(), m_params);
}

} // namespace listinglens::pg
