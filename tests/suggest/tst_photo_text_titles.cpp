// The photo's text in titles (core/suggest/title_builder.h, applyPhotoText):
// brands read on the photo only when they fit the category, the words read that
// the probable categories' sellers write (never the catch-all's but for its own
// photos), the lane's reading redoing the title without stacking, and a
// category chosen by a moderator keeping only its own sellers' words.
#include "moderated_result.h"
#include "suggested_results.h"
#include "title_builder.h"

#include <QMap>
#include <QTest>

using namespace listinglens;
using namespace listinglens::testing;

namespace {

FoundBrand brand(const QString &name, const QString &categoryId, QRect box = {0, 0, 10, 10})
{
    return FoundBrand{name, categoryId, box};
}

} // namespace

class TestPhotoTextTitles : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void brandReadOnThePhotoOnlyWhenItFits()
    {
        const QVector<TitleWord> base{{QStringLiteral("black"), QStringLiteral("colour")}, {QStringLiteral("phone"), QStringLiteral("category")}};
        PhotoResult r = suggested(QStringLiteral("phones"), base);
        // A brand the list ties to another category is never used.
        ModerationFindings found;
        found.text.brands = {brand(QStringLiteral("Bosch"), QStringLiteral("appliances"))};
        completeModeration(r, found, true);
        QCOMPARE(r.title, QStringLiteral("Black phone"));
        // The category's brand before an untied one; a model on the brand's own line after it; the colour guess gives way.
        r = suggested(QStringLiteral("phones"), base);
        found.text.brands = {brand(QStringLiteral("Sony"), {}, {0, 0, 5, 5}), brand(QStringLiteral("Samsung"), QStringLiteral("phones"), {0, 20, 50, 10})};
        found.text.lines = {TextLine{QStringLiteral("SAMSUNG SM-G991B"), {0, 20, 50, 10}, 0.9}, TextLine{QStringLiteral("A2337"), {0, 40, 50, 10}, 0.9}};
        found.text.models = {QStringLiteral("A2337"), QStringLiteral("SM-G991B")};
        completeModeration(r, found, true);
        QCOMPARE(r.title, QStringLiteral("Samsung SM-G991B phone"));
        QCOMPARE(froms(r.titleWords), (QStringList{QStringLiteral("photo_text"), QStringLiteral("photo_text"), QStringLiteral("category")}));
        QCOMPARE(r.titleBasis, QStringLiteral("photo_text"));
        QVERIFY(r.description.contains(QStringLiteral("Samsung SM-G991B as read on the item")));
        // Read again (the lane's result applied twice, or after a correction): never stacked.
        applyPhotoText(r);
        QCOMPARE(r.title, QStringLiteral("Samsung SM-G991B phone"));
        // A title that names the brand already is left as it is.
        r = suggested(QStringLiteral("phones"), {{QStringLiteral("Samsung Galaxy S21"), QStringLiteral("nearest")}});
        completeModeration(r, found, true);
        QCOMPARE(r.title, QStringLiteral("Samsung Galaxy S21"));
        QCOMPARE(r.titleBasis, QStringLiteral("nearest"));
    }

    void wordsReadThatSellersOfTheCategoryWrite()
    {
        const QMap<QString, QMap<QString, QString>> vocabulary{
            {QStringLiteral("tools"),
             {{QStringLiteral("generator"), QStringLiteral("Generator")}, {QStringLiteral("inverter"), QStringLiteral("Inverter")},
              {QStringLiteral("shutterstock"), QStringLiteral("Shutterstock")}, {QStringLiteral("honda"), QStringLiteral("Honda")},
              {QStringLiteral("camping"), QStringLiteral("camping")}}},
            {QStringLiteral("garden"), {{QStringLiteral("petrol"), QStringLiteral("Petrol")}}}};
        const SellersSpelling sellers = [&](const QString &key, const QString &category) { return vocabulary.value(category).value(key); };
        PhotoResult r = suggested(QStringLiteral("tools"), {{QStringLiteral("black"), QStringLiteral("colour")}, {QStringLiteral("tool"), QStringLiteral("category")}});
        ModerationFindings found;
        found.text.lines = {TextLine{QStringLiteral("HONDA GENERATOR EU22i"), {0, 0, 50, 10}, 0.9},
                            TextLine{QStringLiteral("PETROL"), {0, 15, 50, 10}, 0.9},
                            TextLine{QStringLiteral("Inverter 07700 900123"), {0, 30, 50, 10}, 0.9},
                            TextLine{QStringLiteral("shutterstock"), {0, 45, 50, 10}, 0.9},
                            TextLine{QStringLiteral("camping"), {0, 60, 50, 10}, 0.3}};
        FoundContact contact;
        contact.detail.value = QStringLiteral("+447700900123");
        contact.box = {20, 30, 30, 10};
        found.text.contacts = {contact};
        found.text.stockMarks = {QStringLiteral("shutterstock")};
        // A brand tied to another category is not brought back as a word sellers write.
        found.text.brands = {brand(QStringLiteral("Honda"), QStringLiteral("cars"))};
        completeModeration(r, found, true, sellers);
        // Only the category's sellers' word, as they spell it; not on a contact line, a stock mark, an illegible line.
        QCOMPARE(r.title, QStringLiteral("Black Generator tool"));
        QCOMPARE(froms(r.titleWords), (QStringList{QStringLiteral("colour"), QStringLiteral("photo_text"), QStringLiteral("category")}));
        QCOMPARE(r.titleBasis, QStringLiteral("photo_text"));
        // Read again: never stacked.
        applyPhotoText(r, sellers);
        QCOMPARE(r.title, QStringLiteral("Black Generator tool"));
        // Corrected to garden: that category's sellers' words, none of the tools' words stay.
        r.category.id = QStringLiteral("garden");
        applyPhotoText(r, sellers);
        QCOMPARE(r.title, QStringLiteral("Black Petrol tool"));
        // Without a market's words (no listing index) nothing is added.
        r.category.id = QStringLiteral("tools");
        applyPhotoText(r);
        QCOMPARE(r.title, QStringLiteral("Black tool"));
    }

    void wordsReadThatSellersOfAProbableCategoryWrite()
    {
        // As suggested, the sellers of each category the photo may be in count
        // (the top one spells a word first); once a moderator chose the
        // category, only its sellers' words stay.
        const QMap<QString, QMap<QString, QString>> vocabulary{
            {QStringLiteral("tools"), {{QStringLiteral("generator"), QStringLiteral("Generator")}}},
            {QStringLiteral("garden"), {{QStringLiteral("petrol"), QStringLiteral("Petrol")}, {QStringLiteral("generator"), QStringLiteral("GENERATOR")}}}};
        const SellersSpelling sellers = [&](const QString &key, const QString &category) { return vocabulary.value(category).value(key); };
        PhotoResult r = suggested(QStringLiteral("tools"), {{QStringLiteral("black"), QStringLiteral("colour")}, {QStringLiteral("tool"), QStringLiteral("category")}});
        r.categories = {{QStringLiteral("tools"), QStringLiteral("Tools"), 0.5}, {QStringLiteral("garden"), QStringLiteral("Garden"), 0.3},
                        {QStringLiteral("cars"), QStringLiteral("Cars"), 0.1}};
        ModerationFindings found;
        found.text.lines = {TextLine{QStringLiteral("PETROL GENERATOR"), {0, 0, 50, 10}, 0.9}, TextLine{QStringLiteral("lawn"), {0, 15, 50, 10}, 0.9}};
        completeModeration(r, found, true, sellers);
        QCOMPARE(r.title, QStringLiteral("Black Petrol Generator tool"));
        QCOMPARE(froms(r.titleWords), (QStringList{QStringLiteral("colour"), QStringLiteral("photo_text"), QStringLiteral("photo_text"), QStringLiteral("category")}));
        // Read again as suggested: never stacked.
        applyPhotoText(r, sellers);
        QCOMPARE(r.title, QStringLiteral("Black Petrol Generator tool"));
        // A moderator chose tools: the garden sellers' word goes.
        applyPhotoText(r, sellers, true);
        QCOMPARE(r.title, QStringLiteral("Black Generator tool"));
        // A moderator chose garden: its sellers' words, spelt as they spell them.
        r.category = r.categories[1];
        applyPhotoText(r, sellers, true);
        QCOMPARE(r.title, QStringLiteral("Black Petrol GENERATOR tool"));
    }

    void theCatchAllsSellersWordsOnlyForItsOwnPhotos()
    {
        // The catch-all's sellers write every kind of item's words: as a probable
        // category below the photo's own they add none; as the photo's own they do.
        const QMap<QString, QMap<QString, QString>> vocabulary{
            {QStringLiteral("tools"), {{QStringLiteral("generator"), QStringLiteral("Generator")}}},
            {QStringLiteral("other"), {{QStringLiteral("vintage"), QStringLiteral("Vintage")}}}};
        const SellersSpelling sellers = [&](const QString &key, const QString &category) { return vocabulary.value(category).value(key); };
        const IsCatchAll isCatchAll = [](const QString &category) { return category == QLatin1String("other"); };
        PhotoResult r = suggested(QStringLiteral("tools"), {{QStringLiteral("tool"), QStringLiteral("category")}});
        r.categories = {{QStringLiteral("tools"), QStringLiteral("Tools"), 0.5}, {QStringLiteral("other"), QStringLiteral("Other"), 0.4}};
        ModerationFindings found;
        found.text.lines = {TextLine{QStringLiteral("VINTAGE GENERATOR"), {0, 0, 50, 10}, 0.9}};
        completeModeration(r, found, true, sellers, isCatchAll);
        QCOMPARE(r.title, QStringLiteral("Generator tool"));
        // Without the test, the catch-all counts as any other category.
        applyPhotoText(r, sellers);
        QCOMPARE(r.title, QStringLiteral("Vintage Generator tool"));
        // The catch-all is the photo's own category: its sellers' words count.
        r.category = r.categories[1];
        r.titleWords = {{QStringLiteral("item"), QStringLiteral("category")}};
        applyPhotoText(r, sellers, false, isCatchAll);
        QCOMPARE(r.title, QStringLiteral("Vintage Generator item"));
    }

    void theCategoryDecidesWhichReadWordsStay()
    {
        // Read "Fender" (a music brand) on a photo suggested as furniture: not named;
        // corrected to music, the same reading names it.
        PhotoResult r = suggested(QStringLiteral("furniture"), {{QStringLiteral("stool"), QStringLiteral("market")}});
        ModerationFindings found;
        found.text.brands = {brand(QStringLiteral("Fender"), QStringLiteral("music"))};
        completeModeration(r, found, true);
        QCOMPARE(r.title, QStringLiteral("Stool"));
        r.category.id = QStringLiteral("music");
        r.titleWords = {{QStringLiteral("guitar"), QStringLiteral("similar")}};
        applyPhotoText(r);
        QCOMPARE(r.title, QStringLiteral("Fender guitar"));
        // And back to furniture: the brand goes with the category it fitted.
        r.category.id = QStringLiteral("furniture");
        r.titleWords = {{QStringLiteral("stool"), QStringLiteral("market")}, {QStringLiteral("Fender"), QStringLiteral("photo_text")}};
        applyPhotoText(r);
        QCOMPARE(r.title, QStringLiteral("Stool"));
    }
};

QTEST_GUILESS_MAIN(TestPhotoTextTitles)
#include "tst_photo_text_titles.moc"
