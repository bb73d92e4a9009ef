// Undo in the workbench window: decisions and removals taken back, in the
// store (kept, marked undone) and in the listing index.
#include "fixtures.h"
#include "history_reads.h"
#include "listing_index.h"
#include "pending_decisions.h"
#include "photo_list_model.h"
#include "photo_strip.h"
#include "prediction_store.h"
#include "result_panel.h"
#include "session.h"
#include "store_worker.h"
#include "window_fixture.h"

#include <QAction>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QLineEdit>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTest>

using namespace listinglens;
using namespace listinglens::test;
using namespace listinglens::ui;

class TestWorkbenchUndo : public QObject, public test::WindowTest {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { setUpWindowTests(QStringLiteral("tst_workbench_undo")); }
    void init() { QVERIFY(openOwnWindow()); }
    void cleanup() { closeWindow(); }

    // An undone decision is forgotten by the listing index too (later
    // suggestions no longer rest on it), and stays in the store's log marked
    // undone by the moderator; the decision before it comes back.
    void undoneDecisionsLeaveTheListingIndex()
    {
        PhotoListModel *photos = m_window->photos();
        m_window->addPaths({photo("toaster.jpg")});
        QTRY_VERIFY_WITH_TIMEOUT(photos->count(PhotoState::Done) == 1 && photos->item(0)->predictionId > 0, 60000);
        const PhotoItem toaster = *photos->item(0);
        QVERIFY(!toaster.result.embedding.empty());
        const QString suggested = toaster.result.category.id;

        StoreWorker worker; // driven here, on this thread, as the store thread does
        QSignalSpy undone(&worker, &StoreWorker::feedbackUndone);
        QSignalSpy refused(&worker, &StoreWorker::undoFailed);
        QSignalSpy stored(&worker, &StoreWorker::feedbackStored);
        worker.open(m_dbUrl);
        auto index = std::make_shared<ListingIndex>(int(toaster.result.embedding.size()));
        index->add({toaster.predictionId, suggested, false, 0, 0, toaster.name, {}}, toaster.result.embedding);
        worker.setListingIndex(index);
        const auto entry = [&] { return index->nearest(toaster.result.embedding, 1).at(0).entry; };

        worker.addFeedback(1, toaster.predictionId, {QStringLiteral("anna"), false, suggested, 20, QStringLiteral("EUR"), QStringLiteral("Toaster"), {}, 0}, 1);
        worker.addFeedback(1, toaster.predictionId, {QStringLiteral("anna"), true, QStringLiteral("kids-toys"), 450, QStringLiteral("EUR"), QStringLiteral("Toy"), {}, 0}, 2);
        QCOMPARE(stored.count(), 2);
        QVERIFY(entry().confirmed);
        QCOMPARE(entry().categoryId, QStringLiteral("kids-toys"));

        // Each undo names its decision, and its answer names the undo.
        worker.undoFeedback(11, 1, toaster.predictionId, 2, suggested, QStringLiteral("ben"));
        QCOMPARE(undone.count(), 1);
        QCOMPARE(undone.at(0).at(0).toInt(), 11);
        QCOMPARE(undone.at(0).at(2).toString(), QStringLiteral("accepted")); // the decision before it
        QVERIFY(entry().confirmed);
        QCOMPARE(entry().categoryId, suggested);
        QCOMPARE(entry().price.value_or(-1), 20.0);

        worker.undoFeedback(12, 1, toaster.predictionId, 1, suggested, QStringLiteral("ben"));
        QCOMPARE(undone.count(), 2);
        QCOMPARE(undone.at(1).at(2).toString(), QStringLiteral("none"));
        QVERIFY(!entry().confirmed);
        QCOMPARE(entry().categoryId, suggested);
        QCOMPARE(index->priceEvidence(suggested, toaster.result.embedding).categoryPrices.size(), std::size_t(0));

        // Nothing left to undo: refused, and a listing index loaded later does not confirm it again.
        worker.undoFeedback(13, 1, toaster.predictionId, 1, suggested, QStringLiteral("ben"));
        QCOMPARE(refused.count(), 1);
        QCOMPARE(refused.at(0).at(0).toInt(), 13);
        auto later = std::make_shared<ListingIndex>(int(toaster.result.embedding.size()));
        later->add({toaster.predictionId, QStringLiteral("kids-toys"), true, 450, 0, toaster.name, {}}, toaster.result.embedding);
        worker.setListingIndex(later);
        QVERIFY(!later->nearest(toaster.result.embedding, 1).at(0).entry.confirmed);

        QCOMPARE(feedbackOf(toaster.predictionId), QStringLiteral("none"));
        QCOMPARE(undoneRows(toaster.predictionId), 2);
        QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM feedback WHERE prediction_id = ? AND undone_by = 'ben'"), toaster.predictionId).toInt(), 2);

        // A decision that stands in the store from before the window's (another
        // moderator's, here): undoing the window's one goes back to it, in the
        // index too, and in every index loaded later.
        auto store = PredictionStore::open(m_dbUrl).value();
        QVERIFY(store->addFeedback(toaster.predictionId, {QStringLiteral("carla"), true, QStringLiteral("kitchen"), 35,
                                                          QStringLiteral("EUR"), QStringLiteral("Kettle"), {}, 0}).ok());
        worker.addFeedback(1, toaster.predictionId, {QStringLiteral("anna"), true, QStringLiteral("kids-toys"), 450, QStringLiteral("EUR"), QStringLiteral("Toy"), {}, 0}, 3);
        QCOMPARE(later->nearest(toaster.result.embedding, 1).at(0).entry.categoryId, QStringLiteral("kids-toys"));
        worker.undoFeedback(14, 1, toaster.predictionId, 3, suggested, QStringLiteral("ben"));
        QCOMPARE(undone.count(), 3);
        QCOMPARE(undone.at(2).at(2).toString(), QStringLiteral("corrected"));
        const auto standing = [&](const ListingIndex &i) { return i.nearest(toaster.result.embedding, 1).at(0).entry; };
        QVERIFY(standing(*later).confirmed);
        QCOMPARE(standing(*later).categoryId, QStringLiteral("kitchen"));
        QCOMPARE(standing(*later).price.value_or(-1), 35.0);
        auto another = std::make_shared<ListingIndex>(int(toaster.result.embedding.size()));
        another->add({toaster.predictionId, suggested, false, 0, 0, toaster.name, {}}, toaster.result.embedding);
        worker.setListingIndex(another);
        QVERIFY(standing(*another).confirmed);
        QCOMPARE(standing(*another).categoryId, QStringLiteral("kitchen"));
        QCOMPARE(feedbackOf(toaster.predictionId), QStringLiteral("corrected"));
    }

