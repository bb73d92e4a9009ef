#include "calibration.h"
#include "fixtures.h"
#include "model_manifest.h"
#include "taxonomy.h"

#include <QSet>
#include <QTest>

#include <cmath>
#include <limits>

using namespace listinglens;

class TestTaxonomy : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void builtInHasExactlyTheMarketplaceCategories()
    {
        auto t = Taxonomy::builtIn();
        QVERIFY2(t.ok(), qPrintable(t.ok() ? QString() : t.error().message));
        QStringList ids;
        for (const Category &c : t.value().categories()) {
            ids << c.id;
            QVERIFY(!c.name.isEmpty());
            QVERIFY(!c.noun.isEmpty());
            QVERIFY(!c.detailsHint.isEmpty());
            QCOMPARE(c.prior.currency, QStringLiteral("EUR"));
            QVERIFY(c.prior.p25 > 0 && c.prior.p25 < c.prior.median && c.prior.median < c.prior.p75);
        }
        const QStringList expected = {
            QStringLiteral("phones"), QStringLiteral("computers"), QStringLiteral("tv-audio"), QStringLiteral("cameras"),
            QStringLiteral("appliances"), QStringLiteral("furniture"), QStringLiteral("home-garden"), QStringLiteral("clothing"),
            QStringLiteral("shoes"), QStringLiteral("bags-accessories"), QStringLiteral("watches-jewelry"),
            QStringLiteral("kids-toys"), QStringLiteral("sports-outdoors"), QStringLiteral("bicycles"), QStringLiteral("cars"),
            QStringLiteral("motorcycles"), QStringLiteral("auto-parts"), QStringLiteral("music"), QStringLiteral("pets"),
            QStringLiteral("tools"), QStringLiteral("books-hobbies"), QStringLiteral("health-beauty"), QStringLiteral("other")};
        QCOMPARE(ids, expected);
        QVERIFY(t.value().isSampleConfiguration());
    }

    void mapsEveryModelClassToAValidCategory()
    {
        auto t = Taxonomy::builtIn();
        QVERIFY(t.ok());
        auto manifest = ModelManifest::forModelDir(test::modelDir());
        QVERIFY(manifest.ok());
        const int classes = int(manifest.value().labels.size());
        QCOMPARE(classes, 1000);
        QVERIFY(t.value().checkCovers(classes).ok());
        for (int i = 0; i < classes; ++i) {
            const int c = t.value().categoryOfClass(i);
            QVERIFY2(c >= 0 && c < int(t.value().categories().size()), qPrintable(QString::number(i)));
        }
        // Spot checks of the mapping, including wild animals and landscapes in "other".
        auto idOf = [&](int cls) { return t.value().categories()[t.value().categoryOfClass(cls)].id; };
        QCOMPARE(idOf(487), QStringLiteral("phones"));     // cellular telephone
        QCOMPARE(idOf(620), QStringLiteral("computers"));  // laptop
        QCOMPARE(idOf(207), QStringLiteral("pets"));       // golden retriever
        QCOMPARE(idOf(291), QStringLiteral("other"));      // lion
        QCOMPARE(idOf(970), QStringLiteral("other"));      // alp
        QCOMPARE(idOf(817), QStringLiteral("cars"));       // sports car
        QCOMPARE(idOf(671), QStringLiteral("bicycles"));   // mountain bike
    }

    void refusesBrokenConfiguration_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("not json") << QByteArray("{") << "not valid JSON";
        QTest::newRow("no categories") << QByteArray("{\"categories\": []}") << "no categories";
        QTest::newRow("duplicate id") << QByteArray(R"({"categories": [
            {"id": "a", "name": "A", "price_prior": {"p25": 1, "median": 2, "p75": 3}},
            {"id": "a", "name": "B", "price_prior": {"p25": 1, "median": 2, "p75": 3}}]})") << "twice";
        QTest::newRow("class in two categories") << QByteArray(R"({"categories": [
            {"id": "a", "name": "A", "price_prior": {"p25": 1, "median": 2, "p75": 3}, "imagenet": {"0": "x"}},
            {"id": "b", "name": "B", "price_prior": {"p25": 1, "median": 2, "p75": 3}, "imagenet": {"0": "x"}}]})") << "two categories";
        QTest::newRow("prior out of order") << QByteArray(R"({"categories": [
            {"id": "a", "name": "A", "price_prior": {"p25": 5, "median": 2, "p75": 3}}]})") << "price prior";
    }

    void refusesBrokenConfiguration()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, mentions);
        auto t = Taxonomy::fromJson(json);
        QVERIFY(!t.ok());
        QVERIFY2(t.error().message.contains(mentions), qPrintable(t.error().message));
    }

    void reportsUnmappedClasses()
    {
        auto t = Taxonomy::fromJson(R"({"categories": [
            {"id": "a", "name": "A", "price_prior": {"p25": 1, "median": 2, "p75": 3}, "imagenet": {"0": "x", "2": "y"}}]})");
        QVERIFY(t.ok());
        const auto covered = t.value().checkCovers(3);
        QVERIFY(!covered.ok());
        QVERIFY(covered.error().message.contains(QStringLiteral("class 1")));
    }

    // The domain's other small piece: an ECE that is not a finite number
    // (never measured, or broken) prints as "—" and travels as JSON null,
    // never as a number that would read as a calibration; a finite one is
    // printed to three decimals and travels as itself.
    void showsAnUnmeasuredEceAsNotMeasured_data()
    {
        QTest::addColumn<double>("ece");
        QTest::addColumn<QString>("text");
        QTest::newRow("nan") << std::numeric_limits<double>::quiet_NaN() << QStringLiteral("—");
        QTest::newRow("+inf") << std::numeric_limits<double>::infinity() << QStringLiteral("—");
        QTest::newRow("-inf") << -std::numeric_limits<double>::infinity() << QStringLiteral("—");
        QTest::newRow("zero") << 0.0 << QStringLiteral("0.000");
        QTest::newRow("finite") << 0.0426 << QStringLiteral("0.043");
    }

    void showsAnUnmeasuredEceAsNotMeasured()
    {
        QFETCH(double, ece);
        QFETCH(QString, text);
        QCOMPARE(eceText(ece), text);
        const QJsonValue json = eceJson(ece);
        if (std::isfinite(ece)) {
            QVERIFY(json.isDouble());
            QCOMPARE(json.toDouble(), ece);
        } else {
            QVERIFY(json.isNull());
        }
    }
};

QTEST_GUILESS_MAIN(TestTaxonomy)
#include "tst_taxonomy.moc"
