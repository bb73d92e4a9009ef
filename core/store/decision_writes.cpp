// A prediction's decisions: written, undone, and what stands afterwards.

#include "prediction_store.h"

#include "store_sql_p.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

namespace listinglens {

namespace {

// What stands for predictionId: its newest decision not undone, else none.
Result<StandingDecision> readStanding(QSqlQuery &q, qint64 predictionId)
{
    q.prepare(QStringLiteral("SELECT decision, category_id, price, title, description, origin FROM feedback"
                             " WHERE prediction_id = :pid AND undone_ms IS NULL ORDER BY created_ms DESC, id DESC LIMIT 1"));
    q.bindValue(QStringLiteral(":pid"), predictionId);
    if (!q.exec())
        return databaseError(QStringLiteral("cannot read the decision standing"), q.lastError());
    StandingDecision now;
    if (q.next())
        now = {q.value(0).toString(), q.value(1).toString(), store_sql::optionalDouble(q.value(2)), q.value(3).toString(),
               q.value(4).toString(), q.value(5).toString()};
    q.finish();
    return now;
}

} // namespace

Result<StandingDecision> PredictionStore::standingDecision(qint64 predictionId)
{
    auto db = connection();
    if (!db)
        return db.error();
    QSqlQuery q(db.value());
    q.prepare(QStringLiteral("SELECT COUNT(*) FROM predictions WHERE id = :id"));
    q.bindValue(QStringLiteral(":id"), predictionId);
    if (!q.exec() || !q.next())
        return databaseError(QStringLiteral("cannot read the decision"), q.lastError());
    if (q.value(0).toLongLong() == 0)
        return Error{ErrorCode::NotFound, QStringLiteral("there is no prediction %1").arg(predictionId)};
    q.finish();
    return readStanding(q, predictionId);
}

Result<qint64> PredictionStore::insertFeedback(qint64 predictionId, const FeedbackRecord &f)
{
    auto db = connection();
    if (!db)
        return db.error();
    QSqlDatabase &c = db.value();
    if (auto incomplete = store_sql::incompleteDecision(f.categoryId, f.moderator))
        return *incomplete;
    if (!c.transaction())
        return databaseError(QStringLiteral("cannot store feedback"), c.lastError());
    QSqlQuery q(c);
    auto id = writeFeedback(q, predictionId, f);
    if (!id) {
        c.rollback();
        return id.error();
    }
    if (!c.commit())
        return databaseError(QStringLiteral("cannot store feedback"), c.lastError());
    return id;
}

Result<qint64> PredictionStore::writeFeedback(QSqlQuery &q, qint64 predictionId, const FeedbackRecord &f)
{
    const QString decision = f.corrected ? QStringLiteral("corrected") : QStringLiteral("accepted");
    q.prepare(QStringLiteral("UPDATE predictions SET feedback = :d, final_category_id = :c, final_price = :p, final_title = :title,"
                             " final_description = :desc, final_origin = :origin WHERE id = :id"));
    q.bindValue(QStringLiteral(":d"), decision);
    q.bindValue(QStringLiteral(":c"), f.categoryId);
    q.bindValue(QStringLiteral(":p"), store_sql::nullableDouble(f.price));
    q.bindValue(QStringLiteral(":title"), f.title);
    q.bindValue(QStringLiteral(":desc"), f.description);
    q.bindValue(QStringLiteral(":origin"), decisionOrigin(f.imported));
    q.bindValue(QStringLiteral(":id"), predictionId);
    if (!q.exec())
        return databaseError(QStringLiteral("cannot store feedback"), q.lastError());
    if (q.numRowsAffected() != 1)
        return Error{ErrorCode::NotFound, QStringLiteral("there is no prediction %1").arg(predictionId)};
    q.prepare(QStringLiteral("INSERT INTO feedback (prediction_id, created_ms, moderator, decision, category_id, price,"
                             " currency, title, description, origin) VALUES (:pid, :t, :who, :d, :c, :p, :cur, :title, :desc, :origin) RETURNING id"));
    q.bindValue(QStringLiteral(":pid"), predictionId);
    q.bindValue(QStringLiteral(":t"), f.createdMs > 0 ? f.createdMs : store_sql::nowMs());
    q.bindValue(QStringLiteral(":who"), f.moderator);
    q.bindValue(QStringLiteral(":d"), decision);
    q.bindValue(QStringLiteral(":c"), f.categoryId);
    q.bindValue(QStringLiteral(":p"), store_sql::nullableDouble(f.price));
    q.bindValue(QStringLiteral(":cur"), f.currency);
    q.bindValue(QStringLiteral(":title"), f.title);
    q.bindValue(QStringLiteral(":desc"), f.description);
    q.bindValue(QStringLiteral(":origin"), decisionOrigin(f.imported));
    if (!q.exec() || !q.next())
        return databaseError(QStringLiteral("cannot store feedback"), q.lastError());
    const qint64 id = q.value(0).toLongLong();
    q.finish();
    return id;
}

Result<StandingDecision> PredictionStore::markUndone(qint64 feedbackId, const QString &moderator, bool retried)
{
    const QString who = moderator.trimmed();
    if (who.isEmpty())
        return Error{ErrorCode::InvalidArgument, QStringLiteral("undoing a decision needs a moderator")};
    auto db = connection();
    if (!db)
        return db.error();
    QSqlDatabase &c = db.value();
    if (!c.transaction())
        return databaseError(QStringLiteral("cannot undo the decision"), c.lastError());
    const auto fail = [&](const QSqlError &e) {
        c.rollback();
        return databaseError(QStringLiteral("cannot undo the decision"), e);
    };
    QSqlQuery q(c);
    // The row first, so that two undos of the same decision cannot both pass.
    q.prepare(QStringLiteral("UPDATE feedback SET undone_ms = :t, undone_by = :who WHERE id = :id AND undone_ms IS NULL"
                             " RETURNING prediction_id"));
    q.bindValue(QStringLiteral(":t"), store_sql::nowMs());
    q.bindValue(QStringLiteral(":who"), who);
    q.bindValue(QStringLiteral(":id"), feedbackId);
    if (!q.exec())
        return fail(q.lastError());
    if (!q.next()) {
        q.finish();
        if (retried) { // undone by the attempt before this one, whose commit went through unanswered?
            q.prepare(QStringLiteral("SELECT prediction_id FROM feedback WHERE id = :id AND undone_by = :who"));
            q.bindValue(QStringLiteral(":id"), feedbackId);
            q.bindValue(QStringLiteral(":who"), who);
            if (!q.exec())
                return fail(q.lastError());
            if (q.next()) {
                const qint64 predictionId = q.value(0).toLongLong();
                q.finish();
                auto standing = readStanding(q, predictionId);
                c.rollback();
                return standing;
            }
        }
        c.rollback();
        return Error{ErrorCode::NotFound, QStringLiteral("there is no decision %1 to undo (it may be undone already)").arg(feedbackId)};
    }
    const qint64 predictionId = q.value(0).toLongLong();
    q.finish();
    auto standing = readStanding(q, predictionId);
    if (!standing) {
        c.rollback();
        return standing.error();
    }
    const StandingDecision &now = standing.value();
    const bool none = now.decision == QLatin1String("none");
    const QMetaType text = QMetaType::fromType<QString>(), real = QMetaType::fromType<double>();
    q.prepare(QStringLiteral("UPDATE predictions SET feedback = :d, final_category_id = :c, final_price = :p, final_title = :title,"
                             " final_description = :desc, final_origin = :origin WHERE id = :id"));
    q.bindValue(QStringLiteral(":d"), now.decision);
    q.bindValue(QStringLiteral(":c"), none ? QVariant(text) : QVariant(now.categoryId));
    q.bindValue(QStringLiteral(":p"), none ? QVariant(real) : store_sql::nullableDouble(now.price));
    q.bindValue(QStringLiteral(":title"), none ? QVariant(text) : QVariant(now.title));
    q.bindValue(QStringLiteral(":desc"), none ? QVariant(text) : QVariant(now.description));
    q.bindValue(QStringLiteral(":origin"), none ? QVariant(text) : QVariant(now.origin));
    q.bindValue(QStringLiteral(":id"), predictionId);
    if (!q.exec())
        return fail(q.lastError());
    if (!c.commit())
        return databaseError(QStringLiteral("cannot undo the decision"), c.lastError());
    return standing;
}

} // namespace listinglens
