// The workbench's list of photos on its own: answers that arrive in any order.
#include "photo_list_model.h"
#include "percent_text.h"
#include "result_panel.h"

#include <QRadioButton>
#include <QtTest>

#include <limits>

using namespace listinglens;
using namespace listinglens::ui;

class TestPhotoListModel : public QObject {
    Q_OBJECT

private:
    static PhotoResult suggestion(const QString &categoryId)
    {
        PhotoResult r;
        r.category.id = categoryId;
        r.category.confidence = 0.6;
        r.moderation.state = PhotoModeration::State::Pending;
        r.titleWords = {{QStringLiteral("Black"), QStringLiteral("colour")}, {QStringLiteral("item"), QStringLiteral("category")}};
        r.title = QStringLiteral("Black item");
        return r;
    }

    // Only books' sellers write the word read on the photo.
    static QString booksSellers(const QString &key, const QString &categoryId)
    {
        return categoryId == QLatin1String("books") && key == QLatin1String("penguin") ? QStringLiteral("Penguin") : QString();
    }

    // One photo suggested as electronics (books' sellers' spellings known), corrected
    // to books before any answer: its id, or 0 when the correction was refused.
    static int correctedToBooks(PhotoListModel &photos)
    {
        photos.setSellersSpelling(booksSellers);
        const int id = photos.add({QStringLiteral("a.jpg")}, {QStringLiteral("a.jpg")}).value(0);
        if (id <= 0)
            return 0;
        photos.setResult(id, suggestion(QStringLiteral("electronics")), QImage(), QImage());
        return photos.chooseCategory(id, QStringLiteral("books")) ? id : 0;
    }

    static PhotoResult moderated(PhotoResult r)
    {
        r.moderation.state = PhotoModeration::State::Done;
        r.review.needed = true;
        r.review.reasons = {QStringLiteral("contact_details")};
        r.quality.flags = {QStringLiteral("contact_details")};
        r.moderation.text.lines = {TextLine{QStringLiteral("PENGUIN"), {0, 0, 50, 10}, 0.9}};
        return r;
    }

private Q_SLOTS:
    // The one rounding rule of every view's percent: short of 1 is never 100,
    // out of range is clamped, and no number is a dash, never "nan" or "-0".
    void confidencePercentRule_data()
    {
        QTest::addColumn<double>("confidence");
        QTest::addColumn<int>("decimals");
        QTest::addColumn<QString>("shown");
        QTest::newRow("0.9996") << 0.9996 << 1 << QStringLiteral("99.9");
        QTest::newRow("0.99951") << 0.99951 << 1 << QStringLiteral("99.9");
        QTest::newRow("0.9994") << 0.9994 << 1 << QStringLiteral("99.9");
        QTest::newRow("0.996, no decimals") << 0.996 << 0 << QStringLiteral("99");
        QTest::newRow("1.0") << 1.0 << 1 << QStringLiteral("100.0");
        QTest::newRow("1.2") << 1.2 << 1 << QStringLiteral("100.0");
        QTest::newRow("0.5") << 0.5 << 1 << QStringLiteral("50.0");
        QTest::newRow("-0.001") << -0.001 << 1 << QStringLiteral("0.0");
        QTest::newRow("-0.001, no decimals") << -0.001 << 0 << QStringLiteral("0");
        QTest::newRow("-0.0") << -0.0 << 1 << QStringLiteral("0.0");
        QTest::newRow("NaN") << std::numeric_limits<double>::quiet_NaN() << 1 << QStringLiteral("–");
        QTest::newRow("infinity") << std::numeric_limits<double>::infinity() << 1 << QStringLiteral("–");
    }
    void confidencePercentRule()
    {
        QFETCH(double, confidence);
        QFETCH(int, decimals);
        QFETCH(QString, shown);
        QCOMPARE(confidencePercent(confidence, decimals), shown);
    }