    // Two decisions on one photo, two Ctrl+Z before the store answers, and the
    // second refused by the store (its row undone meanwhile by someone else):
    // the photo keeps that decision, not an empty one.
    void twoUndosOfOnePhotoEachGetTheirOwnAnswer()
    {
        PhotoListModel *photos = m_window->photos();
        m_window->addPaths({photo("toaster.jpg")});
        QTRY_VERIFY_WITH_TIMEOUT(photos->count(PhotoState::Done) == 1 && photos->item(0)->predictionId > 0, 60000);
        m_window->strip()->setCurrentIndex(photos->index(0));
        const qint64 predictionId = photos->item(0)->predictionId;
        QTest::keyClick(m_window.get(), Qt::Key_Return);
        QTRY_COMPARE_WITH_TIMEOUT(allRows(predictionId), 1, 10000);
        const Decision first = photos->item(0)->decision;
        QTest::keyClick(m_window.get(), Qt::Key_2); // decided again, another category
        QTest::keyClick(m_window.get(), Qt::Key_Return);
        QTRY_COMPARE_WITH_TIMEOUT(allRows(predictionId), 2, 20000);
        QCOMPARE(m_window->findChild<QAction *>(QStringLiteral("undo"))->isEnabled(), true);
        const qint64 firstRow = scalar(QStringLiteral("SELECT MIN(id) FROM feedback WHERE prediction_id = ?"), predictionId).toLongLong();
        QVERIFY(PredictionStore::open(m_dbUrl).value()->undoFeedback(firstRow, QStringLiteral("carla")).ok());

        QTest::keyClick(m_window.get(), Qt::Key_Z, Qt::ControlModifier);
        QTest::keyClick(m_window.get(), Qt::Key_Z, Qt::ControlModifier);
        QVERIFY(!photos->item(0)->decision.made); // both taken back here, the answers still to come
        QTRY_VERIFY_WITH_TIMEOUT(m_window->statusBar()->currentMessage().startsWith(QStringLiteral("Could not undo")), 10000);
        const PhotoItem *item = photos->item(0);
        QVERIFY(item->decision.made);
        QCOMPARE(item->decision.categoryId, first.categoryId);
        QCOMPARE(item->decision.at, first.at);
        QCOMPARE(undoneRows(predictionId), 2);
    }

