#include "schema.h"

namespace listinglens::schema {

namespace {

// The same schema on both databases; only these spellings differ.
QString dialectSql(Dialect d, QString sql)
{
    const bool pg = d == Dialect::Postgres;
    sql.replace(QStringLiteral("{pk}"), pg ? QStringLiteral("BIGSERIAL PRIMARY KEY") : QStringLiteral("INTEGER PRIMARY KEY AUTOINCREMENT"));
    sql.replace(QStringLiteral("{blob}"), pg ? QStringLiteral("BYTEA") : QStringLiteral("BLOB"));
    return sql;
}

QStringList version1()
{
    return {
        QStringLiteral("CREATE TABLE listinglens_schema (version INTEGER NOT NULL, migrated_ms BIGINT NOT NULL)"),
        QStringLiteral("INSERT INTO listinglens_schema (version, migrated_ms) VALUES (0, 0)"),
        QStringLiteral(
            "CREATE TABLE predictions ("
            " id {pk},"
            " created_ms BIGINT NOT NULL,"
            " source TEXT NOT NULL,"              // gui, cli, api, import, synthetic
            " file_name TEXT NOT NULL,"
            " ok INTEGER NOT NULL,"
            " error_code TEXT, error_message TEXT,"
            " sha256 TEXT, phash BIGINT, byte_size BIGINT, width INTEGER, height INTEGER,"
            " model_name TEXT, model_version TEXT, device TEXT,"
            " category_id TEXT, confidence DOUBLE PRECISION, categories_json TEXT, labels_json TEXT,"
            " price_currency TEXT, price_low DOUBLE PRECISION, price_point DOUBLE PRECISION,"
            " price_high DOUBLE PRECISION, price_basis TEXT, price_neighbours INTEGER,"
            " title TEXT, description TEXT,"
            " sharpness DOUBLE PRECISION, brightness DOUBLE PRECISION, quality_flags TEXT NOT NULL DEFAULT '',"
            " decode_ms DOUBLE PRECISION, preprocess_ms DOUBLE PRECISION,"
            " inference_ms DOUBLE PRECISION, total_ms DOUBLE PRECISION,"
            " embedding {blob}, thumbnail {blob},"
            " synthetic INTEGER NOT NULL DEFAULT 0,"
            // The latest moderator decision, kept here so that filters need no join.
            " feedback TEXT NOT NULL DEFAULT 'none' CHECK (feedback IN ('none', 'accepted', 'corrected')),"
            " final_category_id TEXT, final_price DOUBLE PRECISION)"),
        QStringLiteral(
            "CREATE TABLE feedback ("
            " id {pk},"
            " prediction_id BIGINT NOT NULL REFERENCES predictions(id) ON DELETE CASCADE,"
            " created_ms BIGINT NOT NULL,"
            " moderator TEXT NOT NULL,"
            " decision TEXT NOT NULL CHECK (decision IN ('accepted', 'corrected')),"
            " category_id TEXT NOT NULL, price DOUBLE PRECISION, currency TEXT,"
            " title TEXT, description TEXT)"),
    };
}

QStringList version2()
{
    // The history page and the charts at a million rows: every filter has an
    // index that ends in the keyset (created_ms, id).
    return {
        QStringLiteral("CREATE INDEX predictions_created ON predictions (created_ms, id)"),
        QStringLiteral("CREATE INDEX predictions_category ON predictions (category_id, created_ms, id)"),
        QStringLiteral("CREATE INDEX predictions_feedback ON predictions (feedback, created_ms, id)"),
        QStringLiteral("CREATE INDEX predictions_model ON predictions (model_version, created_ms, id)"),
        QStringLiteral("CREATE INDEX predictions_confirmed ON predictions (final_category_id, created_ms) WHERE feedback <> 'none'"),
        QStringLiteral("CREATE INDEX predictions_phash ON predictions (phash)"),
        QStringLiteral("CREATE INDEX feedback_prediction ON feedback (prediction_id, created_ms)"),
    };
}

QStringList version3(Dialect d)
{
    // Text search at a million rows: trigram indexes serve ILIKE '%words%'.
    // pg_trgm ships with PostgreSQL and is a trusted extension (the database
    // owner may create it). SQLite searches by scanning; the step only counts.
    if (d != Dialect::Postgres)
        return {};
    return {
        QStringLiteral("CREATE EXTENSION IF NOT EXISTS pg_trgm"),
        QStringLiteral("CREATE INDEX predictions_title_trgm ON predictions USING gin (title gin_trgm_ops)"),
        QStringLiteral("CREATE INDEX predictions_description_trgm ON predictions USING gin (description gin_trgm_ops)"),
    };
}

QStringList version4(Dialect d)
{
    // The job queue of the HTTP API (`serve`) and its workers. Jobs are taken
    // with SELECT ... FOR UPDATE SKIP LOCKED, which only PostgreSQL has; SQLite
    // gets the same table so that both stay at one schema version. Times are
    // the database's clock in epoch ms, so that leases mean the same on every
    // machine.
    QStringList sql = {
        QStringLiteral(
            "CREATE TABLE jobs ("
            " id TEXT PRIMARY KEY,"                    // UUID
            " idempotency_key TEXT UNIQUE,"
            " status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),"
            " file_name TEXT NOT NULL, content_type TEXT NOT NULL, byte_size BIGINT NOT NULL,"
            " photo {blob},"                           // cleared once the job has ended
            " created_ms BIGINT NOT NULL, started_ms BIGINT, finished_ms BIGINT, lease_until_ms BIGINT,"
            " worker TEXT, attempts INTEGER NOT NULL DEFAULT 0,"
            " prediction_id BIGINT REFERENCES predictions(id) ON DELETE SET NULL,"
            " result TEXT,"                            // the classify --json object
            " error_code TEXT, error_message TEXT,"
            " queue_ms DOUBLE PRECISION, inference_ms DOUBLE PRECISION)"),
        QStringLiteral("CREATE INDEX jobs_queued ON jobs (created_ms) WHERE status = 'queued'"),
        QStringLiteral("CREATE INDEX jobs_leases ON jobs (lease_until_ms) WHERE status = 'running'"),
        QStringLiteral("CREATE INDEX jobs_finished ON jobs (finished_ms)"),
    };
    if (d == Dialect::Postgres) // photos are written once and read once: no compression attempt
        sql << QStringLiteral("ALTER TABLE jobs ALTER COLUMN photo SET STORAGE EXTERNAL");
    return sql;
}

QStringList version5()
{
    // API keys of the HTTP API. Only the SHA-256 of a key is stored, never the
    // key; `prefix` (part of the key, not secret) finds the row. Keys are
    // revoked, not deleted, so that jobs keep naming the key that sent them.
    // A job's api_key_id is NULL when serve runs with --no-auth, so the index
    // leaves those out; payload_sha256 is the hex SHA-256 of the upload.
    return {
        QStringLiteral(
            "CREATE TABLE api_keys ("
            " id {pk},"
            " name TEXT NOT NULL,"
            " prefix TEXT NOT NULL UNIQUE,"
            " key_sha256 TEXT NOT NULL,"               // hex SHA-256 of the whole key
            " scopes TEXT NOT NULL,"                   // "submit,read,feedback,admin"
            " created_ms BIGINT NOT NULL, revoked_ms BIGINT, last_used_ms BIGINT)"),
        QStringLiteral("ALTER TABLE jobs ADD COLUMN api_key_id BIGINT REFERENCES api_keys(id) ON DELETE SET NULL"),
        QStringLiteral("ALTER TABLE jobs ADD COLUMN payload_sha256 TEXT"),
        QStringLiteral("CREATE INDEX jobs_api_key ON jobs (api_key_id, created_ms) WHERE api_key_id IS NOT NULL"),
    };
}

QStringList version6()
{
    // One record of a result: a job points at its prediction (prediction_id)
    // and GET /v1/jobs/{id} reads the result from there; the JSON copy each
    // done job kept in jobs.result goes. Jobs whose prediction is gone keep
    // their status (and error, when failed), as before.
    return {QStringLiteral("ALTER TABLE jobs DROP COLUMN result")};
}

QStringList version7()
{
    // A market's category heads (`listinglens model train`) and which one is
    // active. A head is one JSON document (CategoryHead::toJson); the columns
    // beside it are what `model list` and the Quality page show. The active
    // head is the newest activation, so rollback is one more activation and
    // the history of what was active when stays. Every prediction records the
    // head it was made with, the embedding's length (so that the model's
    // class probabilities can be computed again from the stored embedding),
    // why it needs review ('' when it does not), the seller hints and where
    // the title came from; a
    // decision records its final title, which later similar photos reuse.
    return {
        QStringLiteral(
            "CREATE TABLE category_heads ("
            " version {pk},"
            " created_ms BIGINT NOT NULL,"
            " model_name TEXT NOT NULL, model_version TEXT NOT NULL,"
            " taxonomy TEXT NOT NULL,"                 // Taxonomy::fingerprint()
            " examples INTEGER NOT NULL, validation_n INTEGER NOT NULL,"
            " top1 DOUBLE PRECISION, top3 DOUBLE PRECISION, ece DOUBLE PRECISION,"
            " head {blob} NOT NULL)"),
        QStringLiteral(
            "CREATE TABLE head_activations ("
            " id {pk},"
            " version BIGINT REFERENCES category_heads(version),"  // NULL: the built-in mapping
            " activated_ms BIGINT NOT NULL,"
            " reason TEXT NOT NULL)"),                 // activate, force, rollback
        QStringLiteral("ALTER TABLE predictions ADD COLUMN head_version BIGINT"),
        QStringLiteral("ALTER TABLE predictions ADD COLUMN embedding_norm DOUBLE PRECISION"),
        QStringLiteral("ALTER TABLE predictions ADD COLUMN review TEXT NOT NULL DEFAULT ''"),
        QStringLiteral("ALTER TABLE predictions ADD COLUMN hints TEXT NOT NULL DEFAULT ''"),
        QStringLiteral("ALTER TABLE predictions ADD COLUMN title_basis TEXT"),
        QStringLiteral("ALTER TABLE predictions ADD COLUMN final_title TEXT"),
        QStringLiteral("CREATE INDEX predictions_head ON predictions (head_version, created_ms, id)"),
    };
}

QStringList version8()
{
    // A decision can be undone (the workbench's Ctrl+Z): its row stays in
    // the log, marked with when and by whom, and the prediction goes back to
    // the decision before it (PredictionStore::undoFeedback).
    return {
        QStringLiteral("ALTER TABLE feedback ADD COLUMN undone_ms BIGINT"),
        QStringLiteral("ALTER TABLE feedback ADD COLUMN undone_by TEXT"),
    };
}

QStringList version9()
{
    // What the moderation lane found on the photo, as the result
    // JSON's "text" and "moderation" objects: '' when the lane did not run.
    // The lane finishes after the row is written; it fills this in then.
    return {
        QStringLiteral("ALTER TABLE predictions ADD COLUMN moderation TEXT NOT NULL DEFAULT ''"),
        // Rows a dead worker left waiting (PredictionStore::failStaleModeration).
        QStringLiteral("CREATE INDEX predictions_moderation_pending ON predictions (created_ms)"
                       " WHERE moderation = '{\"moderation\":{\"faces\":[],\"flags\":[],\"state\":\"pending\"},"
                       "\"text\":{\"brands\":[],\"contacts\":[],\"lines\":[],\"models\":[],\"stock_marks\":[]}}'"),
    };
}

QStringList version10()
{
    // A running job's lease belongs to the process that claimed it (its
    // JobQueue's instance id), not to the worker's name: a worker restarted
    // under the same name (a pod, a systemd instance) renews only its own
    // jobs, and the dead process's expire and are taken again.
    return {QStringLiteral("ALTER TABLE jobs ADD COLUMN claim_token TEXT")};
}

QStringList version11()
{
    // Fine-tuned models (model versions): the TorchScript file itself, its
    // manifest's name and version, what it was made from and measured on
    // (provenance, JSON), and the activations, like category heads'.
    return {
        QStringLiteral(
            "CREATE TABLE model_versions ("
            " version {pk},"
            " created_ms BIGINT NOT NULL,"
            " model_name TEXT NOT NULL, model_version TEXT NOT NULL,"   // what predictions record
            " base_name TEXT NOT NULL, base_version TEXT NOT NULL,"
            " sha256 TEXT NOT NULL,"
            " examples INTEGER NOT NULL,"
            " top1 DOUBLE PRECISION, top3 DOUBLE PRECISION, ece DOUBLE PRECISION,"
            " provenance TEXT NOT NULL,"
            " weights {blob} NOT NULL)"),
        QStringLiteral(
            "CREATE TABLE model_activations ("
            " id {pk},"
            " version BIGINT REFERENCES model_versions(version),"  // NULL: the shipped model
            " activated_ms BIGINT NOT NULL,"
            " reason TEXT NOT NULL)"),
    };
}

QStringList version12()
{
    // A row the moderation lane has still to read is held until
    // moderation_until_ms: the process whose lane holds it renews the hold
    // while it waits there (PredictionStore::holdModeration). The stale sweep
    // marks only rows whose hold ran out (their process stopped with them),
    // never one a live lane still holds. Rows waiting when the schema moved
    // on keep the two minutes the sweep used to give them.
    return {
        QStringLiteral("ALTER TABLE predictions ADD COLUMN moderation_until_ms BIGINT"),
        QStringLiteral("UPDATE predictions SET moderation_until_ms = created_ms + 120000"
                       " WHERE moderation = '{\"moderation\":{\"faces\":[],\"flags\":[],\"state\":\"pending\"},"
                       "\"text\":{\"brands\":[],\"contacts\":[],\"lines\":[],\"models\":[],\"stock_marks\":[]}}'"),
        QStringLiteral("DROP INDEX predictions_moderation_pending"),
        QStringLiteral("CREATE INDEX predictions_moderation_held ON predictions (moderation_until_ms) WHERE moderation_until_ms IS NOT NULL"),
    };
}

QStringList version13(Dialect d)
{
    // Who confirmed a listing: a moderator, or an imported catalogue (history
    // that no moderator reviewed, kept as confirmed examples). Each feedback
    // row says so (origin), and the prediction keeps its standing decision's
    // origin and description beside the other final values, so that the
    // statistics can leave imports out and search can read the confirmed text
    // without a join. One currency per database (settings: 'currency'),
    // chosen at the first import or in Settings; a database whose confirmed
    // prices are all in one currency already takes that one.
    const QString standing = QStringLiteral("(SELECT %1 FROM feedback f WHERE f.prediction_id = predictions.id AND f.undone_ms IS NULL"
                                           " ORDER BY f.created_ms DESC, f.id DESC LIMIT 1)");
    const QString priced = QStringLiteral("price > 0 AND currency IS NOT NULL AND currency <> '' AND undone_ms IS NULL");
    QStringList sql{
        QStringLiteral("ALTER TABLE feedback ADD COLUMN origin TEXT NOT NULL DEFAULT 'moderator'"),
        QStringLiteral("UPDATE feedback SET origin = 'import' WHERE moderator = 'import'"
                       " AND prediction_id IN (SELECT id FROM predictions WHERE source = 'import')"),
        QStringLiteral("ALTER TABLE predictions ADD COLUMN final_origin TEXT"),       // NULL: no decision; moderator, import
        QStringLiteral("ALTER TABLE predictions ADD COLUMN final_description TEXT"),
        QStringLiteral("UPDATE predictions SET final_origin = %1, final_description = %2 WHERE feedback <> 'none'")
            .arg(standing.arg(QStringLiteral("f.origin")), standing.arg(QStringLiteral("f.description"))),
        QStringLiteral("CREATE INDEX predictions_origin ON predictions (final_origin, created_ms, id)"),
        QStringLiteral("CREATE TABLE database_settings (name TEXT PRIMARY KEY, value TEXT NOT NULL)"),
        QStringLiteral("INSERT INTO database_settings (name, value) SELECT DISTINCT 'currency', currency FROM feedback WHERE %1"
                       " AND (SELECT COUNT(DISTINCT currency) FROM feedback WHERE %1) = 1").arg(priced),
    };
    if (d == Dialect::Postgres) {
        sql << QStringLiteral("CREATE INDEX predictions_final_title_trgm ON predictions USING gin (final_title gin_trgm_ops)")
            << QStringLiteral("CREATE INDEX predictions_final_description_trgm ON predictions USING gin (final_description gin_trgm_ops)");
    }
    return sql;
}

QStringList version14()
{
    // Each word of the suggested title with the evidence it came from (a JSON
    // array of {"word", "from"}), so that a row read back tells what the first
    // answer told. NULL for rows stored before: their evidence is the title and its basis.
    return {QStringLiteral("ALTER TABLE predictions ADD COLUMN title_evidence TEXT")};
}

QStringList version15()
{
    // Rows written before "no price" was stored as NULL held a price of 0
    // instead. An old row cannot tell a 0 that was typed from one that was
    // not, so this step repairs by decision, not by intent: a suggestion whose
    // basis is 'none' (it has no figure) and an acceptance of such a suggestion
    // with price 0 become NULL, an acceptance whose 0 an API client sent on
    // purpose included. A correction keeps its price, a 0 included, even one
    // stored for a correction that changed only the category (no price typed).
    // A suggestion with a figure and an imported listing's price are left as they are.
    const QString accepted = QStringLiteral("decision = 'accepted' AND origin = 'moderator' AND price = 0");
    return {
        QStringLiteral("UPDATE predictions SET price_low = NULL, price_point = NULL, price_high = NULL"
                       " WHERE price_basis = 'none' AND (price_low IS NOT NULL OR price_point IS NOT NULL OR price_high IS NOT NULL)"),
        QStringLiteral("UPDATE feedback SET price = NULL WHERE %1"
                       " AND prediction_id IN (SELECT id FROM predictions WHERE price_basis = 'none')").arg(accepted),
        QStringLiteral("UPDATE predictions SET final_price = NULL WHERE feedback = 'accepted' AND final_origin = 'moderator'"
                       " AND final_price = 0 AND price_basis = 'none'"),
    };
}

} // namespace

int latestVersion()
{
    return 15;
}

QStringList migrationStep(Dialect dialect, int to)
{
    QStringList sql;
    switch (to) {
    case 1: sql = version1(); break;
    case 2: sql = version2(); break;
    case 3: sql = version3(dialect); break;
    case 4: sql = version4(dialect); break;
    case 5: sql = version5(); break;
    case 6: sql = version6(); break;
    case 7: sql = version7(); break;
    case 8: sql = version8(); break;
    case 9: sql = version9(); break;
    case 10: sql = version10(); break;
    case 11: sql = version11(); break;
    case 12: sql = version12(); break;
    case 13: sql = version13(dialect); break;
    case 14: sql = version14(); break;
    case 15: sql = version15(); break;
    default: return {};
    }
    for (QString &s : sql)
        s = dialectSql(dialect, s);
    return sql;
}

} // namespace listinglens::schema

namespace listinglens::schema {

QString caseInsensitiveLike(Dialect dialect)
{
    return dialect == Dialect::Postgres ? QStringLiteral("ILIKE") : QStringLiteral("LIKE");
}

QString integerFloor(Dialect dialect, const QString &expression)
{
    return (dialect == Dialect::Postgres ? QStringLiteral("CAST(FLOOR(%1) AS BIGINT)") : QStringLiteral("CAST(%1 AS INTEGER)")).arg(expression);
}

QStringList beginMigration(Dialect dialect)
{
    if (dialect == Dialect::Postgres)
        return {QStringLiteral("BEGIN"), QStringLiteral("SELECT pg_advisory_xact_lock(7421001)")};
    return {QStringLiteral("BEGIN IMMEDIATE")}; // SQLite: the write lock now, not at the first write
}

} // namespace listinglens::schema
