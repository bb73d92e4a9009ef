// What the data team reads, on SQLite and on the real PostgreSQL of
// scripts/with-postgres.sh: imported listings apart from moderators'
// decisions, suggested and confirmed values apart (search reads both), one
// currency per database, and decisions that wait for their database on disk.

#include "database_settings.h"
#include "fixtures.h"
#include "head_store.h"
#include "history_reads.h"
#include "listing_index.h"
#include "model_store.h"
#include "stored_listings.h"
#include "pending_decisions.h"
#include "prediction_store.h"
#include "price_suggester.h"
#include "schema.h"
#include "sha256.h"
#include "stats_reads.h"

#include <QFile>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace listinglens;

namespace {

PhotoResult suggestion(const QString &category, double confidence, const QString &title, qint64 head = 0)
{
    PhotoResult r;
    r.category = {category, category, confidence};
    r.categories = {r.category};
    r.price = {QStringLiteral("GBP"), 40, 70, 100, PriceBasis::Category, 6};
    r.title = title;
    r.description = QStringLiteral("Suggested: ") + title;
    r.model = {QStringLiteral("mobilenet_v2_imagenet"), QStringLiteral("1.0.0"), QStringLiteral("cpu")};
    r.model.head = head;
    r.embedding = {0.6f, 0.8f};
    return r;
}

FeedbackRecord confirmed(const QString &who, bool corrected, const QString &category, double price, const QString &title, bool imported)
{
    FeedbackRecord f{who, corrected, category, price, QStringLiteral("GBP"), title, QStringLiteral("Confirmed: ") + title, 0};
    f.imported = imported;
    return f;
}

} // namespace

