// The market's title word model (WordModel, WordTrainer): learned from
// confirmed listings' embeddings and titles, stored inside the head's
// versions (activated, rolled back and followed with it), and a correction of
// the category keeps only the learned words the new category's sellers write.
#include "classifier.h"
#include "fixtures.h"
#include "head_follower.h"
#include "head_store.h"
#include "prediction_store.h"
#include "word_trainer.h"

#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <random>

using namespace listinglens;

namespace {

// A unit vector near axis `axis` (noise of `spread` on every value).
std::vector<float> near(int dim, int axis, double spread, std::mt19937_64 &random)
{
    std::normal_distribution<double> noise(0, spread);
    std::vector<float> v(static_cast<std::size_t>(dim));
    double norm = 0;
    for (int i = 0; i < dim; ++i) {
        v[std::size_t(i)] = float((i == axis ? 1.0 : 0.0) + noise(random));
        norm += double(v[std::size_t(i)]) * v[std::size_t(i)];
    }
    for (float &x : v)
        x = float(x / std::sqrt(norm));
    return v;
}

// Listings of three kinds of item, each kind's photos near its own axis.
std::vector<TrainingExample> threeKinds(int dim, int perKind, std::mt19937_64 &random)
{
    const QStringList titles{QStringLiteral("Mountain bike 26 inch"), QStringLiteral("Oak dining table"), QStringLiteral("Samsung phone case")};
    std::vector<TrainingExample> out;
    for (int i = 0; i < 3 * perKind; ++i) {
        TrainingExample e;
        e.id = i + 1;
        e.category = i % 3;
        e.phash = random();
        e.embedding = near(dim, i % 3, 0.15, random);
        e.title = titles[i % 3];
        out.push_back(std::move(e));
    }
    return out;
}

int column(const WordModel &m, const char *key)
{
    return int(m.keys.indexOf(QLatin1String(key)));
}

// A head that fits the classifier: even odds over its categories, and `words`.
CategoryHead headFor(const Classifier &classifier, std::optional<WordModel> words)
{
    CategoryHead h = test::evenHead(classifier);
    h.words = std::move(words);
    return h;
}

// Words every photo is `logit`-likely to have in its title, whatever it shows.
WordModel alwaysWords(int dim, const QStringList &spellings, float logit)
{
    WordModel m;
    for (const QString &s : spellings) {
        m.keys << s.toLower();
        m.spellings << s;
        m.places.push_back(0.5f);
        m.bias.push_back(logit);
    }
    m.dimension = dim;
    m.weight.assign(std::size_t(m.words()) * std::size_t(dim), 0.0f);
    return m;
}

} // namespace

