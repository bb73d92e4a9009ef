#pragma once

#include "error.h"

#include <QList>
#include <QPair>
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
    // The URL's query: libpq parameters, each known (sslmode, connect_timeout,
    // application_name, sslrootcert) with a value of its kind, once each.
    QList<QPair<QString, QString>> options;

    static Result<DatabaseUrl> parse(const QString &url);
    // The options as Qt's QPSQL driver takes them (QSqlDatabase::setConnectOptions),
    // each value quoted as libpq's connection string reads it, so that no value
    // can add a parameter (another host, sslmode=disable); connect_timeout is 5
    // unless the URL says otherwise.
    QString connectOptions() const;
    // The URL with the password replaced by "***" and every part encoded as a
    // URL: safe to print or log, and it parses back to the same place.
    QString masked() const;
    // A short name for a status bar: the SQLite file's name, or host/dbname.
    QString shortName() const;
    QString driver() const; // "QSQLITE" or "QPSQL"
    bool isPostgres() const { return kind == Kind::Postgres; }
};

// sqlite:<application data directory>/listinglens.sqlite
QString defaultDatabaseUrl();

// The URL text as a person edits it (the Settings dialog keeps the password
// in its own field, and out of QSettings where a keyring can hold it).
// Whether it is a postgresql:// (or postgres://) URL that parses.
bool isPostgresUrl(const QString &url);
// A PostgreSQL URL's password, and the URL without it / with another one
// (other URLs are returned as they are, password empty).
QString databasePassword(const QString &url);
QString databaseUrlWithoutPassword(const QString &url);
QString databaseUrlWithPassword(const QString &url, const QString &password);

} // namespace listinglens