    // Delete and Ctrl+Z while a decision waits for its redone suggestion: the
    // decision is still stored, with the redone price.
    void aWaitingDecisionSurvivesRemoveAndUndo()
    {
        PhotoListModel *photos = m_window->photos();
        m_window->addPaths({photo("rocking_chair.jpg")});
        QTRY_VERIFY_WITH_TIMEOUT(photos->count(PhotoState::Done) == 1 && photos->item(0)->predictionId > 0, 60000);
        m_window->strip()->setCurrentIndex(photos->index(0));
        const PhotoItem chair = *photos->item(0);
        const PhotoResult expected = classifier().describedAs(chair.result, chair.result.categories[2].id).value();
        QTest::keyClick(m_window.get(), Qt::Key_3);
        QTest::keyClick(m_window.get(), Qt::Key_Return);
        QVERIFY(photos->item(0)->decisionWaits);
        m_window->strip()->setFocus();
        QTest::keyClick(m_window->strip(), Qt::Key_Delete);
        QCOMPARE(photos->rowCount(), 0);
        QTest::keyClick(m_window.get(), Qt::Key_Z, Qt::ControlModifier);
        QCOMPARE(photos->rowCount(), 1);
        QVERIFY(photos->item(0)->decision.made);
        QTRY_COMPARE_WITH_TIMEOUT(feedbackOf(chair.predictionId), QStringLiteral("corrected"), 20000);
        QCOMPARE(scalar(QStringLiteral("SELECT final_price FROM predictions WHERE id = ?"), chair.predictionId).toDouble(), expected.price.point);
        QVERIFY(!photos->item(0)->decisionWaits);
    }

    // Ctrl+Z takes a decision back: in the window and in the store, where the
    // row stays in the log marked undone and the prediction is undecided
    // again. A correction undone shows the suggestion again everywhere. Delete
    // is undone the same way.
    void undoTakesBackDecisionsAndRemovals()
    {
        PhotoListModel *photos = m_window->photos();
        ResultPanel *panel = m_window->resultPanel();
        m_window->addPaths({photo("refrigerator.jpg"), photo("rocking_chair.jpg")});
        QTRY_VERIFY_WITH_TIMEOUT(photos->count(PhotoState::Done) == 2 && photos->item(1)->predictionId > 0, 60000);
        m_window->strip()->setCurrentIndex(photos->index(0));
        const PhotoItem fridge = *photos->item(0);
        auto *price = panel->findChild<QLabel *>(QStringLiteral("price"));
        auto *decisionLine = panel->findChild<QLabel *>(QStringLiteral("decision"));
        const QString suggestedLine = photos->data(photos->index(0), PhotoListModel::SummaryRole).toString();
        const QString suggestedPrice = price->text();

        QTest::keyClick(m_window.get(), Qt::Key_Return);
        QVERIFY(photos->item(0)->decision.made);
        QCOMPARE(m_window->strip()->currentIndex().row(), 1); // on to the next
        QTRY_COMPARE_WITH_TIMEOUT(feedbackOf(fridge.predictionId), QStringLiteral("accepted"), 10000);
        QTest::keyClick(m_window.get(), Qt::Key_Z, Qt::ControlModifier);
        QVERIFY(!photos->item(0)->decision.made);
        QCOMPARE(m_window->strip()->currentIndex().row(), 0); // back on the photo undone
        QTRY_COMPARE_WITH_TIMEOUT(feedbackOf(fridge.predictionId), QStringLiteral("none"), 10000);
        QCOMPARE(undoneRows(fridge.predictionId), 1);
        QCOMPARE(allRows(fridge.predictionId), 1); // kept in the log

        // A correction (another category, a price typed) undone: the suggestion again in every view.
        QTest::keyClick(m_window.get(), Qt::Key_C);
        QVERIFY(panel->isCorrecting());
        const QString other = fridge.result.categories[2].id;
        QTest::keyClicks(panel->findChild<QLineEdit *>(QStringLiteral("categorySearch")), panel->categoryName(other));
        QCOMPARE(panel->chosenCategoryId(), other);
        auto *priceEdit = panel->findChild<QDoubleSpinBox *>(QStringLiteral("priceEdit"));
        priceEdit->setValue(450);
        QTest::keyClick(priceEdit, Qt::Key_Return);
        QVERIFY(photos->item(0)->decision.corrected);
        QTRY_COMPARE_WITH_TIMEOUT(feedbackOf(fridge.predictionId), QStringLiteral("corrected"), 20000);
        m_window->strip()->setCurrentIndex(photos->index(0));
        QCOMPARE(price->text(), money(fridge.result.price.currency, 450));
        QVERIFY2(decisionLine->text().contains(QStringLiteral("Ctrl+Z")), qPrintable(decisionLine->text()));
        QTest::keyClick(m_window.get(), Qt::Key_Z, Qt::ControlModifier);
        const PhotoItem *back = photos->item(0);
        QVERIFY(!back->decision.made);
        QVERIFY(back->chosenCategoryId.isEmpty());
        QCOMPARE(photos->data(photos->index(0), PhotoListModel::SummaryRole).toString(), suggestedLine);
        QCOMPARE(price->text(), suggestedPrice);
        QCOMPARE(decisionLine->text(), QString());
        QCOMPARE(panel->chosenCategoryId(), fridge.result.category.id);
        QTRY_COMPARE_WITH_TIMEOUT(feedbackOf(fridge.predictionId), QStringLiteral("none"), 10000);
        QCOMPARE(undoneRows(fridge.predictionId), 2);

        // Delete, then Ctrl+Z: the photo is back, result and all.
        m_window->strip()->setFocus();
        QTest::keyClick(m_window->strip(), Qt::Key_Delete);
        QCOMPARE(photos->rowCount(), 1);
        QTest::keyClick(m_window.get(), Qt::Key_Z, Qt::ControlModifier);
        QCOMPARE(photos->rowCount(), 2);
        QCOMPARE(photos->item(0)->name, fridge.name);
        QCOMPARE(photos->item(0)->state, PhotoState::Done);
        QCOMPARE(photos->item(0)->predictionId, fridge.predictionId);
        QCOMPARE(m_window->strip()->currentIndex().row(), 0);
        QTest::keyClick(m_window.get(), Qt::Key_Z, Qt::ControlModifier); // nothing left: says so, changes nothing
        QCOMPARE(photos->rowCount(), 2);
    }