class TestTitleWords : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void trained_givesTheWordsOfPhotosLikeThisOne()
    {
        std::mt19937_64 random(7);
        const int dim = 32;
        const std::vector<TrainingExample> examples = threeKinds(dim, 40, random);
        auto trained = WordTrainer::train(examples, TrainingOptions{});
        QVERIFY2(trained, qPrintable(trained ? QString() : trained.error().message));
        const WordModel &m = trained.value();
        for (const char *key : {"bike", "table", "samsung", "phone"})
            QVERIFY2(column(m, key) >= 0, key);
        QVERIFY(column(m, "26") < 0); // a number alone is no title word
        QCOMPARE(m.spellings[column(m, "bike")], QStringLiteral("bike"));
        QCOMPARE(m.spellings[column(m, "samsung")], QStringLiteral("Samsung"));
        // A new photo of a bike: its sellers' words are likely, the others' are not.
        const std::vector<float> bike = near(dim, 0, 0.15, random);
        const std::vector<double> p = m.probabilities(bike.data());
        QVERIFY2(p[std::size_t(column(m, "bike"))] > 0.8, qPrintable(QString::number(p[std::size_t(column(m, "bike"))])));
        QVERIFY2(p[std::size_t(column(m, "table"))] < 0.1, qPrintable(QString::number(p[std::size_t(column(m, "table"))])));
        QVERIFY(m.report.value(QStringLiteral("validation_log_loss")).toDouble() < m.report.value(QStringLiteral("base_rate_log_loss")).toDouble());
        // Too few titled listings: refused, so the head is stored without one.
        std::vector<TrainingExample> few(examples.begin(), examples.begin() + 20);
        QVERIFY(!WordTrainer::train(few, TrainingOptions{}));
        std::vector<TrainingExample> untitled = examples;
        for (TrainingExample &e : untitled)
            e.title = QStringLiteral("for sale");
        QVERIFY(!WordTrainer::train(untitled, TrainingOptions{}));
    }

    void storedWithTheHead_followsActivationAndRollback()
    {
        auto created = Classifier::create({});
        QVERIFY2(created, qPrintable(created ? QString() : created.error().message));
        Classifier &classifier = *created.value();
        const int dim = classifier.engineInfo().embeddingDim;
        QTemporaryDir dir;
        auto store = PredictionStore::open(QStringLiteral("sqlite:") + dir.filePath(QStringLiteral("heads.sqlite")), true);
        QVERIFY2(store, qPrintable(store ? QString() : store.error().message));
        auto h1 = saveHead(*store.value(), headFor(classifier, alwaysWords(dim, {QStringLiteral("bike")}, 2)));
        auto h2 = saveHead(*store.value(), headFor(classifier, alwaysWords(dim, {QStringLiteral("table"), QStringLiteral("oak")}, 1)));
        QVERIFY(h1 && h2);
        auto loaded = loadHead(*store.value(), h2.value());
        QVERIFY(loaded && loaded.value().words);
        QCOMPARE(loaded.value().words->keys, (QStringList{"table", "oak"}));
        QCOMPARE(loaded.value().words->bias, (std::vector<float>{1, 1}));

        HeadFollower follower(*store.value(), classifier);
        const auto follows = [&] {
            auto changed = follower.refresh();
            return changed && changed.value();
        };
        QVERIFY(activateHead(*store.value(), h1.value(), QStringLiteral("activate")));
        QVERIFY(follows());
        QVERIFY(classifier.head() && classifier.head()->words);
        QCOMPARE(classifier.head()->words->keys, QStringList{"bike"});
        QVERIFY(activateHead(*store.value(), h2.value(), QStringLiteral("activate")));
        QVERIFY(follows());
        QCOMPARE(classifier.head()->words->keys, (QStringList{"table", "oak"}));
        auto back = rollbackHead(*store.value());
        QVERIFY(back);
        QCOMPARE(back.value(), h1.value());
        QVERIFY(follows());
        QCOMPARE(classifier.head()->words->keys, QStringList{"bike"});

        // Words for embeddings of another length, or damaged weights: the head is refused with them.
        CategoryHead other = headFor(classifier, alwaysWords(dim / 2, {QStringLiteral("bike")}, 2));
        auto refused = CategoryHead::fromJson(other.toJson());
        QVERIFY(!refused);
        QVERIFY2(refused.error().message.contains(QStringLiteral("title word model")), qPrintable(refused.error().message));
        CategoryHead damaged = headFor(classifier, alwaysWords(dim, {QStringLiteral("bike")}, 2));
        damaged.words->weight.pop_back();
        QVERIFY(!CategoryHead::fromJson(damaged.toJson()));
        // A head stored before words were learned still loads, without them.
        auto plain = CategoryHead::fromJson(headFor(classifier, std::nullopt).toJson());
        QVERIFY(plain && !plain.value().words);
    }

    void aCorrection_keepsOnlyWordsTheNewCategorysSellersWrite()
    {
        auto created = Classifier::create({});
        QVERIFY2(created, qPrintable(created ? QString() : created.error().message));
        Classifier &classifier = *created.value();
        const int dim = classifier.engineInfo().embeddingDim;
        auto index = std::make_shared<ListingIndex>(dim);
        std::mt19937_64 random(3);
        // Confirmed listings unlike the photo: they say which words each category's sellers write, and vote for none.
        for (int i = 0; i < 3; ++i) {
            index->add({i + 1, QStringLiteral("phones"), true, 100, random(), {}, QStringLiteral("iPhone 12 case")}, near(dim, 5 + i, 0.01, random));
            index->add({i + 11, QStringLiteral("furniture"), true, 50, random(), {}, QStringLiteral("Oak table")}, near(dim, 9 + i, 0.01, random));
        }
        classifier.setListingIndex(index);
        QVERIFY(classifier.setHead(std::make_shared<const CategoryHead>(
            headFor(classifier, alwaysWords(dim, {QStringLiteral("iPhone"), QStringLiteral("table")}, 3)))));
        PhotoResult r;
        r.embedding = near(dim, 1, 0.0, random);
        r.embeddingNorm = 1;
        r.categories = {{QStringLiteral("phones"), QStringLiteral("Phones"), 0.5}, {QStringLiteral("furniture"), QStringLiteral("Furniture"), 0.5}};
        auto suggested = classifier.describedAs(r, QStringLiteral("phones"), 0, false);
        QVERIFY(suggested);
        const QString title = suggested.value().title;
        QVERIFY2(title.contains(QStringLiteral("iPhone")), qPrintable(title));
        QVERIFY(std::any_of(suggested.value().titleWords.begin(), suggested.value().titleWords.end(),
                            [](const TitleWord &w) { return w.from == QLatin1String("learned"); }));
        auto furniture = classifier.describedAs(suggested.value(), QStringLiteral("furniture"));
        QVERIFY(furniture);
        QVERIFY2(furniture.value().title.contains(QStringLiteral("table"), Qt::CaseInsensitive)
                     && !furniture.value().title.contains(QStringLiteral("iPhone"), Qt::CaseInsensitive),
                 qPrintable(furniture.value().title));
        auto phones = classifier.describedAs(furniture.value(), QStringLiteral("phones"));
        QVERIFY(phones);
        QVERIFY2(phones.value().title.contains(QStringLiteral("iPhone")) && !phones.value().title.contains(QStringLiteral("table"), Qt::CaseInsensitive),
                 qPrintable(phones.value().title));
    }
};

QTEST_GUILESS_MAIN(TestTitleWords)
#include "tst_title_words.moc"
