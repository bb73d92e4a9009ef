// What the console reads from the store, on SQLite and on the real PostgreSQL
// that scripts/with-postgres.sh starts: reliability and accuracy per category
// head, history by review and head, moderation's flags and its completion of
// stored rows, flag rates per day.
#include "fixtures.h"
#include "history_reads.h"
#include "pg_binary.h"
#include "moderation_json.h"
#include "prediction_store.h"
#include "stats_reads.h"
#include "store_fixture.h"
#include "synthetic_rows.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QSqlQuery>
#include <QTest>

using namespace listinglens;
using namespace listinglens::test;

class TestStoreReads : public StoreFixture {
    Q_OBJECT
private Q_SLOTS:
    // Every test runs once per driver, as Qt's own SQL tests do.
    void initTestCase_data() { driverRows(); }
    void initTestCase() { setUpCase(); }
    void init() { setUpTest(); }

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

    // The lane may finish after a decision (a moderator's, or an import's, confirmed
    // on insert): the words read then leave the suggestion the decision was made on
    // as it was, and the quality figures with it; an undecided row takes the
    // categories and price the words moved it to.
    void moderationKeepsADecidedRowsSuggestion()
    {
        auto store = PredictionStore::open(freshUrl(), true).value();
        auto record = [](const QString &file) {
            PhotoResult r = sampleResult(QStringLiteral("phones"), 0.9, 10, QStringLiteral("Phone"));
            r.moderation.state = PhotoModeration::State::Pending;
            return PredictionRecord{QStringLiteral("api"), file, 1000, {}, 0, r, {}, {}, {}, false};
        };
        const qint64 decided = store->addPrediction(record(QStringLiteral("decided.jpg"))).value();
        QVERIFY(store->addFeedback(decided, {QStringLiteral("ann"), false, QStringLiteral("phones"), 300, QStringLiteral("EUR"),
                                             QStringLiteral("Phone"), {}, 2000, false}).ok());
        const qint64 imported = store->addConfirmedPrediction(record(QStringLiteral("import.jpg")),
                                                              {QStringLiteral("import"), false, QStringLiteral("phones"), 250,
                                                               QStringLiteral("EUR"), QStringLiteral("Phone"), {}, 2000, true}).value();
        const qint64 undecided = store->addPrediction(record(QStringLiteral("undecided.jpg"))).value();
        auto suggestion = [&](qint64 id) {
            QSqlQuery q(store->connection().value());
            q.prepare(QStringLiteral("SELECT category_id, confidence, categories_json, price_low, price_point, price_high, price_basis,"
                                     " price_neighbours FROM predictions WHERE id = :id"));
            q.bindValue(QStringLiteral(":id"), id);
            QStringList columns;
            if (q.exec() && q.next())
                for (int i = 0; i < 8; ++i)
                    columns << q.value(i).toString();
            return columns;
        };
        auto figures = [&] {
            const QualityReport quality = readQuality(*store, 0, 0, {}, true).value();
            QStringList out{QString::number(quality.decided), QString::number(quality.accepted), QString::number(quality.priceMdape)};
            for (const ReliabilityReport::Bin &b : readReliability(*store, 0, 0, {}, 10, true).value().bins)
                out << QStringLiteral("%1:%2:%3").arg(b.count).arg(b.meanConfidence).arg(b.accuracy);
            return out;
        };
        const QStringList decidedWas = suggestion(decided), importedWas = suggestion(imported), figuresWere = figures();
        QCOMPARE(figuresWere.mid(0, 2), (QStringList{QStringLiteral("2"), QStringLiteral("2")}));

        // The words read moved it to furniture, at another price.
        PhotoResult moved = sampleResult(QStringLiteral("furniture"), 0.7, 10, QStringLiteral("Oak table"));
        moved.moderation.state = PhotoModeration::State::Done;
        moved.price = {QStringLiteral("EUR"), 500, 900, 1500, PriceBasis::Neighbours, 4};
        for (const qint64 id : {decided, imported, undecided})
            QVERIFY(store->completeModeration(id, moved).value());

        QCOMPARE(suggestion(decided), decidedWas);
        QCOMPARE(suggestion(imported), importedWas);
        QCOMPARE(figures(), figuresWere);
        const QStringList now = suggestion(undecided);
        QCOMPARE(now.value(0), QStringLiteral("furniture"));
        QCOMPARE(now.value(1).toDouble(), 0.7);
        QVERIFY2(now.value(2).contains(QLatin1String("furniture")), qPrintable(now.value(2)));
        QCOMPARE(now.mid(3, 3), (QStringList{QStringLiteral("500"), QStringLiteral("900"), QStringLiteral("1500")}));
        QCOMPARE(now.value(6), priceBasisName(PriceBasis::Neighbours));
        QCOMPARE(now.value(7), QStringLiteral("4"));
        // The title and what was read are the lane's, decided or not.
        QSqlQuery q(store->connection().value());
        QVERIFY(q.exec(QStringLiteral("SELECT COUNT(*) FROM predictions WHERE moderation_until_ms IS NULL AND title = 'Oak table'")) && q.next());
        QCOMPARE(q.value(0).toInt(), 3);
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
};

QTEST_GUILESS_MAIN(TestStoreReads)
#include "tst_store_reads.moc"
