// The window switched to another database and back: a decision made while
// the one in use does not answer is stored in the photo's own database, after
// a restart too, and the similar listings keep their thumbnails.
#include "fixtures.h"
#include "history_model.h"
#include "history_page.h"
#include "history_reads.h"
#include "main_window.h"
#include "pending_decisions.h"
#include "photo_list_model.h"
#include "photo_strip.h"
#include "prediction_store.h"
#include "result_panel.h"
#include "session.h"
#include "store_worker.h"
#include "window_fixture.h"

#include <QListWidget>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTest>

using namespace listinglens;
using namespace listinglens::test;
using namespace listinglens::ui;

class TestWorkbenchSwitch : public QObject, public test::WindowTest {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { setUpWindowTests(QStringLiteral("tst_workbench_switch")); }
    void init() { QVERIFY(openOwnWindow()); }
    void cleanup() { closeWindow(); }

    // The lost-decision sequence: the window switched to a PostgreSQL that
    // refuses connections, the current photo (stored in the database before)
    // accepted, the window switched back and restarted, in either order. The
    // decision is never shown as stored while it is not; it ends stored once
    // in the photo's database, and History shows it.
    void aDecisionMadeWhileSwitchedToAnUnreachableDatabaseIsStored_data()
    {
        QTest::addColumn<bool>("postgres");
        QTest::addColumn<bool>("restartFirst");
        QTest::newRow("sqlite, switched back then restarted") << false << false;
        QTest::newRow("sqlite, restarted then switched back") << false << true;
        QTest::newRow("postgresql, switched back then restarted") << true << false;
        QTest::newRow("postgresql, restarted then switched back") << true << true;
    }
    void aDecisionMadeWhileSwitchedToAnUnreachableDatabaseIsStored()
    {
        QFETCH(bool, postgres);
        QFETCH(bool, restartFirst);
        if (postgres)
            LISTINGLENS_REQUIRE_POSTGRES();
        const QString url = reopenOnFreshDatabase(postgres, QStringLiteral("listinglens_lost_decision_%1").arg(int(restartFirst)));
        QVERIFY(!url.isEmpty());
        PhotoListModel *photos = m_window->photos();
        m_window->addPaths({photo("toaster.jpg")});
        QTRY_VERIFY_WITH_TIMEOUT(photos->count(PhotoState::Done) == 1 && photos->item(0)->predictionId > 0, 60000);
        const qint64 id = photos->item(0)->predictionId;
        const auto decisions = [&] { // the standing decision, and every row written for it
            auto store = PredictionStore::open(url);
            if (!store)
                return QStringLiteral("(unreadable)");
            return QStringLiteral("%1 × %2").arg(store.value()->standingDecision(id).value().decision)
                .arg(readDetail(*store.value(), id).value().feedback.size());
        };
        const QString unreachable = QStringLiteral("postgresql://nobody@127.0.0.1:1/none");

        QSignalSpy unavailable(m_window->session(), &Session::databaseUnavailable);
        m_window->session()->openDatabase(unreachable);
        QTRY_COMPARE_WITH_TIMEOUT(unavailable.count(), 1, 20000);
        m_window->strip()->setCurrentIndex(photos->index(0));
        m_window->acceptCurrent();
        QTRY_COMPARE_WITH_TIMEOUT(photos->item(0)->decision.storage, DecisionStorage::Waiting, 20000);
        const QString words = m_window->resultPanel()->decisionInWords(*photos->item(0));
        QVERIFY2(words.startsWith(QStringLiteral("Decided")) && words.contains(QStringLiteral("not stored yet")), qPrintable(words));
        QVERIFY2(m_window->statusBar()->currentMessage().contains(QStringLiteral("not stored yet")),
                 qPrintable(m_window->statusBar()->currentMessage()));
        QCOMPARE(decisions(), QStringLiteral("none × 0"));
        QCOMPARE(PendingDecisions().size(), 1);

        if (restartFirst) {
            m_window.reset(); // quit while the unreachable one is in use
            m_window = openWindow(unreachable);
            QVERIFY(m_window);
            QCOMPARE(decisions(), QStringLiteral("none × 0"));
            m_window->session()->openDatabase(url);
            QTRY_COMPARE_WITH_TIMEOUT(decisions(), QStringLiteral("accepted × 1"), 30000);
        } else {
            m_window->session()->openDatabase(url);
            QTRY_COMPARE_WITH_TIMEOUT(decisions(), QStringLiteral("accepted × 1"), 30000);
            QTRY_COMPARE_WITH_TIMEOUT(photos->item(0)->decision.storage, DecisionStorage::Stored, 20000);
            m_window.reset();
            m_window = openWindow(url);
            QVERIFY(m_window);
        }
        // The decision is let go of on disk just after its commit, which
        // decisions() may see first (a replay finds it stored: never twice).
        QTRY_COMPARE_WITH_TIMEOUT(PendingDecisions().size(), 0, 20000);
        m_window->showPage(1);
        HistoryPage *history = m_window->historyPage();
        QTRY_COMPARE_WITH_TIMEOUT(history->model()->rowCount(), 1, 20000);
        QCOMPARE(history->model()->row(0)->feedback, QStringLiteral("accepted"));
        QCOMPARE(decisions(), QStringLiteral("accepted × 1")); // once, not again at the restart
    }

