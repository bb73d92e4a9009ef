// A market that starts with categories the built-in mapping does not know.
//
// The default taxonomy with `pets` replaced by `dogs`, `birds`, `reptiles` and
// `fish` (no model class maps to them; pets' classes go to `other`). The
// market confirms mostly animals first: views (crops, flips, rescales) of the
// shared golden retriever photo as dogs and of one marketplace fish tank as
// fish, plus a few listings of a handful of mapped categories (views of four
// shared photos, three marketplace photos each of five categories). Then
// `model train --activate`, and photos it never trained on:
//  - mapped categories: the other shared photos (three views each) and the
//    marketplace's held-out photos (every fourth by name) keep the mapping's
//    accuracy, within 2 points;
//  - learned-only categories: other views of the dog photo and the other
//    marketplace fish tank (a distinct photo) are named at least 90 % of the time.
// No second dog, bird or reptile photo exists in the shared data: the dog test
// views are distinct crops of the same photograph, which is said here and in
// the documentation.

#include "classifier.h"
#include "csv.h"
#include "fixtures.h"
#include "head_follower.h"
#include "head_store.h"
#include "head_trainer.h"
#include "market_training.h"
#include "prediction_store.h"
#include "stored_listings.h"
#include "validation_outcome.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <random>

using namespace listinglens;

namespace {

struct Photo {
    QString path;
    QString category; // the truth
};

const QStringList kLearnedOnly = {QStringLiteral("dogs"), QStringLiteral("birds"), QStringLiteral("reptiles"), QStringLiteral("fish")};
const char *kTrainingFishTank = "photos/734ba2e9-0f0d-4e18-9ffa-c99303ce042c.jpg";
const char *kTestFishTank = "photos/6908e7e0-b586-4450-aa1b-1b0487699b0b.jpg";

// A view of a photo: a crop of `scale` of each side at (fx, fy) of the room
// left, optionally mirrored, rescaled so that its longer side is `side` px.
cv::Mat view(const cv::Mat &image, double scale, double fx, double fy, bool flip, int side)
{
    const int w = std::max(16, int(image.cols * scale)), h = std::max(16, int(image.rows * scale));
    const cv::Rect r(int((image.cols - w) * fx), int((image.rows - h) * fy), w, h);
    cv::Mat out = image(r).clone();
    if (flip)
        cv::flip(out, out, 1);
    const double f = double(side) / std::max(out.cols, out.rows);
    cv::resize(out, out, cv::Size(), f, f, f < 1 ? cv::INTER_AREA : cv::INTER_CUBIC);
    return out;
}

} // namespace

