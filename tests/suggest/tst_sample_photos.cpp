// The real model on the real sample photos (../shared/testdata/photos).
#include "classifier.h"
#include "fixtures.h"
#include "title_words.h"

#include <QFile>
#include <QHash>
#include <QTest>

using namespace listinglens;

class TestSamplePhotos : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        auto c = Classifier::create({});
        QVERIFY2(c.ok(), qPrintable(c.ok() ? QString() : c.error().message));
        m_classifier = std::move(c).value();

        QFile labels(test::samplePhotosDir() + QStringLiteral("/LABELS.csv"));
        QVERIFY(labels.open(QIODevice::ReadOnly | QIODevice::Text));
        labels.readLine(); // header
        while (!labels.atEnd()) {
            const QStringList cols = QString::fromUtf8(labels.readLine()).trimmed().split(QLatin1Char(','));
            if (cols.size() >= 2)
                m_labels.insert(cols[0], cols[1].toInt());
        }
        QCOMPARE(m_labels.size(), 24);
    }

    void labelsAndCategories()
    {
        // What a moderator would call the right category for each photo.
        const QHash<QString, QString> expected = {
            {"acoustic_guitar.jpg", "music"}, {"backpack.jpg", "bags-accessories"}, {"cellular_telephone.jpg", "phones"},
            {"digital_watch.jpg", "watches-jewelry"}, {"dumbbell.jpg", "sports-outdoors"}, {"golden_retriever.jpg", "pets"},
            {"jean.jpg", "clothing"}, {"laptop.jpg", "computers"}, {"moped.jpg", "motorcycles"},
            {"mountain_bike.jpg", "bicycles"}, {"perfume.jpg", "health-beauty"}, {"power_drill.jpg", "tools"},
            {"reflex_camera.jpg", "cameras"}, {"refrigerator.jpg", "appliances"}, {"rocking_chair.jpg", "furniture"},
            {"running_shoe.jpg", "shoes"}, {"sports_car.jpg", "cars"}, {"studio_couch.jpg", "furniture"},
            {"sunglasses.jpg", "bags-accessories"}, {"tabby.jpg", "pets"}, {"teddy.jpg", "kids-toys"},
            {"television.jpg", "tv-audio"}, {"toaster.jpg", "appliances"}, {"wardrobe.jpg", "furniture"}};
        int top1 = 0, top5 = 0, category = 0, categoryTop3 = 0;
        for (auto it = m_labels.cbegin(); it != m_labels.cend(); ++it) {
            const auto r = test::classify(*m_classifier, PhotoSource::fromFile(test::samplePhotosDir() + QLatin1Char('/') + it.key()));
            QVERIFY2(r.ok(), qPrintable(it.key()));
            const PhotoResult &p = r.value();
            QCOMPARE(p.labels.size(), 5);
            QCOMPARE(p.categories.size(), 3);
            QVERIFY(p.categories[0].confidence >= p.categories[1].confidence);
            QVERIFY(p.categories[1].confidence >= p.categories[2].confidence);
            QVERIFY(p.labels[0].probability >= p.labels[4].probability);
            QVERIFY(!p.title.isEmpty() && !p.description.isEmpty());
            // A title names something: never the catch-all's noun alone ("Item" has no content word).
            QVERIFY2(!contentWords(p.title).isEmpty(), qPrintable(it.key() + QStringLiteral(": ") + p.title));
            if (it.key() == QLatin1String("laptop.jpg")) // in the catch-all; a label of an item's category names it
                QVERIFY2(contentWords(p.title).contains(QStringLiteral("laptop")) || contentWords(p.title).contains(QStringLiteral("notebook")),
                         qPrintable(p.title));
            QCOMPARE(p.embedding.size(), std::size_t(1280));
            top1 += p.labels[0].index == it.value();
            top5 += std::any_of(p.labels.begin(), p.labels.end(), [&](const LabelScore &l) { return l.index == it.value(); });
            category += p.category.id == expected.value(it.key());
            categoryTop3 += std::any_of(p.categories.begin(), p.categories.end(),
                                        [&](const CategoryScore &c) { return c.id == expected.value(it.key()); });
            if (p.labels[0].index != it.value() || p.category.id != expected.value(it.key()))
                qInfo("%s: top label \"%s\" (%.2f), category %s", qPrintable(it.key()), qPrintable(p.labels[0].name),
                      p.labels[0].probability, qPrintable(p.category.id));
        }
        qInfo("top-1 %d/24, top-5 %d/24, category %d/24, category in top 3 %d/24", top1, top5, category, categoryTop3);
        // 17/24 top-1 is what this model gives with the reference preprocessing
        // (tst_preprocess_parity); the misses are photos where the labelled item
        // is small or off-centre. A colour-order or resize mistake drops it to 15-16.
        QVERIFY(top1 >= 17);
        QVERIFY(top5 >= 23);
        QVERIFY(category >= 20);
        QCOMPARE(categoryTop3, 24);
    }

    // With no market yet, a title names the item when the model's labels do:
    // labels sellers name alike add up ("sunglass" 0.08 and "sunglasses" 0.48
    // are one confident label), and a photo in the catch-all is named by a
    // label of an item's category.
    void titlesNameTheItem_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QStringList>("words"); // one of them names it
        QTest::newRow("sunglasses") << QStringLiteral("sunglasses.jpg") << QStringList{QStringLiteral("sunglasses")};
        QTest::newRow("laptop") << QStringLiteral("laptop.jpg") << QStringList{QStringLiteral("laptop"), QStringLiteral("notebook")};
        QTest::newRow("mountain bike") << QStringLiteral("mountain_bike.jpg") << QStringList{QStringLiteral("bike"), QStringLiteral("bicycle")};
    }
    void titlesNameTheItem()
    {
        QFETCH(QString, file);
        QFETCH(QStringList, words);
        const auto r = test::classify(*m_classifier, PhotoSource::fromFile(test::samplePhotosDir() + QLatin1Char('/') + file));
        QVERIFY2(r.ok(), qPrintable(file));
        const QSet<QString> has = contentWords(r.value().title);
        QVERIFY2(std::any_of(words.begin(), words.end(), [&](const QString &w) { return has.contains(wordKey(w)); }),
                 qPrintable(file + QStringLiteral(": ") + r.value().title));
    }

private:
    std::unique_ptr<Classifier> m_classifier;
    QHash<QString, int> m_labels;
};

QTEST_GUILESS_MAIN(TestSamplePhotos)
#include "tst_sample_photos.moc"
