// The title rules on a market of a few confirmed listings (docs/user/suggestions.md):
// at most 5 words, never one seller's words spliced with another's, never a
// word that names nothing ("available"), never the word written just after a
// number ("cm" of "50 cm"), and "similar listings" credited only where the
// result shows such listings. The market is a ListingIndex built here; the
// evidence is put together as Classifier::describeAs does.
#include "listing_index.h"
#include "suggested_results.h"
#include "title_builder.h"
#include "title_words.h"
#include "word_vote.h"

#include <QTest>

#include <cmath>
#include <memory>

using namespace listinglens;
using namespace listinglens::testing;

namespace {

// A photo's embedding, and a listing's `cosine` alike to it.
std::vector<float> photo()
{
    return {1, 0, 0, 0};
}

std::vector<float> alike(double cosine)
{
    return {float(cosine), float(std::sqrt(1 - cosine * cosine)), 0, 0};
}

Category category(const QString &id, const QString &noun)
{
    Category c;
    c.id = id;
    c.name = id;
    c.noun = noun;
    return c;
}

// A market of confirmed listings: (category, title, similarity to the photo).
struct Listing {
    QString categoryId, title;
    double similarity;
};

// (The index holds a lock: not movable.)
std::unique_ptr<ListingIndex> market(const QVector<Listing> &listings)
{
    auto index = std::make_unique<ListingIndex>(4);
    qint64 id = 0;
    for (const Listing &l : listings) {
        ++id;
        index->add({id, l.categoryId, true, 10, quint64(id) << 40, {}, l.title}, alike(l.similarity));
    }
    return index;
}

QVector<NeighbourTitle> titlesOf(const std::vector<ListingIndex::Match> &matches)
{
    QVector<NeighbourTitle> out;
    for (const ListingIndex::Match &m : matches)
        out.push_back({m.entry.title, m.similarity});
    return out;
}

// The title as suggested: `categories` (id, probability), the first the photo's.
QVector<TitleWord> suggestedTitle(const ListingIndex &index, const Category &c, const QVector<std::pair<QString, double>> &categories)
{
    ListingIndex::Want want;
    want.words = WordVote::kCategoryWords;
    for (const auto &[id, p] : categories)
        want.categories << id;
    const ListingIndex::Lookup lookup = index.lookup(photo(), 5, c.id, 0, 0, 0, want);
    TitleEvidence e;
    e.category = &c;
    e.neighbours = titlesOf(lookup.sameCategory);
    e.marketWords = lookup.marketWords;
    e.suggested = true;
    for (const auto &[id, p] : categories) {
        for (const ListingIndex::Lookup::Voters &v : lookup.voters) {
            if (v.categoryId == id)
                e.categoryWords.push_back({p, v.words, titlesOf(v.nearby)});
        }
    }
    return TitleBuilder::words(e);
}

// The title as a moderator's category leaves it.
QVector<TitleWord> correctedTitle(const ListingIndex &index, const Category &c)
{
    const ListingIndex::Lookup lookup = index.lookup(photo(), 5, c.id, 0, 0);
    TitleEvidence e;
    e.category = &c;
    e.neighbours = titlesOf(lookup.sameCategory);
    e.nearby = e.neighbours;
    e.marketWords = lookup.marketWords;
    return TitleBuilder::words(e);
}

} // namespace

class TestSmallMarketTitles : public QObject {
    Q_OBJECT
private Q_SLOTS:
    // Two sellers' titles of a category of two: each word has half the
    // category's titles, yet is one seller's; spliced, they read
    // "Kenwood Gas Cooker Opener White CO600 cm".
    void oneSellersWordsAreNotTheCategorysWords()
    {
        const Category appliances = category(QStringLiteral("appliances"), QStringLiteral("appliance"));
        const auto index = market({{appliances.id, QStringLiteral("Gas Cooker 50 cm"), 0.3},
                                           {appliances.id, QStringLiteral("Kenwood Can Opener White CO600"), 0.3}});
        const QVector<std::pair<QString, double>> probable = {{appliances.id, 0.93}, {QStringLiteral("computers"), 0.04}};
        QCOMPARE(TitleBuilder::render(suggestedTitle(*index, appliances, probable)), QStringLiteral("Appliance"));
        // A word two sellers write is the category's.
        const auto more = market({{appliances.id, QStringLiteral("Gas Cooker 50 cm"), 0.3},
                                          {appliances.id, QStringLiteral("Kenwood Can Opener White CO600"), 0.3},
                                          {appliances.id, QStringLiteral("Electric cooker"), 0.3}});
        const QVector<TitleWord> words = suggestedTitle(*more, appliances, probable);
        QCOMPARE(TitleBuilder::render(words), QStringLiteral("Cooker"));
        QCOMPARE(froms(words), QStringList{QStringLiteral("market")});
    }

