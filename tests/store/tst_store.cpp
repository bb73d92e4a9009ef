// Every store test runs on SQLite and on the real PostgreSQL that
// scripts/test.sh starts (LISTINGLENS_TEST_PG_URL), as Qt's own SQL tests do:
// one test class, driven by the driver table, hence past 500 lines.
#include "backoff.h"
#include "database_url.h"
#include "fixtures.h"
#include "history_reads.h"
#include "pg_binary.h"
#include "moderation_json.h"
#include "prediction_store.h"
#include "schema.h"
#include "stats_reads.h"
#include "synthetic_rows.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <future>
#include <thread>

using namespace listinglens;

namespace {

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

} // namespace

class TestStore : public QObject {
    Q_OBJECT
private Q_SLOTS:
    // Every test runs once per driver, as Qt's own SQL tests do.
    void initTestCase_data() { test::driverRows(); }

    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_pgUrl = qEnvironmentVariable("LISTINGLENS_TEST_PG_URL");
    }

    void init()
    {
        QFETCH_GLOBAL(QString, driver);
        if (driver == QLatin1String("postgresql"))
            LISTINGLENS_REQUIRE_POSTGRES();
    }

    void migratesFromEmptyAndFromEachEarlierVersion()
    {
        for (int start = 0; start < PredictionStore::latestSchemaVersion(); ++start) {
            const QString url = freshUrl();
            applyStepsUpTo(url, start);
            auto store = PredictionStore::open(url, /*migrate=*/true);
            QVERIFY2(store.ok(), qPrintable(store.ok() ? QString() : store.error().message));
            QCOMPARE(store.value()->schemaVersion().value(), PredictionStore::latestSchemaVersion());
            QVERIFY(store.value()->addPrediction({QStringLiteral("cli"), QStringLiteral("a.jpg"), 0, {}, 0,
                                                  sampleResult(QStringLiteral("phones"), 0.9, 20, QStringLiteral("Phone")),
                                                  {}, {}, {}, false}).ok());
        }
    }

    void refusesSchemasItDoesNotKnow()
    {
        const QString url = freshUrl();
        QVERIFY(PredictionStore::open(url, true).ok());
        setVersion(url, PredictionStore::latestSchemaVersion() + 1);
        auto newer = PredictionStore::open(url);
        QVERIFY(!newer.ok());
        QVERIFY2(newer.error().message.contains(QStringLiteral("newer ListingLens")), qPrintable(newer.error().message));

        if (test::onPostgres()) { // SQLite is migrated automatically; PostgreSQL only on request
            const QString empty = freshUrl();
            auto none = PredictionStore::open(empty);
            QVERIFY(!none.ok());
            QVERIFY(none.error().message.contains(QStringLiteral("listinglens db migrate")));
            applyStepsUpTo(empty, 1);
            auto older = PredictionStore::open(empty);
            QVERIFY(!older.ok());
            QVERIFY(older.error().message.contains(QStringLiteral("older")));
        }
    }

    void storesPredictionsFailuresAndFeedback()
    {
        auto store = PredictionStore::open(freshUrl(), true).value();
        PredictionRecord ok{QStringLiteral("gui"), QStringLiteral("phone.jpg"), 1000, QStringLiteral("ab12"), 12345,
                            sampleResult(QStringLiteral("phones"), 0.93, 25, QStringLiteral("Black mobile phone")), {},
                            {}, QByteArray("jpegbytes"), false};
        const auto id = store->addPrediction(ok);
        QVERIFY2(id.ok(), qPrintable(id.ok() ? QString() : id.error().message));
        PredictionRecord failed;
        failed.fileName = QStringLiteral("broken.jpg");
        failed.createdMs = 2000;
        failed.error = Error{ErrorCode::Corrupt, QStringLiteral("the JPEG data ends early")};
        QVERIFY(store->addPrediction(failed).ok());

        auto rows = readHistory(*store, {}, std::nullopt, 10);
        QVERIFY(rows.ok());
        QCOMPARE(int(rows.value().size()), 2);
        QCOMPARE(rows.value()[0].fileName, QStringLiteral("broken.jpg")); // newest first
        QVERIFY(!rows.value()[0].ok);
        QCOMPARE(rows.value()[0].errorCode, QStringLiteral("corrupt"));
        const HistoryRow &phone = rows.value()[1];
        QCOMPARE(phone.categoryId, QStringLiteral("phones"));
        QCOMPARE(phone.title, QStringLiteral("Black mobile phone"));
        QCOMPARE(phone.feedback, QStringLiteral("none"));
        QCOMPARE(phone.source, QStringLiteral("gui"));

        FeedbackRecord corrected{QStringLiteral("moderator-1"), true, QStringLiteral("computers"), 310, QStringLiteral("EUR"),
                                 QStringLiteral("Tablet"), QStringLiteral("A tablet"), 0};
        QVERIFY(store->addFeedback(id.value(), corrected).ok());
        rows = readHistory(*store, {}, std::nullopt, 10);
        QCOMPARE(rows.value()[1].feedback, QStringLiteral("corrected"));
        QCOMPARE(rows.value()[1].finalCategoryId, QStringLiteral("computers"));
        QCOMPARE(rows.value()[1].finalPrice, 310.0);

        // Feedback on a prediction that does not exist writes nothing, and says
        // NotFound (the API answers 404), not that the request was malformed.
        const auto missing = store->addFeedback(999999, corrected);
        QVERIFY(!missing.ok());
        QCOMPARE(missing.error().code, ErrorCode::NotFound);
        QCOMPARE(countRows(store, QStringLiteral("feedback")), 1);
        const auto noDetail = readDetail(*store, 999999);
        QVERIFY(!noDetail.ok());
        QCOMPARE(noDetail.error().code, ErrorCode::NotFound);
    }

    // Ctrl+Z in the workbench: the decision stays in the log, marked undone,
    // and the prediction is back to the decision before it.
    void undoneDecisionsStayInTheLogAndTheOneBeforeStands()
    {
        auto store = PredictionStore::open(freshUrl(), true).value();
        const auto id = store->addPrediction({QStringLiteral("gui"), QStringLiteral("phone.jpg"), 1000, {}, 0,
                                              sampleResult(QStringLiteral("phones"), 0.9, 25, QStringLiteral("Phone")),
                                              {}, {}, {}, false});
        QVERIFY(id.ok());
        const FeedbackRecord accepted{QStringLiteral("anna"), false, QStringLiteral("phones"), 25, QStringLiteral("EUR"),
                                      QStringLiteral("Phone"), QStringLiteral("A phone"), 5000};
        const FeedbackRecord corrected{QStringLiteral("ben"), true, QStringLiteral("computers"), 450, QStringLiteral("EUR"),
                                       QStringLiteral("Tablet"), QStringLiteral("A tablet"), 6000};
        const auto first = store->addFeedback(id.value(), accepted);
        const auto second = store->addFeedback(id.value(), corrected);
        QVERIFY(first.ok() && second.ok());
        const auto row = [&] { return readHistory(*store, {}, std::nullopt, 10).value().at(0); };
        QCOMPARE(row().finalCategoryId, QStringLiteral("computers"));

        auto undone = store->undoFeedback(second.value(), QStringLiteral("ben"));
        QVERIFY2(undone.ok(), qPrintable(undone.ok() ? QString() : undone.error().message));
        // What stands afterwards, for the listing index: the decision before it, with its values.
        QCOMPARE(undone.value().decision, QStringLiteral("accepted"));
        QCOMPARE(undone.value().categoryId, QStringLiteral("phones"));
        QCOMPARE(undone.value().price, 25.0);
        QCOMPARE(undone.value().title, QStringLiteral("Phone"));
        QCOMPARE(store->standingDecision(id.value()).value().categoryId, QStringLiteral("phones"));
        QCOMPARE(store->standingDecision(999999).error().code, ErrorCode::NotFound);
        QCOMPARE(row().feedback, QStringLiteral("accepted"));
        QCOMPARE(row().finalCategoryId, QStringLiteral("phones"));
        QCOMPARE(row().finalPrice, 25.0);

        // Twice is refused, and so is a row that does not exist or no name.
        QCOMPARE(store->undoFeedback(second.value(), QStringLiteral("ben")).error().code, ErrorCode::NotFound);
        QCOMPARE(store->undoFeedback(999999, QStringLiteral("ben")).error().code, ErrorCode::NotFound);
        QCOMPARE(store->undoFeedback(first.value(), QStringLiteral(" ")).error().code, ErrorCode::InvalidArgument);

        undone = store->undoFeedback(first.value(), QStringLiteral("anna"));
        QVERIFY(undone.ok());
        QCOMPARE(undone.value().decision, QStringLiteral("none"));
        QVERIFY(undone.value().categoryId.isEmpty());
        QCOMPARE(store->standingDecision(id.value()).value().decision, QStringLiteral("none"));
        QCOMPARE(row().feedback, QStringLiteral("none"));
        QVERIFY(row().finalCategoryId.isEmpty());
        QCOMPARE(countRows(store, QStringLiteral("feedback")), 2); // both kept
        QCOMPARE(countRows(store, QStringLiteral("feedback WHERE undone_ms IS NOT NULL AND undone_by IS NOT NULL")), 2);
        // An undone price is no longer a confirmed currency.
        QVERIFY(store->confirmedCurrencies().value().isEmpty());
    }

    // PostgreSQL writes predictions through libpq (pg_binary), SQLite through
    // Qt: every column must read back the same either way.
    void everyColumnReadsBackAsWritten()
    {
        auto store = PredictionStore::open(freshUrl(), true).value();
        PhotoResult r = sampleResult(QStringLiteral("phones"), 0.1 + 0.2, 25.125, QStringLiteral("It's 'quoted': :not_a_name"));
        r.description = QStringLiteral("Ünïcode, a \\ backslash and a newline\n");
        r.embedding = {0.6f, -0.8f, 1e-7f};
        r.quality.phash = 0x8000000000000001ULL; // the top bit: stored as a negative BIGINT
        const QByteArray thumbnail("\x00\xff\\'binary'", 12);
        PredictionRecord rec{QStringLiteral("api"), QStringLiteral("phone.jpg"), 1234, QStringLiteral("ab12"), 999, r, {}, {},
                             thumbnail, false};
        const auto id = store->addPrediction(rec);
        QVERIFY2(id.ok(), qPrintable(id.ok() ? QString() : id.error().message));
        PredictionRecord failure;
        failure.fileName = QStringLiteral("broken.jpg");
        failure.error = Error{ErrorCode::Corrupt, QStringLiteral("the JPEG data ends early")};
        const auto failedId = store->addPrediction(failure);
        QVERIFY(failedId.ok());

        QSqlQuery q(store->connection().value());
        QVERIFY(q.exec(QStringLiteral("SELECT created_ms, confidence, title, description, embedding, thumbnail, phash,"
                                      " error_code, total_ms, sha256 FROM predictions ORDER BY id")));
        QVERIFY(q.next());
        QCOMPARE(q.value(0).toLongLong(), 1234);
        QCOMPARE(q.value(1).toDouble(), 0.1 + 0.2); // exactly, not to 15 digits
        QCOMPARE(q.value(2).toString(), r.title);
        QCOMPARE(q.value(3).toString(), r.description);
        const QByteArray embedding = q.value(4).toByteArray();
        QCOMPARE(embedding.size(), qsizetype(3 * sizeof(float)));
        QCOMPARE(reinterpret_cast<const float *>(embedding.constData())[2], 1e-7f);
        QCOMPARE(q.value(5).toByteArray(), thumbnail);
        QCOMPARE(quint64(q.value(6).toLongLong()), r.quality.phash);
        QVERIFY(q.value(7).isNull());
        QCOMPARE(q.value(8).toDouble(), 25.125);
        QCOMPARE(q.value(9).toString(), QStringLiteral("ab12"));
        QVERIFY(q.next());
        QVERIFY(q.value(1).isNull());
        QVERIFY(q.value(4).isNull());
        QCOMPARE(q.value(7).toString(), QStringLiteral("corrupt"));
    }

    void namedPlaceholdersBecomePositional()
    {
        const pg::NamedStatement s(QStringLiteral(
            "SELECT ':quoted', \"col:umn\", x::int, :a, :b_2 || ':' || :a FROM t WHERE y = :b_2"));
        QCOMPARE(s.positional(), QByteArray("SELECT ':quoted', \"col:umn\", x::int, $1, $2 || ':' || $1 FROM t WHERE y = $2"));
    }

    void filtersAndPagesByKeyset()
    {
        auto store = PredictionStore::open(freshUrl(), true).value();
        const QStringList cats = {QStringLiteral("phones"), QStringLiteral("cars"), QStringLiteral("furniture")};
        for (int i = 0; i < 50; ++i) {
            PhotoResult r = sampleResult(cats[i % 3], 0.3 + 0.01 * i, 10 + i, QStringLiteral("Item %1%2").arg(i).arg(i == 7 ? " 100% cotton" : ""));
            if (i % 5 == 0)
                r.quality.flags = {QStringLiteral("blurry"), QStringLiteral("low_resolution")};
            if (i >= 40)
                r.model.version = QStringLiteral("2.0.0");
            // Several rows share a timestamp: the keyset must still visit each once.
            QVERIFY(store->addPrediction({QStringLiteral("cli"), QStringLiteral("f%1.jpg").arg(i), 100000 + (i / 3) * 1000,
                                          {}, 0, r, {}, {}, {}, false}).ok());
        }
        QSet<qint64> seen;
        std::optional<HistoryCursor> cursor;
        qint64 previous = std::numeric_limits<qint64>::max();
        for (int page = 0; page < 20; ++page) {
            auto rows = readHistory(*store, {}, cursor, 7);
            QVERIFY(rows.ok());
            if (rows.value().empty())
                break;
            for (const HistoryRow &r : rows.value()) {
                QVERIFY(!seen.contains(r.id));
                QVERIFY(r.createdMs <= previous);
                previous = r.createdMs;
                seen.insert(r.id);
            }
            cursor = HistoryCursor{rows.value().back().createdMs, rows.value().back().id};
        }
        QCOMPARE(seen.size(), 50);

        auto count = [&](const HistoryFilter &f) { return int(readHistory(*store, f, std::nullopt, 1000).value().size()); };
        HistoryFilter f;
        f.categoryId = QStringLiteral("cars");
        QCOMPARE(count(f), 17);
        f = {};
        f.minConfidence = 0.5;
        f.maxConfidence = 0.6;
        QCOMPARE(count(f), 11);
        f = {};
        f.modelVersion = QStringLiteral("2.0.0");
        QCOMPARE(count(f), 10);
        f = {};
        f.qualityFlag = QStringLiteral("blurry");
        QCOMPARE(count(f), 10);
        f = {};
        f.sinceMs = 100000 + 10 * 1000;
        f.untilMs = 100000 + 12 * 1000;
        QCOMPARE(count(f), 6);
        f = {};
        f.text = QStringLiteral("100%");  // a literal percent sign, not a wildcard
        QCOMPARE(count(f), 1);
        f.text = QStringLiteral("item 4"); // case-insensitive: Item 4, Item 40..49
        QCOMPARE(count(f), 11);
        f.text = QStringLiteral("'; DROP TABLE predictions; --");
        QCOMPARE(count(f), 0);
        QCOMPARE(countRows(store, QStringLiteral("predictions")), 50);
        f = {};
        f.feedback = QStringLiteral("accepted");
        QCOMPARE(count(f), 0);
    }

    void statsAggregateInTheDatabase()
    {
        auto store = PredictionStore::open(freshUrl(), true).value();
        for (int i = 1; i <= 100; ++i)
            QVERIFY(store->addPrediction({QStringLiteral("cli"), QStringLiteral("f.jpg"), 60000LL * i, {}, 0,
                                          sampleResult(QStringLiteral("phones"), 0.9, i, QStringLiteral("x")), {}, {}, {}, false}).ok());
        PredictionRecord failed;
        failed.fileName = QStringLiteral("bad.jpg");
        failed.createdMs = 60000LL * 50;
        failed.error = Error{ErrorCode::Corrupt, QStringLiteral("bad")};
        QVERIFY(store->addPrediction(failed).ok());
        auto rows = readHistory(*store, {}, std::nullopt, 3);
        FeedbackRecord fb{QStringLiteral("m"), false, QStringLiteral("phones"), 200, QStringLiteral("EUR"), {}, {}, 0};
        QVERIFY(store->addFeedback(rows.value()[0].id, fb).ok());
        QVERIFY(store->addFeedback(rows.value()[1].id, fb).ok());
        fb.corrected = true;
        QVERIFY(store->addFeedback(rows.value()[2].id, fb).ok());

        auto s = readStats(*store);
        QVERIFY2(s.ok(), qPrintable(s.ok() ? QString() : s.error().message));
        QCOMPARE(s.value().predictions, 101);
        QCOMPARE(s.value().failures, 1);
        QVERIFY(std::abs(s.value().p50 - 50.5) <= 1.0);
        QVERIFY(std::abs(s.value().p95 - 95) <= 1.0);
        QVERIFY(std::abs(s.value().p99 - 99) <= 1.0);
        QVERIFY(std::abs(s.value().perMinute - 101.0 / 99.0) < 0.02);
        QCOMPARE(s.value().accepted, 2);
        QCOMPARE(s.value().corrected, 1);
        QVERIFY(std::abs(s.value().acceptanceRate - 2.0 / 3.0) < 1e-9);
    }

    void chartsAndSyntheticRows()
    {
        auto store = PredictionStore::open(freshUrl(), true).value();
        auto added = fillSynthetic(*store, 2300, 1);
        QVERIFY2(added.ok(), qPrintable(added.ok() ? QString() : added.error().message));
        QCOMPARE(added.value(), 2300);
        QCOMPARE(fillSynthetic(*store, 2300, 1).value(), 0); // already there
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        auto series = readTimeSeries(*store, now - 25 * 3600 * 1000LL, now + 60000, 3600 * 1000LL);
        QVERIFY2(series.ok(), qPrintable(series.ok() ? QString() : series.error().message));
        qint64 total = 0, failures = 0;
        for (const TimeBucket &b : series.value()) {
            total += b.predictions;
            failures += b.failures;
            QVERIFY(b.p50 <= b.p95 && b.p95 <= b.p99);
            QVERIFY(b.p50 >= 20 && b.p99 < 220);
        }
        QCOMPARE(total, 2300);
        QCOMPARE(failures, 2300 / 50);
        QVERIFY(series.value().size() >= 20);
        HistoryFilter synthetic;
        synthetic.text = QStringLiteral("synthetic listing 1234");
        QCOMPARE(int(readHistory(*store, synthetic, std::nullopt, 10).value().size()), 1);
    }

    void aReadOnlyRoleCanView()
    {
        if (!test::onPostgres())
            QSKIP("roles are a PostgreSQL matter");
        const QString url = freshUrl();
        auto owner = PredictionStore::open(url, true).value();
        QVERIFY(owner->addPrediction({QStringLiteral("cli"), QStringLiteral("a.jpg"), 0, {}, 0,
                                      sampleResult(QStringLiteral("phones"), 0.9, 20, QStringLiteral("Phone")), {}, {}, {}, false}).ok());
        exec(url, {QStringLiteral("DROP ROLE IF EXISTS listinglens_viewer"),
                   QStringLiteral("CREATE ROLE listinglens_viewer LOGIN PASSWORD 'viewer-secret'"),
                   QStringLiteral("GRANT SELECT ON ALL TABLES IN SCHEMA public TO listinglens_viewer")});
        const DatabaseUrl u = DatabaseUrl::parse(url).value();
        const QString viewerUrl = QStringLiteral("postgresql://listinglens_viewer:viewer-secret@%1:%2/%3").arg(u.host).arg(u.port).arg(u.database);
        auto viewer = PredictionStore::open(viewerUrl);
        QVERIFY2(viewer.ok(), qPrintable(viewer.ok() ? QString() : viewer.error().message));
        QCOMPARE(int(readHistory(*viewer.value(), {}, std::nullopt, 10).value().size()), 1);
        QVERIFY(readStats(*viewer.value()).ok());
        QVERIFY(readQuality(*viewer.value(), 0, 0).ok());
        QVERIFY(readReliability(*viewer.value(), 0, 0).ok());
        QVERIFY(readHeadAccuracy(*viewer.value(), 0, 0).ok());
        QVERIFY(readTimeSeries(*viewer.value(), 0, QDateTime::currentMSecsSinceEpoch() + 1000, 3600000).ok());
        // Writing is refused with the database's reason, and nothing is written.
        viewer.value()->setRetry({0, 0, 1});
        const auto write = viewer.value()->addPrediction({QStringLiteral("cli"), QStringLiteral("b.jpg"), 0, {}, 0, {}, {}, {}, {}, false});
        QVERIFY(!write.ok());
        QVERIFY2(write.error().message.contains(QStringLiteral("permission denied")), qPrintable(write.error().message));
        QVERIFY(!write.error().message.contains(QStringLiteral("viewer-secret")));
        QCOMPARE(countRows(owner, QStringLiteral("predictions")), 1);
        exec(url, {QStringLiteral("DROP OWNED BY listinglens_viewer"), QStringLiteral("DROP ROLE listinglens_viewer")});
    }

    // A flag filter matches that flag only: '_' in too_dark is not a wildcard
    // (it was, before the pattern was escaped), and a flag that is a prefix of
    // another does not match it.
    void qualityFlagFilterMatchesTheFlagLiterally()
    {
        auto store = PredictionStore::open(freshUrl(), true).value();
        const QList<QStringList> flags = {{QStringLiteral("too_dark")}, {QStringLiteral("tooXdark")},
                                          {QStringLiteral("blurry"), QStringLiteral("too_dark")}, {}};
        for (int i = 0; i < flags.size(); ++i) {
            PhotoResult r = sampleResult(QStringLiteral("phones"), 0.5, 10, QStringLiteral("Item %1").arg(i));
            r.quality.flags = flags[i];
            QVERIFY(store->addPrediction({QStringLiteral("cli"), QStringLiteral("f%1.jpg").arg(i), 1000 + i, {}, 0, r, {}, {}, {}, false}).ok());
        }
        auto count = [&](const QString &flag) {
            HistoryFilter f;
            f.qualityFlag = flag;
            return int(readHistory(*store, f, std::nullopt, 100).value().size());
        };
        QCOMPARE(count(QStringLiteral("too_dark")), 2);
        QCOMPARE(count(QStringLiteral("tooXdark")), 1);
        QCOMPARE(count(QStringLiteral("too")), 0);
        QCOMPARE(count(QStringLiteral("%")), 0);
        QCOMPARE(readHistory(*store, {}, std::nullopt, 100).value()[1].flags,
                 (QStringList{QStringLiteral("blurry"), QStringLiteral("too_dark")}));
    }

    // Calibration and accuracy per head from moderators' decisions, on a hand-made
    // set: right means the suggested category is the confirmed one, whatever
    // the feedback says (a price-only correction is right), undecided rows and
    // other periods or model versions stay out, a confidence on a bin's lower
    // edge is in that bin and a confidence of 1 is in the last.
    void reliabilityAndAccuracyPerHeadFromDecisions()
    {
        auto store = PredictionStore::open(freshUrl(), true).value();
        struct Row {
            double confidence;
            const char *suggested;
            const char *confirmed; // nullptr: no decision
            bool corrected;
            qint64 head;
            const char *modelVersion;
            qint64 createdMs;
        };
        const Row rows[] = {
            {0.05, "phones", "cars", true, 0, "1.0.0", 1000},   // bin 0, wrong
            {0.20, "phones", "phones", false, 0, "1.0.0", 1001}, // bin 2 (its lower edge), right
            {0.28, "phones", "cars", true, 1, "1.0.0", 1002},   // bin 2, wrong (a cast that rounds puts it in 3)
            {0.76, "cars", "cars", false, 1, "1.0.0", 1003},    // bin 7, right
            {0.85, "cars", "cars", true, 2, "1.0.0", 1004},     // bin 8, right: the price was corrected
            {0.90, "cars", "phones", true, 2, "1.0.0", 1005},   // bin 9, wrong
            {0.95, "phones", "phones", false, 2, "1.0.0", 1006}, // bin 9, right
            {1.00, "phones", "phones", false, 2, "1.0.0", 1007}, // bin 9 (1 itself), right
            {0.55, "phones", nullptr, false, 2, "1.0.0", 1008},  // undecided: left out
            {0.60, "cars", "cars", false, 0, "2.0.0", 1009},    // bin 6, right, another model version
            {0.45, "cars", "phones", true, 0, "1.0.0", 50000},  // bin 4, wrong, later
        };
        for (const Row &row : rows) {
            PhotoResult r = sampleResult(QString::fromLatin1(row.suggested), row.confidence, 10, QStringLiteral("x"));
            r.model.version = QString::fromLatin1(row.modelVersion);
            r.model.head = row.head;
            const auto id = store->addPrediction({QStringLiteral("cli"), QStringLiteral("f.jpg"), row.createdMs, {}, 0, r, {}, {}, {}, false});
            QVERIFY(id.ok());
            if (row.confirmed)
                QVERIFY(store->addFeedback(id.value(), {QStringLiteral("m"), row.corrected, QString::fromLatin1(row.confirmed), 100,
                                                        QStringLiteral("EUR"), {}, {}, 0}).ok());
        }
        PredictionRecord failed;
        failed.fileName = QStringLiteral("bad.jpg");
        failed.createdMs = 1010;
        failed.error = Error{ErrorCode::Corrupt, QStringLiteral("bad")};
        QVERIFY(store->addPrediction(failed).ok());

        auto all = readReliability(*store, 0, 0);
        QVERIFY2(all.ok(), qPrintable(all.ok() ? QString() : all.error().message));
        const ReliabilityReport &report = all.value();
        QCOMPARE(report.bins.size(), 10);
        QCOMPARE(report.decided, 10);
        struct Expected {
            int bin;
            qint64 count;
            double meanConfidence, accuracy;
        };
        const Expected expected[] = {{0, 1, 0.05, 0}, {2, 2, 0.24, 0.5}, {4, 1, 0.45, 0}, {6, 1, 0.60, 1},
                                     {7, 1, 0.76, 1}, {8, 1, 0.85, 1}, {9, 3, 0.95, 2.0 / 3.0}};
        qint64 counted = 0;
        for (const Expected &e : expected) {
            const ReliabilityReport::Bin &b = report.bins[e.bin];
            QVERIFY2(b.count == e.count, qPrintable(QStringLiteral("bin %1: %2 decisions").arg(e.bin).arg(b.count)));
            QVERIFY(std::abs(b.meanConfidence - e.meanConfidence) < 1e-9);
            QVERIFY(std::abs(b.accuracy - e.accuracy) < 1e-9);
            counted += b.count;
        }
        QCOMPARE(counted, report.decided); // the other bins are empty
        QCOMPARE(report.bins[3].count, 0);
        QVERIFY(std::abs(report.bins[2].lower - 0.2) < 1e-12 && std::abs(report.bins[2].upper - 0.3) < 1e-12);
        QCOMPARE(report.bins[9].upper, 1.0);
        // (0.05 + 2 * 0.26 + 0.45 + 0.4 + 0.24 + 0.15 + 3 * (0.95 - 2 / 3)) / 10
        QVERIFY2(std::abs(report.ece - 0.266) < 1e-9, qPrintable(QString::number(report.ece, 'g', 17)));

        auto narrowed = readReliability(*store, 0, 10000, QStringLiteral("1.0.0"));
        QVERIFY(narrowed.ok());
        QCOMPARE(narrowed.value().decided, 8);
        QCOMPARE(narrowed.value().bins[4].count, 0); // later than the period
        QCOMPARE(narrowed.value().bins[6].count, 0); // another model version
        auto fine = readReliability(*store, 0, 0, {}, 20);
        QVERIFY(fine.ok());
        QCOMPARE(fine.value().bins.size(), 20);
        QCOMPARE(fine.value().bins[19].count, 2); // 0.95 and 1
        QCOMPARE(fine.value().bins[18].count, 1); // 0.90
        QVERIFY(!readReliability(*store, 0, 0, {}, 0).ok());

        auto perHead = readHeadAccuracy(*store, 0, 0);
        QVERIFY2(perHead.ok(), qPrintable(perHead.ok() ? QString() : perHead.error().message));
        QCOMPARE(int(perHead.value().size()), 3);
        const qint64 heads[][3] = {{0, 4, 2}, {1, 2, 1}, {2, 4, 3}}; // version (0: built-in), decided, as suggested
        for (int i = 0; i < 3; ++i) {
            QCOMPARE(perHead.value()[std::size_t(i)].headVersion, heads[i][0]);
            QCOMPARE(perHead.value()[std::size_t(i)].decided, heads[i][1]);
            QCOMPARE(perHead.value()[std::size_t(i)].accepted, heads[i][2]);
        }
        perHead = readHeadAccuracy(*store, 0, 10000, QStringLiteral("1.0.0"));
        QVERIFY(perHead.ok());
        QCOMPARE(perHead.value().front().headVersion, 0);
        QCOMPARE(perHead.value().front().decided, 2);
        QCOMPARE(perHead.value().front().accepted, 1);
        QVERIFY(readHeadAccuracy(*store, 100000, 0).value().empty());
    }

    // "Needs review" is any reason stored; the head filter is one version, or
    // the built-in mapping (head_version NULL, failures included).
    void historyFiltersByReviewAndHead()
    {
        auto store = PredictionStore::open(freshUrl(), true).value();
        struct Row {
            qint64 head;
            QStringList review;
        };
        const QList<Row> rows = {{0, {}},
                                 {0, {QStringLiteral("unsure_category")}},
                                 {3, {QStringLiteral("duplicate"), QStringLiteral("poor_photo")}},
                                 {3, {}},
                                 {4, {}}};
        for (int i = 0; i < rows.size(); ++i) {
            PhotoResult r = sampleResult(QStringLiteral("phones"), 0.5, 10, QStringLiteral("Item %1").arg(i));
            r.model.head = rows[i].head;
            r.review = {!rows[i].review.isEmpty(), rows[i].review};
            QVERIFY(store->addPrediction({QStringLiteral("cli"), QStringLiteral("f%1.jpg").arg(i), 1000 + i, {}, 0, r, {}, {}, {}, false}).ok());
        }
        PredictionRecord failed;
        failed.fileName = QStringLiteral("bad.jpg");
        failed.createdMs = 2000;
        failed.error = Error{ErrorCode::Corrupt, QStringLiteral("bad")};
        QVERIFY(store->addPrediction(failed).ok());

        auto read = [&](const HistoryFilter &f) { return readHistory(*store, f, std::nullopt, 100).value(); };
        auto titles = [&](const HistoryFilter &f) {
            QStringList t;
            for (const HistoryRow &r : read(f))
                t << (r.ok ? r.title : r.fileName);
            return t;
        };
        HistoryFilter f;
        f.needsReview = true;
        QCOMPARE(titles(f), (QStringList{QStringLiteral("Item 2"), QStringLiteral("Item 1")}));
        f = {};
        f.headVersion = 3;
        QCOMPARE(titles(f), (QStringList{QStringLiteral("Item 3"), QStringLiteral("Item 2")}));
        f.headVersion = 0;
        QCOMPARE(titles(f), (QStringList{QStringLiteral("bad.jpg"), QStringLiteral("Item 1"), QStringLiteral("Item 0")}));
        f.headVersion = 99;
        QCOMPARE(titles(f), QStringList());
        f.headVersion = 3;
        f.needsReview = true;
        const auto both = read(f);
        QCOMPARE(int(both.size()), 1);
        QCOMPARE(both[0].headVersion, 3);
        QCOMPARE(both[0].review, (QStringList{QStringLiteral("duplicate"), QStringLiteral("poor_photo")}));
        f = {};
        QCOMPARE(int(read(f).size()), 6);
        QCOMPARE(read(f).back().headVersion, 0); // Item 0: the built-in mapping
        QVERIFY(read(f).back().review.isEmpty());
    }

    void headFiltersAreParsed_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("version"); // -1: refused
        QTest::newRow("builtin") << "builtin" << qint64(0);
        QTest::newRow("built-in, capitals") << " Built-In " << qint64(0);
        QTest::newRow("h3") << "h3" << qint64(3);
        QTest::newRow("3") << "3" << qint64(3);
        QTest::newRow("H12") << "H12" << qint64(12);
        QTest::newRow("empty") << "" << qint64(-1);
        QTest::newRow("h alone") << "h" << qint64(-1);
        QTest::newRow("h0") << "h0" << qint64(-1);
        QTest::newRow("negative") << "-2" << qint64(-1);
        QTest::newRow("word") << "newest" << qint64(-1);
        QTest::newRow("sql") << "3 OR 1=1" << qint64(-1);
    }

    void headFiltersAreParsed()
    {
        QFETCH(QString, text);
        QFETCH(qint64, version);
        const std::optional<qint64> parsed = parseHeadFilter(text);
        QCOMPARE(parsed.value_or(-1), version);
    }

    // Each thread gets its own connection, named from a serial that no later
    // thread reuses (thread ids are reused), and it goes when the thread ends.
    void threadConnectionsEndWithTheirThread()
    {
        auto store = PredictionStore::open(freshUrl(), true).value();
        QVERIFY(store->connection().ok());
        const QStringList mine = store->connections().names();
        QCOMPARE(mine.size(), 1);
        QStringList seen;
        for (int i = 0; i < 5; ++i) {
            bool stored = false;
            QStringList during;
            std::thread t([&] { // Qt Test's checks stay on the test's thread
                stored = store->addPrediction({QStringLiteral("cli"), QStringLiteral("t%1.jpg").arg(i), 0, {}, 0,
                                               sampleResult(QStringLiteral("phones"), 0.5, 10, QStringLiteral("T")), {}, {}, {}, false}).ok();
                during = store->connections().names();
            });
            t.join();
            QVERIFY(stored);
            QCOMPARE(during.size(), 2);
            QString name;
            for (const QString &n : during)
                if (!mine.contains(n))
                    name = n;
            QVERIFY(!name.isEmpty());
            QVERIFY2(!seen.contains(name), qPrintable(name)); // never a dead thread's connection
            seen << name;
            QCOMPARE(store->connections().names(), mine); // removed when the thread ended
            QVERIFY(!QSqlDatabase::contains(name));
        }
        QCOMPARE(countRows(store, QStringLiteral("predictions")), 5);
        // A store that goes first leaves no connection behind for its threads to remove.
        std::promise<void> opened, release;
        bool lateOk = false;
        std::thread late([&] {
            lateOk = store->connection().ok();
            opened.set_value();
            release.get_future().wait();
        });
        opened.get_future().wait();
        QVERIFY(lateOk);
        const QStringList all = store->connections().names();
        store.reset();
        for (const QString &n : all)
            QVERIFY(!QSqlDatabase::contains(n));
        release.set_value();
        late.join();
    }

    void backoffPoliciesDoubleToTheirCeiling()
    {
        Backoff claim(backoff::kQueueClaim);
        QList<int> waits;
        for (int i = 0; i < 7; ++i)
            waits << claim.next();
        QCOMPARE(waits, (QList<int>{250, 500, 1000, 2000, 4000, 5000, 5000}));
        QVERIFY(claim.canRetry()); // no limit
        claim.reset();
        QCOMPARE(claim.peek(), 250);

        Backoff write(backoff::kStoreWrite); // 5 attempts: 4 waits
        int tries = 1;
        while (write.canRetry()) {
            write.next();
            ++tries;
        }
        QCOMPARE(tries, 5);

        int calls = 0;
        QList<int> slept;
        const Result<int> r = retryWithBackoff(
            BackoffPolicy{10, 40, 4}, [&]() -> Result<int> { return ++calls < 3 ? Result<int>(Error{ErrorCode::DatabaseError, {}}) : Result<int>(calls); },
            [](const Error &e) { return e.code == ErrorCode::DatabaseError; }, [&](int ms) { slept << ms; });
        QCOMPARE(r.value(), 3);
        QCOMPARE(slept, (QList<int>{10, 20}));
        calls = 0;
        const Result<int> refused = retryWithBackoff(
            BackoffPolicy{10, 40, 4}, [&]() -> Result<int> { ++calls; return Error{ErrorCode::InvalidArgument, {}}; },
            [](const Error &e) { return e.code == ErrorCode::DatabaseError; }, [](int) {});
        QVERIFY(!refused.ok());
        QCOMPARE(calls, 1); // not worth retrying
    }

    void urlsAreParsedAndPasswordsNeverShown()
    {
        auto pg = DatabaseUrl::parse(QStringLiteral("postgresql://app:s3cr%40t@db.example:6543/listings?sslmode=require"));
        QVERIFY(pg.ok());
        QCOMPARE(pg.value().password, QStringLiteral("s3cr@t"));
        QCOMPARE(pg.value().port, 6543);
        QCOMPARE(pg.value().connectOptions(), QStringLiteral("sslmode='require';connect_timeout=5"));
        QVERIFY(!pg.value().masked().contains(QStringLiteral("s3cr")));
        QCOMPARE(pg.value().masked(), QStringLiteral("postgresql://app:***@db.example:6543/listings?sslmode=require"));
        QCOMPARE(pg.value().shortName(), QStringLiteral("db.example/listings"));
        QCOMPARE(DatabaseUrl::parse(QStringLiteral("sqlite:/var/lib/ll/history.sqlite")).value().shortName(), QStringLiteral("history.sqlite"));
        QVERIFY(!DatabaseUrl::parse(QStringLiteral("mysql://x@y/z")).ok());
        QVERIFY(!DatabaseUrl::parse(QStringLiteral("postgresql://host-only")).ok());
        QVERIFY(!DatabaseUrl::parse(QStringLiteral("postgresql://u@h/db?evil=1")).ok());
        QVERIFY(!DatabaseUrl::parse(QStringLiteral("sqlite:")).ok());

        // A server that is not there: a clear error naming the masked URL.
        auto down = PredictionStore::open(QStringLiteral("postgresql://u:topsecret@127.0.0.1:1/none"));
        QVERIFY(!down.ok());
        QCOMPARE(down.error().code, ErrorCode::DatabaseError);
        QVERIFY(!down.error().message.contains(QStringLiteral("topsecret")));
        QVERIFY(down.error().message.contains(QStringLiteral("127.0.0.1:1")));
    }

    // Moderation flags live in quality_flags beside the quality ones: the
    // history filter finds them, and keyset pages over the filtered rows
    // visit each once, newest first.
    void moderationFlagFilterPagesByKeyset()
    {
        auto store = PredictionStore::open(freshUrl(), true).value();
        int contacts = 0;
        for (int i = 0; i < 30; ++i) {
            PhotoResult r = sampleResult(QStringLiteral("phones"), 0.6, 10, QStringLiteral("Item %1").arg(i));
            if (i % 3 == 0) {
                r.quality.flags << QStringLiteral("contact_details");
                ++contacts;
            }
            if (i % 4 == 0)
                r.quality.flags << QStringLiteral("person_in_photo");
            if (i % 5 == 0)
                r.quality.flags.prepend(QStringLiteral("blurry"));
            // Pairs share a timestamp: the keyset's id tiebreak is needed.
            QVERIFY(store->addPrediction({QStringLiteral("cli"), QStringLiteral("f%1.jpg").arg(i), 5000 + (i / 2) * 100, {}, 0, r,
                                          {}, {}, {}, false}).ok());
        }
        HistoryFilter f;
        f.qualityFlag = QStringLiteral("contact_details");
        QSet<qint64> seen;
        std::optional<HistoryCursor> cursor;
        for (int page = 0; page < 20; ++page) {
            auto rows = readHistory(*store, f, cursor, 4);
            QVERIFY(rows.ok());
            if (rows.value().empty())
                break;
            QVERIFY(rows.value().size() <= 4);
            for (const HistoryRow &r : rows.value()) {
                QVERIFY(r.flags.contains(QStringLiteral("contact_details")));
                QVERIFY(!seen.contains(r.id));
                seen.insert(r.id);
            }
            cursor = HistoryCursor{rows.value().back().createdMs, rows.value().back().id};
        }
        QCOMPARE(seen.size(), contacts);
        QCOMPARE(countHistory(*store, f, 1000).value(), qint64(contacts));
        f.qualityFlag = QStringLiteral("person_in_photo");
        QCOMPARE(int(readHistory(*store, f, std::nullopt, 100).value().size()), 8);
        f.qualityFlag = QStringLiteral("stock_photo_text");
        QCOMPARE(int(readHistory(*store, f, std::nullopt, 100).value().size()), 0);
        f.qualityFlag = QStringLiteral("contact_details' OR '1'='1");
        QCOMPARE(int(readHistory(*store, f, std::nullopt, 100).value().size()), 0);
    }

    // A result stored before the moderation lane read it: the lane's findings
    // complete the row (flags the history filter sees, review, thumbnail).
    // The stale sweep marks a row whose hold ran out (its process stopped with
    // it in the lane) failed and for review, not pending forever, and never a
    // row a live lane still holds, however old.
    void moderationCompletesTheStoredRow()
    {
        auto store = PredictionStore::open(freshUrl(), true).value();
        auto add = [&](qint64 createdMs) {
            PhotoResult r = sampleResult(QStringLiteral("phones"), 0.9, 10, QStringLiteral("Phone"));
            r.moderation.state = PhotoModeration::State::Pending;
            return store->addPrediction({QStringLiteral("api"), QStringLiteral("p.jpg"), createdMs, {}, 0, r, {}, {}, {}, false}).value();
        };
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        const qint64 read = add(1000), stale = add(2000), held = add(3000), recent = add(now);
        QCOMPARE(store->holdModeration({held, read}, now + kModerationHoldMs).value(), 2);
        HistoryFilter f;
        f.qualityFlag = QStringLiteral("contact_details");
        QCOMPARE(countHistory(*store, f, 100).value(), qint64(0));

        PhotoResult done = sampleResult(QStringLiteral("phones"), 0.9, 10, QStringLiteral("Samsung phone"));
        done.moderation.state = PhotoModeration::State::Done;
        ContactDetail phone{ContactDetail::Kind::Phone, QStringLiteral("+447911123456"), QStringLiteral("+44 7911 123456"), 5, 12};
        done.moderation.text.lines.push_back({QStringLiteral("Call 07911 123456"), QRect(10, 200, 280, 40), 0.93});
        done.moderation.text.contacts.push_back({phone, QRect(90, 200, 200, 40)});
        done.quality.flags << QStringLiteral("contact_details");
        done.review.reasons << QStringLiteral("contact_details");
        done.thumbnail = QByteArray("\xff\xd8 a thumbnail", 14);
        QVERIFY(store->completeModeration(read, done).value());
        QVERIFY(!store->completeModeration(987654, done).value()); // no such row

        QCOMPARE(store->holdModeration({read}, now + kModerationHoldMs).value(), 0); // completed: nothing to hold
        QCOMPARE(store->failStaleModeration(now).value(), 1); // `stale` only: `held` is in a live lane, `recent` is new
        QCOMPARE(store->failStaleModeration(now).value(), 0);
        QCOMPARE(store->failStaleModeration(now + kModerationHoldMs + 1).value(), 2); // `held` and `recent`, once nothing renews them

        auto db = store->connection().value();
        QSqlQuery q(db);
        QVERIFY(q.exec(QStringLiteral("SELECT id, moderation, quality_flags, review, title, thumbnail FROM predictions ORDER BY id")));
        QHash<qint64, PhotoModeration> byId;
        while (q.next()) {
            const qint64 id = q.value(0).toLongLong();
            byId.insert(id, moderationFromStoredJson(QJsonDocument::fromJson(q.value(1).toByteArray()).object()));
            if (id == read) {
                QCOMPARE(q.value(2).toString(), QStringLiteral(",contact_details,"));
                QCOMPARE(q.value(3).toString(), QStringLiteral("contact_details"));
                QCOMPARE(q.value(4).toString(), QStringLiteral("Samsung phone"));
                QCOMPARE(q.value(5).toByteArray(), done.thumbnail);
            }
            if (id == stale) // for review: nobody read it
                QCOMPARE(q.value(3).toString(), QString::fromLatin1(kNotModerated));
        }
        QCOMPARE(byId.value(read).state, PhotoModeration::State::Done);
        QCOMPARE(byId.value(read).text.contacts.size(), std::size_t(1));
        QCOMPARE(byId.value(read).text.contacts[0].detail.value, QStringLiteral("+447911123456"));
        QCOMPARE(byId.value(read).text.contacts[0].box, QRect(90, 200, 200, 40));
        QCOMPARE(byId.value(stale).state, PhotoModeration::State::Failed);
        QCOMPARE(byId.value(held).state, PhotoModeration::State::Failed);
        QCOMPARE(byId.value(recent).state, PhotoModeration::State::Failed);
        QCOMPARE(countHistory(*store, f, 100).value(), qint64(1));
    }

    // The share of each day's successful photos carrying each flag, counted in the database.
    void flagRatesPerDay()
    {
        auto store = PredictionStore::open(freshUrl(), true).value();
        constexpr qint64 kDay = 86'400'000LL;
        const qint64 day0 = bucketStart(QDateTime(QDate(2026, 3, 2), QTime(12, 0)).toMSecsSinceEpoch(), kDay);
        auto add = [&](qint64 at, const QStringList &flags) {
            PhotoResult r = sampleResult(QStringLiteral("phones"), 0.6, 10, QStringLiteral("x"));
            r.quality.flags = flags;
            QVERIFY(store->addPrediction({QStringLiteral("cli"), QStringLiteral("f.jpg"), at, {}, 0, r, {}, {}, {}, false}).ok());
        };
        const QString contact = QStringLiteral("contact_details"), stock = QStringLiteral("stock_photo_text"),
                      blurry = QStringLiteral("blurry");
        add(day0 + 1000, {contact});
        add(day0 + 2000, {blurry});
        add(day0 + 3000, {blurry, contact});
        add(day0 + 4000, {});
        add(day0 + 2 * kDay + 10, {contact, stock});
        add(day0 + 2 * kDay + 20, {contact});
        add(day0 + 5 * kDay, {contact}); // outside the range asked for
        PredictionRecord failed;
        failed.fileName = QStringLiteral("bad.jpg");
        failed.createdMs = day0 + 5000;
        failed.error = Error{ErrorCode::Corrupt, QStringLiteral("bad")};
        QVERIFY(store->addPrediction(failed).ok());

        const QStringList flags = {contact, stock, blurry, QStringLiteral("person_in_photo")};
        auto rates = readFlagRates(*store, day0, day0 + 3 * kDay, kDay, flags);
        QVERIFY2(rates.ok(), qPrintable(rates.ok() ? QString() : rates.error().message));
        const std::vector<FlagRateBucket> &b = rates.value();
        QCOMPARE(int(b.size()), 2); // the empty day left out
        QCOMPARE(b[0].startMs, day0);
        QCOMPARE(b[0].photos, 4);   // the failure is not a photo with flags
        QCOMPARE(b[0].flagged, (QList<qint64>{2, 0, 2, 0}));
        QCOMPARE(b[0].rate(0), 0.5);
        QCOMPARE(b[1].startMs, day0 + 2 * kDay);
        QCOMPARE(b[1].photos, 2);
        QCOMPARE(b[1].flagged, (QList<qint64>{2, 1, 0, 0}));
        QCOMPARE(b[1].rate(1), 0.5);
        QCOMPARE(b[1].rate(3), 0.0);
        // Another model version: nothing.
        QVERIFY(readFlagRates(*store, day0, day0 + 3 * kDay, kDay, flags, QStringLiteral("9.9.9")).value().empty());
        // A wildcard is a literal; bad requests are refused before any SQL.
        QCOMPARE(readFlagRates(*store, day0, day0 + 3 * kDay, kDay, {QStringLiteral("%")}).value()[0].flagged,
                 (QList<qint64>{0}));
        QCOMPARE(readFlagRates(*store, day0, day0 + 3 * kDay, kDay, {QStringLiteral("a,b")}).error().code, ErrorCode::InvalidArgument);
        QCOMPARE(readFlagRates(*store, day0, day0 + 3 * kDay, kDay, {}).error().code, ErrorCode::InvalidArgument);
        QStringList many;
        for (int i = 0; i < 17; ++i)
            many << QStringLiteral("f%1").arg(i);
        QCOMPARE(readFlagRates(*store, day0, day0 + 3 * kDay, kDay, many).error().code, ErrorCode::InvalidArgument);
        QCOMPARE(readFlagRates(*store, day0, day0, kDay, flags).error().code, ErrorCode::InvalidArgument);

        // The quality page's plan: whole days, at least a week of them, never minutes.
        const SeriesPlan plan = planDailySeries(day0 - 30 * kDay, day0 + 3 * kDay, day0 + 1000);
        QCOMPARE(plan.bucketMs, kDay);
        QVERIFY(plan.fromMs <= day0 && plan.toMs >= day0 + 3 * kDay);
        QVERIFY((plan.toMs - plan.fromMs) / kDay >= 7);
        QVERIFY(planDailySeries(0, day0 + 3 * kDay, day0 - 3 * 366 * kDay).bucketMs >= kDay);
    }

