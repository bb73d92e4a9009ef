#include "database_check.h"

#include "database_probe.h"
#include "database_url.h"
#include "logging.h"
#include "prediction_store.h"

#include <QFile>
#include <QFileInfo>
#include <QLocale>
#include <QObject>

namespace listinglens::ui {

QString plainDatabaseError(const QString &message, const QString &where)
{
    const auto has = [&](const char *text) { return message.contains(QLatin1String(text), Qt::CaseInsensitive); };
    if (has("Connection refused"))
        return QObject::tr("Nothing answers at %1 (connection refused): is PostgreSQL running there, on that port?").arg(where);
    if (has("timeout expired") || has("timed out"))
        return QObject::tr("No answer from %1 in time: the server is down or a firewall is in the way.").arg(where);
    if (has("could not translate host name") || has("Name or service not known"))
        return QObject::tr("There is no computer named as in %1: check the host name.").arg(where);
    if (has("password authentication failed") || has("no password supplied"))
        return QObject::tr("%1 refused the user name or password.").arg(where);
    if (has("does not exist") && has("database"))
        return QObject::tr("%1 answers, but has no database of that name.").arg(where);
    if (has("file is not a database") || has("not a database"))
        return QObject::tr("%1 is not a SQLite database file.").arg(where);
    if (has("unable to open database"))
        return QObject::tr("The file %1 cannot be opened (permissions, or the folder does not exist).").arg(where);
    return QObject::tr("Cannot connect to %1: %2").arg(where, message.simplified());
}

Result<DatabaseCheck> checkDatabase(const QString &url)
{
    if (url.trimmed().isEmpty())
        return Error{ErrorCode::InvalidArgument, QObject::tr("No database URL to test.")};
    auto parsed = DatabaseUrl::parse(url.trimmed());
    if (!parsed)
        return Error{ErrorCode::InvalidArgument,
                     QObject::tr("This is not a database URL (%1). Examples: sqlite:/path/to/file.sqlite, "
                                 "postgresql://user@host:5432/db")
                         .arg(parsed.error().message)};
    const DatabaseUrl &db = parsed.value();
    const QString where = db.isPostgres() ? QStringLiteral("%1:%2").arg(db.host).arg(db.port) : db.path;
    DatabaseCheck check;
    if (!db.isPostgres()) {
        const QFileInfo file(db.path);
        if (file.isDir())
            return Error{ErrorCode::InvalidArgument, QObject::tr("%1 is a folder: give the path of a database file in it.").arg(db.path)};
        if (!file.exists()) {
            const QFileInfo folder(file.absolutePath());
            if (folder.exists() && !folder.isWritable())
                return Error{ErrorCode::DatabaseError,
                             QObject::tr("There is no file %1 yet, and its folder cannot be written: it cannot be created there.").arg(db.path)};
            check.results = -1;
            check.summary = QObject::tr("There is no file %1 yet: ListingLens creates it, empty, when it opens it.").arg(db.path);
            return check;
        }
        // SQLite opens anything and fails only at the first statement, or not at all (an empty file).
        QFile f(db.path);
        if (!f.open(QIODevice::ReadOnly))
            return Error{ErrorCode::DatabaseError, QObject::tr("The file %1 cannot be read: %2.").arg(db.path, f.errorString())};
        if (f.size() > 0 && !f.read(16).startsWith(QByteArrayLiteral("SQLite format 3")))
            return Error{ErrorCode::DatabaseError, QObject::tr("%1 is not a SQLite database file.").arg(db.path)};
    }
    DbConnections connections(db);
    const auto contents = probeDatabase(connections);
    if (!contents)
        return Error{ErrorCode::DatabaseError, plainDatabaseError(contents.error().message, where)};
    check.schemaVersion = contents.value().schemaVersion;
    check.results = contents.value().results;
    if (!contents.value().resultsError.isEmpty()) // the summary says they could not be counted; the log says why
        qCWarning(lcStore).noquote() << contents.value().resultsError;
    const int latest = PredictionStore::latestSchemaVersion();
    if (check.schemaVersion == 0) {
        check.usable = !db.isPostgres(); // SQLite is created on open; PostgreSQL's schema is an administrator's step
        check.summary = db.isPostgres()
                            ? QObject::tr("Connected to %1, but it holds no ListingLens tables yet: its administrator "
                                          "has to create them (listinglens db migrate) before the window can use it.").arg(where)
                            : QObject::tr("Connected to %1: it holds no ListingLens tables yet; they are created when it is opened.").arg(where);
        return check;
    }
    if (check.schemaVersion > latest) {
        check.usable = false;
        check.summary = QObject::tr("Connected to %1, but its schema (version %2) was written by a newer ListingLens "
                                    "(this one knows up to %3): upgrade ListingLens to use it.")
                            .arg(where).arg(check.schemaVersion).arg(latest);
        return check;
    }
    const QString results = check.results < 0   ? QObject::tr("its results could not be counted")
                            : check.results == 1 ? QObject::tr("1 stored result")
                                                 : QObject::tr("%1 stored results").arg(QLocale().toString(check.results));
    if (check.schemaVersion < latest) {
        check.usable = !db.isPostgres();
        check.summary = db.isPostgres()
                            ? QObject::tr("Connected to %1: schema version %2, older than this program's %3, so the window "
                                          "cannot use it until its administrator upgrades it; %4.")
                                  .arg(where).arg(check.schemaVersion).arg(latest).arg(results)
                            : QObject::tr("Connected to %1: schema version %2 (brought up to %3 when it is opened), %4.")
                                  .arg(where).arg(check.schemaVersion).arg(latest).arg(results);
        return check;
    }
    check.summary = QObject::tr("Connected to %1: schema version %2 (current), %3.").arg(where).arg(check.schemaVersion).arg(results);
    return check;
}

} // namespace listinglens::ui
