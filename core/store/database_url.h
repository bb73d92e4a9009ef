#pragma once

#include "error.h"

#include <QString>

namespace listinglens {

// A store location: "sqlite:PATH" or
// "postgresql://user:password@host:port/dbname?sslmode=...".
struct DatabaseUrl {
    enum class Kind { Sqlite, Postgres };
    Kind kind = Kind::Sqlite;
    QString path;        // SQLite file
    QString host;
    int port = 5432;
    QString user;
    QString password;
    QString database;
    QString options;     // Qt's QPSQL connect options, e.g. "sslmode=require"

    static Result<DatabaseUrl> parse(const QString &url);
    // The URL with the password replaced by "***": safe to print or log.
    QString masked() const;
    // A short name for a status bar: the SQLite file's name, or host/dbname.
    QString shortName() const;
    QString driver() const; // "QSQLITE" or "QPSQL"
    bool isPostgres() const { return kind == Kind::Postgres; }
};

// sqlite:<application data directory>/listinglens.sqlite
QString defaultDatabaseUrl();

} // namespace listinglens
