// A correction of the category redoes the title from the new category's
// evidence only (Classifier::describedAs): its confirmed listings, and a brand
// read on the photo that fits it; never the old category's words. The model
// report's titles come by the suggestion's own route.
#include "classifier.h"
#include "title_check.h"

#include <QTest>

#include <cmath>

using namespace listinglens;

namespace {

// A unit vector `cosine` alike to the first axis, turned towards axis `towards`.
std::vector<float> alike(int dim, double cosine, int towards)
{
    std::vector<float> v(static_cast<std::size_t>(dim), 0.0f);
    v[0] = float(cosine);
    v[std::size_t(towards)] = float(std::sqrt(1 - cosine * cosine));
    return v;
}

} // namespace

class TestCorrectedTitles : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void aCorrectionUsesOnlyTheNewCategorysEvidence()
    {
        auto created = Classifier::create({});
        QVERIFY2(created, qPrintable(created ? QString() : created.error().message));
        Classifier &classifier = *created.value();
        const int dim = classifier.engineInfo().embeddingDim;
        auto index = std::make_shared<ListingIndex>(dim);
        const QStringList books{QStringLiteral("Board game"), QStringLiteral("Board games bundle"), QStringLiteral("Family board game")};
        const QStringList music{QStringLiteral("Vinyl records collection"), QStringLiteral("Vinyl LP records"), QStringLiteral("Job lot vinyl records")};
        for (int i = 0; i < 3; ++i) {
            index->add({i + 1, QStringLiteral("books-hobbies"), true, 10, quint64(i + 1), {}, books[i]}, alike(dim, 0.7, 1 + i));
            index->add({i + 11, QStringLiteral("music"), true, 20, quint64(i + 11), {}, music[i]}, alike(dim, 0.68, 10 + i));
        }
        classifier.setListingIndex(index);
        PhotoResult r;
        r.embedding = alike(dim, 1.0, 1);
        r.embeddingNorm = 1;
        r.colour = QStringLiteral("black");
        r.colourShare = 0.35;
        r.moderation.state = PhotoModeration::State::Done;
        r.moderation.text.brands = {FoundBrand{QStringLiteral("Fender"), QStringLiteral("music"), {}}};
        // Words read on the item that the music sellers write: as suggested they may count, after a correction to books never.
        r.moderation.text.lines = {TextLine{QStringLiteral("VINYL RECORDS"), {0, 0, 50, 10}, 0.9}};
        // As suggested, the closest listings of any category and the words of every category the photo may be in.
        r.categories = {{QStringLiteral("music"), QStringLiteral("Music"), 0.6}, {QStringLiteral("books-hobbies"), QStringLiteral("Books"), 0.4}};
        auto suggested = classifier.describedAs(r, QStringLiteral("music"), 0, false);
        QVERIFY(suggested);
        QVERIFY2(suggested.value().title.contains(QStringLiteral("vinyl"), Qt::CaseInsensitive), qPrintable(suggested.value().title));
        // A correction: the old category's words go, whatever they rested on.
        auto corrected = classifier.describedAs(suggested.value(), QStringLiteral("books-hobbies"));
        QVERIFY(corrected);
        for (const char *musicWord : {"Fender", "vinyl", "records"})
            QVERIFY2(!corrected.value().title.contains(QLatin1String(musicWord), Qt::CaseInsensitive), qPrintable(corrected.value().title));
        auto asBooks = classifier.describedAs(r, QStringLiteral("books-hobbies"));
        QVERIFY(asBooks);
        // The words the books listings vote for, in a seller's order; nothing of the music ones.
        const QString asBooksTitle = asBooks.value().title;
        QVERIFY2(asBooksTitle.contains(QStringLiteral("board game"), Qt::CaseInsensitive), qPrintable(asBooksTitle));
        for (const char *musicWord : {"Fender", "vinyl", "records"})
            QVERIFY2(!asBooksTitle.contains(QLatin1String(musicWord), Qt::CaseInsensitive), qPrintable(asBooksTitle));
        QCOMPARE(asBooks.value().titleBasis, QStringLiteral("similar"));
        auto asMusic = classifier.describedAs(asBooks.value(), QStringLiteral("music"));
        QVERIFY(asMusic);
        const QString title = asMusic.value().title;
        QVERIFY2(title.startsWith(QStringLiteral("Fender")) && title.contains(QStringLiteral("records"), Qt::CaseInsensitive), qPrintable(title));
        QVERIFY2(!title.contains(QStringLiteral("game"), Qt::CaseInsensitive), qPrintable(title));
        // Back again: the music brand and words go with the music category.
        auto back = classifier.describedAs(asMusic.value(), QStringLiteral("books-hobbies"));
        QVERIFY(back);
        QCOMPARE(back.value().title, asBooksTitle);
        // Similar listings: the same on every visit.
        QCOMPARE(back.value().similar.size(), asBooks.value().similar.size());
        for (qsizetype i = 0; i < back.value().similar.size(); ++i)
            QCOMPARE(back.value().similar[i].id, asBooks.value().similar[i].id);
    }

    void theModelReportTitlesAListingAsTheProductWould()
    {
        // The report's titles (leaveOneOutTitles) are voted as a suggestion's
        // are: a listing's closest listings of another kind of item, closer
        // than its own category's, bring none of their words.
        auto created = Classifier::create({});
        QVERIFY2(created, qPrintable(created ? QString() : created.error().message));
        const Classifier &classifier = *created.value();
        const int dim = classifier.engineInfo().embeddingDim;
        ListingIndex index(dim);
        // The first confirmed titled listing is the one the report, limited to one, titles.
        index.add({1, QStringLiteral("books-hobbies"), true, 10, 1, {}, QStringLiteral("Family board game")}, alike(dim, 1.0, 1));
        const QStringList books{QStringLiteral("Board game"), QStringLiteral("Board games bundle")};
        const QStringList music{QStringLiteral("Vinyl records collection"), QStringLiteral("Vinyl LP records"), QStringLiteral("Job lot vinyl records")};
        for (int i = 0; i < 2; ++i)
            index.add({i + 2, QStringLiteral("books-hobbies"), true, 10, quint64(i + 2), {}, books[i]}, alike(dim, 0.6, 2 + i));
        for (int i = 0; i < 3; ++i)
            index.add({i + 11, QStringLiteral("music"), true, 20, quint64(i + 11), {}, music[i]}, alike(dim, 0.95, 10 + i));
        const QJsonObject report = leaveOneOutTitles(index, classifier, 1).json();
        QCOMPARE(report.value(QStringLiteral("listings")).toInt(), 1);
        // Its own category's words: 2 of its 3 (board, game) in 3 suggested (measured 0.67 and 0.67);
        // the closest listings of any category voting gave the vinyl records' words (precision 0.29).
        QVERIFY2(report.value(QStringLiteral("word_precision")).toDouble() > 0.6, qPrintable(QString::number(report.value(QStringLiteral("word_precision")).toDouble())));
        QVERIFY2(report.value(QStringLiteral("word_recall")).toDouble() > 0.6, qPrintable(QString::number(report.value(QStringLiteral("word_recall")).toDouble())));
    }
    void theCatchAllsListingsVoteButNotItsWords()
    {
        // A photo that may be in the catch-all: its listings are what the
        // photo looks like and vote, but its sellers' words are of every kind
        // of item and say nothing of this one.
        auto created = Classifier::create({});
        QVERIFY2(created, qPrintable(created ? QString() : created.error().message));
        const Classifier &classifier = *created.value();
        const QString other = QStringLiteral("other"), music = QStringLiteral("music");
        QVERIFY(classifier.taxonomy().find(other) && classifier.taxonomy().find(other)->catchAll);
        const int dim = classifier.engineInfo().embeddingDim;
        ListingIndex index(dim);
        const QStringList misc{QStringLiteral("Job lot of mixed items"), QStringLiteral("Mixed house clearance items")};
        for (int i = 0; i < 2; ++i) {
            index.add({i + 1, other, true, 5, quint64(i + 1), {}, misc[i]}, alike(dim, 0.9, 1 + i));
            index.add({i + 11, music, true, 20, quint64(i + 11), {}, QStringLiteral("Vinyl records")}, alike(dim, 0.8, 10 + i));
        }
        PhotoResult r;
        r.embedding = alike(dim, 1.0, 1);
        r.categories = {{music, QStringLiteral("Music"), 0.6}, {other, QStringLiteral("Other"), 0.3},
                        {QStringLiteral("no-such-category"), QStringLiteral("None"), 0.1}};
        const ListingIndex::Lookup lookup = index.lookup(r.embedding, 5, music, 0, -1, 0, classifier.voters(r));
        // Not even asked of the index: its words would be dropped, and a market's catch-all has thousands.
        QCOMPARE(lookup.voters[1].categoryId, other);
        QVERIFY(lookup.voters[1].words.isEmpty());
        QVERIFY(!lookup.voters[0].words.isEmpty());
        const QVector<CategoryWords> words = classifier.categoryWords(r, lookup);
        QCOMPARE(words.size(), 2); // a category the taxonomy does not know brings nothing
        QCOMPARE(words[0].probability, 0.6);
        QVERIFY(!words[0].words.isEmpty());
        QCOMPARE(words[0].nearby.size(), 2);
        QCOMPARE(words[1].probability, 0.3);
        QVERIFY(words[1].words.isEmpty()); // the catch-all's words: none
        QCOMPARE(words[1].nearby.size(), 2); // its listings: they vote
        QCOMPARE(words[1].nearby[0].title, misc[0]);
    }
};

QTEST_GUILESS_MAIN(TestCorrectedTitles)
#include "tst_corrected_titles.moc"
