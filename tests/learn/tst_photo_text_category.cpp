// The words read on a photo as evidence of its category (TextEvidence): a
// photo whose text names a word the market's sellers of a category write
// moves toward that category; a head without the table, and a photo whose
// text is empty, illegible, contact details or unknown words, keep their
// categories exactly; a damaged table is refused with the head.
#include "classifier.h"
#include "fixtures.h"
#include "photo_text_words.h"
#include "text_evidence_trainer.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

#include <algorithm>
#include <cmath>

using namespace listinglens;

namespace {

// A head that fits the classifier and gives every category even odds, with `evidence`.
CategoryHead evenHead(const Classifier &classifier, std::optional<TextEvidence> evidence)
{
    CategoryHead h = test::evenHead(classifier);
    h.textEvidence = std::move(evidence);
    return h;
}

// Sellers' titles: phones that say "iPhone", tables in furniture, and a word both write.
TextEvidence sellersTable(const Taxonomy &taxonomy)
{
    std::vector<TextEvidenceTrainer::Listing> listings;
    for (int i = 0; i < 6; ++i) {
        listings.push_back({taxonomy.indexOf(QStringLiteral("phones")), QStringLiteral("iPhone 12 black boxed")});
        listings.push_back({taxonomy.indexOf(QStringLiteral("furniture")), QStringLiteral("Oak dining table black")});
    }
    auto table = TextEvidenceTrainer::build(listings, int(taxonomy.categories().size()));
    TextEvidence t = table.value();
    t.weighting = {1.0, 3.0, 3.0, 1.0};
    return t;
}

PhotoText reading(const QString &line, double confidence = 0.9)
{
    PhotoText text;
    text.lines.push_back({line, QRect(10, 10, 200, 30), confidence, {}});
    return text;
}

// A photo the head suggested: its embedding, and its categories as suggested.
PhotoResult suggested(const Classifier &classifier)
{
    PhotoResult r;
    const int dim = classifier.engineInfo().embeddingDim;
    r.embedding.assign(std::size_t(dim), 0.0f);
    r.embedding[0] = 1.0f;
    r.embeddingNorm = 1;
    r.categories = {{QStringLiteral("other"), QStringLiteral("Other"), 1.0 / 23}};
    r.category = r.categories.front();
    r.title = QStringLiteral("as suggested");
    return r;
}

bool same(const PhotoResult &a, const PhotoResult &b)
{
    if (a.categories.size() != b.categories.size() || a.category.id != b.category.id || a.title != b.title)
        return false;
    for (qsizetype i = 0; i < a.categories.size(); ++i) {
        if (a.categories[i].id != b.categories[i].id || a.categories[i].confidence != b.categories[i].confidence)
            return false;
    }
    return true;
}

} // namespace

class TestPhotoTextCategory : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<Classifier> m_classifier;

