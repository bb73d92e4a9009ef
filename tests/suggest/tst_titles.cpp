// Titles a seller would post (core/suggest/title_builder.h): whole words that
// most close listings agree on, never a run torn from one title; each word's
// evidence; descriptions of what is known. The photo's text in titles:
// tst_photo_text_titles.cpp.
#include "result_json.h"
#include "suggested_results.h"
#include "text_suggester.h"
#include "title_builder.h"
#include "title_words.h"
#include "word_vote.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTest>

#include <algorithm>

using namespace listinglens;
using namespace listinglens::testing;

namespace {

Category laptops()
{
    Category c;
    c.id = QStringLiteral("computers");
    c.name = QStringLiteral("Computers");
    c.noun = QStringLiteral("computer item");
    return c;
}

QVector<NeighbourTitle> neighbours(const QStringList &titles, double similarity = TitleBuilder::kNearCopy - 0.1)
{
    QVector<NeighbourTitle> out;
    for (const QString &t : titles)
        out.push_back({t, similarity});
    return out;
}

TitleEvidence evidence(const Category &c, const QVector<NeighbourTitle> &near = {}, const QVector<MarketWord> &market = {})
{
    TitleEvidence e;
    e.category = &c;
    e.neighbours = near;
    e.marketWords = market;
    return e;
}

} // namespace

