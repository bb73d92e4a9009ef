#include "prediction_store.h"

#include "pg_binary.h"

#include "logging.h"
#include "schema.h"
#include "sqlite_files.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlError>
#include <QSqlQuery>
#include <QThread>
#include <QVariant>

#include <atomic>
#include <cstring>

namespace listinglens {

namespace {

std::atomic_int g_storeSerial{0};

Error dbError(const QString &what, const QSqlError &e)
{
    return {ErrorCode::DatabaseError, QStringLiteral("%1: %2").arg(what, e.text().trimmed())};
}

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

schema::Dialect dialectOf(const DatabaseUrl &u)
{
    return u.isPostgres() ? schema::Dialect::Postgres : schema::Dialect::Sqlite;
}

QByteArray embeddingBytes(const std::vector<float> &e)
{
    return QByteArray(reinterpret_cast<const char *>(e.data()), qsizetype(e.size() * sizeof(float)));
}

QString categoriesJson(const PhotoResult &r)
{
    QJsonArray a;
    for (const auto &c : r.categories)
        a.append(QJsonObject{{QStringLiteral("id"), c.id}, {QStringLiteral("confidence"), c.confidence}});
    return QString::fromUtf8(QJsonDocument(a).toJson(QJsonDocument::Compact));
}

QString labelsJson(const PhotoResult &r)
{
    QJsonArray a;
    for (const auto &l : r.labels)
        a.append(QJsonObject{{QStringLiteral("index"), l.index}, {QStringLiteral("name"), l.name},
                             {QStringLiteral("probability"), l.probability}});
    return QString::fromUtf8(QJsonDocument(a).toJson(QJsonDocument::Compact));
}

// Flags stored as ",blurry,too_dark," so that one flag is found with LIKE '%,flag,%'.
QString flagsColumn(const QStringList &flags)
{
    // Not a null QString: Qt SQL binds that as NULL.
    return flags.isEmpty() ? QStringLiteral("") : QLatin1Char(',') + flags.join(QLatin1Char(',')) + QLatin1Char(',');
}

QString escapeLike(QString s)
{
    s.replace(QLatin1Char('\\'), QStringLiteral("\\\\"));
    s.replace(QLatin1Char('%'), QStringLiteral("\\%"));
    s.replace(QLatin1Char('_'), QStringLiteral("\\_"));
    return QLatin1Char('%') + s + QLatin1Char('%');
}

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

PredictionStore::PredictionStore(DatabaseUrl url)
    : m_url(std::move(url)), m_prefix(QStringLiteral("listinglens-%1-").arg(g_storeSerial.fetch_add(1)))
{
}

PredictionStore::~PredictionStore()
{
    for (const QString &name : std::as_const(m_connections))
        QSqlDatabase::removeDatabase(name);
}

int PredictionStore::latestSchemaVersion()
{
    return schema::latestVersion();
}

QString PredictionStore::connectionName(const QString &role) const
{
    return m_prefix + QString::number(quintptr(QThread::currentThreadId()), 16) + role;
}

Result<QSqlDatabase> PredictionStore::connection(const QString &role)
{
    const QString name = connectionName(role);
    if (QSqlDatabase::contains(name)) {
        QSqlDatabase db = QSqlDatabase::database(name, false);
        if (!db.isOpen() && !db.open())
            return dbError(QStringLiteral("cannot connect to %1").arg(maskedUrl()), db.lastError());
        return db;
    }
    QSqlDatabase db = QSqlDatabase::addDatabase(m_url.driver(), name);
    {
        std::lock_guard lock(m_mutex);
        m_connections << name;
    }
    if (!db.isValid())
        return Error{ErrorCode::DatabaseError, QStringLiteral("the Qt SQL driver %1 is not installed").arg(m_url.driver())};
    if (m_url.isPostgres()) {
        db.setHostName(m_url.host);
        db.setPort(m_url.port);
        db.setUserName(m_url.user);
        db.setPassword(m_url.password);
        db.setDatabaseName(m_url.database);
        QString options = m_url.options;
        if (!options.contains(QLatin1String("connect_timeout")))
            options += QString(options.isEmpty() ? "" : ";") + QStringLiteral("connect_timeout=5");
        db.setConnectOptions(options);
    } else {
        registerSqliteDatabase(m_url.path); // before SQLite takes its first lock
        db.setDatabaseName(m_url.path);
        db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=10000"));
    }
    if (!db.open())
        return dbError(QStringLiteral("cannot connect to %1").arg(maskedUrl()), db.lastError());
    if (!m_url.isPostgres()) {
        QSqlQuery q(db);
        q.exec(QStringLiteral("PRAGMA foreign_keys = ON"));
        q.exec(QStringLiteral("PRAGMA journal_mode = WAL"));
    }
    return db;
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
        if (migrate || !store->m_url.isPostgres()) {
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

Result<int> PredictionStore::schemaVersion()
{
    auto db = connection();
    if (!db)
        return db.error();
    if (!db.value().tables().contains(QString::fromLatin1(schema::kVersionTable)))
        return 0;
    QSqlQuery q(db.value());
    if (!q.exec(QStringLiteral("SELECT version FROM listinglens_schema")) || !q.next())
        return dbError(QStringLiteral("cannot read the schema version"), q.lastError());
    return q.value(0).toInt();
}

Result<int> PredictionStore::migrate()
{
    auto db = connection();
    if (!db)
        return db.error();
    const schema::Dialect dialect = dialectOf(m_url);
    while (true) {
        QSqlDatabase &c = db.value();
        QSqlQuery q(c);
        for (const QString &statement : schema::beginMigration(dialect)) {
            if (!q.exec(statement)) {
                const QSqlError e = q.lastError();
                q.exec(QStringLiteral("ROLLBACK"));
                return dbError(QStringLiteral("cannot start a migration"), e);
            }
        }
        // Read the version inside the transaction: another process may have moved it on.
        int current = 0;
        if (c.tables().contains(QString::fromLatin1(schema::kVersionTable))) {
            if (!q.exec(QStringLiteral("SELECT version FROM listinglens_schema")) || !q.next()) {
                q.exec(QStringLiteral("ROLLBACK"));
                return dbError(QStringLiteral("cannot read the schema version"), q.lastError());
            }
            current = q.value(0).toInt();
        }
        if (current >= latestSchemaVersion()) {
            q.exec(QStringLiteral("ROLLBACK"));
            return current;
        }
        const int to = current + 1;
        for (const QString &statement : schema::migrationStep(dialect, to)) {
            if (!q.exec(statement)) {
                const QSqlError e = q.lastError();
                q.exec(QStringLiteral("ROLLBACK"));
                return dbError(QStringLiteral("migration to schema version %1 failed (nothing was changed)").arg(to), e);
            }
        }
        q.prepare(QStringLiteral("UPDATE listinglens_schema SET version = :v, migrated_ms = :t"));
        q.bindValue(QStringLiteral(":v"), to);
        q.bindValue(QStringLiteral(":t"), nowMs());
        if (!q.exec() || !q.exec(QStringLiteral("COMMIT"))) {
            const QSqlError e = q.lastError();
            q.exec(QStringLiteral("ROLLBACK"));
            return dbError(QStringLiteral("migration to schema version %1 failed (nothing was changed)").arg(to), e);
        }
    }
}

void PredictionStore::setRetry(int attempts, int firstDelayMs)
{
    m_attempts = std::max(1, attempts);
    m_firstDelayMs = std::max(0, firstDelayMs);
}

void PredictionStore::dropConnection(const QString &role)
{
    const QString name = connectionName(role);
    if (QSqlDatabase::contains(name))
        QSqlDatabase::database(name, false).close(); // reopened by the next connection()
}

template <typename Write>
Result<qint64> PredictionStore::withRetry(Write write)
{
    int delay = m_firstDelayMs;
    for (int attempt = 1;; ++attempt) {
        auto id = write();
        if (id || attempt >= m_attempts || id.error().code != ErrorCode::DatabaseError)
            return id;
        qCWarning(lcStore).noquote() << id.error().message << QStringLiteral("- retrying in %1 ms").arg(delay);
        dropConnection();
        QThread::msleep(std::uint64_t(delay));
        delay *= 2;
    }
}

Result<qint64> PredictionStore::addPrediction(const PredictionRecord &rec)
{
    return withRetry([&] { return insertPrediction(rec); });
}

Result<qint64> PredictionStore::addFeedback(qint64 predictionId, const FeedbackRecord &f)
{
    return withRetry([&] { return insertFeedback(predictionId, f); });
}

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
        " embedding, thumbnail, synthetic)"
        " VALUES (:created, :source, :file, :ok, :ecode, :emsg, :sha, :phash, :bytes, :w, :h, :mname, :mver, :dev,"
        " :cat, :conf, :cats, :labels, :cur, :low, :point, :high, :basis, :nb, :title, :desc, :sharp, :bright,"
        " :flags, :tdec, :tpre, :tinf, :ttot, :emb, :thumb, :synth) RETURNING id");
    // The services store a prediction per photo: on PostgreSQL through libpq,
    // prepared once and with the embedding and thumbnail in binary.
    std::optional<pg::NamedStatement> statement;
    std::optional<QSqlQuery> q;
    if (m_url.isPostgres()) {
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
    const PhotoResult *r = rec.result ? &*rec.result : nullptr;
    const StageTimings &t = r ? r->timing : rec.timing;
    auto nullable = [](bool has, const QVariant &v, QMetaType type) { return has ? v : QVariant(type); };
    const QMetaType text = QMetaType::fromType<QString>(), real = QMetaType::fromType<double>(),
                    big = QMetaType::fromType<qint64>(), integer = QMetaType::fromType<int>(),
                    bytes = QMetaType::fromType<QByteArray>();
    bind(":created", rec.createdMs > 0 ? rec.createdMs : nowMs());
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
    bind(":cat", nullable(r, r ? r->category.id : QString(), text));
    bind(":conf", nullable(r, r ? r->category.confidence : 0.0, real));
    bind(":cats", nullable(r, r ? categoriesJson(*r) : QString(), text));
    bind(":labels", nullable(r, r ? labelsJson(*r) : QString(), text));
    bind(":cur", nullable(r, r ? r->price.currency : QString(), text));
    bind(":low", nullable(r, r ? r->price.low : 0.0, real));
    bind(":point", nullable(r, r ? r->price.point : 0.0, real));
    bind(":high", nullable(r, r ? r->price.high : 0.0, real));
    bind(":basis", nullable(r, r ? priceBasisName(r->price.basis) : QString(), text));
    bind(":nb", nullable(r, r ? r->price.neighbours : 0, integer));
    bind(":title", nullable(r, r ? r->title : QString(), text));
    bind(":desc", nullable(r, r ? r->description : QString(), text));
    bind(":sharp", nullable(r, r ? r->quality.sharpness : 0.0, real));
    bind(":bright", nullable(r, r ? r->quality.brightness : 0.0, real));
    bind(":flags", flagsColumn(r ? r->quality.flags : QStringList()));
    bind(":tdec", t.decode);
    bind(":tpre", t.preprocess);
    bind(":tinf", t.inference);
    bind(":ttot", t.total);
    bind(":emb", nullable(r && !r->embedding.empty(), r ? embeddingBytes(r->embedding) : QByteArray(), bytes));
    bind(":thumb", nullable(!rec.thumbnail.isEmpty(), rec.thumbnail, bytes));
    bind(":synth", rec.synthetic ? 1 : 0);
    if (statement) {
        auto rows = statement->exec(db.value());
        if (!rows)
            return Error{ErrorCode::DatabaseError,
                         QStringLiteral("cannot store the prediction for %1: %2").arg(rec.fileName, rows.error().message)};
        return rows.value().integer(0, 0);
    }
    if (!q->exec() || !q->next())
        return dbError(QStringLiteral("cannot store the prediction for %1").arg(rec.fileName), q->lastError());
    return q->value(0).toLongLong();
}

Result<qint64> PredictionStore::insertFeedback(qint64 predictionId, const FeedbackRecord &f)
{
    auto db = connection();
    if (!db)
        return db.error();
    QSqlDatabase &c = db.value();
    if (f.categoryId.isEmpty() || f.moderator.isEmpty())
        return Error{ErrorCode::InvalidArgument, QStringLiteral("feedback needs a category and a moderator")};
    if (!c.transaction())
        return dbError(QStringLiteral("cannot store feedback"), c.lastError());
    const QString decision = f.corrected ? QStringLiteral("corrected") : QStringLiteral("accepted");
    QSqlQuery q(c);
    q.prepare(QStringLiteral("UPDATE predictions SET feedback = :d, final_category_id = :c, final_price = :p WHERE id = :id"));
    q.bindValue(QStringLiteral(":d"), decision);
    q.bindValue(QStringLiteral(":c"), f.categoryId);
    q.bindValue(QStringLiteral(":p"), f.price);
    q.bindValue(QStringLiteral(":id"), predictionId);
    if (!q.exec()) {
        const QSqlError e = q.lastError();
        c.rollback();
        return dbError(QStringLiteral("cannot store feedback"), e);
    }
    if (q.numRowsAffected() != 1) {
        c.rollback();
        return Error{ErrorCode::InvalidArgument, QStringLiteral("there is no prediction %1").arg(predictionId)};
    }
    q.prepare(QStringLiteral("INSERT INTO feedback (prediction_id, created_ms, moderator, decision, category_id, price,"
                             " currency, title, description) VALUES (:pid, :t, :who, :d, :c, :p, :cur, :title, :desc) RETURNING id"));
    q.bindValue(QStringLiteral(":pid"), predictionId);
    q.bindValue(QStringLiteral(":t"), f.createdMs > 0 ? f.createdMs : nowMs());
    q.bindValue(QStringLiteral(":who"), f.moderator);
    q.bindValue(QStringLiteral(":d"), decision);
    q.bindValue(QStringLiteral(":c"), f.categoryId);
    q.bindValue(QStringLiteral(":p"), f.price);
    q.bindValue(QStringLiteral(":cur"), f.currency);
    q.bindValue(QStringLiteral(":title"), f.title);
    q.bindValue(QStringLiteral(":desc"), f.description);
    if (!q.exec() || !q.next()) {
        const QSqlError e = q.lastError();
        c.rollback();
        return dbError(QStringLiteral("cannot store feedback"), e);
    }
    const qint64 id = q.value(0).toLongLong();
    q.finish();
    if (!c.commit())
        return dbError(QStringLiteral("cannot store feedback"), c.lastError());
    return id;
}

Result<std::vector<HistoryRow>> PredictionStore::history(const HistoryFilter &f, std::optional<HistoryCursor> after, int limit)
{
    auto db = connection();
    if (!db)
        return db.error();
    QStringList where;
    QVariantMap binds;
    auto add = [&](const QString &clause, const QString &name, const QVariant &value) {
        where << clause;
        binds.insert(name, value);
    };
    if (f.sinceMs > 0)
        add(QStringLiteral("created_ms >= :since"), QStringLiteral(":since"), f.sinceMs);
    if (f.untilMs > 0)
        add(QStringLiteral("created_ms < :until"), QStringLiteral(":until"), f.untilMs);
    if (!f.categoryId.isEmpty())
        add(QStringLiteral("category_id = :cat"), QStringLiteral(":cat"), f.categoryId);
    if (!f.feedback.isEmpty())
        add(QStringLiteral("feedback = :fb"), QStringLiteral(":fb"), f.feedback);
    if (f.minConfidence >= 0)
        add(QStringLiteral("confidence >= :cmin"), QStringLiteral(":cmin"), f.minConfidence);
    if (f.maxConfidence >= 0)
        add(QStringLiteral("confidence <= :cmax"), QStringLiteral(":cmax"), f.maxConfidence);
    if (!f.finalCategoryId.isEmpty())
        add(QStringLiteral("final_category_id = :fcat"), QStringLiteral(":fcat"), f.finalCategoryId);
    if (!f.modelVersion.isEmpty())
        add(QStringLiteral("model_version = :mver"), QStringLiteral(":mver"), f.modelVersion);
    if (!f.qualityFlag.isEmpty())
        add(QStringLiteral("quality_flags LIKE :flag"), QStringLiteral(":flag"), QStringLiteral("%,") + f.qualityFlag + QStringLiteral(",%"));
    if (!f.text.isEmpty()) {
        const QString like = schema::caseInsensitiveLike(dialectOf(m_url));
        add(QStringLiteral("(title %1 :text ESCAPE '\\' OR description %1 :text ESCAPE '\\')").arg(like),
            QStringLiteral(":text"), escapeLike(f.text));
    }
    const char *cmp = f.oldestFirst ? ">" : "<";
    if (after) {
        where << QStringLiteral("(created_ms %1 :acms OR (created_ms = :acms2 AND id %1 :aid))").arg(QLatin1String(cmp));
        binds.insert(QStringLiteral(":acms"), after->createdMs);
        binds.insert(QStringLiteral(":acms2"), after->createdMs);
        binds.insert(QStringLiteral(":aid"), after->id);
    }
    const QString sql = QStringLiteral(
        "SELECT id, created_ms, source, file_name, ok, error_code, category_id, confidence, title, price_currency,"
        " price_point, feedback, final_category_id, final_price, model_version, quality_flags, total_ms"
        " FROM predictions%1 ORDER BY created_ms %2, id %2 LIMIT :limit")
                            .arg(where.isEmpty() ? QString() : QStringLiteral(" WHERE ") + where.join(QStringLiteral(" AND ")),
                                 f.oldestFirst ? QStringLiteral("ASC") : QStringLiteral("DESC"));
    QSqlQuery q(db.value());
    q.setForwardOnly(true);
    q.prepare(sql);
    for (auto it = binds.cbegin(); it != binds.cend(); ++it)
        q.bindValue(it.key(), it.value());
    q.bindValue(QStringLiteral(":limit"), std::clamp(limit, 1, 10000));
    if (!q.exec())
        return dbError(QStringLiteral("cannot read the history"), q.lastError());
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
        r.finalPrice = q.value(13).toDouble();
        r.modelVersion = q.value(14).toString();
        r.flags = q.value(15).toString().split(QLatin1Char(','), Qt::SkipEmptyParts);
        r.totalMs = q.value(16).toDouble();
        rows.push_back(std::move(r));
    }
    return rows;
}

} // namespace listinglens