    // The moderator corrects the category before the lane has read the photo; the lane
    // answers while the suggestion is redone from the result without its reading.
    void aCorrectionAskedBeforeTheLaneAnsweredKeepsTheLanesFlags()
    {
        PhotoListModel photos;
        const int id = correctedToBooks(photos);
        QVERIFY(id > 0);
        const PhotoResult before = suggestion(QStringLiteral("electronics"));
        photos.setModerated(id, moderated(before));

        PhotoResult redone = before; // what the worker made of the result it was sent
        redone.category.id = QStringLiteral("books");
        photos.setDescribed(id, redone);

        const PhotoItem *item = photos.itemById(id);
        QVERIFY(item && item->described);
        QCOMPARE(item->shown().category.id, QStringLiteral("books"));
        QCOMPARE(item->shown().moderation.state, PhotoModeration::State::Done);
        QVERIFY(item->shown().review.needed);
        QCOMPARE(item->shown().review.reasons, QStringList{QStringLiteral("contact_details")});
        QCOMPARE(item->shown().quality.flags, QStringList{QStringLiteral("contact_details")});
        // And the words read that the chosen category's sellers write, as a correction after the lane gives them.
        QCOMPARE(item->shown().title, QStringLiteral("Black Penguin item"));
        QVERIFY(item->shown().description.contains(QStringLiteral("Penguin")));
    }

    // The lane answers after the redone suggestion: it is copied in too (as before).
    void theLanesAnswerAfterTheCorrectionReachesIt()
    {
        PhotoListModel photos;
        const int id = correctedToBooks(photos);
        QVERIFY(id > 0);
        const PhotoResult before = suggestion(QStringLiteral("electronics"));
        PhotoResult redone = before;
        redone.category.id = QStringLiteral("books");
        photos.setDescribed(id, redone);
        QCOMPARE(photos.itemById(id)->shown().moderation.state, PhotoModeration::State::Pending);
        photos.setModerated(id, moderated(before));
        QCOMPARE(photos.itemById(id)->shown().moderation.state, PhotoModeration::State::Done);
        QVERIFY(photos.itemById(id)->shown().review.needed);
        QCOMPARE(photos.itemById(id)->shown().title, QStringLiteral("Black Penguin item"));
    }

    // Accepted untouched as redone for books, then the lane's read words join that
    // suggestion: the moderator edited nothing, and the line says so.
    void theLanesWordsAfterADecisionAreNoEdit()
    {
        PhotoListModel photos;
        const int id = correctedToBooks(photos);
        QVERIFY(id > 0);
        const PhotoResult before = suggestion(QStringLiteral("electronics"));
        photos.setDescribed(id, suggestion(QStringLiteral("books")));
        ResultPanel panel;
        panel.showItem(*photos.itemById(id), {});
        Decision d = panel.draftDecision();
        QCOMPARE(d.title, QStringLiteral("Black item"));
        d.storage = DecisionStorage::Stored; // the line names edits once the decision is stored
        photos.setDecision(id, d, false);
        photos.setModerated(id, moderated(before));
        const PhotoItem *item = photos.itemById(id);
        QCOMPARE(item->shown().title, QStringLiteral("Black Penguin item"));
        QCOMPARE(item->decision.title, QStringLiteral("Black item")); // as stored
        const QString line = panel.decisionInWords(*item);
        QVERIFY2(line.startsWith(QStringLiteral("Corrected")) && !line.contains(QStringLiteral("text edited")), qPrintable(line));
    }

    // Accepted untouched while books' suggestion is redone, before the lane answers, which
    // then gives the result its own read words: the decision takes books' title, with them.
    void anUntouchedTitleAcceptedBeforeTheLaneIsTheChosenCategorys()
    {
        PhotoListModel photos;
        const int id = correctedToBooks(photos);
        QVERIFY(id > 0);
        const PhotoResult before = suggestion(QStringLiteral("electronics"));
        ResultPanel panel;
        panel.showItem(*photos.itemById(id), {});
        const Decision d = panel.draftDecision();
        QVERIFY(!d.titleSet && !d.descriptionSet);
        photos.setDecision(id, d, true);
        PhotoResult lane = moderated(before);
        lane.title = QStringLiteral("Black PENGUIN item"); // the result read as electronics
        photos.setModerated(id, lane);
        photos.setDescribed(id, suggestion(QStringLiteral("books")));
        const Decision stored = withRedoneSuggestion(*photos.itemById(id));
        QCOMPARE(stored.title, QStringLiteral("Black Penguin item"));
        QCOMPARE(stored.description, photos.itemById(id)->shown().description);
        QVERIFY(!stored.titleSet);
    }

