// Learning the market on real second-hand listing photos (../shared/testdata/marketplace):
// a head trained on 1,500 confirmed listings, measured on the other 500, which
// it never saw (photos sorted by name: every fourth is held out).

#include "classifier.h"
#include "fixtures.h"
#include "marketplace_split.h"
#include "head_follower.h"
#include "head_store.h"
#include "head_trainer.h"
#include "listing_index.h"
#include "market_training.h"
#include "neighbour_votes.h"
#include "prediction_store.h"
#include "stored_listings.h"
#include "validation_outcome.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <cmath>
#include <numeric>

using namespace listinglens;

namespace {

using test::Listing;
using test::Scores;
using test::scoresOf;

} // namespace

class TestLearning : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    std::vector<Listing> m_train, m_test;
    std::unique_ptr<Classifier> m_classifier;
    std::vector<PhotoResult> m_trainResults, m_testResults; // the built-in mapping's

    static ClassifierOptions options(const QString &taxonomy = {})
    {
        ClassifierOptions o;
        o.modelDir = test::modelDir();
        o.taxonomyPath = taxonomy;
        o.engine.warmUp = false;
        return o;
    }

    static test::CliRun runCli(const QStringList &args) { return test::runCli(args, 300'000); }

    // Training listing i stored and confirmed in `category` at `price`, as `listinglens import` does; false on failure.
    bool confirm(PredictionStore &store, std::size_t i, const QString &category, double price)
    {
        return test::confirmListing(store, m_train[i], m_trainResults[i], category, price);
    }

    // A database of the 1,500 training listings, confirmed as they were listed.
    std::shared_ptr<PredictionStore> seeded(const QString &url)
    {
        auto store = PredictionStore::open(url, true);
        if (!store)
            return nullptr;
        for (std::size_t i = 0; i < m_train.size(); ++i)
            if (!confirm(*store.value(), i, m_train[i].category, m_train[i].price))
                return nullptr;
        return store.value();
    }

    // Result i of the 2,000 listings in name order (the split's order: every fourth is the test side's).
    const PhotoResult &resultOf(std::size_t i) const { return i % 4 == 3 ? m_testResults[i / 4] : m_trainResults[i / 4 * 3 + i % 4]; }
    const Listing &listingOf(std::size_t i) const { return i % 4 == 3 ? m_test[i / 4] : m_train[i / 4 * 3 + i % 4]; }

    TrainingExample exampleOf(std::size_t i) const
    {
        const PhotoResult &r = resultOf(i);
        TrainingExample e;
        e.id = qint64(i) + 1;
        e.category = m_classifier->taxonomy().indexOf(listingOf(i).category);
        e.price = listingOf(i).price;
        e.phash = r.quality.phash;
        e.embedding = r.embedding;
        e.builtin = m_classifier->builtinProbabilities(r.embedding.data(), r.embeddingNorm);
        return e;
    }

    // What a classifier with `head` and a listing index of the `trained`
    // listings (confirmed) answers for listing i: the top three and the confidence.
    struct Answer {
        std::vector<int> top;
        double confidence = 0;
    };
    Answer answerOf(const CategoryHead &head, const ListingIndex &index, std::size_t i) const
    {
        const PhotoResult &r = resultOf(i);
        std::vector<double> votes;
        if (head.usesNeighbours()) {
            std::vector<NeighbourVote> near;
            for (const ListingIndex::Match &m : index.nearest(r.embedding, head.neighbourK, {}, true))
                near.push_back({m_classifier->taxonomy().indexOf(m.entry.categoryId), m.similarity});
            votes = neighbourVotes(near, head.categories(), head.neighbourPower);
        }
        const std::vector<double> p = head.probabilities(r.embedding.data(), m_classifier->builtinProbabilities(r.embedding.data(), r.embeddingNorm), votes);
        Answer a;
        std::vector<int> order(p.size());
        std::iota(order.begin(), order.end(), 0);
        std::stable_sort(order.begin(), order.end(), [&](int x, int y) { return p[std::size_t(x)] > p[std::size_t(y)]; });
        a.top.assign(order.begin(), order.begin() + 3);
        a.confidence = p[std::size_t(order.front())];
        return a;
    }

    QString sqliteUrl(const QString &name) const { return QStringLiteral("sqlite:") + m_dir.filePath(name); }

    // The built-in taxonomy with `learnedOnly` mapped from no model class (its
    // classes go to "other"): a category a market defines that ImageNet lacks.
    QString taxonomyWithout(const QString &learnedOnly)
    {
        QFile f(QStringLiteral(LISTINGLENS_SOURCE_DIR "/resources/taxonomy.json"));
        if (!f.open(QIODevice::ReadOnly))
            return {};
        QJsonObject root = QJsonDocument::fromJson(f.readAll()).object();
        QJsonArray categories = root.value(QStringLiteral("categories")).toArray();
        QJsonObject moved;
        for (qsizetype i = 0; i < categories.size(); ++i) {
            QJsonObject c = categories[i].toObject();
            if (c.value(QStringLiteral("id")).toString() == learnedOnly) {
                moved = c.value(QStringLiteral("imagenet")).toObject();
                c.remove(QStringLiteral("imagenet"));
                categories[i] = c;
            }
        }
        for (qsizetype i = 0; i < categories.size(); ++i) {
            QJsonObject c = categories[i].toObject();
            if (c.value(QStringLiteral("id")).toString() == QLatin1String("other")) {
                QJsonObject classes = c.value(QStringLiteral("imagenet")).toObject();
                for (auto it = moved.begin(); it != moved.end(); ++it)
                    classes.insert(it.key(), it.value());
                c.insert(QStringLiteral("imagenet"), classes);
                categories[i] = c;
            }
        }
        root.insert(QStringLiteral("categories"), categories);
        const QString path = m_dir.filePath(QStringLiteral("taxonomy-without-%1.json").arg(learnedOnly));
        return test::writeFile(path, QJsonDocument(root).toJson()) ? path : QString();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        test::MarketplaceSplit split = test::marketplaceSplit();
        QVERIFY2(split.error.isEmpty(), qPrintable(split.error));
        m_train = std::move(split.train);
        m_test = std::move(split.test);
        auto classifier = Classifier::create(options());
        QVERIFY2(classifier.ok(), qPrintable(classifier.ok() ? QString() : classifier.error().message));
        m_classifier = std::move(classifier).value();
        m_trainResults = test::classifyListings(*m_classifier, m_train);
        m_testResults = test::classifyListings(*m_classifier, m_test);
        QCOMPARE(m_trainResults.size(), m_train.size());
        QCOMPARE(m_testResults.size(), m_test.size());
    }

    void builtInMapping_isCalibratedOnListingPhotosItNeverSaw()
    {
        // The taxonomy's temperature was fitted on the training side only (resources/taxonomy.json).
        const Scores calibrated = scoresOf(m_test, m_testResults);
        qInfo("built-in mapping on %d held-out listing photos: top-1 %.3f, top-3 %.3f, ECE %.3f", calibrated.n, calibrated.top1,
              calibrated.top3, calibrated.ece);
        QVERIFY2(calibrated.ece <= 0.10, qPrintable(QString::number(calibrated.ece)));
        // A temperature does not reorder categories: top-1 is what the uncalibrated mass gives.
        const Taxonomy &taxonomy = m_classifier->taxonomy();
        std::vector<double> confidence;
        std::vector<bool> correct;
        int sameTop = 0;
        for (std::size_t i = 0; i < m_test.size(); ++i) {
            const PhotoResult &r = m_testResults[i];
            std::vector<double> mass = m_classifier->builtinProbabilities(r.embedding.data(), r.embeddingNorm);
            // Undo the calibration: back to the summed class probabilities.
            double sum = 0;
            for (double &m : mass)
                sum += (m = std::pow(m, taxonomy.temperature()));
            const auto top = std::max_element(mass.begin(), mass.end());
            sameTop += taxonomy.categories()[std::size_t(top - mass.begin())].id == r.category.id;
            confidence.push_back(*top / sum);
            correct.push_back(taxonomy.categories()[std::size_t(top - mass.begin())].id == m_test[i].category);
        }
        QCOMPARE(sameTop, int(m_test.size()));
        const double uncalibrated = HeadTrainer::expectedCalibrationError(confidence, correct);
        qInfo("uncalibrated ECE %.3f", uncalibrated);
        QVERIFY(uncalibrated > 0.2); // what calibration fixed
    }

    void head_learnsTheMarketAndBeatsTheBuiltInMapping()
    {
        auto store = seeded(sqliteUrl(QStringLiteral("market.sqlite")));
        QVERIFY(store);
        MarketTraining request;
        request.activate = true;
        auto outcome = trainMarketHead(*store, *m_classifier, request);
        QVERIFY2(outcome.ok(), qPrintable(outcome.ok() ? QString() : outcome.error().message));
        QVERIFY(outcome.value().activated);
        qInfo("trained in %.1f s: %s", outcome.value().trained.seconds,
              QJsonDocument(outcome.value().report.value(QStringLiteral("validation")).toObject()).toJson(QJsonDocument::Compact).constData());

        // Every photo of the held-out 500, classified again with the stored, active head.
        auto classifier = Classifier::create(options()).value();
        HeadFollower(*store, *classifier).refresh();
        QCOMPARE(classifier->headVersion(), outcome.value().version);
        // The confirmed listings, whose votes the head mixes in, as every entry point loads them.
        QVERIFY(classifier->head()->usesNeighbours());
        classifier->setListingIndex(loadListingIndex(*store, classifier->engineInfo().embeddingDim, 200'000, classifier->manifest().version).value());
        qInfo("neighbours: %s", QJsonDocument(outcome.value().report.value(QStringLiteral("fit")).toObject().value(QStringLiteral("neighbours")).toObject())
                                    .toJson(QJsonDocument::Compact).constData());
        const std::vector<PhotoResult> withHead = test::classifyListings(*classifier, m_test);
        QCOMPARE(withHead.size(), m_test.size());
        QCOMPARE(withHead.front().model.head, outcome.value().version);
        const Scores builtin = scoresOf(m_test, m_testResults), head = scoresOf(m_test, withHead);
        qInfo("held-out %d: built-in top-1 %.3f top-3 %.3f ECE %.3f | head top-1 %.3f top-3 %.3f ECE %.3f", head.n, builtin.top1,
              builtin.top3, builtin.ece, head.top1, head.top3, head.ece);
        // Measured (AMD EPYC, 2 vCPUs), the neighbours voting: built-in 0.354 / 0.596; head 0.554 / 0.756, ECE 0.063.
        QVERIFY2(head.top1 >= 0.50, qPrintable(QString::number(head.top1)));
        QVERIFY2(head.top3 >= 0.72, qPrintable(QString::number(head.top3)));
        QVERIFY2(head.ece <= 0.08, qPrintable(QString::number(head.ece)));
        QVERIFY(head.top1 >= builtin.top1 + 0.12);
        QVERIFY(head.top3 >= builtin.top3 + 0.10);

        // Honest confidence is what "needs review" rests on: unsure results are wrong more often.
        int unsure = 0, unsureRight = 0, sure = 0, sureRight = 0;
        for (std::size_t i = 0; i < m_test.size(); ++i) {
            const bool right = withHead[i].category.id == m_test[i].category;
            if (withHead[i].review.reasons.contains(QStringLiteral("unsure_category")))
                ++unsure, unsureRight += right;
            else
                ++sure, sureRight += right;
        }
        QVERIFY(unsure > 0 && sure > 0);
        QVERIFY(double(sureRight) / sure > double(unsureRight) / unsure + 0.2);
    }

    void head_learnsCategoriesNoModelClassMapsTo()
    {
        const QString taxonomy = taxonomyWithout(QStringLiteral("bicycles"));
        QVERIFY(!taxonomy.isEmpty());
        auto classifier = Classifier::create(options(taxonomy)).value();
        auto store = seeded(sqliteUrl(QStringLiteral("learned-only.sqlite")));
        QVERIFY(store);
        MarketTraining request;
        request.activate = true;
        auto outcome = trainMarketHead(*store, *classifier, request);
        QVERIFY2(outcome.ok(), qPrintable(outcome.ok() ? QString() : outcome.error().message));
        QVERIFY(outcome.value().trained.head.learned(classifier->taxonomy().indexOf(QStringLiteral("bicycles"))));

        int bicycles = 0, builtinSays = 0, headSays = 0;
        std::vector<Listing> only;
        for (const Listing &l : m_test)
            if (l.category == QLatin1String("bicycles"))
                only.push_back(l);
        const std::vector<PhotoResult> before = test::classifyListings(*classifier, only);
        HeadFollower(*store, *classifier).refresh();
        const std::vector<PhotoResult> after = test::classifyListings(*classifier, only);
        for (std::size_t i = 0; i < only.size(); ++i) {
            ++bicycles;
            builtinSays += before[i].category.id == QLatin1String("bicycles");
            headSays += after[i].category.id == QLatin1String("bicycles");
        }
        qInfo("held-out bicycles: %d; the mapping alone names %d, the head %d", bicycles, builtinSays, headSays);
        QVERIFY(bicycles >= 8);
        QCOMPARE(builtinSays, 0); // no model class maps to it
        QVERIFY(headSays * 3 >= bicycles);
    }

    void neighbours_liftTopThreeAndFoldsShowCalibration()
    {
        // Four folds of the 2,000 listings in name order (fold 3 is the held-out 500 the other
        // tests use): a head trained on the other three folds, with and without the neighbours'
        // votes (chosen on its own validation split), answers each listing of its fold, its
        // neighbours found among the three folds' listings as the product finds them in the
        // listing index. 2,000 answers, none by a head or index that saw the listing, measure
        // calibration below what 500 can show.
        const Taxonomy &taxonomy = m_classifier->taxonomy();
        const int dim = m_classifier->engineInfo().embeddingDim;
        struct Pooled {
            std::vector<double> confidence;
            std::vector<bool> correct;
            int top3 = 0;
            int n() const { return int(correct.size()); }
            double top1() const { return double(std::count(correct.begin(), correct.end(), true)) / n(); }
        };
        Pooled without, with, heldOutWithout, heldOutWith;
        for (int fold = 0; fold < 4; ++fold) {
            std::vector<TrainingExample> examples;
            ListingIndex index(dim);
            for (std::size_t i = 0; i < 2000; ++i) {
                if (int(i % 4) == fold)
                    continue;
                examples.push_back(exampleOf(i));
                const TrainingExample &e = examples.back();
                index.add({e.id, listingOf(i).category, true, e.price, e.phash, {}, {}}, e.embedding);
            }
            TrainingOptions options;
            options.modelName = m_classifier->manifest().name;
            options.modelVersion = m_classifier->manifest().version;
            options.neighbours = false;
            auto plain = HeadTrainer::train(examples, taxonomy, nullptr, options);
            options.neighbours = true;
            auto voted = HeadTrainer::train(examples, taxonomy, nullptr, options);
            QVERIFY(plain.ok() && voted.ok());
            QVERIFY(!plain.value().head.usesNeighbours());
            const CategoryHead &h = voted.value().head;
            qInfo("fold %d: neighbours k %d, power %.0f, share %.2f, built-in share %.2f, temperature %.2f; validation top-1 %.3f top-3 %.3f "
                  "(without: %.3f %.3f)", fold, h.neighbourK, h.neighbourPower, h.neighbourShare, h.builtinShare, h.temperature,
                  voted.value().validation.top1, voted.value().validation.top3, plain.value().validation.top1, plain.value().validation.top3);
            for (std::size_t i = std::size_t(fold); i < 2000; i += 4) {
                const int truth = taxonomy.indexOf(listingOf(i).category);
                for (auto [head, pooled, heldOut] : {std::tuple{&plain.value().head, &without, &heldOutWithout},
                                                     std::tuple{&voted.value().head, &with, &heldOutWith}}) {
                    const Answer a = answerOf(*head, index, i);
                    for (Pooled *p : fold == 3 ? std::vector<Pooled *>{pooled, heldOut} : std::vector<Pooled *>{pooled}) {
                        p->confidence.push_back(a.confidence);
                        p->correct.push_back(a.top.front() == truth);
                        p->top3 += std::find(a.top.begin(), a.top.end(), truth) != a.top.end();
                    }
                }
            }
        }
        const auto line = [](const char *what, const Pooled &p) {
            qInfo("%s (%d): top-1 %.3f, top-3 %.3f, ECE %.3f, mean confidence %.3f", what, p.n(), p.top1(), double(p.top3) / p.n(),
                  HeadTrainer::expectedCalibrationError(p.confidence, p.correct),
                  std::accumulate(p.confidence.begin(), p.confidence.end(), 0.0) / p.n());
        };
        int onlyWith = 0, onlyWithout = 0;
        for (int i = 0; i < with.n(); ++i) {
            onlyWith += with.correct[std::size_t(i)] && !without.correct[std::size_t(i)];
            onlyWithout += without.correct[std::size_t(i)] && !with.correct[std::size_t(i)];
        }
        qInfo("pooled: right only with the neighbours %d, only without %d", onlyWith, onlyWithout);
        line("4 folds pooled, head without neighbours", without);
        line("4 folds pooled, head with neighbours", with);
        line("held-out 500, head without neighbours", heldOutWithout);
        line("held-out 500, head with neighbours", heldOutWith);
        // Measured (AMD EPYC, 2 vCPUs): pooled without 0.526 / 0.772 / ECE 0.028, with 0.543 / 0.776 / ECE 0.029;
        // right only with the neighbours 109, only without 74 (p about 0.006).
        QVERIFY2(with.top1() >= without.top1() + 0.01, qPrintable(QStringLiteral("%1 against %2").arg(with.top1()).arg(without.top1())));
        QVERIFY2(signTestP(onlyWith, onlyWith + onlyWithout) < 0.05, qPrintable(QStringLiteral("%1 against %2").arg(onlyWith).arg(onlyWithout)));
        QVERIFY(with.top3 + 10 >= without.top3); // top-3 no worse than within half a point
        for (const Pooled *p : {&without, &with}) {
            const double ece = HeadTrainer::expectedCalibrationError(p->confidence, p->correct);
            QVERIFY2(ece <= 0.045, qPrintable(QString::number(ece)));
        }
    }

    void versions_activateRefuseForceRollbackExport()
    {
        const QString url = sqliteUrl(QStringLiteral("versions.sqlite"));
        QVERIFY(seeded(url));
        test::CliRun r = runCli({QStringLiteral("model"), QStringLiteral("train"), QStringLiteral("--db"), url, QStringLiteral("--activate"), QStringLiteral("--json")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QJsonObject report = QJsonDocument::fromJson(r.out).object();
        for (const char *key : {"version", "examples", "categories", "validation", "activated"})
            QVERIFY2(report.contains(QLatin1String(key)), key);
        const QJsonObject validation = report.value(QStringLiteral("validation")).toObject();
        for (const char *key : {"n", "top1", "top3", "ece", "price_inside_range", "active", "builtin"})
            QVERIFY2(validation.contains(QLatin1String(key)), key);
        QVERIFY(validation.value(QStringLiteral("active")).isNull()); // none was active
        QCOMPARE(validation.value(QStringLiteral("builtin")).toObject().keys(), (QStringList{"ece", "n", "top1", "top3"}));
        const QJsonObject phones = report.value(QStringLiteral("categories")).toObject().value(QStringLiteral("phones")).toObject();
        QVERIFY(phones.value(QStringLiteral("examples")).toInt() > 50 && phones.contains(QStringLiteral("top1")));
        QCOMPARE(report.value(QStringLiteral("version")).toString(), QStringLiteral("h1"));
        QCOMPARE(report.value(QStringLiteral("activated")).toBool(), true);

        // Another split: h1 has trained on most of its validation listings, so
        // it scores better there and the new head is refused, with both figures.
        r = runCli({QStringLiteral("model"), QStringLiteral("train"), QStringLiteral("--db"), url, QStringLiteral("--activate"),
                    QStringLiteral("--seed"), QStringLiteral("2"), QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("not activated: h2 gets") && r.err.contains("the active head h1 gets"), r.err.constData());
        report = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(report.value(QStringLiteral("activated")).toBool(), false);
        QVERIFY(report.value(QStringLiteral("validation")).toObject().value(QStringLiteral("active")).isObject());

        r = runCli({QStringLiteral("model"), QStringLiteral("train"), QStringLiteral("--db"), url, QStringLiteral("--activate"),
                    QStringLiteral("--force"), QStringLiteral("--seed"), QStringLiteral("2")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY2(r.out.contains("h3 is now the active head"), r.out.constData());

        r = runCli({QStringLiteral("model"), QStringLiteral("list"), QStringLiteral("--db"), url, QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 0);
        QJsonArray heads = QJsonDocument::fromJson(r.out).array();
        QCOMPARE(heads.size(), 3);
        QCOMPARE(heads[0].toObject().value(QStringLiteral("version")).toString(), QStringLiteral("h3"));
        QVERIFY(heads[0].toObject().value(QStringLiteral("active")).toBool());

        r = runCli({QStringLiteral("model"), QStringLiteral("rollback"), QStringLiteral("--db"), url});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY2(r.out.contains("h1 is the active head"), r.out.constData());

        // Every classify --db uses the active head, and says which.
        const QString photo = m_test.front().photo;
        r = runCli({QStringLiteral("classify"), QStringLiteral("--json"), QStringLiteral("--db"), url, photo});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject withDb = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(withDb.value(QStringLiteral("model")).toObject().value(QStringLiteral("head")).toString(), QStringLiteral("h1"));

        // Offline: the exported head without a database names the same
        // category; its confidences differ, since without the market's listings
        // it answers without the neighbours' votes (at its unvoted temperature).
        const QString file = m_dir.filePath(QStringLiteral("h1.json"));
        r = runCli({QStringLiteral("model"), QStringLiteral("export"), QStringLiteral("h1"), file, QStringLiteral("--db"), url});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const test::CliRun offline = runCli({QStringLiteral("classify"), QStringLiteral("--json"), QStringLiteral("--head"), file, photo});
        QVERIFY2(offline.exitCode == 0, offline.err.constData());
        const QJsonObject b = QJsonDocument::fromJson(offline.out).object();
        QCOMPARE(b.value(QStringLiteral("model")).toObject().value(QStringLiteral("head")).toString(), QStringLiteral("h1"));
        const auto topOf = [](const QJsonObject &o) {
            return o.value(QStringLiteral("categories")).toArray().first().toObject().value(QStringLiteral("id")).toString();
        };
        QCOMPARE(topOf(b), topOf(withDb));
        QVERIFY(!topOf(b).isEmpty());

        // Refusals: a version that is not there; a head for another taxonomy.
        r = runCli({QStringLiteral("model"), QStringLiteral("activate"), QStringLiteral("h9"), QStringLiteral("--db"), url});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("there is no head h9"), r.err.constData());
        const QString other = taxonomyWithout(QStringLiteral("pets"));
        QFile otherJson(other);
        QVERIFY(otherJson.open(QIODevice::ReadWrite));
        QByteArray text = otherJson.readAll().replace("\"id\": \"pets\"", "\"id\": \"animals\"");
        otherJson.resize(0);
        otherJson.write(text);
        otherJson.close();
        r = runCli({QStringLiteral("model"), QStringLiteral("activate"), QStringLiteral("h1"), QStringLiteral("--db"), url,
                    QStringLiteral("--taxonomy"), other});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("trained for another taxonomy") && r.err.contains("only in the head: pets"), r.err.constData());
        r = runCli({QStringLiteral("classify"), QStringLiteral("--json"), QStringLiteral("--head"), file, QStringLiteral("--taxonomy"), other, photo});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("trained for another taxonomy"), r.err.constData());
        // ... and training with it, on listings confirmed in "pets", is refused too.
        r = runCli({QStringLiteral("model"), QStringLiteral("train"), QStringLiteral("--db"), url, QStringLiteral("--taxonomy"), other});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("the taxonomy does not match the stored categories") && r.err.contains("\"pets\""), r.err.constData());
    }

    void correcting_redescribesPriceAndText()
    {
        // A stored market: correcting to another category gives that category's price and text.
        auto store = seeded(sqliteUrl(QStringLiteral("correct.sqlite")));
        QVERIFY(store);
        auto classifier = Classifier::create(options()).value();
        classifier->setListingIndex(loadListingIndex(*store, classifier->engineInfo().embeddingDim).value());
        const PhotoResult r = test::classify(*classifier, PhotoSource::fromFile(m_test.front().photo)).value();
        const QString other = r.category.id == QLatin1String("furniture") ? QStringLiteral("phones") : QStringLiteral("furniture");
        const PhotoResult redone = classifier->describedAs(r, other).value();
        QCOMPARE(redone.category.id, other);
        const Category *c = classifier->taxonomy().find(other);
        QVERIFY(redone.description.contains(c->name));
        QVERIFY(redone.price.point != r.price.point || redone.price.basis != r.price.basis);
        QVERIFY(redone.hints.contains(c->detailsHint));
        QVERIFY(!classifier->describedAs(r, QStringLiteral("no-such-category")).ok());
    }
};

QTEST_GUILESS_MAIN(TestLearning)
#include "tst_learning.moc"
