// The store's schema and connections, on SQLite and on the real PostgreSQL
// that scripts/with-postgres.sh starts (LISTINGLENS_TEST_PG_URL): migrations
// from every earlier version, the repair of prices stored as 0 for none,
// schemas it does not know, every column read back as written,
// placeholders, a connection per thread, back-off, URLs.
#include "backoff.h"
#include "database_url.h"
#include "fixtures.h"
#include "history_reads.h"
#include "pg_binary.h"
#include "moderation_json.h"
#include "prediction_store.h"
#include "schema.h"
#include "stats_reads.h"
#include "store_fixture.h"
#include "synthetic_rows.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTest>

#include <future>
#include <thread>

using namespace listinglens;
using namespace listinglens::test;

class TestStoreSchema : public StoreFixture {
    Q_OBJECT
private Q_SLOTS:
    // Every test runs once per driver, as Qt's own SQL tests do.
    void initTestCase_data() { driverRows(); }
    void initTestCase() { setUpCase(); }
    void init() { setUpTest(); }

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

    // Rows stored before "no price" was NULL held a price of 0: the step to
    // version 15 makes it NULL where the basis says there was no price and
    // the moderator typed none, and leaves every other 0 a price of 0.
    void aPriceOfZeroForNoPriceBecomesNull_data()
    {
        QTest::addColumn<QString>("basis");
        QTest::addColumn<QString>("decision"); // none, accepted, corrected
        QTest::addColumn<QString>("origin");   // of the decision: moderator, import
        QTest::addColumn<bool>("suggestionNull");
        QTest::addColumn<bool>("decisionNull");
        QTest::newRow("no price, accepted") << "none" << "accepted" << "moderator" << true << true;
        QTest::newRow("no price, undecided") << "none" << "none" << "moderator" << true << false;
        QTest::newRow("no price, corrected to 0") << "none" << "corrected" << "moderator" << true << false;
        QTest::newRow("no price, imported at 0") << "none" << "accepted" << "import" << true << false;
        QTest::newRow("a category price of 0, accepted") << "category" << "accepted" << "moderator" << false << false;
        QTest::newRow("a prior of 0, accepted") << "prior" << "accepted" << "moderator" << false << false;
    }
    void aPriceOfZeroForNoPriceBecomesNull()
    {
        QFETCH(QString, basis);
        QFETCH(QString, decision);
        QFETCH(QString, origin);
        QFETCH(bool, suggestionNull);
        QFETCH(bool, decisionNull);
        const QString url = freshUrl();
        applyStepsUpTo(url, 14);
        const bool decided = decision != QLatin1String("none");
        QStringList rows{QStringLiteral("INSERT INTO predictions (id, created_ms, source, file_name, ok, category_id, price_currency,"
                                        " price_low, price_point, price_high, price_basis, feedback, final_category_id, final_price, final_origin)"
                                        " VALUES (1, 1, 'gui', 'a.jpg', 1, 'phones', 'EUR', 0, 0, 0, '%1', '%2', %3, %4, %5)")
                             .arg(basis, decision, decided ? QStringLiteral("'phones'") : QStringLiteral("NULL"),
                                  decided ? QStringLiteral("0") : QStringLiteral("NULL"),
                                  decided ? QStringLiteral("'%1'").arg(origin) : QStringLiteral("NULL"))};
        if (decided)
            rows << QStringLiteral("INSERT INTO feedback (id, prediction_id, created_ms, moderator, decision, category_id, price, currency, origin)"
                                   " VALUES (1, 1, 2, 'ann', '%1', 'phones', 0, 'EUR', '%2')").arg(decision, origin);
        exec(url, rows);
        auto store = PredictionStore::open(url, /*migrate=*/true);
        QVERIFY2(store.ok(), qPrintable(store.ok() ? QString() : store.error().message));
        QCOMPARE(store.value()->schemaVersion().value(), PredictionStore::latestSchemaVersion());
        QSqlQuery q(store.value()->connection().value());
        QVERIFY(q.exec(QStringLiteral("SELECT price_low, price_point, price_high, final_price FROM predictions WHERE id = 1")) && q.next());
        for (int column = 0; column < 3; ++column)
            QCOMPARE(q.value(column).isNull(), suggestionNull);
        QCOMPARE(q.value(3).isNull(), !decided || decisionNull);
        if (!decided)
            return;
        QCOMPARE(q.value(3).isNull() ? -1.0 : q.value(3).toDouble(), decisionNull ? -1.0 : 0.0);
        QVERIFY(q.exec(QStringLiteral("SELECT price FROM feedback WHERE id = 1")) && q.next());
        QCOMPARE(q.value(0).isNull(), decisionNull);
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
};

QTEST_GUILESS_MAIN(TestStoreSchema)
#include "tst_store_schema.moc"
