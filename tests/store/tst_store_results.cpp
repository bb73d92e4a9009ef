// Results, failures and decisions stored and read back, on SQLite and on the
// real PostgreSQL that scripts/with-postgres.sh starts: the decision log,
// keyset pages and filters, stats in the database, charts, a read-only role.
#include "database_url.h"
#include "fixtures.h"
#include "history_reads.h"
#include "pg_binary.h"
#include "prediction_store.h"
#include "stats_reads.h"
#include "store_fixture.h"
#include "synthetic_rows.h"

#include <QDateTime>
#include <QTest>

using namespace listinglens;
using namespace listinglens::test;

class TestStoreResults : public StoreFixture {
    Q_OBJECT
private Q_SLOTS:
    // Every test runs once per driver, as Qt's own SQL tests do.
    void initTestCase_data() { driverRows(); }
    void initTestCase() { setUpCase(); }
    void init() { setUpTest(); }

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
        // Empty: no figure without data behind it (no latency, no acceptance rate).
        const StoreStats empty = readStats(*store).value();
        QVERIFY(!empty.timed());
        QVERIFY(!empty.acceptanceRate.has_value());
        for (int i = 1; i <= 100; ++i)
            QVERIFY(store->addPrediction({QStringLiteral("cli"), QStringLiteral("f.jpg"), 60000LL * i, {}, 0,
                                          sampleResult(QStringLiteral("phones"), 0.9, i, QStringLiteral("x")), {}, {}, {}, false}).ok());
        PredictionRecord failed;
        failed.fileName = QStringLiteral("bad.jpg");
        failed.createdMs = 60000LL * 50;
        failed.error = Error{ErrorCode::Corrupt, QStringLiteral("bad")};
        QVERIFY(store->addPrediction(failed).ok());
        QVERIFY(readStats(*store).value().timed());
        QVERIFY(!readStats(*store).value().acceptanceRate.has_value()); // no decisions yet: no rate, never 0 %
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
        QVERIFY(std::abs(s.value().acceptanceRate.value_or(-1) - 2.0 / 3.0) < 1e-9);
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
};

QTEST_GUILESS_MAIN(TestStoreResults)
#include "tst_store_results.moc"
