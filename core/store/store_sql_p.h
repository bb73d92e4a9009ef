#pragma once

// Helpers the store's files share; not part of the store's interface.

#include "database_url.h"
#include "db_connections.h"
#include "error.h"
#include "schema.h"

#include <QDateTime>
#include <QLatin1Char>
#include <QSqlError>
#include <QString>
#include <QStringList>
#include <QVariant>

#include <cmath>
#include <limits>
#include <optional>

namespace listinglens::store_sql {

// Why a decision cannot be written: every one names its category and who made it.
inline std::optional<Error> incompleteDecision(const QString &categoryId, const QString &moderator)
{
    if (categoryId.isEmpty() || moderator.isEmpty())
        return Error{ErrorCode::InvalidArgument, QStringLiteral("feedback needs a category and a moderator")};
    return std::nullopt;
}

inline qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

inline schema::Dialect dialectOf(const DatabaseUrl &u)
{
    return u.isPostgres() ? schema::Dialect::Postgres : schema::Dialect::Sqlite;
}

// A LIKE pattern (used with ESCAPE '\\') that matches `s` literally: its %, _ and \\ escaped.
inline QString escapedLike(QString s)
{
    s.replace(QLatin1Char('\\'), QStringLiteral("\\\\"));
    s.replace(QLatin1Char('%'), QStringLiteral("\\%"));
    s.replace(QLatin1Char('_'), QStringLiteral("\\_"));
    return s;
}

// Text for a NOT NULL column: never a null QString, which Qt SQL binds as NULL.
inline QString notNull(const QString &s)
{
    return s.isNull() ? QStringLiteral("") : s;
}

// A measure that may be missing (a head's ECE): NaN is bound as NULL, as
// SQLite stores it anyway, so that both databases hold "not measured" alike,
// and NULL reads back as NaN, never as the 0 toDouble() gives.
inline QVariant nullableDouble(double value)
{
    return std::isfinite(value) ? QVariant(value) : QVariant(QMetaType::fromType<double>());
}

inline double doubleOrNaN(const QVariant &column)
{
    return column.isNull() ? std::numeric_limits<double>::quiet_NaN() : column.toDouble();
}

// A price column: NULL for no price (never 0), and back.
inline QVariant nullableDouble(const std::optional<double> &v)
{
    return v ? QVariant(*v) : QVariant(QMetaType::fromType<double>());
}

inline std::optional<double> optionalDouble(const QVariant &column)
{
    return column.isNull() ? std::nullopt : std::optional<double>(column.toDouble());
}

// Quality flags are stored as ",blurry,too_dark," so that one flag is found
// with LIKE '%,flag,%'. The column, its parse and its pattern are written here only.
inline QString flagsColumn(const QStringList &flags)
{
    return flags.isEmpty() ? notNull({}) : QLatin1Char(',') + flags.join(QLatin1Char(',')) + QLatin1Char(',');
}

inline QStringList flagsFromColumn(const QString &column)
{
    return column.split(QLatin1Char(','), Qt::SkipEmptyParts);
}

// The pattern that finds one flag (ESCAPE '\\'); a flag holding % or _ matches only itself.
inline QString flagPattern(const QString &flag)
{
    return QStringLiteral("%,") + escapedLike(flag) + QStringLiteral(",%");
}

inline Error readOnly(const QString &what, const QString &detail)
{
    return {ErrorCode::Forbidden,
            QStringLiteral("%1: the database role may not write heads or models (a read-only role?): %2").arg(what, detail)};
}

// A failed write as a clear refusal when the database says it is a permission matter.
inline Error writeError(const QString &what, const QSqlError &e)
{
    const QString text = e.text();
    if (text.contains(QLatin1String("permission denied"), Qt::CaseInsensitive) || text.contains(QLatin1String("readonly"), Qt::CaseInsensitive)
        || text.contains(QLatin1String("read-only"), Qt::CaseInsensitive))
        return readOnly(what, text);
    return databaseError(what, e);
}

} // namespace listinglens::store_sql