class TestTitles : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void agreedWordsAreWholeWordsMostTitlesHave_data()
    {
        QTest::addColumn<QStringList>("titles");
        QTest::addColumn<QString>("expected");
        QTest::newRow("no torn fragment") << QStringList{QStringLiteral("Lenovo laptop Win 10/Office 2019"), QStringLiteral("Lenovo ThinkPad laptop"),
                                                         QStringLiteral("HP laptop i5 8GB")}
                                          << QStringLiteral("Lenovo laptop");
        QTest::newRow("sellers' order") << QStringList{QStringLiteral("Oak dining table and chairs"), QStringLiteral("Dining table, oak"),
                                                       QStringLiteral("Solid oak dining table")}
                                        << QStringLiteral("Oak dining table");
        QTest::newRow("plural and case are one word") << QStringList{QStringLiteral("Garden chairs x4"), QStringLiteral("garden chair"),
                                                                     QStringLiteral("Rattan CHAIRS")}
                                                      << QStringLiteral("Garden chairs");
        QTest::newRow("filler only is nothing") << QStringList{QStringLiteral("Phone for sale"), QStringLiteral("Charger for sale")} << QString();
        QTest::newRow("half is not most") << QStringList{QStringLiteral("Nike trainers"), QStringLiteral("Adidas boots")} << QString();
    }
    void agreedWordsAreWholeWordsMostTitlesHave()
    {
        QFETCH(QStringList, titles);
        QFETCH(QString, expected);
        const QVector<TitleWord> words = TitleBuilder::agreedWords(titles);
        QCOMPARE(TitleBuilder::render(words), expected);
        // Every word is a whole word of more than half of the titles.
        for (const TitleWord &w : words) {
            QCOMPARE(w.from, QStringLiteral("similar"));
            const auto having = std::count_if(titles.begin(), titles.end(), [&](const QString &t) { return contentWords(t).contains(wordKey(w.word)); });
            QVERIFY2(having * 2 > titles.size(), qPrintable(w.word));
        }
    }

    void evidenceInOrderOfStrength()
    {
        const Category c = laptops();
        // A near copy of the photo: the nearest title whole.
        auto words = TitleBuilder::words(evidence(c, {{QStringLiteral("Dell XPS 13, boxed"), 0.95}, {QStringLiteral("HP laptop"), 0.7}}));
        QCOMPARE(TitleBuilder::render(words), QStringLiteral("Dell XPS 13, boxed"));
        QCOMPARE(froms(words), QStringList{QStringLiteral("nearest")});
        // Close listings that agree.
        words = TitleBuilder::words(evidence(c, neighbours({QStringLiteral("Gaming laptop"), QStringLiteral("Asus gaming laptop")})));
        QCOMPARE(TitleBuilder::render(words), QStringLiteral("Gaming laptop"));
        QCOMPARE(TitleBuilder::basisOf(words), QStringLiteral("similar"));
        // Listings not close enough are no evidence; the market's word for the category is.
        words = TitleBuilder::words(evidence(c, neighbours({QStringLiteral("Gaming laptop"), QStringLiteral("Gaming laptop")}, 0.3),
                                             {{QStringLiteral("laptop"), 0.4}}));
        QCOMPARE(TitleBuilder::render(words), QStringLiteral("Laptop"));
        QCOMPARE(TitleBuilder::basisOf(words), QStringLiteral("market"));
        // A rare word is not the market's word; then the category's noun, a colour only when it is the item's.
        TitleEvidence e = evidence(c, {}, {{QStringLiteral("monitor"), 0.05}});
        e.colour = QStringLiteral("black");
        e.colourShare = 0.3;
        QCOMPARE(TitleBuilder::render(TitleBuilder::words(e)), QStringLiteral("Computer item"));
        e.colourShare = 0.7;
        words = TitleBuilder::words(e);
        QCOMPARE(TitleBuilder::render(words), QStringLiteral("Black computer item"));
        QCOMPARE(froms(words), (QStringList{QStringLiteral("colour"), QStringLiteral("category"), QStringLiteral("category")}));
    }

    void closeListingsOfAnyCategoryVoteForWords()
    {
        const Category c = laptops();
        // The closest listings are another category's (the photo's category is wrong): their words still name it.
        TitleEvidence e = evidence(c);
        e.nearby = neighbours({QStringLiteral("Oak dining table"), QStringLiteral("Dining table, oak, seats 6"), QStringLiteral("Solid oak dining table"),
                               QStringLiteral("Pine table 2019"), QStringLiteral("Glass coffee table")}, 0.7);
        QVector<TitleWord> words = WordVote::words(e);
        QCOMPARE(TitleBuilder::render(words), QStringLiteral("Oak dining table"));
        QCOMPARE(froms(words), (QStringList{QStringLiteral("similar"), QStringLiteral("similar"), QStringLiteral("similar")}));
        QCOMPARE(TitleBuilder::render(TitleBuilder::words(e)), QStringLiteral("Oak dining table"));
        // Never a run torn from one title ("Win 10/Office"); a number alone is no word.
        e.nearby = neighbours({QStringLiteral("Lenovo laptop Win 10/Office 2019"), QStringLiteral("Lenovo ThinkPad laptop 10"), QStringLiteral("HP laptop i5 8GB"),
                               QStringLiteral("Dell laptop 10"), QStringLiteral("Acer laptop")}, 0.7);
        words = WordVote::words(e);
        QCOMPARE(TitleBuilder::render(words), QStringLiteral("Lenovo laptop"));
        // A much closer listing outvotes the far ones.
        e.nearby.prepend({QStringLiteral("Gaming laptop"), 0.9});
        QCOMPARE(TitleBuilder::render(WordVote::words(e)), QStringLiteral("Gaming laptop"));
        // With no listing near, the category's words alone: only a word most of its titles have.
        e.nearby.clear();
        e.marketWords = {{QStringLiteral("laptop"), 0.4}, {QStringLiteral("dell"), 0.1}};
        words = WordVote::words(e);
        QCOMPARE(TitleBuilder::render(words), QStringLiteral("Laptop"));
        QCOMPARE(froms(words), QStringList{QStringLiteral("market")});
    }

    // As suggested, each category the photo may be in votes with its own closest
    // listings, weighing P(category)^kCategorySharpness: close listings of a less
    // probable category's item do not splice their words into the title.
    void eachCategoryItMayBeInVotesWithItsOwnListings()
    {
        const Category c = laptops();
        TitleEvidence e = evidence(c);
        QStringList pcTitles, cookerTitles;
        for (int i = 0; i < 3; ++i) {
            pcTitles << QStringLiteral("Gaming PC RTX") << QStringLiteral("Gaming PC RTX 3060") << QStringLiteral("Gaming PC");
            cookerTitles << QStringLiteral("Gas cooker") << QStringLiteral("Cooker and hob") << QStringLiteral("Electric cooker");
        }
        pcTitles << QStringLiteral("Gaming PC RTX");
        cookerTitles << QStringLiteral("Gas cooker");
        const QVector<NeighbourTitle> pcs = neighbours(pcTitles, 0.7);         // ten voters
        const QVector<NeighbourTitle> cookers = neighbours(cookerTitles, 0.75); // ten voters
        // A given category (a moderator's): its closest listings vote.
        e.nearby = pcs;
        QCOMPARE(TitleBuilder::render(WordVote::words(e)), QStringLiteral("Gaming PC RTX"));
        // As suggested (0.6 computers, 0.3 appliances, 0.1 a category with no close listing): the computers' words alone.
        e.suggested = true;
        e.categoryWords = {{0.6, {}, pcs}, {0.3, {}, cookers}, {0.1, {}, neighbours({QStringLiteral("Red bike")}, 0.4)}};
        QCOMPARE(TitleBuilder::render(WordVote::words(e)), QStringLiteral("Gaming PC RTX"));
        const double total = 0.36 + 0.09 + 0.01;
        for (const WordVote::Scored &s : WordVote::scored(e)) {
            if (s.word == QLatin1String("cooker"))
                QVERIFY2(std::abs(s.listingShare - 0.09 / total) < 1e-9, qPrintable(QString::number(s.listingShare)));
            if (s.word == QLatin1String("PC"))
                QVERIFY2(std::abs(s.listingShare - 0.36 / total) < 1e-9, qPrintable(QString::number(s.listingShare)));
            QVERIFY(s.word != QLatin1String("bike")); // less alike than kMinSimilarity: no vote
        }
        // A wrong top category with the right second still gives the second's words.
        e.categoryWords = {{0.45, {}, cookers}, {0.4, {}, pcs}};
        QCOMPARE(TitleBuilder::render(WordVote::words(e)), QStringLiteral("Gaming PC cooker RTX"));
    }

    // As suggested, the closest listings of other categories never vote: where no
    // category the photo may be in has listings, or none has a probability
    // (0, NaN), the categories' words alone decide.
    void asSuggestedOnlyTheCategoriesListingsVote()
    {
        const Category c = laptops();
        TitleEvidence e = evidence(c);
        e.nearby = neighbours({QStringLiteral("Gas cooker"), QStringLiteral("Gas cooker"), QStringLiteral("Gas cooker")}, 0.9);
        e.suggested = true;
        const QVector<MarketWord> words{{QStringLiteral("laptop"), 0.5}};
        e.categoryWords = {{0.7, words, {}}, {0.3, {}, {}}};
        QCOMPARE(TitleBuilder::render(WordVote::words(e)), QStringLiteral("Laptop"));
        const QVector<NeighbourTitle> pcs = neighbours(QStringList(10, QStringLiteral("Gaming PC")), 0.7);
        for (double p : {0.0, std::nan("")}) {
            e.categoryWords = {{p, words, pcs}, {p, {}, pcs}};
            const std::vector<WordVote::Scored> scored = WordVote::scored(e);
            for (const WordVote::Scored &s : scored)
                QVERIFY2(s.listingShare == 0 && s.categoryShare == 0 && std::isfinite(s.likely), qPrintable(s.word));
            QVERIFY(WordVote::words(e).isEmpty()); // no evidence: the title falls back to the category (TitleBuilder)
        }
    }

    // One listing barely alike is one voter of kListings, not its category's whole say.
    void aCategoryWithFewListingsHasTheirShareOnly()
    {
        const Category c = laptops();
        TitleEvidence e = evidence(c);
        e.suggested = true;
        e.categoryWords = {{0.5, {}, neighbours({QStringLiteral("Vintage typewriter")}, 0.51)},
                           {0.5, {}, neighbours(QStringList(10, QStringLiteral("Gaming PC")), 0.7)}};
        for (const WordVote::Scored &s : WordVote::scored(e)) {
            if (s.word == QLatin1String("typewriter"))
                QVERIFY2(std::abs(s.listingShare - 0.5 / WordVote::kListings) < 1e-9, qPrintable(QString::number(s.listingShare)));
            if (s.word == QLatin1String("PC"))
                QVERIFY2(std::abs(s.listingShare - 0.5) < 1e-9, qPrintable(QString::number(s.listingShare)));
        }
        QCOMPARE(TitleBuilder::render(WordVote::words(e)), QStringLiteral("Gaming PC"));
    }

    void aWordIsKeptOnlyWhenLikelyEnough()
    {
        const Category c = laptops();
        TitleEvidence e = evidence(c);
        // Ten listings equally alike: a word's part is the share of their titles that have it, less kLoneTitle.
        QStringList titles;
        for (int i = 0; i < 10; ++i)
            titles << (i < 4 ? QStringLiteral("Dell laptop") : i < 7 ? QStringLiteral("Dell laptop i5") : i < 9 ? QStringLiteral("Laptop charger") : QStringLiteral("Laptop bag"));
        const QVector<NeighbourTitle> near = neighbours(titles, 0.7);
        e.suggested = true; // one category: its listings have the listings' whole say
        e.categoryWords = {{0.5, {{QStringLiteral("gaming"), 0.5, 0.0}, {QStringLiteral("bag"), 0.6, 1.0}}, near}};
        const std::vector<WordVote::Scored> scored = WordVote::scored(e);
        const QVector<TitleWord> words = WordVote::words(e);
        QStringList kept;
        for (const TitleWord &w : words)
            kept << w.word.toLower();
        for (const WordVote::Scored &s : scored) {
            QCOMPARE(s.likely, s.listings + s.categories);
            QVERIFY2(kept.contains(s.word.toLower()) == (s.likely >= WordVote::kLikely), qPrintable(s.word));
        }
        // "charger" (0.2 of the titles) and "gaming" (0.6 x 0.5 x 0.5) fall short; "bag" has both kinds of evidence.
        QCOMPARE(TitleBuilder::render(words), QStringLiteral("Dell laptop i5 bag"));
        QCOMPARE(froms(words), (QStringList{QStringLiteral("similar"), QStringLiteral("similar"), QStringLiteral("similar"), QStringLiteral("market")}));
        // A category the photo surely is in carries its word alone, as the category's evidence, where its sellers write it.
        e.categoryWords = {{1.0, {{QStringLiteral("gaming"), 0.5, 0.0}}, near}};
        const QVector<TitleWord> surer = WordVote::words(e);
        const auto gaming = std::find_if(surer.begin(), surer.end(), [](const TitleWord &w) { return w.word == QLatin1String("gaming"); });
        QVERIFY(gaming != surer.end());
        QCOMPARE(gaming->from, QStringLiteral("market"));
        QCOMPARE(TitleBuilder::render(surer), QStringLiteral("Dell gaming laptop i5"));
    }

    // With the market's word model, how many words a title takes is decided per
    // photo by their expected value, not by one threshold (WordVote::expectedBest).
    void theWordModelsTitleTakesTheWordsOfMostExpectedValue()
    {
        const Category c = laptops();
        TitleEvidence e = evidence(c);
        // One sure word and three doubtful ones (0.45, then 0.12, 0.11, 0.11 likely): the sure word alone,
        // where a threshold of 0.1 wrote all four.
        e.learnedWords = {{QStringLiteral("bike"), 0.9, 0.5}, {QStringLiteral("kids"), 0.24, 0.2},
                          {QStringLiteral("helmet"), 0.22, 0.8}, {QStringLiteral("red"), 0.22, 0.1}};
        QVector<TitleWord> words = WordVote::words(e);
        QCOMPARE(TitleBuilder::render(words), QStringLiteral("Bike"));
        QCOMPARE(froms(words), QStringList{QStringLiteral("learned")});
        // Only doubtful words (0.08, 0.07, 0.06 likely): all three, where a threshold of 0.1 wrote none.
        e.learnedWords = {{QStringLiteral("desk"), 0.16, 0.8}, {QStringLiteral("lamp"), 0.14, 0.9}, {QStringLiteral("brass"), 0.12, 0.1}};
        QCOMPARE(TitleBuilder::render(WordVote::words(e)), QStringLiteral("Brass desk lamp"));
        // Below kCandidate a word is never written, however few the others.
        e.learnedWords = {{QStringLiteral("desk"), 0.05, 0.8}};
        QVERIFY(WordVote::words(e).isEmpty());
        // The count is the argmax of sum + kPrecisionWeight x mean over the most likely first, at most kMaxLearnedWords.
        QCOMPARE(WordVote::expectedBest({}), 0);
        QCOMPARE(WordVote::expectedBest({0.45, 0.12, 0.11, 0.11}), 1);
        QCOMPARE(WordVote::expectedBest({0.5, 0.4, 0.3}), 3);
        QCOMPARE(WordVote::expectedBest({0.6, 0.5, 0.1}), 2);
        QCOMPARE(WordVote::expectedBest(std::vector<double>(10, 0.3)), WordVote::kMaxLearnedWords);
    }

    void oneFormOfAWordAndAtMostFive()
    {
        const Category c = laptops();
        TitleEvidence e = evidence(c);
        e.nearby = neighbours({QStringLiteral("Wooden boxes"), QStringLiteral("Wooden box"), QStringLiteral("Storage boxes"), QStringLiteral("Wooden box"),
                               QStringLiteral("Wooden boxes")}, 0.7);
        QCOMPARE(TitleBuilder::render(WordVote::words(e)), QStringLiteral("Wooden boxes"));
        e.nearby = neighbours({QStringLiteral("one two three four five six seven eight nine")}, 0.7);
        QCOMPARE(TitleBuilder::render(WordVote::words(e)).split(QLatin1Char(' ')).size(), WordVote::kMaxWords);
    }

    // A number is a token with a digit and no letter: "£20" is one, "&" (no
    // digit) is not, so "Chairs" of "Table & Chairs" stays a word and
    // "voucher" of "£20 voucher" is half of a run.
    void theWordAfterANumberOnlyAfterADigit()
    {
        const Category c = laptops();
        TitleEvidence e = evidence(c);
        e.nearby = neighbours({QStringLiteral("Table & Chairs"), QStringLiteral("Table & Chairs")}, 0.7);
        QCOMPARE(TitleBuilder::render(WordVote::words(e)), QStringLiteral("Table Chairs"));
        e.nearby = neighbours({QStringLiteral("Gift £20 voucher"), QStringLiteral("Gift £20 voucher")}, 0.7);
        QCOMPARE(TitleBuilder::render(WordVote::words(e)), QStringLiteral("Gift"));
    }

    void inTheOrderSellersWriteThem()
    {
        const Category c = laptops();
        TitleEvidence e = evidence(c);
        // Most titles that have both put "Apple" first, however the few others do; a word no title shares goes by its mean place.
        e.nearby = neighbours({QStringLiteral("Watch Apple"), QStringLiteral("Apple Series 3 Watch"), QStringLiteral("Apple Watch"),
                               QStringLiteral("GPS strap"), QStringLiteral("Silver GPS")}, 0.7);
        QCOMPARE(TitleBuilder::render(WordVote::words(e)), QStringLiteral("Apple GPS Watch"));
    }

    void theCatchAllsNounIsNeverTheTitle()
    {
        Category other;
        other.id = QStringLiteral("other");
        other.noun = QStringLiteral("item");
        other.catchAll = true;
        TitleEvidence e = evidence(other, {}, {{QStringLiteral("stuff"), 0.9}});
        e.label = {424, QStringLiteral("barbershop"), 0.35};
        e.itemLabel = {620, QStringLiteral("laptop"), 0.12};
        e.colour = QStringLiteral("white");
        e.colourShare = 0.2;
        // A label of an item's category names the item, however unsure; the catch-all's own words do not.
        QVector<TitleWord> words = TitleBuilder::words(e);
        QCOMPARE(TitleBuilder::render(words), QStringLiteral("Laptop"));
        QCOMPARE(TitleBuilder::basisOf(words), QStringLiteral("label"));
        // No item's label among the model's: its top label (a sailboat is the item).
        e.itemLabel = {};
        QCOMPARE(TitleBuilder::render(TitleBuilder::words(e)), QStringLiteral("Barbershop"));
    }

    void evidenceIsInTheJson()
    {
        PhotoResult r = suggested(QStringLiteral("computers"), {{QStringLiteral("Gaming"), QStringLiteral("similar")}, {QStringLiteral("laptop"), QStringLiteral("similar")}});
        QJsonObject o = resultToJson(r);
        QCOMPARE(o.value(QStringLiteral("title_basis")).toString(), QStringLiteral("similar"));
        const QJsonArray ev = o.value(QStringLiteral("title_evidence")).toArray();
        QCOMPARE(ev.size(), 2);
        QCOMPARE(ev.at(1).toObject().value(QStringLiteral("word")).toString(), QStringLiteral("laptop"));
        QCOMPARE(ev.at(1).toObject().value(QStringLiteral("from")).toString(), QStringLiteral("similar"));
        // A stored result read back has its title and basis only.
        r.titleWords.clear();
        o = resultToJson(r);
        QCOMPARE(o.value(QStringLiteral("title_evidence")).toArray().at(0).toObject().value(QStringLiteral("word")).toString(), QStringLiteral("Gaming laptop"));
    }

    void descriptionsSayWhatIsKnown()
    {
        PhotoText text;
        text.lines = {TextLine{QStringLiteral("Snowstorm Max 500W"), {0, 0, 100, 20}, 0.9}, TextLine{QStringLiteral("Call 07700 900123"), {0, 40, 100, 20}, 0.9},
                      TextLine{QStringLiteral("xq"), {0, 80, 100, 20}, 0.3}};
        text.contacts = {FoundContact{{}, {20, 40, 60, 20}}};
        const QString d = listingDescription(QStringLiteral("Snow machine"), {}, {QStringLiteral("Snow machine boxed"), QStringLiteral("Boxed fog machine"), QStringLiteral("Snow machine")}, &text, QStringLiteral("Home & garden"));
        QVERIFY2(d.startsWith(QStringLiteral("Snow machine.")), qPrintable(d));
        QVERIFY2(d.contains(QStringLiteral("Snowstorm Max 500W")), qPrintable(d));
        QVERIFY2(!d.contains(QStringLiteral("07700")), qPrintable(d)); // contact details never
        QVERIFY2(d.contains(QStringLiteral("boxed")), qPrintable(d));  // two close listings say so
        QVERIFY2(!d.contains(QStringLiteral("xq")), qPrintable(d));    // not legible
        QVERIFY2(d.endsWith(QStringLiteral("Listed in Home & garden.")), qPrintable(d));
    }

    void overlapCountsContentWords()
    {
        const TitleOverlap o = titleOverlap(QStringLiteral("Oak dining table"), QStringLiteral("Solid oak table and 4 chairs for sale"));
        QVERIFY(o.counted);
        QCOMPARE(o.recall, 2.0 / 5.0); // solid, oak, table, 4, chair
        QCOMPARE(o.precision, 2.0 / 3.0);
        QVERIFY(o.sharesWord);
        QVERIFY(!titleOverlap(QStringLiteral("Sofa"), QStringLiteral("for sale")).counted);
        QCOMPARE(titleTokens(QStringLiteral("Win 10/Office 2019 (boxed)")), (QStringList{QStringLiteral("Win"), QStringLiteral("10"), QStringLiteral("Office"),
                                                                                     QStringLiteral("2019"), QStringLiteral("boxed")}));
        QCOMPARE(titleTokens(QStringLiteral("WH-1000XM4.")), QStringList{QStringLiteral("WH-1000XM4")});
    }
};

QTEST_GUILESS_MAIN(TestTitles)
#include "tst_titles.moc"
