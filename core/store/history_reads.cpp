#include "history_reads.h"

#include "stored_result.h"

#include "csv.h"
#include "schema.h"
#include "store_sql_p.h"

#include <QDateTime>
#include <QSqlError>
#include <QTimeZone>
#include <QSqlQuery>
#include <QVariant>

#include <algorithm>

namespace listinglens {

std::optional<qint64> parseHeadFilter(const QString &text)
{
    QString t = text.trimmed().toLower();
    if (t == QLatin1String("builtin") || t == QLatin1String("built-in"))
        return 0;
    if (t.startsWith(QLatin1Char('h')))
        t.remove(0, 1);
    bool ok = false;
    const qint64 version = t.toLongLong(&ok);
    return ok && version > 0 ? std::optional<qint64>(version) : std::nullopt;
}

bool setDecisionFilter(HistoryFilter &f, const QString &state)
{
    f.feedback.clear();
    f.origin.clear();
    if (state == QLatin1String("imported")) {
        f.origin = decisionOrigin(true);
    } else if (state == QLatin1String("accepted") || state == QLatin1String("corrected")) {
        f.feedback = state;
        f.origin = decisionOrigin(false);
    } else if (state == QLatin1String("none")) {
        f.feedback = state;
    } else if (!state.isEmpty()) {
        return false;
    }
    return true;
}

namespace {

// The WHERE clause of a history filter over `predictions p`, and its values.
struct Where {
    QStringList clauses;
    QVariantMap binds;