    // A decision made while the database is away is kept on disk and written
    // when the database is back; Ctrl+Z after that takes back the row written,
    // not only what the window shows.
    void undoTakesBackADecisionWrittenLater()
    {
        LISTINGLENS_REQUIRE_POSTGRES_SERVER();
        m_window.reset();
        const QString url = test::freshPostgresDatabase(QStringLiteral("listinglens_undo_later"));
        QVERIFY(PredictionStore::open(url, /*migrate=*/true).ok());
        m_window = openWindow(url);
        QVERIFY(m_window);
        PhotoListModel *photos = m_window->photos();
        m_window->addPaths({photo("toaster.jpg")});
        QTRY_VERIFY_WITH_TIMEOUT(photos->count(PhotoState::Done) == 1 && photos->item(0)->predictionId > 0, 60000);
        const qint64 predictionId = photos->item(0)->predictionId;
        const auto rows = [&](const char *condition) {
            return test::postgresScalar(url, QStringLiteral("SELECT COUNT(*) FROM feedback WHERE prediction_id = %1 AND %2")
                                                 .arg(predictionId).arg(QLatin1String(condition)));
        };

        QVERIFY(test::postgresControl(QStringLiteral("stop")));
        m_window->strip()->setCurrentIndex(photos->index(0));
        m_window->acceptCurrent();
        QTRY_COMPARE_WITH_TIMEOUT(photos->item(0)->decision.storage, DecisionStorage::Waiting, 30000); // kept on disk
        QVERIFY(test::postgresControl(QStringLiteral("start")));
        m_window->retryDecisions();
        QTRY_COMPARE_WITH_TIMEOUT(rows("undone_by IS NULL"), 1, 60000);
        QTRY_COMPARE_WITH_TIMEOUT(photos->item(0)->decision.storage, DecisionStorage::Stored, 30000);

        m_window->undoLast();
        QVERIFY(!photos->item(0)->decision.made);
        QTRY_COMPARE_WITH_TIMEOUT(rows("undone_by IS NOT NULL"), 1, 20000);
        QCOMPARE(rows("undone_by IS NULL"), 0);
        QCOMPARE(test::postgresScalar(url, QStringLiteral("SELECT COUNT(*) FROM predictions WHERE id = %1 AND feedback = 'none'").arg(predictionId)), 1);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->statusBar()->currentMessage().contains(QStringLiteral("undecided again")), 10000);
    }

    // A decision on a photo of one database made while the window uses
    // another (here one that does not answer) is kept on disk and written into
    // its own database once that one is in use again. Ctrl+Z after that takes
    // the row back there; while that database is not the one in use the undo is
    // refused and said, and the decision stands. One undone while still kept is
    // let go of and never written.
    void undoTakesBackADecisionWrittenToItsDatabaseLater_data()
    {
        QTest::addColumn<bool>("postgres");
        QTest::newRow("sqlite") << false;
        QTest::newRow("postgresql") << true;
    }
    void undoTakesBackADecisionWrittenToItsDatabaseLater()
    {
        QFETCH(bool, postgres);
        if (postgres)
            LISTINGLENS_REQUIRE_POSTGRES();
        const QString url = reopenOnFreshDatabase(postgres, QStringLiteral("listinglens_undo_elsewhere"));
        QVERIFY(!url.isEmpty());
        PhotoListModel *photos = m_window->photos();
        Session *session = m_window->session();
        m_window->addPaths({photo("toaster.jpg")});
        QTRY_VERIFY_WITH_TIMEOUT(photos->count(PhotoState::Done) == 1 && photos->item(0)->predictionId > 0, 60000);
        const qint64 id = photos->item(0)->predictionId;
        const auto standing = [&] {
            auto store = PredictionStore::open(url);
            return store ? store.value()->standingDecision(id).value().decision : QStringLiteral("(unreadable)");
        };
        const auto undoneRows = [&] {
            auto store = PredictionStore::open(url);
            const auto rows = readDetail(*store.value(), id).value().feedback;
            return std::count_if(rows.begin(), rows.end(), [](const auto &f) { return f.undoneMs > 0; });
        };
        const auto said = [this](const char *words) { return statusMessage().contains(QString::fromUtf8(words)); };
        const QString unreachable = QStringLiteral("postgresql://nobody@127.0.0.1:1/none");

        session->openDatabase(unreachable);
        m_window->strip()->setCurrentIndex(photos->index(0));
        m_window->acceptCurrent();
        QTRY_COMPARE_WITH_TIMEOUT(photos->item(0)->decision.storage, DecisionStorage::Waiting, 20000);
        QCOMPARE(PendingDecisions().size(), 1);
        m_window->undoLast(); // still kept: let go of
        QVERIFY(!photos->item(0)->decision.made);
        QTRY_VERIFY_WITH_TIMEOUT(said("never written"), 20000);
        QCOMPARE(PendingDecisions().size(), 0);

        m_window->acceptCurrent();
        QTRY_COMPARE_WITH_TIMEOUT(photos->item(0)->decision.storage, DecisionStorage::Waiting, 20000);
        session->openDatabase(url); // its own database again: written there
        QTRY_COMPARE_WITH_TIMEOUT(standing(), QStringLiteral("accepted"), 30000);
        QTRY_COMPARE_WITH_TIMEOUT(photos->item(0)->decision.storage, DecisionStorage::Stored, 20000);

        session->openDatabase(unreachable); // away again: the undo is refused, the decision stands
        m_window->undoLast();
        QTRY_VERIFY_WITH_TIMEOUT(said("Could not undo"), 20000);
        QVERIFY2(said("not in the database in use"), qPrintable(m_window->statusBar()->currentMessage()));
        QVERIFY(photos->item(0)->decision.made);
        QCOMPARE(standing(), QStringLiteral("accepted"));

        session->openDatabase(url); // back: Ctrl+Z takes it back there
        m_window->undoLast();
        QVERIFY(!photos->item(0)->decision.made);
        QTRY_COMPARE_WITH_TIMEOUT(standing(), QStringLiteral("none"), 20000);
        QCOMPARE(undoneRows(), 1);
        QTRY_VERIFY_WITH_TIMEOUT(said("undecided again"), 20000);
        QCOMPARE(PendingDecisions().size(), 0);
    }
};

QTEST_MAIN(TestWorkbenchUndo)
#include "tst_workbench_undo.moc"
