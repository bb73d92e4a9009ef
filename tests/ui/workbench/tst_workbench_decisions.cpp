// Decisions in the workbench window: accepting, correcting in place (the
// suggestion redone for the new category), what is stored as feedback, and a
// decision made before the redone suggestion is back.
#include "classifier.h"
#include "fixtures.h"
#include "history_reads.h"
#include "photo_list_model.h"
#include "photo_strip.h"
#include "prediction_store.h"
#include "price_text.h"
#include "quality_page.h"
#include "result_panel.h"
#include "window_fixture.h"
#include "workbench_settings.h"

#include <QApplication>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTest>

using namespace listinglens;
using namespace listinglens::test;
using namespace listinglens::ui;

class TestWorkbenchDecisions : public QObject, public test::WindowTest {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { setUpWindowTests(QStringLiteral("tst_workbench_decisions")); }
    void init() { QVERIFY(openOwnWindow()); }
    void cleanup() { closeWindow(); }

    void acceptWithAnotherCategoryRecordsACorrection()
    {
        m_window->addPaths({photo("sunglasses.jpg"), photo("wardrobe.jpg")});
        QTRY_COMPARE_WITH_TIMEOUT(m_window->photos()->count(PhotoState::Done), 2, 60000);
        m_window->strip()->setCurrentIndex(m_window->photos()->index(0));
        const PhotoItem first = *m_window->photos()->item(0);

        QTest::keyClick(m_window.get(), Qt::Key_2);          // the second suggested category
        QCOMPARE(m_window->resultPanel()->selectedChoice(), 1);
        QTest::keyClick(m_window.get(), Qt::Key_Return);     // Accept
        const Decision d = m_window->photos()->item(0)->decision;
        QVERIFY(d.made);
        QVERIFY(d.corrected);
        QCOMPARE(d.categoryId, first.result.categories[1].id);
        // Accepted before the suggestion was redone for that category: stored with its price once it is.
        QTRY_VERIFY_WITH_TIMEOUT(!m_window->photos()->item(0)->decisionWaits, 20000);
        QCOMPARE(m_window->photos()->item(0)->decision.price, m_window->photos()->item(0)->described->price.figure());

        // Accept moved on to the next photo; accepting it unchanged is not a correction.
        QCOMPARE(m_window->strip()->currentIndex().row(), 1);
        QTest::keyClick(m_window.get(), Qt::Key_Enter);
        const Decision plain = m_window->photos()->item(1)->decision;
        QVERIFY(plain.made);
        QVERIFY(!plain.corrected);
        QCOMPARE(plain.categoryId, m_window->photos()->item(1)->result.category.id);
        QCOMPARE(m_window->photos()->decisions().size(), 2);
    }

    void decisionsAreStoredAsFeedback()
    {
        m_window->addPaths({photo("refrigerator.jpg"), photo("rocking_chair.jpg")});
        QTRY_COMPARE_WITH_TIMEOUT(m_window->photos()->count(PhotoState::Done), 2, 60000);
        QTRY_VERIFY(m_window->photos()->item(1)->predictionId > 0);
        m_window->strip()->setCurrentIndex(m_window->photos()->index(0));
        QTest::keyClick(m_window.get(), Qt::Key_Return);  // accept the fridge as suggested
        QTest::keyClick(m_window.get(), Qt::Key_3);       // the chair: third category
        QTest::keyClick(m_window.get(), Qt::Key_Return);
        m_window.reset(); // closing the window writes everything still queued

        auto store = PredictionStore::open(m_dbUrl);
        QVERIFY(store.ok());
        HistoryFilter accepted, corrected;
        accepted.feedback = QStringLiteral("accepted");
        corrected.feedback = QStringLiteral("corrected");
        const auto a = readHistory(*store.value(), accepted, std::nullopt, 10).value();
        const auto c = readHistory(*store.value(), corrected, std::nullopt, 10).value();
        QCOMPARE(int(a.size()), 1);
        QCOMPARE(a[0].finalCategoryId, QStringLiteral("appliances"));
        QCOMPARE(int(c.size()), 1);
        QVERIFY(c[0].finalCategoryId != QStringLiteral("furniture"));
        QCOMPARE(int(readHistory(*store.value(), {}, std::nullopt, 10).value().size()), 2);
    }

