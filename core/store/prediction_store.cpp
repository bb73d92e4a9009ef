#include "prediction_store.h"

#include "pg_binary.h"

#include "logging.h"
#include "schema.h"
#include "schema_updater.h"
#include "store_sql_p.h"
#include "stored_result.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>

#include <functional>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlError>
#include <QSqlQuery>
#include <QThread>
#include <QVariant>

namespace listinglens {

namespace {

QByteArray embeddingBytes(const std::vector<float> &e)
{
    return QByteArray(reinterpret_cast<const char *>(e.data()), qsizetype(e.size() * sizeof(float)));
}

using Bind = std::function<void(const char *, const QVariant &)>;
void bindSuggestion(const PhotoResult *r, const Bind &bind);

} // namespace

PredictionRecord predictionRecord(const QString &source, const QString &file, const Result<PhotoResult> &outcome)
{
    PredictionRecord rec;
    rec.source = source;
    rec.fileName = file;
    if (outcome) {
        rec.result = outcome.value();
        rec.sha256 = outcome.value().sha256;
        rec.byteSize = outcome.value().byteSize;
        rec.thumbnail = outcome.value().thumbnail;
    } else {
        rec.error = outcome.error();
    }
    return rec;
}

PredictionStore::PredictionStore(DatabaseUrl url) : m_db(std::move(url)) {}

PredictionStore::~PredictionStore() = default;

Result<int> PredictionStore::schemaVersion()
{
    return schemaVersionOf(m_db);
}

Result<int> PredictionStore::migrate()
{
    return migrateSchema(m_db);
}

int PredictionStore::latestSchemaVersion()
{
    return schema::latestVersion();
}

Result<std::shared_ptr<PredictionStore>> PredictionStore::open(const QString &url, bool migrate)
{
    auto parsed = DatabaseUrl::parse(url);
    if (!parsed)
        return parsed.error();
    if (!parsed.value().isPostgres()) {
        const QString dir = QFileInfo(parsed.value().path).absolutePath();
        if (!QDir().mkpath(dir))
            return Error{ErrorCode::DatabaseError, QStringLiteral("cannot create the folder %1").arg(dir)};
    }
    std::shared_ptr<PredictionStore> store(new PredictionStore(std::move(parsed).value()));
    auto version = store->schemaVersion();
    if (!version)
        return version.error();
    const int latest = latestSchemaVersion();
    const QString where = store->maskedUrl();
    if (version.value() > latest)
        return Error{ErrorCode::DatabaseError,
                     QStringLiteral("the database at %1 has schema version %2, written by a newer ListingLens (this one knows up to %3); upgrade ListingLens")
                         .arg(where).arg(version.value()).arg(latest)};
    if (version.value() < latest) {
        if (migrate || !store->url().isPostgres()) {
            auto migrated = store->migrate();
            if (!migrated)
                return migrated.error();
        } else if (version.value() == 0) {
            return Error{ErrorCode::DatabaseError,
                         QStringLiteral("the database at %1 has no ListingLens schema yet; create it with: listinglens db migrate --db URL").arg(where)};
        } else {
            return Error{ErrorCode::DatabaseError,
                         QStringLiteral("the database at %1 has schema version %2, older than this program's %3; upgrade it with: listinglens db migrate --db URL")
                             .arg(where).arg(version.value()).arg(latest)};
        }
    }
    return store;
}

template <typename Write>
auto PredictionStore::withRetry(Write write) -> decltype(write())
{
    return retryWithBackoff(
        m_retry, write, [](const Error &e) { return e.code == ErrorCode::DatabaseError; },
        [&](int delayMs) {
            qCWarning(lcStore).noquote() << QStringLiteral("a write failed - retrying in %1 ms on a fresh connection").arg(delayMs);
            dropConnection();
            QThread::msleep(std::uint64_t(delayMs));
        });
}

Result<QStringList> PredictionStore::confirmedCurrencies()
{
    auto db = connection();
    if (!db)
        return db.error();
    QSqlQuery q(db.value());
    if (!q.exec(QStringLiteral("SELECT DISTINCT currency FROM feedback WHERE price > 0 AND currency IS NOT NULL AND currency <> ''"
                               " AND undone_ms IS NULL UNION SELECT value FROM database_settings WHERE name = 'currency'"
                               " ORDER BY 1")))
        return databaseError(QStringLiteral("cannot read the stored currencies"), q.lastError());
    QStringList currencies;
    while (q.next())
        currencies << q.value(0).toString();
    return currencies;
}

Result<qint64> PredictionStore::addPrediction(const PredictionRecord &rec)
{
    return withRetry([&] { return insertPrediction(rec); });
}

Result<bool> PredictionStore::completeModeration(qint64 predictionId, const PhotoResult &r)
{
    return withRetry([&]() -> Result<bool> {
        auto db = connection();
        if (!db)
            return db.error();
        QSqlQuery q(db.value());
        // The thumbnail the lane made, faces blurred (none before it).
        const bool thumbnail = !r.thumbnail.isEmpty();
        // The title and description redone with what was read (applyPhotoText), and the title's basis;
        // the categories and price, which the words read may have moved (Classifier::weighPhotoText),
        // only while undecided: a decision (a moderator's, or an import's, confirmed on insert) was
        // made on the suggestion as it stood, and the quality figures compare the two.
        const auto undecided = [](const char *column, const char *value) {
            return QStringLiteral(" %1 = CASE WHEN feedback = 'none' THEN %2 ELSE %1 END,").arg(QLatin1String(column), QLatin1String(value));
        };
        q.prepare(QStringLiteral("UPDATE predictions SET moderation = :moderation, quality_flags = :flags, review = :review,"
                                 " description = :desc, title_basis = :tbasis, title_evidence = :tevidence, hints = :hints, title = :title,")
                  + undecided("category_id", ":cat") + undecided("confidence", ":conf") + undecided("categories_json", ":cats")
                  + undecided("price_low", ":low") + undecided("price_point", ":point") + undecided("price_high", ":high")
                  + undecided("price_basis", ":basis") + undecided("price_neighbours", ":nb")
                  + QStringLiteral(" moderation_until_ms = NULL%1 WHERE id = :id").arg(thumbnail ? QStringLiteral(", thumbnail = :thumb") : QString()));
        bindSuggestion(&r, [&q](const char *name, const QVariant &value) { q.bindValue(QLatin1String(name), value); });
        if (thumbnail)
            q.bindValue(QStringLiteral(":thumb"), r.thumbnail);
        q.bindValue(QStringLiteral(":id"), predictionId);
        if (!q.exec())
            return databaseError(QStringLiteral("cannot store what was read on prediction %1").arg(predictionId), q.lastError());
        return q.numRowsAffected() > 0;
    });
}

Result<int> PredictionStore::holdModeration(const std::vector<qint64> &predictionIds, qint64 untilMs)
{
    if (predictionIds.empty())
        return 0;
    auto db = connection();
    if (!db)
        return db.error();
    QStringList ids;
    for (const qint64 id : predictionIds)
        ids << QString::number(id); // numbers, not text from outside
    QSqlQuery q(db.value());
    q.prepare(QStringLiteral("UPDATE predictions SET moderation_until_ms = :until WHERE moderation_until_ms IS NOT NULL AND id IN (%1)")
                  .arg(ids.join(QLatin1Char(','))));
    q.bindValue(QStringLiteral(":until"), untilMs);
    if (!q.exec())
        return databaseError(QStringLiteral("cannot hold the rows the moderation lane is reading"), q.lastError());
    return q.numRowsAffected();
}

Result<int> PredictionStore::failStaleModeration(qint64 nowMs)
{
    PhotoResult failed;
    failed.moderation.state = PhotoModeration::State::Failed;
    auto db = connection();
    if (!db)
        return db.error();
    QSqlQuery q(db.value());
    q.prepare(QStringLiteral("UPDATE predictions SET moderation = :failed, moderation_until_ms = NULL,"
                             " review = CASE WHEN review = '' THEN :reason ELSE review || ',' || :reason2 END"
                             " WHERE moderation_until_ms < :now"));
    q.bindValue(QStringLiteral(":failed"), moderationColumn(failed));
    q.bindValue(QStringLiteral(":reason"), QString::fromLatin1(kNotModerated));
    q.bindValue(QStringLiteral(":reason2"), QString::fromLatin1(kNotModerated));
    q.bindValue(QStringLiteral(":now"), nowMs);
    if (!q.exec())
        return databaseError(QStringLiteral("cannot mark unfinished moderation failed"), q.lastError());
    return q.numRowsAffected();
}

Result<qint64> PredictionStore::addFeedback(qint64 predictionId, const FeedbackRecord &f)
{
    return withRetry([&] { return insertFeedback(predictionId, f); });
}

Result<qint64> PredictionStore::addConfirmedPrediction(const PredictionRecord &rec, const FeedbackRecord &f)
{
    if (auto incomplete = store_sql::incompleteDecision(f.categoryId, f.moderator))
        return *incomplete;
    return withRetry([&]() -> Result<qint64> {
        auto db = connection();
        if (!db)
            return db.error();
        QSqlDatabase &c = db.value();
        if (!c.transaction())
            return databaseError(QStringLiteral("cannot store the listing %1").arg(rec.fileName), c.lastError());
        auto id = insertPrediction(rec);
        QSqlQuery q(c);
        auto confirmed = id ? writeFeedback(q, id.value(), f) : Result<qint64>(id.error());
        if (!confirmed) {
            c.rollback();
            return confirmed.error();
        }
        if (!c.commit())
            return databaseError(QStringLiteral("cannot store the listing %1").arg(rec.fileName), c.lastError());
        return id;
    });
}

Result<StandingDecision> PredictionStore::undoFeedback(qint64 feedbackId, const QString &moderator)
{
    bool retried = false;
    return withRetry([&] {
        auto undone = markUndone(feedbackId, moderator, retried);
        retried = true;
        return undone;
    });
}

namespace {

// The suggestion and what was read on the photo, NULL without a result: the same columns for the insert
// and for the lane's completion.
void bindSuggestion(const PhotoResult *r, const Bind &bind)
{
    auto nullable = [](bool has, const QVariant &v, QMetaType type) { return has ? v : QVariant(type); };
    const QMetaType text = QMetaType::fromType<QString>(), real = QMetaType::fromType<double>(),
                    integer = QMetaType::fromType<int>();
    bind(":cat", nullable(r, r ? r->category.id : QString(), text));
    bind(":conf", nullable(r, r ? r->category.confidence : 0.0, real));
    bind(":cats", nullable(r, r ? categoriesJson(*r) : QString(), text));
    const bool priced = r && r->price.basis != PriceBasis::None; // no figure: NULL, never a price of 0
    bind(":low", nullable(priced, r ? r->price.low : 0.0, real));
    bind(":point", nullable(priced, r ? r->price.point : 0.0, real));
    bind(":high", nullable(priced, r ? r->price.high : 0.0, real));
    bind(":basis", nullable(r, r ? priceBasisName(r->price.basis) : QString(), text));
    bind(":nb", nullable(r, r ? r->price.neighbours : 0, integer));
    bind(":title", nullable(r, r ? r->title : QString(), text));
    bind(":desc", nullable(r, r ? r->description : QString(), text));
    bind(":flags", store_sql::flagsColumn(r ? r->quality.flags : QStringList()));
    bind(":review", store_sql::notNull(r ? r->review.reasons.join(QLatin1Char(',')) : QString()));
    bind(":hints", store_sql::notNull(r ? r->hints.join(QLatin1Char('\n')) : QString()));
    bind(":tbasis", nullable(r, r ? r->titleBasis : QString(), text));
    bind(":tevidence", r ? titleEvidenceColumn(*r) : QVariant(text));
    bind(":moderation", store_sql::notNull(r ? moderationColumn(*r) : QString()));
}

// The insert's values for `rec`, through `bind` (a QSqlQuery's or a libpq statement's).
void bindPrediction(const PredictionRecord &rec, const Bind &bind)
{
    const PhotoResult *r = rec.result ? &*rec.result : nullptr;
    const StageTimings &t = r ? r->timing : rec.timing;
    auto nullable = [](bool has, const QVariant &v, QMetaType type) { return has ? v : QVariant(type); };
    const QMetaType text = QMetaType::fromType<QString>(), real = QMetaType::fromType<double>(),
                    big = QMetaType::fromType<qint64>(), integer = QMetaType::fromType<int>(),
                    bytes = QMetaType::fromType<QByteArray>();
    const qint64 created = rec.createdMs > 0 ? rec.createdMs : store_sql::nowMs();
    bind(":created", created);
    bind(":source", rec.source);
    bind(":file", rec.fileName);
    bind(":ok", r ? 1 : 0);
    bind(":ecode", nullable(!r && rec.error, rec.error ? rec.error->codeName() : QString(), text));
    bind(":emsg", nullable(!r && rec.error, rec.error ? rec.error->message : QString(), text));
    bind(":sha", nullable(!rec.sha256.isEmpty(), rec.sha256, text));
    bind(":phash", nullable(r, r ? qint64(r->quality.phash) : 0, big));
    bind(":bytes", nullable(rec.byteSize > 0, rec.byteSize, big));
    bind(":w", nullable(r, r ? r->quality.width : 0, integer));
    bind(":h", nullable(r, r ? r->quality.height : 0, integer));
    bind(":mname", nullable(r, r ? r->model.name : QString(), text));
    bind(":mver", nullable(r, r ? r->model.version : QString(), text));
    bind(":dev", nullable(r, r ? r->model.device : QString(), text));
    bind(":labels", nullable(r, r ? labelsJson(*r) : QString(), text));
    bind(":cur", nullable(r, r ? r->price.currency : QString(), text));
    bind(":sharp", nullable(r, r ? r->quality.sharpness : 0.0, real));
    bind(":bright", nullable(r, r ? r->quality.brightness : 0.0, real));
    bind(":tdec", t.decode);
    bind(":tpre", t.preprocess);
    bind(":tinf", t.inference);
    bind(":ttot", t.total);
    bind(":emb", nullable(r && !r->embedding.empty(), r ? embeddingBytes(r->embedding) : QByteArray(), bytes));
    bind(":thumb", nullable(!rec.thumbnail.isEmpty(), rec.thumbnail, bytes));
    bind(":synth", rec.synthetic ? 1 : 0);
    bindSuggestion(r, bind);
    bind(":head", nullable(r && r->model.head > 0 && !r->model.headFromFile, r ? r->model.head : 0, big));
    bind(":norm", nullable(r && r->embeddingNorm > 0, r ? r->embeddingNorm : 0.0, real));
    // Waiting for the lane: held from the stale sweep (holdModeration renews it).
    const bool waiting = r && r->moderation.state == PhotoModeration::State::Pending;
    bind(":until", nullable(waiting, created + (rec.moderationHoldMs > 0 ? rec.moderationHoldMs : kModerationHoldMs), big));
}

} // namespace

Result<qint64> PredictionStore::insertPrediction(const PredictionRecord &rec)
{
    auto db = connection();
    if (!db)
        return db.error();
    static const QString insert = QStringLiteral(
        "INSERT INTO predictions (created_ms, source, file_name, ok, error_code, error_message, sha256, phash,"
        " byte_size, width, height, model_name, model_version, device, category_id, confidence, categories_json,"
        " labels_json, price_currency, price_low, price_point, price_high, price_basis, price_neighbours, title,"
        " description, sharpness, brightness, quality_flags, decode_ms, preprocess_ms, inference_ms, total_ms,"
        " embedding, thumbnail, synthetic, head_version, embedding_norm, review, hints, title_basis, title_evidence,"
        " moderation, moderation_until_ms)"
        " VALUES (:created, :source, :file, :ok, :ecode, :emsg, :sha, :phash, :bytes, :w, :h, :mname, :mver, :dev,"
        " :cat, :conf, :cats, :labels, :cur, :low, :point, :high, :basis, :nb, :title, :desc, :sharp, :bright,"
        " :flags, :tdec, :tpre, :tinf, :ttot, :emb, :thumb, :synth, :head, :norm, :review, :hints, :tbasis, :tevidence,"
        " :moderation, :until) RETURNING id");
    // The services store a prediction per photo: on PostgreSQL through libpq,
    // prepared once and with the embedding and thumbnail in binary.
    std::optional<pg::NamedStatement> statement;
    std::optional<QSqlQuery> q;
    if (url().isPostgres()) {
        statement.emplace(insert);
    } else {
        q.emplace(db.value());
        q->prepare(insert);
    }
    auto bind = [&](const char *name, const QVariant &v) {
        if (statement)
            statement->bind(name, v);
        else
            q->bindValue(QString::fromLatin1(name), v);
    };
    bindPrediction(rec, bind);
    if (statement) {
        auto rows = statement->exec(db.value());
        if (!rows)
            return Error{ErrorCode::DatabaseError,
                         QStringLiteral("cannot store the prediction for %1: %2").arg(rec.fileName, rows.error().message)};
        return rows.value().integer(0, 0);
    }
    if (!q->exec() || !q->next())
        return databaseError(QStringLiteral("cannot store the prediction for %1").arg(rec.fileName), q->lastError());
    return q->value(0).toLongLong();
}

} // namespace listinglens
