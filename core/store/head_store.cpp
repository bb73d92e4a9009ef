#include "head_store.h"

#include "activations_p.h"
#include "logging.h"
#include "moderation_json.h"
#include "store_sql_p.h"

#include <QJsonDocument>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <cstring>

namespace listinglens {

using store_sql::readOnly;
using store_sql::writeError;

Result<bool> checkCanWriteHeads(PredictionStore &store)
{
    auto db = store.connection();
    if (!db)
        return db.error();
    QSqlQuery q(db.value());
    if (store.url().isPostgres()) {
        if (!q.exec(QStringLiteral("SELECT has_table_privilege('category_heads', 'INSERT') AND has_table_privilege('head_activations', 'INSERT')"))
            || !q.next())
            return databaseError(QStringLiteral("cannot check the role's privileges"), q.lastError());
        if (!q.value(0).toBool())
            return readOnly(QStringLiteral("refused"), QStringLiteral("no INSERT privilege on category_heads"));
        return true;
    }
    // SQLite: a read-only file or connection refuses this harmless write.
    if (!q.exec(QStringLiteral("BEGIN IMMEDIATE")))
        return writeError(QStringLiteral("refused"), q.lastError());
    q.exec(QStringLiteral("ROLLBACK"));
    return true;
}

Result<qint64> saveHead(PredictionStore &store, const CategoryHead &head)
{
    auto db = store.connection();
    if (!db)
        return db.error();
    QSqlQuery q(db.value());
    q.prepare(QStringLiteral("INSERT INTO category_heads (created_ms, model_name, model_version, taxonomy, examples, validation_n,"
                             " top1, top3, ece, head) VALUES (:t, :mn, :mv, :tax, :ex, :vn, :t1, :t3, :ece, :head) RETURNING version"));
    const QJsonObject validation = head.report.value(QStringLiteral("validation")).toObject();
    q.bindValue(QStringLiteral(":t"), head.createdMs > 0 ? head.createdMs : store_sql::nowMs());
    q.bindValue(QStringLiteral(":mn"), head.modelName);
    q.bindValue(QStringLiteral(":mv"), head.modelVersion);
    q.bindValue(QStringLiteral(":tax"), head.taxonomyFingerprint);
    q.bindValue(QStringLiteral(":ex"), head.report.value(QStringLiteral("examples")).toInt());
    q.bindValue(QStringLiteral(":vn"), validation.value(QStringLiteral("n")).toInt());
    q.bindValue(QStringLiteral(":t1"), validation.value(QStringLiteral("top1")).toDouble());
    q.bindValue(QStringLiteral(":t3"), validation.value(QStringLiteral("top3")).toDouble());
    // null in the report: no validation answer had a finite confidence.
    const QJsonValue ece = validation.value(QStringLiteral("ece"));
    q.bindValue(QStringLiteral(":ece"), store_sql::nullableDouble(ece.isDouble() ? ece.toDouble() : std::numeric_limits<double>::quiet_NaN()));
    q.bindValue(QStringLiteral(":head"), head.toJson());
    if (!q.exec() || !q.next())
        return writeError(QStringLiteral("cannot store the head"), q.lastError());
    return q.value(0).toLongLong();
}

Result<ActiveHead> activeHead(PredictionStore &store)
{
    auto newest = store_sql::newestActivation(store, QStringLiteral("head_activations"));
    if (!newest)
        return newest.error();
    return ActiveHead{newest.value().version, newest.value().stamp};
}

Result<std::vector<HeadSummary>> listHeads(PredictionStore &store)
{
    return store_sql::listVersions<HeadSummary>(
        store, QStringLiteral("head_activations"),
        QStringLiteral("SELECT version, created_ms, model_name, model_version, taxonomy, examples, validation_n, top1, top3, ece"
                       " FROM category_heads ORDER BY version DESC"),
        QStringLiteral("heads"), [](const QSqlQuery &q) {
            return HeadSummary{q.value(0).toLongLong(), q.value(1).toLongLong(), q.value(2).toString(), q.value(3).toString(),
                               q.value(4).toString(), q.value(5).toInt(), q.value(6).toInt(), q.value(7).toDouble(),
                               q.value(8).toDouble(), store_sql::doubleOrNaN(q.value(9)), false};
        });
}

Result<CategoryHead> loadHead(PredictionStore &store, qint64 version)
{
    const QString label = QStringLiteral("h%1").arg(version);
    auto q = store_sql::versionRow(store, QStringLiteral("SELECT head FROM category_heads WHERE version = :v"), version,
                                   QStringLiteral("head ") + label,
                                   QStringLiteral("there is no head %1 (see `listinglens model list`)").arg(label));
    if (!q)
        return q.error();
    auto head = CategoryHead::fromJson(q.value().value(0).toByteArray());
    if (!head)
        return Error{head.error().code, QStringLiteral("head %1 is damaged: %2").arg(label, head.error().message)};
    head.value().version = version;
    return head;
}

Result<bool> activateHead(PredictionStore &store, qint64 version, const QString &reason)
{
    return store_sql::insertActivation(store, QStringLiteral("head_activations"), QLatin1String(kHeadChannel), version, reason,
                                       QStringLiteral("h%1").arg(version));
}

Result<qint64> rollbackHead(PredictionStore &store)
{
    return store_sql::rollbackActivation(store, QStringLiteral("head_activations"), QLatin1String(kHeadChannel), QStringLiteral("head"));
}

Result<int> readTrainingRows(PredictionStore &store, const std::function<void(TrainingRow &&)> &row)
{
    auto db = store.connection();
    if (!db)
        return db.error();
    QSqlQuery q(db.value());
    q.setForwardOnly(true);
    if (!q.exec(QStringLiteral("SELECT id, final_category_id, final_price, phash, model_name, model_version, embedding_norm, embedding,"
                               " file_name, final_title, moderation FROM predictions WHERE ok = 1 AND feedback <> 'none' AND synthetic = 0 AND embedding IS NOT NULL"
                               " AND final_category_id IS NOT NULL ORDER BY id")))
        return databaseError(QStringLiteral("cannot read the confirmed listings"), q.lastError());
    int count = 0;
    while (q.next()) {
        TrainingRow r;
        r.id = q.value(0).toLongLong();
        r.categoryId = q.value(1).toString();
        r.price = q.value(2).toDouble();
        r.phash = std::uint64_t(q.value(3).toLongLong());
        r.modelName = q.value(4).toString();
        r.modelVersion = q.value(5).toString();
        r.embeddingNorm = q.value(6).toDouble();
        const QByteArray e = q.value(7).toByteArray();
        r.embedding.resize(std::size_t(e.size()) / sizeof(float));
        std::memcpy(r.embedding.data(), e.constData(), r.embedding.size() * sizeof(float));
        r.fileName = q.value(8).toString();
        r.title = q.value(9).toString();
        if (const QByteArray moderation = q.value(10).toByteArray(); !moderation.isEmpty()) {
            PhotoModeration read = moderationFromStoredJson(QJsonDocument::fromJson(moderation).object());
            if (read.state == PhotoModeration::State::Done)
                r.text = std::move(read.text);
        }
        row(std::move(r));
        ++count;
    }
    return count;
}

} // namespace listinglens
