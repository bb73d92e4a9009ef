// The decision line's "text edited" means the moderator's own edits: a
// correction of the category redoes the suggested text for the new category,
// and saving that untouched text is no edit.
#include "photo_list_model.h"
#include "result_panel.h"

#include <QTest>

using namespace listinglens;
using namespace listinglens::ui;

class TestDecisionWords : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void anUntouchedTitleIsNeverTextEdited()
    {
        ResultPanel panel;
        PhotoItem item;
        item.id = 1;
        item.state = PhotoState::Done;
        item.result.category = {QStringLiteral("books-hobbies"), QStringLiteral("Books"), 0.6};
        item.result.title = QStringLiteral("Vinyl records");
        item.result.description = QStringLiteral("Vinyl records.");
        PhotoResult music = item.result;
        music.category = {QStringLiteral("music"), QStringLiteral("Musical instruments"), 0.2};
        music.title = QStringLiteral("Instrument");
        music.description = QStringLiteral("Instrument.");
        item.described = music;
        item.decision.made = true;
        item.decision.corrected = true;
        item.decision.storage = DecisionStorage::Stored; // the line names edits once the decision is stored
        item.decision.categoryId = QStringLiteral("music");
        item.decision.title = music.title;
        item.decision.description = music.description;
        QVERIFY2(!panel.decisionInWords(item).contains(QStringLiteral("text edited")), qPrintable(panel.decisionInWords(item)));
        item.decision.title = QStringLiteral("Vinyl record collection");
        item.decision.titleSet = true; // typed by the moderator (CorrectionEditor::draft)
        QVERIFY2(panel.decisionInWords(item).contains(QStringLiteral("text edited")), qPrintable(panel.decisionInWords(item)));
        // Accepted in its own category with its own text: no edit either.
        item.decision.categoryId = item.result.category.id;
        item.decision.title = item.result.title;
        item.decision.description = item.result.description;
        item.decision.titleSet = false;
        QVERIFY2(!panel.decisionInWords(item).contains(QStringLiteral("text edited")), qPrintable(panel.decisionInWords(item)));
    }
};

QTEST_MAIN(TestDecisionWords)
#include "tst_decision_words.moc"