class TestColdStart : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_taxonomy;
    std::unique_ptr<Classifier> m_classifier;
    std::vector<Photo> m_training, m_mappedTest, m_marketTest, m_learnedTest;

    static QString shared(const QString &rel) { return test::sharedDir() + QStringLiteral("/testdata/") + rel; }

    // `count` training views (crops of 60-95 %, mirrored or not, 300-520 px) or,
    // for testing, views made with another random stream and other sizes.
    QStringList views(const QString &source, const QString &name, int count, std::uint32_t seed, bool forTest)
    {
        const cv::Mat image = cv::imread(source.toStdString(), cv::IMREAD_COLOR);
        if (image.empty())
            return {};
        std::mt19937 random(seed);
        std::uniform_real_distribution<double> unit(0.0, 1.0);
        QStringList paths;
        for (int i = 0; i < count; ++i) {
            const double scale = forTest ? 0.97 - 0.04 * (i % 5) : 0.60 + 0.35 * unit(random);
            const cv::Mat v = view(image, scale, unit(random), unit(random), (i % 2) == 1, forTest ? 256 + 37 * i : 300 + int(220 * unit(random)));
            const QString path = m_dir.filePath(QStringLiteral("%1-%2-%3.jpg").arg(name, forTest ? QStringLiteral("test") : QStringLiteral("train")).arg(i));
            if (!cv::imwrite(path.toStdString(), v, {cv::IMWRITE_JPEG_QUALITY, 92}))
                return {};
            paths << path;
        }
        return paths;
    }

    // The default taxonomy, pets replaced by four categories no model class maps to.
    QString animalTaxonomy()
    {
        QFile f(QStringLiteral(LISTINGLENS_SOURCE_DIR "/resources/taxonomy.json"));
        if (!f.open(QIODevice::ReadOnly))
            return {};
        QJsonObject root = QJsonDocument::fromJson(f.readAll()).object();
        QJsonArray in = root.value(QStringLiteral("categories")).toArray(), out;
        QJsonObject petClasses;
        for (const QJsonValue &v : in) {
            QJsonObject c = v.toObject();
            if (c.value(QStringLiteral("id")).toString() != QLatin1String("pets")) {
                out.append(c);
                continue;
            }
            petClasses = c.value(QStringLiteral("imagenet")).toObject();
            c.remove(QStringLiteral("imagenet"));
            for (const QString &id : kLearnedOnly) {
                QJsonObject animal = c;
                animal.insert(QStringLiteral("id"), id);
                animal.insert(QStringLiteral("name"), id.left(1).toUpper() + id.mid(1));
                animal.insert(QStringLiteral("noun"), id.chopped(1));
                out.append(animal);
            }
        }
        for (qsizetype i = 0; i < out.size(); ++i) {
            QJsonObject c = out[i].toObject();
            if (c.value(QStringLiteral("id")).toString() == QLatin1String("other")) {
                QJsonObject classes = c.value(QStringLiteral("imagenet")).toObject();
                for (auto it = petClasses.begin(); it != petClasses.end(); ++it)
                    classes.insert(it.key(), it.value());
                c.insert(QStringLiteral("imagenet"), classes);
                out[i] = c;
            }
        }
        root.insert(QStringLiteral("categories"), out);
        const QString path = m_dir.filePath(QStringLiteral("animals.json"));
        return test::writeFile(path, QJsonDocument(root).toJson()) ? path : QString();
    }

    std::vector<PhotoResult> classifyAll(Classifier &classifier, const std::vector<Photo> &items)
    {
        QStringList paths;
        for (const Photo &item : items)
            paths << item.path;
        return test::classifyFiles(classifier, paths);
    }

    static double top1(const std::vector<Photo> &photos, const std::vector<PhotoResult> &results)
    {
        int hits = 0;
        for (std::size_t i = 0; i < photos.size(); ++i)
            hits += results[i].category.id == photos[i].category;
        return photos.empty() ? 0 : double(hits) / double(photos.size());
    }

    // The market's first confirmed listings, stored as `listinglens import` does.
    std::shared_ptr<PredictionStore> confirmedMarket(const QString &name)
    {
        auto store = PredictionStore::open(QStringLiteral("sqlite:") + m_dir.filePath(name), true);
        if (!store)
            return nullptr;
        const std::vector<PhotoResult> results = classifyAll(*m_classifier, m_training);
        if (results.size() != m_training.size())
            return nullptr;
        for (std::size_t i = 0; i < m_training.size(); ++i) {
            auto id = recordOutcome(*store.value(), nullptr, QStringLiteral("import"), m_training[i].path, results[i]);
            const FeedbackRecord f{QStringLiteral("import"), m_training[i].category != results[i].category.id, m_training[i].category,
                                   50, QStringLiteral("GBP"), QString(), QString(), 0};
            if (!id || !store.value()->addFeedback(id.value(), f))
                return nullptr;
        }
        return store.value();
    }

    void addMarketplace(const QString &category, int count, std::vector<Photo> &into, bool testSplit, const QStringList &skip = {})
    {
        QFile csv(shared(QStringLiteral("marketplace/listings.csv")));
        QVERIFY(csv.open(QIODevice::ReadOnly));
        QStringList names;
        QHash<QString, QString> categoryOf;
        readCsv(csv, [&](int line, const QStringList &f) {
            if (line > 1 && f.size() >= 2) {
                names << f[0];
                categoryOf.insert(f[0], f[1]);
            }
        });
        names.sort();
        int added = 0;
        for (int i = 0; i < names.size() && (count < 0 || added < count); ++i) {
            const bool isTest = i % 4 == 3;
            const QString c = categoryOf.value(names[i]);
            if (isTest != testSplit || (!category.isEmpty() && c != category) || skip.contains(c) || c == QLatin1String("pets"))
                continue;
            into.push_back({shared(QStringLiteral("marketplace/") + names[i]), c});
            ++added;
        }
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_taxonomy = animalTaxonomy();
        QVERIFY(!m_taxonomy.isEmpty());
        ClassifierOptions o;
        o.modelDir = test::modelDir();
        o.taxonomyPath = m_taxonomy;
        o.engine.warmUp = false;
        auto classifier = Classifier::create(o);
        QVERIFY2(classifier.ok(), qPrintable(classifier.ok() ? QString() : classifier.error().message));
        m_classifier = std::move(classifier).value();
        const Taxonomy &taxonomy = m_classifier->taxonomy();

        // Training: mostly animals.
        for (const QString &p : views(shared(QStringLiteral("photos/golden_retriever.jpg")), QStringLiteral("dog"), 60, 1, false))
            m_training.push_back({p, QStringLiteral("dogs")});
        for (const QString &p : views(shared(QStringLiteral("marketplace/")) + QLatin1String(kTrainingFishTank), QStringLiteral("fish"), 40, 2, false))
            m_training.push_back({p, QStringLiteral("fish")});
        QCOMPARE(int(m_training.size()), 100);
        // A few of a handful of mapped categories.
        QFile labels(shared(QStringLiteral("photos/LABELS.csv")));
        QVERIFY(labels.open(QIODevice::ReadOnly));
        const QStringList trainedPhotos = {QStringLiteral("laptop.jpg"), QStringLiteral("acoustic_guitar.jpg"), QStringLiteral("mountain_bike.jpg"),
                                           QStringLiteral("refrigerator.jpg")};
        std::uint32_t seed = 10;
        readCsv(labels, [&](int line, const QStringList &f) {
            if (line == 1 || f.size() < 2)
                return;
            const QString category = taxonomy.categories()[std::size_t(taxonomy.categoryOfClass(f[1].toInt()))].id;
            const QString path = shared(QStringLiteral("photos/") + f[0]);
            if (trainedPhotos.contains(f[0])) {
                for (const QString &p : views(path, f[0].chopped(4), 6, seed++, false))
                    m_training.push_back({p, category});
            } else if (f[0] != QLatin1String("golden_retriever.jpg") && category != QLatin1String("other")) {
                // Mapped classes it never trains on: three views each.
                for (const QString &p : views(path, f[0].chopped(4), 3, seed++, true))
                    m_mappedTest.push_back({p, category});
            }
        });
        for (const char *c : {"phones", "furniture", "tools", "clothing", "kids-toys"})
            addMarketplace(QLatin1String(c), 3, m_training, false);
        QCOMPARE(int(m_training.size()), 100 + 24 + 15);
        // Held-out marketplace photos of mapped categories (not `other`, a catch-all).
        addMarketplace({}, -1, m_marketTest, true, {QStringLiteral("other")});
        // Learned-only categories: other views of the dog, another fish tank.
        for (const QString &p : views(shared(QStringLiteral("photos/golden_retriever.jpg")), QStringLiteral("dog"), 10, 99, true))
            m_learnedTest.push_back({p, QStringLiteral("dogs")});
        for (const QString &p : views(shared(QStringLiteral("marketplace/")) + QLatin1String(kTestFishTank), QStringLiteral("fish-other"), 5, 98, true))
            m_learnedTest.push_back({p, QStringLiteral("fish")});
        QVERIFY(m_mappedTest.size() >= 45);
        QVERIFY(m_marketTest.size() >= 450);
    }

    void coldStart_keepsTheMappingWhereTheHeadHasNotLearned()
    {
        auto store = confirmedMarket(QStringLiteral("cold.sqlite"));
        QVERIFY(store);
        const std::vector<PhotoResult> mappedBefore = classifyAll(*m_classifier, m_mappedTest);
        const std::vector<PhotoResult> marketBefore = classifyAll(*m_classifier, m_marketTest);
        const std::vector<PhotoResult> learnedBefore = classifyAll(*m_classifier, m_learnedTest);
        QCOMPARE(mappedBefore.size(), m_mappedTest.size());

        MarketTraining request;
        request.activate = true;
        auto outcome = trainMarketHead(*store, *m_classifier, request);
        QVERIFY2(outcome.ok(), qPrintable(outcome.ok() ? QString() : outcome.error().message));
        const QJsonObject fit = outcome.value().report.value(QStringLiteral("fit")).toObject();
        qInfo("cold start: %d confirmed; validation %s; gate %s", int(m_training.size()),
              QJsonDocument(outcome.value().report.value(QStringLiteral("validation")).toObject()).toJson(QJsonDocument::Compact).constData(),
              QJsonDocument(fit.value(QStringLiteral("gate")).toObject()).toJson(QJsonDocument::Compact).constData());
        QVERIFY2(outcome.value().activated, qPrintable(outcome.value().refusal));

        auto classifier = Classifier::create([&] {
            ClassifierOptions o;
            o.modelDir = test::modelDir();
            o.taxonomyPath = m_taxonomy;
            o.engine.warmUp = false;
            return o;
        }()).value();
        HeadFollower(*store, *classifier).refresh();
        QCOMPARE(classifier->headVersion(), outcome.value().version);
        // As the product classifies: the confirmed listings at hand (139, 100 of them animals:
        // banjos' closest are dogs and fish). 28 validation listings are too few to choose the
        // neighbours' votes on (HeadTrainer::kMinValidationForVotes), so the head asks for none.
        classifier->setListingIndex(loadListingIndex(*store, classifier->engineInfo().embeddingDim, 200'000, classifier->manifest().version).value());
        qInfo("neighbours: %s", QJsonDocument(fit.value(QStringLiteral("neighbours")).toObject()).toJson(QJsonDocument::Compact).constData());
        QVERIFY(!classifier->head()->usesNeighbours());
        const std::vector<PhotoResult> mappedAfter = classifyAll(*classifier, m_mappedTest);
        const std::vector<PhotoResult> marketAfter = classifyAll(*classifier, m_marketTest);
        const std::vector<PhotoResult> learnedAfter = classifyAll(*classifier, m_learnedTest);
        const double mapped0 = top1(m_mappedTest, mappedBefore), mapped1 = top1(m_mappedTest, mappedAfter);
        const double market0 = top1(m_marketTest, marketBefore), market1 = top1(m_marketTest, marketAfter);
        const double learned0 = top1(m_learnedTest, learnedBefore), learned1 = top1(m_learnedTest, learnedAfter);
        qInfo("shared photos of mapped classes it never trained on (%d): mapping %.3f, head %.3f", int(m_mappedTest.size()), mapped0, mapped1);
        qInfo("held-out marketplace photos of mapped categories (%d): mapping %.3f, head %.3f", int(m_marketTest.size()), market0, market1);
        qInfo("learned-only categories (%d views): mapping %.3f, head %.3f", int(m_learnedTest.size()), learned0, learned1);
        QVERIFY2(mapped1 >= mapped0 - 0.02, qPrintable(QStringLiteral("%1 against %2").arg(mapped1).arg(mapped0)));
        QVERIFY2(market1 >= market0 - 0.02, qPrintable(QStringLiteral("%1 against %2").arg(market1).arg(market0)));
        QVERIFY(mapped0 >= 0.7); // what there is to keep
        QCOMPARE(learned0, 0.0); // no model class maps to them
        // Measured: 15 of 15. The distinct fish-tank photo is as unlike the training fish
        // tank (cosine 0.62-0.66) as the most alike 1-5 % of the mapped photos are, so the
        // gate gives it only a third of the answer; with the temperature fitted with the
        // gate in place, that third is confident enough to name it.
        QVERIFY2(learned1 >= 0.90, qPrintable(QString::number(learned1)));

        // What the gate buys: the same market without it calls mapped photos animals.
        TrainingOptions ungated;
        ungated.gate = false;
        ungated.modelName = classifier->manifest().name;
        ungated.modelVersion = classifier->manifest().version;
        QStringList notes;
        auto examples = confirmedExamples(*store, *classifier, notes);
        QVERIFY(examples.ok());
        auto plain = HeadTrainer::train(examples.value(), classifier->taxonomy(), nullptr, ungated);
        QVERIFY(plain.ok());
        QVERIFY(classifier->setHead(std::make_shared<const CategoryHead>(plain.value().head)).ok());
        const double mappedPlain = top1(m_mappedTest, classifyAll(*classifier, m_mappedTest));
        const double marketPlain = top1(m_marketTest, classifyAll(*classifier, m_marketTest));
        qInfo("without the gate: shared photos %.3f, marketplace %.3f", mappedPlain, marketPlain);
    }

    void headDocument_gate_data()
    {
        QTest::addColumn<QByteArray>("gate");
        QTest::addColumn<bool>("usable");
        // Anchors: base64 of little-endian float32; AACAPwAAAAA= is (1, 0).
        QTest::newRow("format 1, no gate") << QByteArray() << true;
        QTest::newRow("one anchor") << QByteArray("\"anchors\":\"AACAPwAAAAA=\",\"support\":{\"none\":0.2,\"full\":0.5},") << true;
        QTest::newRow("half an anchor") << QByteArray("\"anchors\":\"AACAPw==\",\"support\":{\"none\":0.2,\"full\":0.5},") << false;
        QTest::newRow("thresholds reversed") << QByteArray("\"anchors\":\"AACAPwAAAAA=\",\"support\":{\"none\":0.5,\"full\":0.2},") << false;
        QTest::newRow("threshold past 1") << QByteArray("\"anchors\":\"AACAPwAAAAA=\",\"support\":{\"none\":0.2,\"full\":7},") << false;
        QTest::newRow("not a number") << QByteArray("\"anchors\":\"AADAfwAAAAA=\",\"support\":{\"none\":0.2,\"full\":0.5},") << false;
    }

    void headDocument_gate()
    {
        QFETCH(QByteArray, gate);
        QFETCH(bool, usable);
        const QByteArray format = gate.isEmpty() ? "listinglens-head/1" : "listinglens-head/2";
        const QByteArray json = "{\"format\":\"" + format + "\",\"categories\":[\"a\",\"b\"],\"dimension\":2," + gate
                                + "\"bias\":[0,0],\"weight\":\"AACAPwAAAAAAAAAAAACAPw==\"}";
        auto head = CategoryHead::fromJson(json);
        QCOMPARE(head.ok(), usable);
        if (!usable) {
            QVERIFY2(head.error().message.contains(QStringLiteral("category head:")), qPrintable(head.error().message));
            return;
        }
        // Like the anchor: the head's answer; opposite to it: the mapping's exactly.
        const float like[2] = {1, 0}, unlike[2] = {0, 1};
        const std::vector<double> builtin = {0.1, 0.9};
        QVERIFY(head.value().probabilities(like, builtin)[0] > 0.6);
        QCOMPARE(head.value().probabilities(unlike, builtin), gate.isEmpty() ? head.value().probabilities(unlike, builtin) : builtin);
    }

    void judge_refusesAHeadThatLosesWhereTheMappingKnows()
    {
        const Taxonomy &taxonomy = m_classifier->taxonomy();
        const int dogs = taxonomy.indexOf(QStringLiteral("dogs")), music = taxonomy.indexOf(QStringLiteral("music")),
                  phones = taxonomy.indexOf(QStringLiteral("phones"));
        QVERIFY(!mappedCategories(taxonomy)[std::size_t(dogs)]);
        QVERIFY(mappedCategories(taxonomy)[std::size_t(music)]);
        // Right on 40 dogs (the mapping on none), wrong on 8 of 10 music and phones the mapping gets.
        ValidationOutcome o;
        for (int i = 0; i < 40; ++i) {
            o.truth.push_back(dogs);
            o.head.push_back(dogs);
            o.builtin.push_back(music);
        }
        for (int i = 0; i < 10; ++i) {
            const int c = i % 2 ? music : phones;
            o.truth.push_back(c);
            o.head.push_back(i < 8 ? dogs : c);
            o.builtin.push_back(c);
        }
        const MappedVerdict loses = judgeMappedCategories(taxonomy, o);
        QVERIFY(loses.loses);
        QVERIFY2(loses.words.contains(QStringLiteral("right on 2 of 10")) && loses.words.contains(QStringLiteral("the mapping alone on 10")),
                 qPrintable(loses.words));
        // Better where the mapping knows, or a loss within noise: not refused.
        for (std::size_t i = 40; i < 50; ++i)
            o.head[i] = i < 42 ? dogs : o.truth[i];
        const MappedVerdict noise = judgeMappedCategories(taxonomy, o);
        QVERIFY2(!noise.loses, qPrintable(noise.words));
        QVERIFY(signTestP(5, 5) < 0.05 && signTestP(2, 2) > 0.2);
    }
};

QTEST_GUILESS_MAIN(TestColdStart)
#include "tst_cold_start.moc"
