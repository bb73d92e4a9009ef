#include "schema_updater.h"

#include "schema.h"
#include "store_sql_p.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

namespace listinglens {

Result<int> schemaVersionOf(DbConnections &connections)
{
    auto db = connections.get();
    if (!db)
        return db.error();
    if (!db.value().tables().contains(QString::fromLatin1(schema::kVersionTable)))
        return 0;
    QSqlQuery q(db.value());
    if (!q.exec(QStringLiteral("SELECT version FROM listinglens_schema")) || !q.next())
        return databaseError(QStringLiteral("cannot read the schema version"), q.lastError());
    return q.value(0).toInt();
}

Result<int> migrateSchema(DbConnections &connections)
{
    auto db = connections.get();
    if (!db)
        return db.error();
    const schema::Dialect dialect = store_sql::dialectOf(connections.url());
    while (true) {
        QSqlDatabase &c = db.value();
        QSqlQuery q(c);
        for (const QString &statement : schema::beginMigration(dialect)) {
            if (!q.exec(statement)) {
                const QSqlError e = q.lastError();
                q.exec(QStringLiteral("ROLLBACK"));
                return databaseError(QStringLiteral("cannot start a migration"), e);
            }
        }
        // Read the version inside the transaction: another process may have moved it on.
        int current = 0;
        if (c.tables().contains(QString::fromLatin1(schema::kVersionTable))) {
            if (!q.exec(QStringLiteral("SELECT version FROM listinglens_schema")) || !q.next()) {
                q.exec(QStringLiteral("ROLLBACK"));
                return databaseError(QStringLiteral("cannot read the schema version"), q.lastError());
            }
            current = q.value(0).toInt();
        }
        if (current >= schema::latestVersion()) {
            q.exec(QStringLiteral("ROLLBACK"));
            return current;
        }
        const int to = current + 1;
        for (const QString &statement : schema::migrationStep(dialect, to)) {
            if (!q.exec(statement)) {
                const QSqlError e = q.lastError();
                q.exec(QStringLiteral("ROLLBACK"));
                return databaseError(QStringLiteral("migration to schema version %1 failed (nothing was changed)").arg(to), e);
            }
        }
        q.prepare(QStringLiteral("UPDATE listinglens_schema SET version = :v, migrated_ms = :t"));
        q.bindValue(QStringLiteral(":v"), to);
        q.bindValue(QStringLiteral(":t"), store_sql::nowMs());
        if (!q.exec() || !q.exec(QStringLiteral("COMMIT"))) {
            const QSqlError e = q.lastError();
            q.exec(QStringLiteral("ROLLBACK"));
            return databaseError(QStringLiteral("migration to schema version %1 failed (nothing was changed)").arg(to), e);
        }
    }
}

} // namespace listinglens
