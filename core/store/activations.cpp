#include "activations_p.h"

#include "store_sql_p.h"

#include <QSqlQuery>
#include <QVariant>

#include <vector>

namespace listinglens::store_sql {

Result<Activation> newestActivation(PredictionStore &store, const QString &table)
{
    auto db = store.connection();
    if (!db)
        return db.error();
    QSqlQuery q(db.value());
    if (!q.exec(QStringLiteral("SELECT id, version FROM %1 ORDER BY id DESC LIMIT 1").arg(table)))
        return databaseError(QStringLiteral("cannot read %1").arg(table), q.lastError());
    if (!q.next())
        return Activation{};
    return Activation{q.value(1).toLongLong(), q.value(0).toLongLong()};
}

Result<bool> insertActivation(PredictionStore &store, const QString &table, const QString &channel, qint64 version, const QString &reason,
                              const QString &label)
{
    auto db = store.connection();
    if (!db)
        return db.error();
    QSqlQuery q(db.value());
    q.prepare(QStringLiteral("INSERT INTO %1 (version, activated_ms, reason) VALUES (:v, :t, :r)").arg(table));
    q.bindValue(QStringLiteral(":v"), version > 0 ? QVariant(version) : QVariant(QMetaType::fromType<qint64>()));
    q.bindValue(QStringLiteral(":t"), nowMs());
    q.bindValue(QStringLiteral(":r"), reason);
    if (!q.exec())
        return writeError(QStringLiteral("cannot activate %1").arg(label), q.lastError());
    if (store.url().isPostgres())
        q.exec(QStringLiteral("NOTIFY %1, '%2'").arg(channel).arg(version));
    return true;
}

Result<qint64> rollbackActivation(PredictionStore &store, const QString &table, const QString &channel, const QString &what)
{
    auto db = store.connection();
    if (!db)
        return db.error();
    QSqlQuery q(db.value());
    if (!q.exec(QStringLiteral("SELECT version FROM %1 ORDER BY id DESC LIMIT 2").arg(table)))
        return databaseError(QStringLiteral("cannot read %1").arg(table), q.lastError());
    std::vector<qint64> versions;
    while (q.next())
        versions.push_back(q.value(0).toLongLong());
    if (versions.empty())
        return Error{ErrorCode::InvalidArgument, QStringLiteral("no %1 was ever activated: nothing to roll back").arg(what)};
    const qint64 before = versions.size() > 1 ? versions[1] : 0; // before the first activation: none
    if (before == versions.front())
        return Error{ErrorCode::InvalidArgument, QStringLiteral("what was active before is what is active now: nothing to roll back")};
    if (auto done = insertActivation(store, table, channel, before, QStringLiteral("rollback"), QString::number(before)); !done)
        return done.error();
    return before;
}

Result<QSqlQuery> versionRow(PredictionStore &store, const QString &select, qint64 version, const QString &label, const QString &missing)
{
    auto db = store.connection();
    if (!db)
        return db.error();
    QSqlQuery q(db.value());
    q.prepare(select);
    q.bindValue(QStringLiteral(":v"), version);
    if (!q.exec())
        return databaseError(QStringLiteral("cannot read %1").arg(label), q.lastError());
    if (!q.next())
        return Error{ErrorCode::NotFound, missing};
    return q;
}

} // namespace listinglens::store_sql