    QString sql() const { return clauses.isEmpty() ? QString() : QStringLiteral(" WHERE ") + clauses.join(QStringLiteral(" AND ")); }
    void bind(QSqlQuery &q) const
    {
        for (auto it = binds.cbegin(); it != binds.cend(); ++it)
            q.bindValue(it.key(), it.value());
    }
};

Where whereOf(PredictionStore &store, const HistoryFilter &f)
{
    Where w;
    auto add = [&](const QString &clause, const QString &name, const QVariant &value) {
        w.clauses << clause;
        w.binds.insert(name, value);
    };
    if (f.sinceMs > 0)
        add(QStringLiteral("p.created_ms >= :since"), QStringLiteral(":since"), f.sinceMs);
    if (f.untilMs > 0)
        add(QStringLiteral("p.created_ms < :until"), QStringLiteral(":until"), f.untilMs);
    if (!f.categoryId.isEmpty())
        add(QStringLiteral("p.category_id = :cat"), QStringLiteral(":cat"), f.categoryId);
    if (!f.feedback.isEmpty())
        add(QStringLiteral("p.feedback = :fb"), QStringLiteral(":fb"), f.feedback);
    if (f.minConfidence >= 0)
        add(QStringLiteral("p.confidence >= :cmin"), QStringLiteral(":cmin"), f.minConfidence);
    if (f.maxConfidence >= 0)
        add(QStringLiteral("p.confidence <= :cmax"), QStringLiteral(":cmax"), f.maxConfidence);
    if (!f.finalCategoryId.isEmpty())
        add(QStringLiteral("p.final_category_id = :fcat"), QStringLiteral(":fcat"), f.finalCategoryId);
    if (!f.modelVersion.isEmpty())
        add(QStringLiteral("p.model_version = :mver"), QStringLiteral(":mver"), f.modelVersion);
    if (f.needsReview)
        w.clauses << QStringLiteral("p.review <> ''");
    if (!f.origin.isEmpty())
        add(QStringLiteral("p.final_origin = :origin"), QStringLiteral(":origin"), f.origin);
    if (f.headVersion && *f.headVersion > 0)
        add(QStringLiteral("p.head_version = :head"), QStringLiteral(":head"), *f.headVersion);
    else if (f.headVersion)
        w.clauses << QStringLiteral("p.head_version IS NULL");
    if (!f.qualityFlag.isEmpty())
        add(QStringLiteral("p.quality_flags LIKE :flag ESCAPE '\\'"), QStringLiteral(":flag"), store_sql::flagPattern(f.qualityFlag));
    if (!f.text.isEmpty()) {
        const QString like = schema::caseInsensitiveLike(store_sql::dialectOf(store.url()));
        // The suggestion's and the decision's text alike (a trigram index on each on PostgreSQL).
        add(QStringLiteral("(p.title %1 :text ESCAPE '\\' OR p.description %1 :text ESCAPE '\\'"
                           " OR p.final_title %1 :text ESCAPE '\\' OR p.final_description %1 :text ESCAPE '\\')").arg(like),
            QStringLiteral(":text"), QLatin1Char('%') + store_sql::escapedLike(f.text) + QLatin1Char('%'));
    }
    return w;
}

} // namespace

Result<std::vector<HistoryRow>> readHistory(PredictionStore &store, const HistoryFilter &f, std::optional<HistoryCursor> after, int limit)
{
    auto db = store.connection();
    if (!db)
        return db.error();
    Where w = whereOf(store, f);
    const char *cmp = f.oldestFirst ? ">" : "<";
    if (after) {
        w.clauses << QStringLiteral("(p.created_ms %1 :acms OR (p.created_ms = :acms2 AND p.id %1 :aid))").arg(QLatin1String(cmp));
        w.binds.insert(QStringLiteral(":acms"), after->createdMs);
        w.binds.insert(QStringLiteral(":acms2"), after->createdMs);
        w.binds.insert(QStringLiteral(":aid"), after->id);
    }
    // The standing decision (who and when) is the newest feedback row not
    // undone: one probe of feedback_prediction per row of the page.
    const QString sql = QStringLiteral(
        "SELECT p.id, p.created_ms, p.source, p.file_name, p.ok, p.error_code, p.category_id, p.confidence, p.title, p.price_currency,"
        " p.price_point, p.feedback, p.final_category_id, p.final_price, p.model_version, p.quality_flags, p.total_ms, p.review,"
        " p.head_version, p.description, p.price_low, p.price_high, p.price_basis, p.final_title, f.moderator, f.created_ms, f.description,"
        " f.currency, p.final_origin, p.title_basis, p.title_evidence"
        " FROM predictions p LEFT JOIN feedback f ON f.id = (SELECT fb.id FROM feedback fb WHERE fb.prediction_id = p.id"
        " AND fb.undone_ms IS NULL ORDER BY fb.created_ms DESC, fb.id DESC LIMIT 1)"
        "%1 ORDER BY p.created_ms %2, p.id %2 LIMIT :limit")
                            .arg(w.sql(), f.oldestFirst ? QStringLiteral("ASC") : QStringLiteral("DESC"));
    QSqlQuery q(db.value());
    q.setForwardOnly(true);
    q.prepare(sql);
    w.bind(q);
    q.bindValue(QStringLiteral(":limit"), std::clamp(limit, 1, 10000));
    if (!q.exec())
        return databaseError(QStringLiteral("cannot read the history"), q.lastError());
    std::vector<HistoryRow> rows;
    while (q.next()) {
        HistoryRow r;
        r.id = q.value(0).toLongLong();
        r.createdMs = q.value(1).toLongLong();
        r.source = q.value(2).toString();
        r.fileName = q.value(3).toString();
        r.ok = q.value(4).toInt() != 0;
        r.errorCode = q.value(5).toString();
        r.categoryId = q.value(6).toString();
        r.confidence = q.value(7).toDouble();
        r.title = q.value(8).toString();
        r.currency = q.value(9).toString();
        r.pricePoint = q.value(10).toDouble();
        r.feedback = q.value(11).toString();
        r.finalCategoryId = q.value(12).toString();
        r.finalPrice = store_sql::optionalDouble(q.value(13));
        r.modelVersion = q.value(14).toString();
        r.flags = store_sql::flagsFromColumn(q.value(15).toString());
        r.totalMs = q.value(16).toDouble();
        r.review = q.value(17).toString().split(QLatin1Char(','), Qt::SkipEmptyParts);
        r.headVersion = q.value(18).toLongLong();
        r.description = q.value(19).toString();
        r.priceLow = q.value(20).toDouble();
        r.priceHigh = q.value(21).toDouble();
        r.priceBasis = q.value(22).toString();
        r.finalTitle = q.value(23).toString();
        r.decidedBy = q.value(24).toString();
        r.decidedMs = q.value(25).toLongLong();
        r.finalDescription = q.value(26).toString();
        r.finalCurrency = q.value(27).toString();
        r.origin = q.value(28).toString();
        r.titleBasis = q.value(29).toString();
        r.titleWords = titleWordsFromColumn(q.value(30).toByteArray());
        rows.push_back(std::move(r));
    }
    return rows;
}

Result<qint64> countHistory(PredictionStore &store, const HistoryFilter &f, qint64 cap)
{
    auto db = store.connection();
    if (!db)
        return db.error();
    if (cap < 1)
        return Error{ErrorCode::InvalidArgument, QStringLiteral("a count needs a cap of at least 1")};
    const Where w = whereOf(store, f);
    QSqlQuery q(db.value());
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT COUNT(*) FROM (SELECT 1 FROM predictions p%1 LIMIT :cap) t").arg(w.sql()));
    w.bind(q);
    q.bindValue(QStringLiteral(":cap"), cap + 1);
    if (!q.exec() || !q.next())
        return databaseError(QStringLiteral("cannot count the history"), q.lastError());
    return q.value(0).toLongLong();
}

QByteArray historyCsvHeader()
{
    // The suggestion's columns and the decision's apart, each named as such.
    return csvLine({QStringLiteral("id"), QStringLiteral("created_at"), QStringLiteral("source"), QStringLiteral("file"),
                    QStringLiteral("ok"), QStringLiteral("error"), QStringLiteral("suggested_category"), QStringLiteral("confidence"),
                    QStringLiteral("suggested_title"), QStringLiteral("suggested_description"), QStringLiteral("suggested_currency"),
                    QStringLiteral("suggested_price"), QStringLiteral("suggested_price_low"), QStringLiteral("suggested_price_high"),
                    QStringLiteral("price_basis"), QStringLiteral("decision"), QStringLiteral("decision_source"),
                    QStringLiteral("confirmed_category"), QStringLiteral("confirmed_currency"), QStringLiteral("confirmed_price"),
                    QStringLiteral("confirmed_title"), QStringLiteral("confirmed_description"), QStringLiteral("decided_by"),
                    QStringLiteral("decided_at"), QStringLiteral("model_version"), QStringLiteral("head"), QStringLiteral("flags"),
                    QStringLiteral("review"), QStringLiteral("total_ms")});
}

QByteArray historyCsvLine(const HistoryRow &r)
{
    const bool decided = r.feedback != QLatin1String("none") && !r.feedback.isEmpty();
    const bool priced = r.ok && r.priceBasis != QLatin1String("none");
    auto iso = [](qint64 ms) { return ms > 0 ? QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc()).toString(Qt::ISODateWithMs) : QString(); };
    auto money = [&](double v) { return priced ? QString::number(v) : QString(); };
    return csvLine({QString::number(r.id), iso(r.createdMs), r.source, r.fileName, r.ok ? QStringLiteral("1") : QStringLiteral("0"),
                    r.errorCode, r.categoryId, r.ok ? QString::number(r.confidence, 'f', 4) : QString(), r.title, r.description,
                    r.currency, money(r.pricePoint), money(r.priceLow), money(r.priceHigh), r.priceBasis, r.feedback, r.origin,
                    r.finalCategoryId, r.finalCurrency, decided && r.finalPrice ? QString::number(*r.finalPrice) : QString(), r.finalTitle,
                    r.finalDescription, r.decidedBy, iso(r.decidedMs), r.modelVersion,
                    r.headVersion > 0 ? QStringLiteral("h%1").arg(r.headVersion) : QStringLiteral("builtin"),
                    r.flags.join(QLatin1Char(' ')), r.review.join(QLatin1Char(' ')), QString::number(r.totalMs, 'f', 1)});
}

