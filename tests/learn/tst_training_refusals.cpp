// Training refuses what it cannot learn from (no listings, one category, too
// few, a read-only database role), and the validation split keeps the same
// photo posted twice on one side.
#include "classifier.h"
#include "database_url.h"
#include "fixtures.h"
#include "head_trainer.h"
#include "market_training.h"
#include "marketplace_split.h"
#include "prediction_store.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <random>

using namespace listinglens;

class TestTrainingRefusals : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    std::vector<test::Listing> m_train;    // the first training listings of the marketplace split
    std::vector<PhotoResult> m_results;   // the built-in mapping's
    std::unique_ptr<Classifier> m_classifier;

    QString sqliteUrl(const QString &name) const { return QStringLiteral("sqlite:") + m_dir.filePath(name); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        test::MarketplaceSplit split = test::marketplaceSplit();
        QVERIFY2(split.error.isEmpty(), qPrintable(split.error));
        m_train.assign(split.train.begin(), split.train.begin() + std::min<std::ptrdiff_t>(80, std::ssize(split.train)));
        ClassifierOptions o;
        o.modelDir = test::modelDir();
        o.engine.warmUp = false;
        auto classifier = Classifier::create(o);
        QVERIFY2(classifier.ok(), qPrintable(classifier.ok() ? QString() : classifier.error().message));
        m_classifier = std::move(classifier).value();
        m_results = test::classifyListings(*m_classifier, m_train);
        QCOMPARE(m_results.size(), std::size_t(80));
    }

    void split_keepsTheSamePhotoOnOneSide()
    {
        // 300 photos, each posted twice (perceptual hashes a bit or two apart), and 200 once.
        std::vector<TrainingExample> examples;
        std::mt19937_64 random(11);
        for (int i = 0; i < 500; ++i) {
            TrainingExample e;
            e.id = i + 1;
            e.phash = random();
            examples.push_back(e);
            if (i < 300) {
                e.id = 1000 + i;
                e.phash ^= (1ULL << (i % 64)) | (i % 2 ? 1ULL << ((i + 7) % 64) : 0);
                examples.push_back(e);
            }
        }
        TrainingOptions options;
        const std::vector<bool> side = HeadTrainer::validationSplit(examples, options);
        QCOMPARE(side, HeadTrainer::validationSplit(examples, options)); // deterministic
        int validation = 0;
        for (std::size_t i = 0; i < examples.size(); ++i) {
            validation += side[i];
            if (i + 1 < examples.size() && examples[i + 1].id >= 1000)
                QCOMPARE(side[i], side[i + 1]);
        }
        QVERIFY2(std::abs(validation / 800.0 - 0.2) < 0.06, qPrintable(QString::number(validation)));
        options.seed = 2;
        QVERIFY(HeadTrainer::validationSplit(examples, options) != side);
    }

    void training_refusesWhatItCannotLearnFrom()
    {
        // No confirmed listings.
        auto empty = PredictionStore::open(sqliteUrl(QStringLiteral("empty.sqlite")), true).value();
        auto none = trainMarketHead(*empty, *m_classifier, {});
        QVERIFY(!none.ok());
        QVERIFY2(none.error().message.contains(QStringLiteral("no confirmed listings")), qPrintable(none.error().message));
        // One category only, and too few.
        auto one = PredictionStore::open(sqliteUrl(QStringLiteral("one.sqlite")), true).value();
        for (std::size_t i = 0; i < 60; ++i) {
            QVERIFY(test::confirmListing(*one, m_train[i], m_results[i], QStringLiteral("phones"), 10));
        }
        auto single = trainMarketHead(*one, *m_classifier, {});
        QVERIFY(!single.ok());
        QVERIFY2(single.error().message.contains(QStringLiteral("one category")), qPrintable(single.error().message));
        auto few = PredictionStore::open(sqliteUrl(QStringLiteral("few.sqlite")), true).value();
        for (std::size_t i = 0; i < 10; ++i) {
            QVERIFY(test::confirmListing(*few, m_train[i], m_results[i], m_train[i].category, 10));
        }
        auto tooFew = trainMarketHead(*few, *m_classifier, {});
        QVERIFY(!tooFew.ok());
        QVERIFY2(tooFew.error().message.contains(QStringLiteral("too few")), qPrintable(tooFew.error().message));
    }

    void training_refusesAReadOnlyRole()
    {
        LISTINGLENS_REQUIRE_POSTGRES();
        const QString url = test::freshPostgresDatabase(QStringLiteral("listinglens_learning"));
        auto owner = PredictionStore::open(url, true).value();
        for (std::size_t i = 0; i < 80; ++i) {
            QVERIFY(test::confirmListing(*owner, m_train[i], m_results[i], m_train[i].category, m_train[i].price));
        }
        QVERIFY(test::postgresScalar(url, QStringLiteral("SELECT 1 FROM (SELECT 1) x")) == 1);
        // The role, as an administrator would make it.
        const DatabaseUrl u = DatabaseUrl::parse(url).value();
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), QStringLiteral("roles"));
            db.setHostName(u.host);
            db.setPort(u.port);
            db.setDatabaseName(u.database);
            db.setUserName(u.user);
            db.setPassword(u.password);
            QVERIFY(db.open());
            QSqlQuery q(db);
            q.exec(QStringLiteral("DROP OWNED BY listinglens_reader"));
            q.exec(QStringLiteral("DROP ROLE IF EXISTS listinglens_reader"));
            QVERIFY(q.exec(QStringLiteral("CREATE ROLE listinglens_reader LOGIN PASSWORD 'reader-secret'")));
            QVERIFY(q.exec(QStringLiteral("GRANT SELECT ON ALL TABLES IN SCHEMA public TO listinglens_reader")));
        }
        QSqlDatabase::removeDatabase(QStringLiteral("roles"));
        const QString reader = QStringLiteral("postgresql://listinglens_reader:reader-secret@%1:%2/%3").arg(u.host).arg(u.port).arg(u.database);
        auto store = PredictionStore::open(reader).value();
        auto refused = trainMarketHead(*store, *m_classifier, {});
        QVERIFY(!refused.ok());
        QVERIFY2(refused.error().message.contains(QStringLiteral("read-only")), qPrintable(refused.error().message));
        QVERIFY(!refused.error().message.contains(QStringLiteral("reader-secret")));
        QCOMPARE(test::postgresScalar(url, QStringLiteral("SELECT count(*) FROM category_heads")), qint64(0));
        // The owner trains on PostgreSQL as on SQLite.
        auto trained = trainMarketHead(*owner, *m_classifier, {});
        QVERIFY2(trained.ok(), qPrintable(trained.ok() ? QString() : trained.error().message));
        QCOMPARE(test::postgresScalar(url, QStringLiteral("SELECT count(*) FROM category_heads")), qint64(1));
    }
};

QTEST_GUILESS_MAIN(TestTrainingRefusals)
#include "tst_training_refusals.moc"