class TestStoreData : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase_data() { test::driverRows(); }
    void initTestCase() { QVERIFY(m_dir.isValid()); }
    void init()
    {
        if (test::onPostgres())
            LISTINGLENS_REQUIRE_POSTGRES();
    }

    // An import of three listings beside one moderator's decision: stats,
    // quality, calibration and accuracy per head count the moderator only,
    // unless asked to include imports; each head only on photos it suggested.
    void importedListingsAreNotDecisions()
    {
        auto store = open();
        const qint64 byHead = add(*store, QStringLiteral("gui"), suggestion(QStringLiteral("furniture"), 0.9, QStringLiteral("Desk"), 2));
        QVERIFY(store->addFeedback(byHead, confirmed(QStringLiteral("bob"), false, QStringLiteral("furniture"), 60, QStringLiteral("Desk"), false)).ok());
        for (const char *category : {"furniture", "phones", "bicycles"}) {
            const qint64 id = add(*store, QStringLiteral("import"), suggestion(QStringLiteral("furniture"), 0.6, QStringLiteral("Shelf")));
            QVERIFY(store->addFeedback(id, confirmed(QStringLiteral("import"), QLatin1String(category) != QLatin1String("furniture"),
                                                     QString::fromLatin1(category), 10, QStringLiteral("Listing"), true)).ok());
        }
        const StoreStats moderators = readStats(*store).value();
        QCOMPARE(moderators.accepted, 1);
        QCOMPARE(moderators.corrected, 0);
        QCOMPARE(moderators.imported, 3);
        QVERIFY(!moderators.includesImports);
        const StoreStats all = readStats(*store, 0, 0, true).value();
        QCOMPARE(all.accepted, 2);
        QCOMPARE(all.corrected, 2);
        QCOMPARE(readQuality(*store, 0, 0).value().decided, 1);
        QCOMPARE(readQuality(*store, 0, 0, {}, true).value().decided, 4);
        QCOMPARE(readReliability(*store, 0, 0).value().decided, 1);
        QCOMPARE(readReliability(*store, 0, 0, {}, 10, true).value().decided, 4);
        const auto heads = readHeadAccuracy(*store, 0, 0).value();
        QCOMPARE(heads.size(), std::size_t(1)); // the built-in mapping suggested only imported photos
        QCOMPARE(heads[0].headVersion, 2);
        QCOMPARE(heads[0].decided, 1);

        HistoryFilter imported;
        imported.origin = decisionOrigin(true);
        const auto rows = readHistory(*store, imported, std::nullopt, 10).value();
        QCOMPARE(rows.size(), std::size_t(3));
        QCOMPARE(rows[0].origin, QStringLiteral("import"));
        QVERIFY(historyCsvLine(rows[0]).contains(",import,"));
        // An undone moderator's decision leaves what stood before it, origin included.
        const qint64 second = store->addFeedback(rows[0].id, confirmed(QStringLiteral("ann"), true, QStringLiteral("tools"), 12,
                                                                       QStringLiteral("Drill"), false)).value();
        QCOMPARE(readStats(*store).value().corrected, 1);
        QCOMPARE(store->undoFeedback(second, QStringLiteral("ann")).value().origin, QStringLiteral("import"));
        QCOMPARE(readStats(*store).value().corrected, 0);
    }

    // The confirmed title and description are searched as the suggested ones
    // are; a row shows both, each named.
    void searchFindsConfirmedText_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("rows");
        QTest::newRow("only in a confirmed title") << QStringLiteral("desk") << 2;
        QTest::newRow("only in a suggested title") << QStringLiteral("shelf") << 1;
        QTest::newRow("only in a confirmed description") << QStringLiteral("Confirmed: Computer") << 1;
        QTest::newRow("case") << QStringLiteral("DESK") << 2;
        QTest::newRow("nowhere") << QStringLiteral("sofa") << 0;
    }
    void searchFindsConfirmedText()
    {
        QFETCH(QString, text);
        QFETCH(int, rows);
        auto store = open();
        const qint64 a = add(*store, QStringLiteral("import"), suggestion(QStringLiteral("furniture"), 0.7, QStringLiteral("Multi level shelf")));
        QVERIFY(store->addFeedback(a, confirmed(QStringLiteral("import"), true, QStringLiteral("furniture"), 10,
                                                QStringLiteral("Computer desk"), true)).ok());
        const qint64 b = add(*store, QStringLiteral("gui"), suggestion(QStringLiteral("furniture"), 0.7, QStringLiteral("Table")));
        QVERIFY(store->addFeedback(b, confirmed(QStringLiteral("bob"), true, QStringLiteral("furniture"), 80,
                                                QStringLiteral("Executive Office Desk"), false)).ok());
        add(*store, QStringLiteral("gui"), suggestion(QStringLiteral("phones"), 0.7, QStringLiteral("Phone")));
        HistoryFilter f;
        f.text = text;
        const auto found = readHistory(*store, f, std::nullopt, 10).value();
        QCOMPARE(int(found.size()), rows);
        QCOMPARE(countHistory(*store, f, 100).value(), rows);
        if (text == QLatin1String("shelf")) {
            const HistoryRow &r = found.front();
            QCOMPARE(r.title, QStringLiteral("Multi level shelf"));
            QCOMPARE(r.finalTitle, QStringLiteral("Computer desk"));
            QCOMPARE(r.pricePoint, 70.0);
            QCOMPARE(r.finalPrice, 10.0);
            QCOMPARE(r.finalCurrency, QStringLiteral("GBP"));
            const QByteArray header = historyCsvHeader();
            for (const char *column : {"suggested_title", "confirmed_title", "suggested_price", "confirmed_price", "decision_source"})
                QVERIFY2(header.contains(column), column);
        }
    }

    // One currency per database: chosen once, kept by every price, and the
    // sample prices (EUR) never stand in for a GBP database's.
    void oneCurrencyPerDatabase()
    {
        auto store = open();
        QCOMPARE(databaseCurrency(*store).value(), QString());
        QCOMPARE(chooseDatabaseCurrency(*store, QStringLiteral("pounds")).error().code, ErrorCode::InvalidArgument);
        QCOMPARE(chooseDatabaseCurrency(*store, QStringLiteral(" gbp")).value(), QStringLiteral("GBP"));
        QCOMPARE(databaseCurrency(*store).value(), QStringLiteral("GBP"));
        QCOMPARE(store->confirmedCurrencies().value(), QStringList{QStringLiteral("GBP")});
        QCOMPARE(chooseDatabaseCurrency(*store, QStringLiteral("EUR")).value(), QStringLiteral("EUR")); // no prices yet: it may change
        QCOMPARE(chooseDatabaseCurrency(*store, QStringLiteral("GBP")).value(), QStringLiteral("GBP"));
        const qint64 id = add(*store, QStringLiteral("gui"), suggestion(QStringLiteral("phones"), 0.8, QStringLiteral("Phone")));
        QVERIFY(store->addFeedback(id, confirmed(QStringLiteral("bob"), false, QStringLiteral("phones"), 50, QStringLiteral("Phone"), false)).ok());
        const auto refused = chooseDatabaseCurrency(*store, QStringLiteral("EUR"));
        QVERIFY(!refused.ok());
        QVERIFY2(refused.error().message.contains(QStringLiteral("in GBP")), qPrintable(refused.error().message));

        auto index = loadListingIndex(*store, 2).value();
        Category phones;
        phones.id = QStringLiteral("phones");
        phones.prior = {QStringLiteral("EUR"), 100, 200, 300};
        const PriceSuggestion none = PriceSuggester::suggest(phones, index->priceEvidence(QStringLiteral("phones"), {0.0f, 1.0f}));
        QCOMPARE(none.basis, PriceBasis::None);
        QCOMPARE(none.currency, QStringLiteral("GBP"));
        QCOMPARE(none.point, 0.0);
        QCOMPARE(PriceSuggester::suggest(phones).basis, PriceBasis::Prior); // a database of no currency yet: the sample price
    }

    // A decision on a suggestion without a price stores no price (NULL), never 0: its
    // history, export and standing decision say none, and later suggestions take it for
    // no price evidence. A price of 0 given is a price of 0.
    void aDecisionWithoutAPriceStoresNone()
    {
        auto store = open();
        const qint64 id = add(*store, QStringLiteral("gui"), suggestion(QStringLiteral("phones"), 0.8, QStringLiteral("Phone")));
        FeedbackRecord unpriced = confirmed(QStringLiteral("bob"), false, QStringLiteral("phones"), 0, QStringLiteral("Phone"), false);
        unpriced.price.reset();
        QVERIFY(store->addFeedback(id, unpriced).ok());
        auto count = [&](const QString &sql) {
            QSqlQuery q(store->connection().value());
            return q.exec(sql) && q.next() ? q.value(0).toInt() : -1;
        };
        QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM predictions WHERE final_price IS NULL AND feedback = 'accepted'")), 1);
        QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM feedback WHERE price IS NULL")), 1);
        QVERIFY(!store->standingDecision(id).value().price.has_value());
        const auto rows = readHistory(*store, {}, std::nullopt, 10).value();
        QCOMPARE(int(rows.size()), 1);
        QVERIFY(!rows[0].finalPrice.has_value());
        const QStringList cells = QString::fromUtf8(historyCsvLine(rows[0])).trimmed().split(QLatin1Char(','));
        const int column = QString::fromUtf8(historyCsvHeader()).trimmed().split(QLatin1Char(',')).indexOf(QStringLiteral("confirmed_price"));
        QVERIFY(column > 0);
        QCOMPARE(cells.value(column), QString());
        QVERIFY(!readDetail(*store, id).value().feedback.value(0).price.has_value());
        auto index = loadListingIndex(*store, 2).value();
        QCOMPARE(int(index->priceEvidence(QStringLiteral("phones"), {0.6f, 0.8f}).categoryPrices.size()), 0);

        // A 0 given is a price of 0; undone, the decision without a price stands again.
        const qint64 zero =
            store->addFeedback(id, confirmed(QStringLiteral("bob"), true, QStringLiteral("phones"), 0, QStringLiteral("Phone"), false)).value();
        QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM predictions WHERE final_price = 0")), 1);
        QCOMPARE(store->standingDecision(id).value().price, std::optional<double>(0.0));
        QVERIFY(!store->undoFeedback(zero, QStringLiteral("bob")).value().price.has_value());
        QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM predictions WHERE final_price IS NULL AND feedback = 'accepted'")), 1);
    }

    // The lost-decision sequence: a decision on a photo of database A made
    // while the window uses an unreachable database is kept on disk; after a
    // restart (a new journal read from the file) it is written into A once,
    // and never twice.
    void decisionsWaitForTheirDatabase()
    {
        auto store = open();
        const qint64 id = add(*store, QStringLiteral("gui"), suggestion(QStringLiteral("phones"), 0.8, QStringLiteral("Phone")));
        const QString journal = m_dir.filePath(QStringLiteral("pending-%1.json").arg(++m_serial));
        {
            PendingDecisions pending(journal);
            QVERIFY(PredictionStore::open(QStringLiteral("postgresql://nobody@127.0.0.1:1/none")).error().code == ErrorCode::DatabaseError);
            FeedbackRecord f = confirmed(QStringLiteral("bob"), false, QStringLiteral("phones"), 50, QStringLiteral("Phone"), false);
            QVERIFY(pending.add({store->maskedUrl(), id, f}).ok());
            QVERIFY(pending.add({QStringLiteral("sqlite:/elsewhere.sqlite"), 7, f}).ok());
            QCOMPARE(pending.size(), 2);
        } // the window quits
        QCOMPARE(store->standingDecision(id).value().decision, QStringLiteral("none"));
        PendingDecisions restarted(journal);
        QVERIFY2(restarted.loadError().isEmpty(), qPrintable(restarted.loadError()));
        const PendingDecisions::Entry kept = restarted.forDatabase(store->maskedUrl()).value(0);
        // An earlier attempt stored it and could not let go of it: not written twice.
        QVERIFY(store->addFeedback(id, kept.feedback).ok());
        const PendingDecisions::Written w = restarted.writeInto(*store);
        QCOMPARE(w.written, 1);
        QCOMPARE(w.waiting, 0);
        QCOMPARE(restarted.size(), 1); // the other database's still waits
        QCOMPARE(PendingDecisions(journal).size(), 1);
        QCOMPARE(readDetail(*store, id).value().feedback.size(), 1);
        QCOMPARE(store->standingDecision(id).value().decision, QStringLiteral("accepted"));

        // A photo gone from its database: said, and let go of.
        QVERIFY(restarted.add({store->maskedUrl(), id + 1000, kept.feedback}).ok());
        const PendingDecisions::Written gone = restarted.writeInto(*store);
        QCOMPARE(gone.dropped.size(), 1);
        QCOMPARE(restarted.forDatabase(store->maskedUrl()).size(), 0);

        // A damaged file is kept aside and said, never overwritten silently.
        QVERIFY(test::writeFile(journal, "{\"decisions\": [{\"database\": 3}]"));
        PendingDecisions damaged(journal);
        QVERIFY(!damaged.loadError().isEmpty());
        QCOMPARE(damaged.size(), 0);
    }

    // A database made before imports had a source of their own: its import
    // rows become imported listings, its one currency the database's.
    void migrationSeparatesEarlierImports()
    {
        const QString url = freshUrl();
        const auto dialect = test::onPostgres() ? schema::Dialect::Postgres : schema::Dialect::Sqlite;
        const int separatesImports = 13; // the step that gives imports a source of their own
        for (int v = 1; v < separatesImports; ++v) {
            QStringList step = schema::migrationStep(dialect, v);
            step << QStringLiteral("UPDATE listinglens_schema SET version = %1").arg(v);
            const QString failed = test::execSql(url, step);
            QVERIFY2(failed.isEmpty(), qPrintable(failed));
        }
        const QString failed = test::execSql(url, {
            QStringLiteral("INSERT INTO predictions (id, created_ms, source, file_name, ok, feedback, final_category_id, final_price)"
                           " VALUES (1, 1, 'import', 'a.jpg', 1, 'corrected', 'phones', 10), (2, 2, 'gui', 'b.jpg', 1, 'accepted', 'phones', 20)"),
            QStringLiteral("INSERT INTO feedback (prediction_id, created_ms, moderator, decision, category_id, price, currency)"
                           " VALUES (1, 1, 'import', 'corrected', 'phones', 10, 'GBP'), (2, 2, 'bob', 'accepted', 'phones', 20, 'GBP')")});
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
        auto store = PredictionStore::open(url, true);
        QVERIFY2(store.ok(), qPrintable(store.ok() ? QString() : store.error().message));
        const StoreStats s = readStats(*store.value()).value();
        QCOMPARE(s.accepted, 1);
        QCOMPARE(s.corrected, 0);
        QCOMPARE(s.imported, 1);
        QCOMPARE(databaseCurrency(*store.value()).value(), QStringLiteral("GBP"));
    }

    // An imported listing is its prediction and its confirmation together:
    // when the confirmation cannot be written (here a trigger refuses it
    // after the prediction's insert), neither is stored; otherwise both are.
    void anImportedListingIsStoredWholeOrNotAtAll()
    {
        const QString url = freshUrl();
        auto opened = PredictionStore::open(url, true);
        QVERIFY2(opened.ok(), qPrintable(opened.ok() ? QString() : opened.error().message));
        auto store = opened.value();
        store->setRetry({0, 0, 1});
        const PredictionRecord record{QStringLiteral("import"), QStringLiteral("desk.jpg"), 1000, {}, 0,
                                      suggestion(QStringLiteral("furniture"), 0.6, QStringLiteral("Shelf")), {}, {}, {}, false};
        const FeedbackRecord listing = confirmed(QStringLiteral("import"), false, QStringLiteral("furniture"), 10, QStringLiteral("Desk"), true);
        const qint64 whole = store->addConfirmedPrediction(record, listing).value();
        QCOMPARE(store->standingDecision(whole).value().title, QStringLiteral("Desk"));

        const QStringList refuse = test::onPostgres()
            ? QStringList{QStringLiteral("CREATE FUNCTION refuse_feedback() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$ LANGUAGE plpgsql"),
                          QStringLiteral("CREATE TRIGGER refuse_feedback BEFORE INSERT ON feedback FOR EACH ROW EXECUTE FUNCTION refuse_feedback()")}
            : QStringList{QStringLiteral("CREATE TRIGGER refuse_feedback BEFORE INSERT ON feedback BEGIN SELECT RAISE(ABORT, 'refused'); END")};
        const QString failed = test::execSql(url, refuse);
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
        auto half = store->addConfirmedPrediction(record, listing);
        QVERIFY(!half.ok());
        QSqlQuery rows(store->connection().value());
        QVERIFY(rows.exec(QStringLiteral("SELECT COUNT(*) FROM predictions")) && rows.next());
        QCOMPARE(rows.value(0).toInt(), 1);
    }

    // A head or model version whose ECE was never measured (null in the
    // head's report, NaN in the model's) reads back as not measured, never as
    // a perfectly calibrated 0; a measured one reads back as it was.
    void anUnmeasuredEceIsNotZero()
    {
        auto store = open();
        const auto head = [](const QJsonValue &ece) {
            CategoryHead h;
            h.modelName = QStringLiteral("mobilenet_v2_imagenet");
            h.modelVersion = QStringLiteral("1.0.0");
            h.taxonomyFingerprint = QStringLiteral("market");
            h.categoryIds = {QStringLiteral("phones"), QStringLiteral("cars")};
            h.dimension = 2;
            h.weight = {1, 0, 0, 1};
            h.bias = {0, 0};
            h.report = QJsonObject{{QStringLiteral("examples"), 40},
                                   {QStringLiteral("validation"), QJsonObject{{QStringLiteral("n"), 10}, {QStringLiteral("top1"), 0.5},
                                                                              {QStringLiteral("top3"), 0.9}, {QStringLiteral("ece"), ece}}}};
            return h;
        };
        const qint64 unmeasured = saveHead(*store, head(QJsonValue::Null)).value();
        const qint64 measured = saveHead(*store, head(0.05)).value();
        const std::vector<HeadSummary> heads = listHeads(*store).value();
        QCOMPARE(int(heads.size()), 2);
        bool sawUnmeasured = false, sawMeasured = false;
        for (const HeadSummary &h : heads) {
            if (h.version == unmeasured) {
                sawUnmeasured = true;
                QVERIFY2(std::isnan(h.ece), qPrintable(QString::number(h.ece)));
            } else {
                sawMeasured = h.version == measured;
                QVERIFY2(sawMeasured && std::abs(h.ece - 0.05) < 1e-12, qPrintable(QString::number(h.ece)));
            }
        }
        QVERIFY(sawUnmeasured && sawMeasured);

        const auto model = [](double ece) {
            ModelVersion m;
            m.modelName = m.baseName = QStringLiteral("mobilenet_v2_imagenet");
            m.modelVersion = QStringLiteral("1.0+ft-%1").arg(ece);
            m.baseVersion = QStringLiteral("1.0");
            m.weights = QByteArrayLiteral("weights");
            m.sha256 = sha256Hex(m.weights);
            m.ece = ece;
            return m;
        };
        const qint64 nan = saveModelVersion(*store, model(std::numeric_limits<double>::quiet_NaN())).value();
        const qint64 zero = saveModelVersion(*store, model(0.0)).value();
        const qint64 some = saveModelVersion(*store, model(0.07)).value();
        QCOMPARE(int(listModelVersions(*store).value().size()), 3);
        for (const ModelVersion &m : listModelVersions(*store).value()) {
            QVERIFY2(m.version == nan ? std::isnan(m.ece) : m.version == zero ? m.ece == 0.0 : m.version == some && std::abs(m.ece - 0.07) < 1e-12,
                     qPrintable(QStringLiteral("%1: %2").arg(m.label()).arg(m.ece)));
            QCOMPARE(std::isnan(loadModelVersion(*store, m.version).value().ece), m.version == nan);
        }
    }

private:
    QString freshUrl()
    {
        const int n = ++m_serial;
        if (test::onPostgres())
            return test::freshPostgresDatabase(QStringLiteral("store_data_%1").arg(n));
        return QStringLiteral("sqlite:") + m_dir.filePath(QStringLiteral("data-%1.sqlite").arg(n));
    }

    std::shared_ptr<PredictionStore> open()
    {
        auto store = PredictionStore::open(freshUrl(), true);
        if (!store)
            qFatal("%s", qPrintable(store.error().message));
        return store.value();
    }

    qint64 add(PredictionStore &store, const QString &source, const PhotoResult &r)
    {
        return store.addPrediction({source, QStringLiteral("p.jpg"), 1000 + ++m_clock, {}, 0, r, {}, {}, {}, false}).value();
    }

    QTemporaryDir m_dir;
    int m_serial = 0;
    qint64 m_clock = 0;
};

QTEST_GUILESS_MAIN(TestStoreData)
#include "tst_store_data.moc"