Result<QHash<qint64, QByteArray>> readThumbnails(PredictionStore &store, const QList<qint64> &ids)
{
    QHash<qint64, QByteArray> out;
    if (ids.isEmpty())
        return out;
    auto db = store.connection();
    if (!db)
        return db.error();
    // A few hundred ids a query: SQLite builds before 3.32 take at most 999
    // bound parameters, and a non-Time sort shows up to kSortCap + 1 rows.
    constexpr qsizetype kChunk = 400;
    QSqlQuery q(db.value());
    q.setForwardOnly(true);
    for (qsizetype first = 0; first < ids.size(); first += kChunk) {
        const QList<qint64> chunk = ids.mid(first, kChunk);
        QStringList marks;
        for (qsizetype i = 0; i < chunk.size(); ++i)
            marks << QStringLiteral(":id%1").arg(i);
        q.prepare(QStringLiteral("SELECT id, thumbnail FROM predictions WHERE id IN (%1)").arg(marks.join(QLatin1Char(','))));
        for (qsizetype i = 0; i < chunk.size(); ++i)
            q.bindValue(marks[i], chunk[i]);
        if (!q.exec())
            return databaseError(QStringLiteral("cannot read thumbnails"), q.lastError());
        while (q.next())
            out.insert(q.value(0).toLongLong(), q.value(1).toByteArray());
    }
    return out;
}

