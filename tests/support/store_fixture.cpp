#include "store_fixture.h"

#include "fixtures.h"
#include "prediction_store.h"
#include "schema.h"

#include <QSqlQuery>
#include <QTest>

namespace listinglens::test {

PhotoResult sampleResult(const QString &category, double confidence, double totalMs, const QString &title)
{
    PhotoResult r;
    r.file = title;
    r.category = {category, category, confidence};
    r.categories = {r.category, {QStringLiteral("other"), QStringLiteral("Other"), 1 - confidence}};
    r.labels = {{487, QStringLiteral("cellular telephone"), confidence}};
    r.price = {QStringLiteral("EUR"), 90, 220, 420, PriceBasis::Prior, 0};
    r.title = title;
    r.description = QStringLiteral("For sale: ") + title;
    r.quality.width = 4000;
    r.quality.height = 3000;
    r.quality.phash = 0xF00DF00DF00DF00DULL;
    r.timing = {10, 2, 12, totalMs};
    r.model = {QStringLiteral("mobilenet_v2_imagenet"), QStringLiteral("1.0.0"), QStringLiteral("cpu")};
    r.embedding = {0.6f, 0.8f};
    return r;
}

void StoreFixture::setUpCase()
{
    QVERIFY(m_dir.isValid());
    m_pgUrl = qEnvironmentVariable("LISTINGLENS_TEST_PG_URL");
}

void StoreFixture::setUpTest()
{
    QFETCH_GLOBAL(QString, driver);
    if (driver == QLatin1String("postgresql"))
        LISTINGLENS_REQUIRE_POSTGRES();
}

QString StoreFixture::freshUrl()
{
    if (!onPostgres())
        return QStringLiteral("sqlite:") + m_dir.filePath(QStringLiteral("store-%1.sqlite").arg(++m_serial));
    exec(m_pgUrl, {QStringLiteral("DROP TABLE IF EXISTS jobs, database_settings, api_keys, model_activations, model_versions, head_activations, category_heads, feedback, predictions, listinglens_schema CASCADE")});
    return m_pgUrl;
}

void StoreFixture::exec(const QString &url, const QStringList &statements)
{
    const QString failed = execSql(url, statements);
    QVERIFY2(failed.isEmpty(), qPrintable(failed));
}

void StoreFixture::applyStepsUpTo(const QString &url, int version)
{
    const auto dialect = onPostgres() ? schema::Dialect::Postgres : schema::Dialect::Sqlite;
    for (int v = 1; v <= version; ++v) {
        exec(url, schema::migrationStep(dialect, v));
        setVersion(url, v);
    }
}

void StoreFixture::setVersion(const QString &url, int version)
{
    exec(url, {QStringLiteral("UPDATE listinglens_schema SET version = %1").arg(version)});
}

int StoreFixture::countRows(const std::shared_ptr<PredictionStore> &store, const QString &table)
{
    QSqlQuery q(store->connection().value());
    q.exec(QStringLiteral("SELECT COUNT(*) FROM ") + table);
    return q.next() ? q.value(0).toInt() : -1;
}

QTemporaryDir m_dir;

} // namespace listinglens::test
