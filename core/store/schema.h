#pragma once

#include <QStringList>

namespace listinglens::schema {

enum class Dialect { Sqlite, Postgres };

// Version 0 is an empty database; each step moves it up by one.
int latestVersion();
// The statements that take a database from version `to - 1` to `to`.
QStringList migrationStep(Dialect dialect, int to);

// The table that records the schema version (one row).
inline constexpr const char *kVersionTable = "listinglens_schema";

} // namespace listinglens::schema

namespace listinglens::schema {

// Dialect-specific pieces of queries, kept beside the schema.
QString caseInsensitiveLike(Dialect dialect);  // "ILIKE" or "LIKE"
// The whole part of a non-negative number as an integer: CAST truncates on
// SQLite but rounds on PostgreSQL (and SQLite may lack FLOOR).
QString integerFloor(Dialect dialect, const QString &expression);
// Starts a migration transaction that holds the write lock before the schema
// version is read, so that processes or threads starting at once take turns.
QStringList beginMigration(Dialect dialect);

} // namespace listinglens::schema