    // The similar listings of the photo in view show their thumbnails again
    // after the window switches to another database and back, and when the
    // photo is shown anew.
    void similarThumbnailsComeBackAfterADatabaseSwitch()
    {
        PhotoListModel *photos = m_window->photos();
        m_window->addPaths({photo("toaster.jpg")});
        QTRY_VERIFY_WITH_TIMEOUT(photos->count(PhotoState::Done) == 1 && photos->item(0)->predictionId > 0, 60000);
        m_window->strip()->setCurrentIndex(photos->index(0));
        // Listening before the decision: the store's thread may store it before
        // a spy made after acceptCurrent() is connected.
        QSignalSpy stored(m_window->session()->storeWorker(), &StoreWorker::feedbackStored);
        m_window->acceptCurrent(); // a confirmed listing, for the next photo's similar listings
        QTRY_COMPARE_WITH_TIMEOUT(stored.count(), 1, 20000);
        const qint64 first = photos->item(0)->predictionId;
        const auto thumbnailStored = [&] { // by the moderation lane, after the result
            return !readThumbnails(*PredictionStore::open(m_dbUrl).value(), {first}).value().value(first).isEmpty();
        };
        QTRY_VERIFY_WITH_TIMEOUT(thumbnailStored(), 30000);
        m_window->addPaths({photo("toaster.jpg")}); // the first one is its most similar listing
        QTRY_VERIFY_WITH_TIMEOUT(photos->count(PhotoState::Done) == 2 && photos->item(1)->predictionId > 0, 60000);
        m_window->strip()->setCurrentIndex(photos->index(1));
        auto *similar = m_window->resultPanel()->findChild<QListWidget *>(QStringLiteral("similar"));
        QVERIFY(similar);
        const auto thumbnailsShown = [similar] {
            for (int row = 0; row < similar->count(); ++row)
                if (similar->item(row)->icon().isNull())
                    return false;
            return similar->count() > 0;
        };
        QTRY_VERIFY_WITH_TIMEOUT(thumbnailsShown(), 20000);

        const QString other = QStringLiteral("sqlite:") + m_dir.filePath(QStringLiteral("other.sqlite"));
        QVERIFY(PredictionStore::open(other, /*migrate=*/true).ok());
        QSignalSpy opened(m_window->session(), &Session::databaseOpened);
        m_window->session()->openDatabase(other);
        QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, 30000);
        m_window->strip()->setCurrentIndex(photos->index(0)); // looked through while the other one is in use
        m_window->strip()->setCurrentIndex(photos->index(1));
        m_window->session()->openDatabase(m_dbUrl);
        QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 2, 30000);
        QTRY_VERIFY_WITH_TIMEOUT(thumbnailsShown(), 20000); // the photo in view, without showing it anew

        m_window->strip()->setCurrentIndex(photos->index(0));
        m_window->strip()->setCurrentIndex(photos->index(1));
        QTRY_VERIFY_WITH_TIMEOUT(thumbnailsShown(), 20000);
    }
};

QTEST_MAIN(TestWorkbenchSwitch)
#include "tst_workbench_switch.moc"
