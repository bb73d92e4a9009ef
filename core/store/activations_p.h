#pragma once

// Activations of stored versions (category heads, model versions): an
// append-only table (id, version, activated_ms, reason) whose newest row is
// what is active; a rollback is one more activation. Not part of the store's
// interface.

#include "error.h"
#include "prediction_store.h"

#include <QSqlQuery>
#include <QString>

#include <vector>

namespace listinglens::store_sql {

struct Activation {
    qint64 version = 0; // 0: none (the built-in mapping, the shipped model)
    qint64 stamp = 0;   // the row's id: changes with every activation
};

Result<Activation> newestActivation(PredictionStore &store, const QString &table);
// NOTIFYs `channel` on PostgreSQL; `label` names the version in errors ("h3", "m2").
Result<bool> insertActivation(PredictionStore &store, const QString &table, const QString &channel, qint64 version, const QString &reason,
                              const QString &label);
// Activates what was active before the newest activation (0 before the first one).
Result<qint64> rollbackActivation(PredictionStore &store, const QString &table, const QString &channel, const QString &what);

// Every version `select` reads (newest first), each made by `rowOf` from the
// query and marked active when it is the newest activation in `activations`.
// `what` names them in errors ("heads", "models").
template <typename Row, typename RowOf>
Result<std::vector<Row>> listVersions(PredictionStore &store, const QString &activations, const QString &select, const QString &what,
                                      RowOf rowOf)
{
    auto active = newestActivation(store, activations);
    if (!active)
        return active.error();
    auto db = store.connection();
    if (!db)
        return db.error();
    QSqlQuery q(db.value());
    if (!q.exec(select))
        return databaseError(QStringLiteral("cannot list the %1").arg(what), q.lastError());
    std::vector<Row> rows;
    while (q.next()) {
        rows.push_back(rowOf(q));
        rows.back().active = rows.back().version == active.value().version;
    }
    return rows;
}

// The query positioned on the row of `version` (`select` binds it as :v);
// NotFound, saying `missing`, when there is none. `label` names it ("h3").
Result<QSqlQuery> versionRow(PredictionStore &store, const QString &select, qint64 version, const QString &label, const QString &missing);

} // namespace listinglens::store_sql