    // Enter on a decided photo with nothing changed adds no decision: one feedback
    // row, so that History, the console and `stats` count one decision a photo.
    void decidingAgainUnchangedAddsNoDecision()
    {
        PhotoListModel *photos = m_window->photos();
        m_window->addPaths({photo("refrigerator.jpg")});
        QTRY_VERIFY_WITH_TIMEOUT(photos->count(PhotoState::Done) == 1 && photos->item(0)->predictionId > 0, 60000);
        m_window->strip()->setCurrentIndex(photos->index(0));
        const qint64 predictionId = photos->item(0)->predictionId;
        QTest::keyClick(m_window.get(), Qt::Key_Return);
        QTRY_VERIFY_WITH_TIMEOUT(photos->item(0)->decision.storage == DecisionStorage::Stored, 20000);
        m_window->strip()->setCurrentIndex(photos->index(0));
        QTest::keyClick(m_window.get(), Qt::Key_Return); // decided again, nothing changed
        QTest::keyClick(m_window.get(), Qt::Key_Enter);
        // A real change after it (key 2: the second category) is still a decision of its own.
        QVERIFY(photos->item(0)->result.categories.size() >= 2);
        QTest::keyClick(m_window.get(), Qt::Key_2);
        QTRY_VERIFY_WITH_TIMEOUT(photos->item(0)->described.has_value(), 20000);
        QTest::keyClick(m_window.get(), Qt::Key_Return);
        m_window.reset(); // closing the window writes everything still queued
        QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM feedback WHERE prediction_id = ?"), predictionId).toInt(), 2);
    }