    // "inch" of "32 inch" is half of a run: written by every seller, it is still no word alone.
    void theWordAfterANumberIsNotTheCategorysWord()
    {
        const Category tv = category(QStringLiteral("tv-audio"), QStringLiteral("TV"));
        const auto index = market({{tv.id, QStringLiteral("Samsung 32 inch television"), 0.3},
                                           {tv.id, QStringLiteral("LG 40 inch television"), 0.3},
                                           {tv.id, QStringLiteral("Sony television 50 inch"), 0.3}});
        const QVector<TitleWord> words = suggestedTitle(*index, tv, {{tv.id, 0.9}});
        QCOMPARE(TitleBuilder::render(words), QStringLiteral("Television"));
        // The index knows which words are written after a number.
        for (const MarketWord &w : index->marketWords(tv.id, 10))
            QCOMPARE(w.afterNumber, w.word == QLatin1String("inch") ? 1.0 : 0.0);
    }

    // Of three titles each word has a third: the most used (the smallest key
    // first) was "available", a word that names nothing, and one seller's.
    void aWordThatNamesNothingIsNeverTheMarketsWord()
    {
        const Category furniture = category(QStringLiteral("furniture"), QStringLiteral("furniture"));
        const auto index = market({{furniture.id, QStringLiteral("ELEGANCE Chesterfield sofa available fast delivery"), 0.3},
                                           {furniture.id, QStringLiteral("Dark wood effect Desk"), 0.3},
                                           {furniture.id, QStringLiteral("John Lewis single bed frame"), 0.3}});
        QCOMPARE(index->marketWords(furniture.id, 1).value(0).word, QStringLiteral("available"));
        const QVector<TitleWord> words = suggestedTitle(*index, furniture, {{furniture.id, 0.3}, {QStringLiteral("other"), 0.11}});
        QCOMPARE(TitleBuilder::render(words), QStringLiteral("Furniture"));
        QCOMPARE(froms(words), QStringList{QStringLiteral("category")});
    }

    // Eight words each as likely (the same three titles): the five sellers write
    // first are kept, in their order, not the first five keys ("bag", "black", ...).
    void atMostFiveWords()
    {
        const Category c = category(QStringLiteral("computers"), QStringLiteral("computer"));
        const QString title = QStringLiteral("HP Envy gaming laptop black charger bag mouse");
        QVector<Listing> listings;
        for (int i = 0; i < 3; ++i)
            listings.push_back({c.id, title, 0.7});
        const QVector<TitleWord> words = correctedTitle(*market(listings), c);
        QCOMPARE(TitleBuilder::render(words), QStringLiteral("HP Envy gaming laptop black"));
    }

    // One listing alone, less alike than those shown, would give its seller's
    // whole title as the market's: it does not vote, the category's noun stands.
    void oneListingNotShownIsNotTheMarketsTitle()
    {
        const Category c = category(QStringLiteral("computers"), QStringLiteral("computer"));
        for (const double similarity : {0.6, 0.7}) {
            const auto index = market({{c.id, QStringLiteral("HP Dell ENVY PRINTER monitor TV"), similarity}});
            const bool shown = similarity >= kSimilarFloor;
            // As suggested, one listing fills one of the kListings places: too little to write a word either way.
            QCOMPARE(TitleBuilder::render(suggestedTitle(*index, c, {{c.id, 0.9}})), QStringLiteral("Computer"));
            const QVector<TitleWord> words = correctedTitle(*index, c);
            QCOMPARE(TitleBuilder::render(words), shown ? QStringLiteral("HP Dell ENVY PRINTER monitor") : QStringLiteral("Computer"));
            QCOMPARE(froms(words).value(0), shown ? QStringLiteral("similar") : QStringLiteral("category"));
        }
    }

    // A moderator's category: its listings 0.5 to 0.65 alike vote, but the
    // result shows no similar listing (kSimilarFloor), so their
    // words are this market's, not "most similar listings'".
    void similarListingsOnlyWhereTheResultShowsThem()
    {
        const Category c = category(QStringLiteral("computers"), QStringLiteral("computer"));
        for (const double similarity : {0.55, 0.7}) {
            QVector<Listing> listings;
            for (int i = 0; i < 3; ++i)
                listings.push_back({c.id, QStringLiteral("HP laptop"), similarity});
            const auto index = market(listings);
            const bool shown = !index->lookup(photo(), 5, c.id, 0, 0).similar.empty();
            QCOMPARE(shown, similarity >= kSimilarFloor);
            const QVector<TitleWord> words = correctedTitle(*index, c);
            QCOMPARE(TitleBuilder::render(words), QStringLiteral("HP laptop"));
            const QString from = shown ? QStringLiteral("similar") : QStringLiteral("market");
            QCOMPARE(froms(words), (QStringList{from, from}));
        }
    }
};

QTEST_GUILESS_MAIN(TestSmallMarketTitles)
#include "tst_small_market_titles.moc"
