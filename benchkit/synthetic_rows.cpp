#include "synthetic_rows.h"

#include <QDateTime>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <algorithm>

namespace listinglens {

Result<qint64> fillSynthetic(PredictionStore &store, qint64 rows, int days, const std::function<void(qint64 done)> &progress)
{
    auto db = store.connection();
    if (!db)
        return db.error();
    QSqlQuery q(db.value());
    if (!q.exec(QStringLiteral("SELECT COUNT(*) FROM predictions WHERE synthetic = 1")) || !q.next())
        return databaseError(QStringLiteral("cannot write synthetic rows"), q.lastError());
    const qint64 have = q.value(0).toLongLong();
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const qint64 span = qint64(days) * 24 * 3600 * 1000;
    constexpr qint64 kChunk = 50'000;
    // Generated in the database: a recursive counter and arithmetic on it, in chunks.
    for (qint64 from = have; from < rows; from += kChunk) {
        const qint64 to = std::min(rows, from + kChunk);
        q.prepare(QStringLiteral(
            "WITH RECURSIVE seq(i) AS (SELECT CAST(:from AS BIGINT) UNION ALL SELECT i + 1 FROM seq WHERE i + 1 < CAST(:to AS BIGINT)),"
            " cats(k, id) AS (VALUES (0, 'phones'), (1, 'computers'), (2, 'tv-audio'), (3, 'cameras'), (4, 'appliances'),"
            "  (5, 'furniture'), (6, 'home-garden'), (7, 'clothing'), (8, 'shoes'), (9, 'bags-accessories'),"
            "  (10, 'watches-jewelry'), (11, 'kids-toys'), (12, 'sports-outdoors'), (13, 'bicycles'), (14, 'cars'),"
            "  (15, 'motorcycles'), (16, 'auto-parts'), (17, 'music'), (18, 'pets'), (19, 'tools'),"
            "  (20, 'books-hobbies'), (21, 'health-beauty'), (22, 'other'))"
            " INSERT INTO predictions (created_ms, source, file_name, ok, error_code, model_name, model_version, device,"
            "  category_id, confidence, price_currency, price_low, price_point, price_high, price_basis, price_neighbours,"
            "  title, description, quality_flags, decode_ms, preprocess_ms, inference_ms, total_ms, synthetic, feedback,"
            "  final_category_id, final_price, final_origin)"
            " SELECT CAST(:now AS BIGINT) - (i * CAST(:span AS BIGINT)) / CAST(:rows AS BIGINT), 'synthetic', 'synthetic-' || i || '.jpg',"
            "  CASE WHEN i % 50 = 0 THEN 0 ELSE 1 END, CASE WHEN i % 50 = 0 THEN 'corrupt' END,"
            "  'mobilenet_v2_imagenet', CASE WHEN i % 5 = 0 THEN '2.0.0' ELSE '1.0.0' END, 'cpu',"
            "  cats.id, ((i * 7919) % 1000) / 1000.0, 'EUR', 10, 30 + (i % 400), 80 + (i % 900), 'prior', 0,"
            "  'Synthetic listing ' || i, 'Synthetic row for benchmarks, not a real photo.',"
            "  CASE WHEN i % 13 = 0 THEN ',blurry,' ELSE '' END, 10, 2, 12, 20 + ((i * 31) % 200), 1,"
            "  CASE WHEN i % 37 = 0 THEN 'corrected' WHEN i % 10 = 0 THEN 'accepted' ELSE 'none' END,"
            "  CASE WHEN i % 10 = 0 OR i % 37 = 0 THEN cats.id END, CASE WHEN i % 10 = 0 OR i % 37 = 0 THEN 30 + (i % 400) END,"
            "  CASE WHEN i % 10 = 0 OR i % 37 = 0 THEN 'moderator' END"
            " FROM seq JOIN cats ON cats.k = i % 23"));
        q.bindValue(QStringLiteral(":from"), from);
        q.bindValue(QStringLiteral(":to"), to);
        q.bindValue(QStringLiteral(":now"), now);
        q.bindValue(QStringLiteral(":span"), span);
        q.bindValue(QStringLiteral(":rows"), std::max<qint64>(rows, 1));
        if (!q.exec())
            return databaseError(QStringLiteral("cannot write synthetic rows"), q.lastError());
        if (progress)
            progress(to);
    }
    if (store.url().isPostgres())
        q.exec(QStringLiteral("ANALYZE predictions"));
    else
        q.exec(QStringLiteral("ANALYZE"));
    return std::max<qint64>(0, rows - have);
}

} // namespace listinglens