    // Key 2 picks the second category; the price, the title and the
    // description are redone for it (Classifier::describedAs on the worker),
    // in the strip, the panel and the feedback stored. Correcting in place (C) does
    // the same for any category.
    void correctingTheCategoryRedoesPriceAndText()
    {
        PhotoListModel *photos = m_window->photos();
        ResultPanel *panel = m_window->resultPanel();
        m_window->addPaths({photo("sunglasses.jpg"), photo("wardrobe.jpg")});
        QTRY_VERIFY_WITH_TIMEOUT(photos->count(PhotoState::Done) == 2 && photos->item(1)->predictionId > 0, 60000);
        m_window->strip()->setCurrentIndex(photos->index(0));
        const PhotoItem sunglasses = *photos->item(0);
        // No listing is confirmed yet: the window's listing index changes nothing of price or text.
        const QString second = sunglasses.result.categories[1].id;
        const PhotoResult expected = classifier().describedAs(sunglasses.result, second).value();
        QVERIFY(expected.description != sunglasses.result.description);
        auto *title = panel->findChild<QLineEdit *>(QStringLiteral("title"));
        auto *description = panel->findChild<QPlainTextEdit *>(QStringLiteral("description"));
        auto *price = panel->findChild<QLabel *>(QStringLiteral("price"));
        QCOMPARE(description->toPlainText(), sunglasses.result.description);

        QTest::keyClick(m_window.get(), Qt::Key_2);
        QTRY_VERIFY_WITH_TIMEOUT(photos->item(0)->described.has_value(), 20000);
        QCOMPARE(photos->item(0)->shown().category.id, second);
        QCOMPARE(photos->data(photos->index(0), PhotoListModel::CategoryRole).toString(), expected.category.name);
        QCOMPARE(title->text(), expected.title);
        QCOMPARE(description->toPlainText(), expected.description);
        QVERIFY2(price->text().startsWith(money(expected.price.currency, expected.price.point)), qPrintable(price->text()));
        QCOMPARE(panel->selectedChoice(), 1);

        QTest::keyClick(m_window.get(), Qt::Key_Return);
        const Decision d = photos->item(0)->decision;
        QVERIFY(d.made && d.corrected && !photos->item(0)->decisionWaits);
        QCOMPARE(d.categoryId, second);
        QCOMPARE(d.price, expected.price.point);
        QCOMPARE(d.title, expected.title);
        QCOMPARE(d.description, expected.description);

        // Corrected in place (C), on the wardrobe (Accept moved on to it): a category outside its top three.
        QCOMPARE(m_window->strip()->currentIndex().row(), 1);
        const PhotoItem wardrobe = *photos->item(1);
        const QString cars = QStringLiteral("cars");
        QVERIFY(std::none_of(wardrobe.result.categories.begin(), wardrobe.result.categories.end(),
                             [&](const CategoryScore &c) { return c.id == cars; }));
        const PhotoResult asCar = classifier().describedAs(wardrobe.result, cars).value();
        QTest::keyClick(m_window.get(), Qt::Key_C);
        QVERIFY(panel->isCorrecting());
        QVERIFY(!QApplication::activeModalWidget()); // in the panel, over nothing
        auto *search = panel->findChild<QLineEdit *>(QStringLiteral("categorySearch"));
        QVERIFY(search->isVisible() && search->hasFocus());
        QTest::keyClicks(search, panel->categoryName(cars));
        QCOMPARE(panel->chosenCategoryId(), cars);
        auto *priceEdit = panel->findChild<QDoubleSpinBox *>(QStringLiteral("priceEdit"));
        // The fields left as they are follow the suggestion redone for cars.
        QTRY_COMPARE_WITH_TIMEOUT(title->text(), asCar.title, 20000);
        QCOMPARE(description->toPlainText(), asCar.description);
        QCOMPARE(priceEdit->value(), std::round(asCar.price.point * 100) / 100);
        QTest::keyClick(search, Qt::Key_Return); // saves
        QVERIFY(!panel->isCorrecting());
        const Decision c = photos->item(1)->decision;
        QCOMPARE(c.categoryId, cars);
        QCOMPARE(c.price, asCar.price.point);
        QCOMPARE(c.title, asCar.title);
        QCOMPARE(photos->data(photos->index(1), PhotoListModel::CategoryRole).toString(), asCar.category.name);
        QCOMPARE(panel->selectedChoice(), -1); // none of the top three: said beside them
        QVERIFY(panel->findChild<QLabel *>(QStringLiteral("otherChoice"))->isVisible());
        QVERIFY(panel->findChild<QLabel *>(QStringLiteral("otherChoice"))->text().contains(panel->categoryName(cars).toHtmlEscaped()));
        QCOMPARE(title->text(), asCar.title);

        m_window.reset(); // writes what is queued
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("feedback"));
        db.setDatabaseName(m_dbUrl.mid(int(qstrlen("sqlite:"))));
        QVERIFY(db.open());
        {
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("SELECT category_id, price, title, description FROM feedback ORDER BY id")));
            QVERIFY(q.next());
            QCOMPARE(q.value(0).toString(), second);
            QCOMPARE(q.value(1).toDouble(), expected.price.point);
            QCOMPARE(q.value(2).toString(), expected.title);
            QCOMPARE(q.value(3).toString(), expected.description);
            QVERIFY(q.next());
            QCOMPARE(q.value(0).toString(), cars);
            QCOMPARE(q.value(1).toDouble(), asCar.price.point);
            QCOMPARE(q.value(2).toString(), asCar.title);
            QCOMPARE(q.value(3).toString(), asCar.description);
            QVERIFY(!q.next());
        }
        db.close();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(QStringLiteral("feedback"));
    }

    // C corrects in place: a category found by typing, a price typed, Enter;
    // the strip, the panel, the decision line and the store show the final
    // values, in display names, under the moderator's name. Esc cancels.
    void correctingInPlaceShowsTheFinalValues()
    {
        PhotoListModel *photos = m_window->photos();
        ResultPanel *panel = m_window->resultPanel();
        m_window->addPaths({photo("sunglasses.jpg")});
        QTRY_VERIFY_WITH_TIMEOUT(photos->count(PhotoState::Done) == 1 && photos->item(0)->predictionId > 0, 60000);
        const PhotoItem glasses = *photos->item(0);
        const QString currency = glasses.result.price.currency;

        // Esc: nothing changes.
        QTest::keyClick(m_window.get(), Qt::Key_C);
        QVERIFY(panel->isCorrecting());
        QTest::keyClicks(panel->findChild<QLineEdit *>(QStringLiteral("categorySearch")), panel->categoryName(QStringLiteral("cars")));
        QCOMPARE(panel->chosenCategoryId(), QStringLiteral("cars"));
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Escape);
        QVERIFY(!panel->isCorrecting());
        QVERIFY(!photos->item(0)->decision.made);
        QVERIFY(photos->item(0)->chosenCategoryId.isEmpty());
        QCOMPARE(panel->chosenCategoryId(), glasses.result.category.id);

        // Typing filters the list to what matches, by display name.
        QTest::keyClick(m_window.get(), Qt::Key_C);
        auto *search = panel->findChild<QLineEdit *>(QStringLiteral("categorySearch"));
        auto *list = panel->findChild<QListWidget *>(QStringLiteral("categoryList"));
        const QString phones = QStringLiteral("phones");
        const QString phonesName = panel->categoryName(phones);
        QVERIFY(phonesName != phones); // a display name
        QTest::keyClicks(search, phonesName);
        QCOMPARE(panel->chosenCategoryId(), phones);
        for (int row = 0; row < list->count(); ++row)
            QCOMPARE(list->item(row)->isHidden(), !list->item(row)->text().contains(phonesName, Qt::CaseInsensitive));
        auto *priceEdit = panel->findChild<QDoubleSpinBox *>(QStringLiteral("priceEdit"));
        priceEdit->setFocus();
        priceEdit->selectAll();
        QTest::keyClicks(priceEdit, QStringLiteral("450"));
        QCOMPARE(priceEdit->value(), 450.0);
        QTest::keyClick(priceEdit, Qt::Key_Return);
        QVERIFY(!panel->isCorrecting());

        const QString moderator = WorkbenchSettings::load().moderatorName();
        const QString before = formatPrice(currency, glasses.result.price.point);
        const Decision d = photos->item(0)->decision;
        QVERIFY(d.made && d.corrected);
        QCOMPARE(d.categoryId, phones);
        QCOMPARE(d.price.value_or(-1), 450.0);
        QCOMPARE(d.moderator, moderator);
        // Saved before the suggestion redone for phones is in: it waits for it, the price typed shown meanwhile.
        if (photos->item(0)->decisionWaits)
            QCOMPARE(photos->data(photos->index(0), PhotoListModel::SummaryRole).toString(), QStringLiteral("%1 · %2").arg(phonesName, money(currency, 450)));
        QTRY_VERIFY_WITH_TIMEOUT(!photos->item(0)->decisionWaits, 20000);
        // The strip, the panel and its decision line: the final values, display names.
        QCOMPARE(photos->data(photos->index(0), PhotoListModel::CategoryRole).toString(), phonesName);
        QCOMPARE(photos->data(photos->index(0), PhotoListModel::SummaryRole).toString(), QStringLiteral("%1 · %2").arg(phonesName, money(currency, 450)));
        QCOMPARE(panel->findChild<QLabel *>(QStringLiteral("price"))->text(), money(currency, 450));
        // Said as done once the store has it ("being stored…" until then).
        const QString expected = QStringLiteral("Corrected by %1: %2 → %3, %4 → %5")
                                     .arg(moderator, panel->categoryName(glasses.result.category.id), phonesName, before, money(currency, 450));
        auto *decisionLine = panel->findChild<QLabel *>(QStringLiteral("decision"));
        QTRY_VERIFY2_WITH_TIMEOUT(decisionLine->text().startsWith(expected), qPrintable(decisionLine->text() + QStringLiteral(" / ") + expected), 20000);
        const QString line = decisionLine->text();
        QVERIFY(!line.contains(QLatin1Char('_')));
        // Once the suggestion for phones is in, it is stored with the price typed, under the moderator's name.
        QTRY_COMPARE_WITH_TIMEOUT(feedbackOf(glasses.predictionId), QStringLiteral("corrected"), 20000);
        m_window.reset();
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("inplace"));
        db.setDatabaseName(m_dbUrl.mid(int(qstrlen("sqlite:"))));
        QVERIFY(db.open());
        {
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("SELECT category_id, price, moderator FROM feedback")));
            QVERIFY(q.next());
            QCOMPARE(q.value(0).toString(), phones);
            QCOMPARE(q.value(1).toDouble(), 450.0);
            QCOMPARE(q.value(2).toString(), moderator);
            QVERIFY(!q.next());
        }
        db.close();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(QStringLiteral("inplace"));
    }

    // C, another category, Enter before its redone suggestion is in: stored
    // with the redone price and text, not those of the category before.
    void aCorrectionSavedBeforeTheRedoneSuggestionWaitsForIt()
    {
        PhotoListModel *photos = m_window->photos();
        ResultPanel *panel = m_window->resultPanel();
        m_window->addPaths({photo("wardrobe.jpg")});
        QTRY_VERIFY_WITH_TIMEOUT(photos->count(PhotoState::Done) == 1 && photos->item(0)->predictionId > 0, 60000);
        m_window->strip()->setCurrentIndex(photos->index(0));
        const PhotoItem wardrobe = *photos->item(0);
        const QString cars = QStringLiteral("cars");
        const PhotoResult asCar = classifier().describedAs(wardrobe.result, cars).value();
        QVERIFY(asCar.price.point != wardrobe.result.price.point);
        QTest::keyClick(m_window.get(), Qt::Key_C);
        QVERIFY(panel->isCorrecting());
        auto *search = panel->findChild<QLineEdit *>(QStringLiteral("categorySearch"));
        QTest::keyClicks(search, panel->categoryName(cars));
        QCOMPARE(panel->chosenCategoryId(), cars);
        QTest::keyClick(search, Qt::Key_Return); // saves, before any event could bring the answer
        QVERIFY(!panel->isCorrecting());
        QVERIFY(photos->item(0)->decisionWaits);
        // The strip says the category decided, its price still to come.
        QCOMPARE(photos->data(photos->index(0), PhotoListModel::SummaryRole).toString(), QStringLiteral("%1 · …").arg(panel->categoryName(cars)));
        QTRY_COMPARE_WITH_TIMEOUT(feedbackOf(wardrobe.predictionId), QStringLiteral("corrected"), 20000);
        QCOMPARE(scalar(QStringLiteral("SELECT price FROM feedback WHERE prediction_id = ?"), wardrobe.predictionId).toDouble(), asCar.price.point);
        QCOMPARE(scalar(QStringLiteral("SELECT title FROM feedback WHERE prediction_id = ?"), wardrobe.predictionId).toString(), asCar.title);
        QCOMPARE(photos->item(0)->decision.price, asCar.price.point);
    }

    // "3, Enter" at once, and the window closed before the worker answered: the
    // decision waits for the suggestion redone for that category and is stored with it.
    void aDecisionBeforeTheRedoneSuggestionWaitsForIt()
    {
        PhotoListModel *photos = m_window->photos();
        m_window->addPaths({photo("rocking_chair.jpg")});
        QTRY_VERIFY_WITH_TIMEOUT(photos->count(PhotoState::Done) == 1 && photos->item(0)->predictionId > 0, 60000);
        m_window->strip()->setCurrentIndex(photos->index(0));
        const PhotoResult chair = photos->item(0)->result;
        const PhotoResult expected = classifier().describedAs(chair, chair.categories[2].id).value();
        QTest::keyClick(m_window.get(), Qt::Key_3);
        QTest::keyClick(m_window.get(), Qt::Key_Return);
        QVERIFY(photos->item(0)->decision.made);
        QVERIFY(photos->item(0)->decisionWaits); // no event was delivered in between: the answer cannot be in
        m_window.reset();

        auto store = PredictionStore::open(m_dbUrl);
        QVERIFY(store.ok());
        HistoryFilter corrected;
        corrected.feedback = QStringLiteral("corrected");
        const auto rows = readHistory(*store.value(), corrected, std::nullopt, 10).value();
        QCOMPARE(int(rows.size()), 1);
        QCOMPARE(rows[0].finalCategoryId, expected.category.id);
        QCOMPARE(rows[0].finalPrice, expected.price.point);
    }

    // C, another category, a title typed, Enter before the redone suggestion is in: the
    // typed title is stored and said edited; decided again unchanged, it still is.
    void aTypedTitleSavedBeforeTheRedoneSuggestionStaysEdited()
    {
        PhotoListModel *photos = m_window->photos();
        ResultPanel *panel = m_window->resultPanel();
        m_window->addPaths({photo("wardrobe.jpg")});
        QTRY_VERIFY_WITH_TIMEOUT(photos->count(PhotoState::Done) == 1 && photos->item(0)->predictionId > 0, 60000);
        m_window->strip()->setCurrentIndex(photos->index(0));
        const qint64 predictionId = photos->item(0)->predictionId;
        const QString cars = QStringLiteral("cars");
        QTest::keyClick(m_window.get(), Qt::Key_C);
        auto *search = panel->findChild<QLineEdit *>(QStringLiteral("categorySearch"));
        QTest::keyClicks(search, panel->categoryName(cars));
        QCOMPARE(panel->chosenCategoryId(), cars);
        auto *title = panel->findChild<QLineEdit *>(QStringLiteral("title"));
        const QString typed = QStringLiteral("Vintage roof box");
        title->setFocus();
        title->selectAll();
        QTest::keyClicks(title, typed);
        QTest::keyClick(title, Qt::Key_Return); // saves, before any event could bring the answer
        QVERIFY(!panel->isCorrecting());
        QVERIFY(photos->item(0)->decisionWaits);
        QTRY_COMPARE_WITH_TIMEOUT(feedbackOf(predictionId), QStringLiteral("corrected"), 20000);
        QCOMPARE(scalar(QStringLiteral("SELECT title FROM feedback WHERE prediction_id = ?"), predictionId).toString(), typed);
        QTRY_VERIFY_WITH_TIMEOUT(photos->item(0)->decision.storage == DecisionStorage::Stored, 20000);
        QVERIFY2(panel->decisionInWords(*photos->item(0)).contains(QStringLiteral("text edited")),
                 qPrintable(panel->decisionInWords(*photos->item(0))));

        QTest::keyClick(m_window.get(), Qt::Key_Return); // decided again, nothing changed
        QCOMPARE(photos->item(0)->decision.title, typed);
        QVERIFY(photos->item(0)->decision.titleSet);
        QTRY_VERIFY_WITH_TIMEOUT(photos->item(0)->decision.storage == DecisionStorage::Stored, 20000);
        QCOMPARE(scalar(QStringLiteral("SELECT title FROM feedback WHERE prediction_id = ?"), predictionId).toString(), typed);
        QVERIFY2(panel->decisionInWords(*photos->item(0)).contains(QStringLiteral("text edited")),
                 qPrintable(panel->decisionInWords(*photos->item(0))));
    }
};

QTEST_MAIN(TestWorkbenchDecisions)
#include "tst_workbench_decisions.moc"