private:
    // An empty database for one test.
    QString freshUrl()
    {
        if (!test::onPostgres())
            return QStringLiteral("sqlite:") + m_dir.filePath(QStringLiteral("store-%1.sqlite").arg(++m_serial));
        exec(m_pgUrl, {QStringLiteral("DROP TABLE IF EXISTS jobs, database_settings, api_keys, model_activations, model_versions, head_activations, category_heads, feedback, predictions, listinglens_schema CASCADE")});
        return m_pgUrl;
    }

    void exec(const QString &url, const QStringList &statements)
    {
        const QString failed = test::execSql(url, statements);
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
    }

    void applyStepsUpTo(const QString &url, int version)
    {
        const auto dialect = test::onPostgres() ? schema::Dialect::Postgres : schema::Dialect::Sqlite;
        for (int v = 1; v <= version; ++v) {
            exec(url, schema::migrationStep(dialect, v));
            setVersion(url, v);
        }
    }

    void setVersion(const QString &url, int version)
    {
        exec(url, {QStringLiteral("UPDATE listinglens_schema SET version = %1").arg(version)});
    }

    int countRows(const std::shared_ptr<PredictionStore> &store, const QString &table)
    {
        QSqlQuery q(store->connection().value());
        q.exec(QStringLiteral("SELECT COUNT(*) FROM ") + table);
        return q.next() ? q.value(0).toInt() : -1;
    }

    QTemporaryDir m_dir;
    QString m_pgUrl;
    int m_serial = 0;
};

QTEST_GUILESS_MAIN(TestStore)
#include "tst_store.moc"