    // Accepted untouched in its own category before the lane answers, which rewrites the
    // result's title; decided again unchanged: no correction, and the form shows the text now.
    void anUntouchedDecisionDecidedAgainAfterTheLaneIsNoCorrection()
    {
        PhotoListModel photos;
        const int id = photos.add({QStringLiteral("a.jpg")}, {QStringLiteral("a.jpg")}).value(0);
        const PhotoResult before = suggestion(QStringLiteral("electronics"));
        photos.setResult(id, before, QImage(), QImage());
        ResultPanel panel;
        panel.showItem(*photos.itemById(id), {});
        Decision d = panel.draftDecision();
        QVERIFY(!d.corrected);
        d.storage = DecisionStorage::Stored;
        photos.setDecision(id, d, false);
        PhotoResult lane = moderated(before);
        lane.title = QStringLiteral("Black PENGUIN item");
        photos.setModerated(id, lane);
        panel.showItem(*photos.itemById(id), {});
        const Decision again = panel.draftDecision();
        QCOMPARE(again.title, QStringLiteral("Black PENGUIN item"));
        QVERIFY(!again.titleSet && !again.descriptionSet);
        QVERIFY(!again.corrected);
        Decision stored = again;
        stored.storage = DecisionStorage::Stored;
        photos.setDecision(id, stored, false);
        const QString line = panel.decisionInWords(*photos.itemById(id));
        QVERIFY2(line.startsWith(QStringLiteral("Accepted")), qPrintable(line));
    }

    // A title typed for books that happens to be electronics' suggestion: deciding electronics
    // with the form as filled takes nothing typed from the books decision.
    void aTitleTypedForAnotherCategoryIsNotTypedForThisOne()
    {
        PhotoListModel photos;
        const int id = photos.add({QStringLiteral("a.jpg")}, {QStringLiteral("a.jpg")}).value(0);
        photos.setResult(id, suggestion(QStringLiteral("electronics")), QImage(), QImage());
        Decision books;
        books.made = true;
        books.categoryId = QStringLiteral("books");
        books.title = QStringLiteral("Black item");
        books.titleSet = true;
        books.storage = DecisionStorage::Stored;
        photos.setDecision(id, books, false);
        ResultPanel panel;
        panel.showItem(*photos.itemById(id), {});
        const Decision d = panel.draftDecision();
        QCOMPARE(d.categoryId, QStringLiteral("electronics"));
        QCOMPARE(d.title, QStringLiteral("Black item"));
        QVERIFY(!d.titleSet);
        QVERIFY(!d.corrected);
    }

    // One rounding rule in the strip and the panel: a confidence short of 1 is never 100 %.
    void aConfidenceBelowOneIsNeverShownAsAHundredPercent()
    {
        const struct {
            double confidence;
            const char *strip; // the end of the strip's summary line
            const char *panel; // the panel's choice
        } cases[] = {{0.996, " · 99%", "99.6 %"}, {0.9996, " · 99%", "99.9 %"}, {1.0, " · 100%", "100.0 %"},
                     {0.5, " · 50%", "50.0 %"}, {0.004, " · 0%", "0.4 %"}};
        for (const auto &c : cases) {
            PhotoListModel photos;
            const int id = photos.add({QStringLiteral("a.jpg")}, {QStringLiteral("a.jpg")}).value(0);
            PhotoResult r = suggestion(QStringLiteral("electronics"));
            r.category.name = QStringLiteral("Electronics");
            r.category.confidence = c.confidence;
            r.categories = {r.category};
            photos.setResult(id, r, QImage(), QImage());
            const QString summary = photos.data(photos.index(0), PhotoListModel::SummaryRole).toString();
            QVERIFY2(summary.endsWith(QString::fromUtf8(c.strip)), qPrintable(summary));
            ResultPanel panel;
            panel.showItem(*photos.itemById(id), {});
            QStringList choices;
            for (const QRadioButton *b : panel.findChildren<QRadioButton *>())
                choices << b->text();
            QVERIFY2(choices.join(QLatin1Char('|')).contains(QString::fromUtf8(c.panel)), qPrintable(choices.join(QLatin1Char('|'))));
        }
    }
};

QTEST_MAIN(TestPhotoListModel)
#include "tst_photo_list_model.moc"
