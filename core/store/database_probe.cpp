#include "database_probe.h"

#include "schema.h"
#include "schema_updater.h"

#include <QSqlQuery>
#include <QVariant>

namespace listinglens {

Result<DatabaseContents> probeDatabase(DbConnections &connections)
{
    const auto version = schemaVersionOf(connections);
    if (!version)
        return version.error();
    DatabaseContents contents;
    contents.schemaVersion = version.value();
    if (contents.schemaVersion <= 0 || contents.schemaVersion > schema::latestVersion())
        return contents; // no predictions table, or one of a schema this program does not know
    auto db = connections.get();
    if (!db)
        return db.error();
    QSqlQuery q(db.value());
    if (q.exec(QStringLiteral("SELECT COUNT(*) FROM predictions")) && q.next())
        contents.results = q.value(0).toLongLong();
    else
        contents.resultsError = databaseError(QStringLiteral("cannot count the stored results"), q.lastError()).message;
    return contents;
}

} // namespace listinglens