Result<PredictionDetail> readDetail(PredictionStore &store, qint64 id)
{
    auto db = store.connection();
    if (!db)
        return db.error();
    QSqlQuery q(db.value());
    q.prepare(QStringLiteral("SELECT sha256, byte_size, width, height, categories_json, labels_json, error_message, created_ms"
                             " FROM predictions WHERE id = :id"));
    q.bindValue(QStringLiteral(":id"), id);
    if (!q.exec())
        return databaseError(QStringLiteral("cannot read a prediction"), q.lastError());
    if (!q.next())
        return Error{ErrorCode::NotFound, QStringLiteral("there is no prediction %1").arg(id)};
    PredictionDetail d;
    d.sha256 = q.value(0).toString();
    d.byteSize = q.value(1).toLongLong();
    d.width = q.value(2).toInt();
    d.height = q.value(3).toInt();
    d.categoriesJson = q.value(4).toString();
    d.labelsJson = q.value(5).toString();
    d.errorMessage = q.value(6).toString();
    const qint64 created = q.value(7).toLongLong();
    // The row itself, through the same code as the history table.
    HistoryFilter exact;
    exact.sinceMs = created;
    exact.untilMs = created + 1;
    auto rows = readHistory(store, exact, std::nullopt, 1000);
    if (!rows)
        return rows.error();
    for (const HistoryRow &r : rows.value()) {
        if (r.id == id)
            d.row = r;
    }
    q.prepare(QStringLiteral("SELECT created_ms, moderator, decision, category_id, price, currency, title, description, undone_ms, undone_by"
                             " FROM feedback WHERE prediction_id = :id ORDER BY created_ms, id"));
    q.bindValue(QStringLiteral(":id"), id);
    if (!q.exec())
        return databaseError(QStringLiteral("cannot read feedback"), q.lastError());
    while (q.next())
        d.feedback.push_back({q.value(0).toLongLong(), q.value(1).toString(), q.value(2).toString(), q.value(3).toString(),
                              q.value(5).toString(), q.value(6).toString(), store_sql::optionalDouble(q.value(4)), q.value(7).toString(),
                              q.value(8).toLongLong(), q.value(9).toString()});
    return d;
}

} // namespace listinglens