private Q_SLOTS:
    void initTestCase()
    {
        auto created = Classifier::create({});
        QVERIFY2(created, qPrintable(created ? QString() : created.error().message));
        m_classifier = std::move(created).value();
    }

    void aWordOfACategorysSellers_movesThePhotoTowardIt()
    {
        Classifier &classifier = *m_classifier;
        QVERIFY(classifier.setHead(std::make_shared<const CategoryHead>(evenHead(classifier, sellersTable(classifier.taxonomy())))));
        const int phones = classifier.taxonomy().indexOf(QStringLiteral("phones"));
        const auto head = classifier.head();
        PhotoResult r = suggested(classifier);
        const std::vector<double> before = head->probabilities(r.embedding.data(), classifier.builtinProbabilities(r.embedding.data(), 1));
        QVERIFY(classifier.weighPhotoText(r, reading(QStringLiteral("iPhone"))));
        QCOMPARE(r.category.id, QStringLiteral("phones"));
        QVERIFY2(r.category.confidence > 2 * before[std::size_t(phones)], qPrintable(QString::number(r.category.confidence)));
        // Redescribed as the new top category.
        QVERIFY2(r.title != QLatin1String("as suggested"), qPrintable(r.title));
        // Furniture's words move it the other way.
        PhotoResult f = suggested(classifier);
        QVERIFY(classifier.weighPhotoText(f, reading(QStringLiteral("OAK TABLE"))));
        QCOMPARE(f.category.id, QStringLiteral("furniture"));
        // A word both categories' sellers write says less than one only phones' sellers write.
        PhotoResult both = suggested(classifier);
        QVERIFY(classifier.weighPhotoText(both, reading(QStringLiteral("black"))));
        QVERIFY(both.category.confidence < r.category.confidence);
        classifier.setHead(nullptr);
    }

    void aHeadWithoutTheTable_isUnchanged()
    {
        Classifier &classifier = *m_classifier;
        QVERIFY(classifier.setHead(std::make_shared<const CategoryHead>(evenHead(classifier, std::nullopt))));
        PhotoResult r = suggested(classifier);
        const PhotoResult was = r;
        QVERIFY(!classifier.weighPhotoText(r, reading(QStringLiteral("iPhone"))));
        QVERIFY(same(r, was));
        // Nor does the built-in mapping alone weigh text.
        classifier.setHead(nullptr);
        QVERIFY(!classifier.weighPhotoText(r, reading(QStringLiteral("iPhone"))));
        QVERIFY(same(r, was));
        // The head's document keeps the table, and one without stays without.
        auto plain = CategoryHead::fromJson(evenHead(classifier, std::nullopt).toJson());
        QVERIFY(plain && !plain.value().textEvidence);
        auto with = CategoryHead::fromJson(evenHead(classifier, sellersTable(classifier.taxonomy())).toJson());
        QVERIFY2(with, qPrintable(with ? QString() : with.error().message));
        QVERIFY(with.value().textEvidence);
        QCOMPARE(with.value().textEvidence->keys, sellersTable(classifier.taxonomy()).keys);
        QCOMPARE(with.value().textEvidence->weighting.lambda, 1.0);
    }

    void badOrEmptyText_changesNothing_data()
    {
        QTest::addColumn<QStringList>("lines"); // none: nothing read
        QTest::addColumn<double>("confidence");
        QTest::addColumn<bool>("contact");      // the line holds contact details
        QTest::addColumn<QString>("stockMark");
        QTest::newRow("nothing read") << QStringList() << 0.9 << false << QString();
        QTest::newRow("an empty line") << QStringList{QString()} << 0.9 << false << QString();
        QTest::newRow("illegible") << QStringList{QStringLiteral("iPhone")} << 0.2 << false << QString();
        QTest::newRow("contact details") << QStringList{QStringLiteral("iPhone 07700 900123")} << 0.9 << true << QString();
        QTest::newRow("stock mark") << QStringList{QStringLiteral("shutterstock iPhone")} << 0.9 << false << QStringLiteral("shutterstock");
        QTest::newRow("symbols and digits") << QStringList{QStringLiteral("@@ ## 12 -- \U0001F600"), QStringLiteral("1234 56")} << 0.9 << false
                                            << QString();
        QTest::newRow("words no seller writes") << QStringList{QStringLiteral("zzqx blorf")} << 0.9 << false << QString();
        QTest::newRow("filler words") << QStringList{QStringLiteral("for sale with the and")} << 0.9 << false << QString();
    }

    void badOrEmptyText_changesNothing()
    {
        QFETCH(QStringList, lines);
        QFETCH(double, confidence);
        QFETCH(bool, contact);
        QFETCH(QString, stockMark);
        Classifier &classifier = *m_classifier;
        QVERIFY(classifier.setHead(std::make_shared<const CategoryHead>(evenHead(classifier, sellersTable(classifier.taxonomy())))));
        PhotoText text;
        for (const QString &line : lines)
            text.lines.push_back({line, QRect(10, 10, 200, 30), confidence, {}});
        if (contact)
            text.contacts.push_back({ContactDetail{}, QRect(100, 10, 100, 30)});
        if (!stockMark.isEmpty())
            text.stockMarks << stockMark;
        PhotoResult r = suggested(classifier);
        const PhotoResult was = r;
        QVERIFY(!classifier.weighPhotoText(r, text));
        QVERIFY(same(r, was));
        classifier.setHead(nullptr);
    }

    void aPhotoTheHeadDidNotSuggest_isLeftAsItWas()
    {
        Classifier &classifier = *m_classifier;
        QVERIFY(classifier.setHead(std::make_shared<const CategoryHead>(evenHead(classifier, sellersTable(classifier.taxonomy())))));
        PhotoResult other = suggested(classifier);
        other.model.head = 7; // suggested by another version of the head
        const PhotoResult was = other;
        QVERIFY(!classifier.weighPhotoText(other, reading(QStringLiteral("iPhone"))));
        QVERIFY(same(other, was));
        classifier.setHead(nullptr);
    }

    // A photo is stored and indexed before the lane has read it: weighed again,
    // its own row is neither its duplicate, nor a similar listing, nor a neighbour's vote.
    void aStoredPhoto_doesNotFindItself()
    {
        Classifier &classifier = *m_classifier;
        CategoryHead head = evenHead(classifier, sellersTable(classifier.taxonomy()));
        head.neighbourK = 5;
        head.neighbourShare = 0.8;
        QVERIFY(classifier.setHead(std::make_shared<const CategoryHead>(head)));
        PhotoResult photo = suggested(classifier);
        photo.quality.phash = 0x0123456789abcdefULL;
        // Its own row, confirmed on insert as an import is, in another category than its words say.
        const qint64 self = 42;
        auto index = std::make_shared<ListingIndex>(classifier.engineInfo().embeddingDim);
        index->add({self, QStringLiteral("furniture"), true, 120.0, photo.quality.phash, QStringLiteral("self.jpg"),
                    QStringLiteral("Oak dining table")},
                   photo.embedding);
        classifier.setListingIndex(index);
        PhotoResult weighed = photo;
        QVERIFY(classifier.weighPhotoText(weighed, reading(QStringLiteral("iPhone")), self));
        QCOMPARE(weighed.duplicateOf, 0);
        QVERIFY(!weighed.quality.flags.contains(QStringLiteral("duplicate")));
        QVERIFY(weighed.similar.isEmpty());
        QCOMPARE(weighed.price.neighbours, 0);
        // Weighed as without its row in the index.
        classifier.setListingIndex(std::make_shared<ListingIndex>(classifier.engineInfo().embeddingDim));
        PhotoResult alone = photo;
        QVERIFY(classifier.weighPhotoText(alone, reading(QStringLiteral("iPhone")), self));
        QVERIFY(same(weighed, alone));
        // Not told its row, it finds itself among the similar listings: what the row id guards
        // against. Never as its duplicate: weighed again, it looks for none (it keeps its suggestion's).
        classifier.setListingIndex(index);
        PhotoResult unaware = photo;
        QVERIFY(classifier.weighPhotoText(unaware, reading(QStringLiteral("iPhone"))));
        QCOMPARE(unaware.duplicateOf, 0);
        QVERIFY(!same(unaware, alone));
        classifier.setListingIndex(nullptr);
        classifier.setHead(nullptr);
    }

    // Described again for a moderator's category, a photo keeps the duplicate it was
    // suggested (and stored) with: the index holds photos classified after it by then,
    // and a later photo is never the one it duplicates.
    void describedAgain_keepsTheDuplicateItWasSuggestedWith()
    {
        Classifier &classifier = *m_classifier;
        PhotoResult photo = suggested(classifier);
        photo.quality.phash = 0x0123456789abcdefULL;
        auto index = std::make_shared<ListingIndex>(classifier.engineInfo().embeddingDim);
        index->add({7, QStringLiteral("furniture"), false, std::nullopt, photo.quality.phash, QStringLiteral("later.jpg"), {}},
                   photo.embedding);
        classifier.setListingIndex(index);
        const QString books = QStringLiteral("books-hobbies");
        auto asBooks = classifier.describedAs(photo, books);
        QVERIFY(asBooks);
        QCOMPARE(asBooks.value().duplicateOf, 0);
        QVERIFY(asBooks.value().duplicateOfFile.isEmpty());
        QVERIFY(!asBooks.value().quality.flags.contains(QStringLiteral("duplicate")));
        QVERIFY(asBooks.value().review.reasons.isEmpty() || !asBooks.value().review.reasons.contains(QStringLiteral("duplicate")));
        // One suggested as a duplicate of an earlier photo stays that one's.
        photo.duplicateOf = 3;
        photo.duplicateOfFile = QStringLiteral("earlier.jpg");
        photo.quality.flags << QStringLiteral("duplicate");
        auto again = classifier.describedAs(photo, books);
        QVERIFY(again);
        QCOMPARE(again.value().duplicateOf, 3);
        QCOMPARE(again.value().duplicateOfFile, QStringLiteral("earlier.jpg"));
        QCOMPARE(again.value().quality.flags.count(QStringLiteral("duplicate")), 1);
        classifier.setListingIndex(nullptr);
    }

    // The lane finishes after other listings were confirmed: the words shift the
    // distribution the photo was suggested with, not one recomputed against the
    // index as it stands then (whose votes the suggestion never had).
    void theSuggestedDistribution_isTheOneTheWordsShift()
    {
        Classifier &classifier = *m_classifier;
        const int dim = classifier.engineInfo().embeddingDim;
        CategoryHead head = evenHead(classifier, sellersTable(classifier.taxonomy()));
        head.neighbourK = 5;
        head.neighbourShare = 0.8;
        QVERIFY(classifier.setHead(std::make_shared<const CategoryHead>(head)));
        auto index = std::make_shared<ListingIndex>(dim);
        classifier.setListingIndex(index); // empty: the head stands in for the votes
        const std::vector<PhotoResult> classified = test::classifyFiles(classifier, {test::samplePhotosDir() + QStringLiteral("/laptop.jpg")});
        QCOMPARE(classified.size(), std::size_t(1));
        const PhotoResult photo = classified.front();
        QCOMPARE(int(photo.categoryMass.size()), int(classifier.taxonomy().categories().size()));
        QCOMPARE(photo.categories.front().confidence, *std::max_element(photo.categoryMass.begin(), photo.categoryMass.end()));
        // Computed again from its embedding (what the benches and results read back from the store do), the same distribution.
        const std::vector<double> recomputed = classifier.categoryMassOf(&head, photo.embedding, photo.embeddingNorm);
        QCOMPARE(recomputed.size(), photo.categoryMass.size());
        for (std::size_t c = 0; c < recomputed.size(); ++c)
            QVERIFY2(std::abs(recomputed[c] - photo.categoryMass[c]) < 1e-6,
                     qPrintable(QStringLiteral("%1 against %2").arg(recomputed[c]).arg(photo.categoryMass[c])));
        // A head whose answer is not finite leaves the built-in mapping, as classify does.
        const std::vector<double> builtin = classifier.categoryMassOf(nullptr, photo.embedding, photo.embeddingNorm);
        CategoryHead broken = head;
        broken.temperature = broken.unvotedTemperature = -1e-3; // fromJson refuses it: every mass to the power -1000 overflows
        const std::vector<double> raw = broken.probabilities(photo.embedding.data(), builtin, {});
        QVERIFY(std::any_of(raw.begin(), raw.end(), [](double p) { return !std::isfinite(p); }));
        QCOMPARE(classifier.categoryMassOf(&broken, photo.embedding, photo.embeddingNorm), builtin);
        // An embedding the built-in layer cannot read has no categories, with a head or without.
        QVERIFY(classifier.categoryMassOf(&head, std::vector<float>(std::size_t(dim) + 1, 0.1f), 1.0).empty());
        QVERIFY(classifier.categoryMassOf(nullptr, std::vector<float>(std::size_t(dim) - 1, 0.1f), 1.0).empty());
        // Then five furniture listings exactly like it are confirmed.
        for (qint64 id = 1; id <= 5; ++id)
            index->add({id, QStringLiteral("furniture"), true, 100.0, quint64(id) << 40, QStringLiteral("table.jpg"), QStringLiteral("Oak table")},
                       photo.embedding);
        std::vector<double> expected = photo.categoryMass;
        QVERIFY(head.textEvidence->apply(expected, readWordKeys(reading(QStringLiteral("iPhone")))));
        PhotoResult weighed = photo;
        QVERIFY(classifier.weighPhotoText(weighed, reading(QStringLiteral("iPhone"))));
        const int phones = classifier.taxonomy().indexOf(QStringLiteral("phones"));
        QCOMPARE(weighed.category.id, QStringLiteral("phones"));
        QVERIFY2(std::abs(weighed.category.confidence - expected[std::size_t(phones)]) < 1e-9,
                 qPrintable(QStringLiteral("%1 against %2").arg(weighed.category.confidence).arg(expected[std::size_t(phones)])));
        // Weighed again, it shifts the suggestion again, not its own shifted result.
        PhotoResult again = weighed;
        QVERIFY(classifier.weighPhotoText(again, reading(QStringLiteral("iPhone"))));
        QCOMPARE(again.category.confidence, weighed.category.confidence);
        // A result read back from the store has no distribution kept: the head and the votes as they are now.
        PhotoResult stored = photo;
        stored.categoryMass.clear();
        QVERIFY(classifier.weighPhotoText(stored, reading(QStringLiteral("iPhone"))));
        QCOMPARE(stored.category.id, QStringLiteral("furniture"));
        // A kept distribution of the wrong size (another taxonomy's) is recomputed the same way, not indexed past its end.
        PhotoResult otherSize = photo;
        otherSize.categoryMass.assign(3, 1.0 / 3);
        QVERIFY(classifier.weighPhotoText(otherSize, reading(QStringLiteral("iPhone"))));
        QCOMPARE(otherSize.category.id, QStringLiteral("furniture"));
        QCOMPARE(otherSize.category.confidence, stored.category.confidence);
        classifier.setListingIndex(nullptr);
        classifier.setHead(nullptr);
    }

    void aDamagedTable_isRefusedWithItsHead()
    {
        const Classifier &classifier = *m_classifier;
        const int categories = int(classifier.taxonomy().categories().size());
        const QJsonObject good = sellersTable(classifier.taxonomy()).toJson();
        QVERIFY(TextEvidence::fromJson(good, categories));
        QVERIFY(!TextEvidence::fromJson(good, categories + 1));
        QJsonObject unsorted = good;
        QStringList keys = sellersTable(classifier.taxonomy()).keys;
        std::reverse(keys.begin(), keys.end());
        unsorted.insert(QStringLiteral("keys"), QJsonArray::fromStringList(keys));
        QVERIFY(!TextEvidence::fromJson(unsorted, categories));
        QJsonObject short_ = good;
        short_.insert(QStringLiteral("ratio"), QStringLiteral("AAAA"));
        QVERIFY(!TextEvidence::fromJson(short_, categories));
        QJsonObject heavy = good;
        heavy.insert(QStringLiteral("lambda"), 1e9);
        QVERIFY(!TextEvidence::fromJson(heavy, categories));
        QJsonObject cold = good;
        cold.insert(QStringLiteral("temperature"), 0);
        QVERIFY(!TextEvidence::fromJson(cold, categories));
        QJsonObject head = QJsonDocument::fromJson(evenHead(classifier, std::nullopt).toJson()).object();
        head.insert(QStringLiteral("text_evidence"), heavy);
        QVERIFY(!CategoryHead::fromJson(QJsonDocument(head).toJson()));
    }

    void fitting_weighsWordsOnlyWhereTheyHelp()
    {
        // Two categories; words that point to the truth, or away from it.
        const float toward[2] = {2.0f, -2.0f}, away[2] = {-2.0f, 2.0f};
        std::vector<TextEvidenceTrainer::Held> helpful, misleading;
        for (int i = 0; i < 40; ++i) {
            helpful.push_back({{0.5, 0.5}, {toward}, 0});
            misleading.push_back({{0.5, 0.5}, {away}, 0});
        }
        QJsonObject report;
        const TextEvidence::Weighting w = TextEvidenceTrainer::fit(helpful, report);
        QVERIFY(w.lambda > 0);
        QVERIFY(report.value(QStringLiteral("nll_with")).toDouble() < report.value(QStringLiteral("nll_without")).toDouble());
        QCOMPARE(TextEvidenceTrainer::fit(misleading, report).lambda, 0.0);
        // No word with enough sellers: no table.
        QVERIFY(!TextEvidenceTrainer::build({{0, QStringLiteral("iPhone")}}, 2));
    }

    void training_weighsTheValidationPhotosStoredText()
    {
        const Classifier &classifier = *m_classifier;
        const Taxonomy &taxonomy = classifier.taxonomy();
        // Listings the head cannot tell apart (one embedding, even odds); their photos read what they are, or nothing.
        const auto examples = [&](bool read) {
            std::vector<TrainingExample> out;
            for (int i = 0; i < 300; ++i) {
                const bool phone = i % 2 == 0;
                TrainingExample e;
                e.id = i + 1;
                e.category = taxonomy.indexOf(phone ? QStringLiteral("phones") : QStringLiteral("furniture"));
                e.phash = std::uint64_t(i) * 0x9E3779B97F4A7C15ull;
                e.embedding = {1.0f, 0.0f, 0.0f, 0.0f};
                e.title = phone ? QStringLiteral("iPhone 12 boxed") : QStringLiteral("Oak table");
                if (read)
                    e.readKeys = {phone ? QStringLiteral("iphone") : QStringLiteral("table")};
                out.push_back(e);
            }
            return out;
        };
        CategoryHead head = evenHead(classifier, std::nullopt);
        head.dimension = 4;
        head.weight.assign(std::size_t(head.categories()) * 4, 0.0f);
        auto trained = TextEvidenceTrainer::train(examples(true), head, TrainingOptions{});
        QVERIFY2(trained, qPrintable(trained ? QString() : trained.error().message));
        QVERIFY(trained.value().weighting.lambda > 0);
        QVERIFY(trained.value().keys.contains(QStringLiteral("iphone")));
        QVERIFY(trained.value().report.value(QStringLiteral("with_known_words")).toInt() >= TextEvidenceTrainer::kMinHeld);
        // Nothing read on the validation photos: no table, and the head goes without.
        auto unread = TextEvidenceTrainer::train(examples(false), head, TrainingOptions{});
        QVERIFY(!unread);
        QVERIFY2(unread.error().message.contains(QStringLiteral("no photo text evidence")), qPrintable(unread.error().message));
    }
};

QTEST_GUILESS_MAIN(TestPhotoTextCategory)
#include "tst_photo_text_category.moc"
