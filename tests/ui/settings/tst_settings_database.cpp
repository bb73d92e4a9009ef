// The database in Settings and a lost one in the window: Test tries the
// database (a hanging one keeps the button until it ends, a real PostgreSQL),
// a failing one is not saved without asking; a lost database shows a banner
// above every page, and what was classified meanwhile is written when it is
// back (a real PostgreSQL stopped and started, under scripts/with-postgres.sh).
#include "database_banner.h"
#include "database_settings.h"
#include "environment.h"
#include "fixtures.h"
#include "history_model.h"
#include "history_page.h"
#include "inference_engine.h"
#include "main_window.h"
#include "model_folder_check.h"
#include "model_manifest.h"
#include "photo_list_model.h"
#include "prediction_store.h"
#include "session.h"
#include "settings_dialog.h"
#include "settings_fixture.h"
#include "window_fixture.h"
#include "workbench_settings.h"

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QStatusBar>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QThreadPool>
#include <QTimer>

using namespace listinglens;
using namespace listinglens::test;
using namespace listinglens::ui;

class TestSettingsDatabase : public SettingsFixture {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { setUpCase(QStringLiteral("tst_settings_database")); }
    void init() { setUpTest(); }
    void cleanup() { m_window.reset(); }

    void theTestButton_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<QString>("words");
        const QString good = QStringLiteral("sqlite:") + m_dir.filePath(QStringLiteral("tested.sqlite"));
        QTest::newRow("a good SQLite file") << good << true << "schema version";
        QTest::newRow("a SQLite file not there yet") << QStringLiteral("sqlite:") + m_dir.filePath(QStringLiteral("later.sqlite")) << true
                                                     << "no file";
        QTest::newRow("a file that is not a database") << QStringLiteral("sqlite:") + m_dir.filePath(QStringLiteral("junk.sqlite")) << false
                                                       << "not a SQLite database";
        QTest::newRow("not a URL") << QStringLiteral("mysql://db.example/x") << false << "not a database URL";
        QTest::newRow("nothing listening") << QStringLiteral("postgresql://postgres@127.0.0.1:1/listings") << false << "connection refused";
        QTest::newRow("a server that never answers") << QStringLiteral("postgresql://postgres@127.0.0.1:%1/listings") << false << "No answer from";
    }

    void theTestButton()
    {
        QFETCH(QString, url);
        QFETCH(bool, ok);
        QFETCH(QString, words);
        qint64 results = -1;
        if (QTest::currentDataTag() == QLatin1String("a good SQLite file")) {
            auto store = PredictionStore::open(url);
            QVERIFY(store.ok());
            QVERIFY(store.value()->addPrediction(predictionRecord(QStringLiteral("gui"), QStringLiteral("a.jpg"),
                                                                  Error{ErrorCode::Corrupt, QStringLiteral("broken")})).ok());
            results = 1;
        }
        if (QTest::currentDataTag() == QLatin1String("a file that is not a database"))
            QVERIFY(test::writeFile(url.mid(7), QByteArray(8192, 'z')));
        // Takes the connection and says nothing: the client's connect timeout ends the wait.
        QTcpServer silent;
        QList<QTcpSocket *> held;
        if (QTest::currentDataTag() == QLatin1String("a server that never answers")) {
            QVERIFY(silent.listen(QHostAddress::LocalHost));
            connect(&silent, &QTcpServer::newConnection, &silent, [&] { held << silent.nextPendingConnection(); });
            url = url.arg(silent.serverPort());
        }

        WorkbenchSettings s;
        s.databaseUrl = url;
        SettingsDialog dialog(s);
        dialog.show();
        QSignalSpy tested(&dialog, &SettingsDialog::databaseTested);
        QTest::mouseClick(dialog.findChild<QPushButton *>(QStringLiteral("testDatabase")), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(tested.count(), 1, SettingsDialog::kTestTimeoutMs + 5000);
        const QString answer = tested.first().at(1).toString();
        QCOMPARE(tested.first().at(0).toBool(), ok);
        QVERIFY2(answer.contains(words, Qt::CaseInsensitive), qPrintable(answer));
        QVERIFY(noteText(dialog, "databaseTestAnswer").contains(answer));
        if (results >= 0)
            QVERIFY2(answer.contains(QStringLiteral("(current), 1 stored result")), qPrintable(answer));
        if (QTest::currentDataTag() == QLatin1String("a SQLite file not there yet"))
            QVERIFY(!QFile::exists(url.mid(7))); // a test changes nothing
        // Editing the URL takes the answer away: it was about the URL before.
        QTest::keyClick(dialog.findChild<QLineEdit *>(QStringLiteral("databaseUrl")), Qt::Key_X);
        QVERIFY(noteText(dialog, "databaseTestAnswer").isEmpty());
    }

    // A Test that outlasts its timeout: the timeout's answer is shown, but Test
    // stays disabled until the check really ends, its late answer is skipped,
    // and it runs on the dialog's window's pool, never the global one, which
    // outlives the dialog.
    void aHangingTestKeepsTheButtonUntilItEnds()
    {
        QTcpServer silent;
        QList<QTcpSocket *> held;
        QVERIFY(silent.listen(QHostAddress::LocalHost));
        connect(&silent, &QTcpServer::newConnection, &silent, [&] { held << silent.nextPendingConnection(); });
        WorkbenchSettings s;
        s.databaseUrl = QStringLiteral("postgresql://postgres@127.0.0.1:%1/listings").arg(silent.serverPort());
        QWidget window;
        auto *dialog = new SettingsDialog(s, &window);
        dialog->setTestTimeout(300);
        dialog->show();
        auto *test = dialog->findChild<QPushButton *>(QStringLiteral("testDatabase"));
        QSignalSpy tested(dialog, &SettingsDialog::databaseTested);
        QTest::mouseClick(test, Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(tested.count(), 1, 3000);
        QVERIFY2(tested.first().at(1).toString().contains(QStringLiteral("No answer within 0.3 s")), qPrintable(tested.first().at(1).toString()));
        QVERIFY(!test->isEnabled()); // the check is still running
        QVERIFY(dialog->isChecking());
        QThreadPool *pool = dialog->checkPool();
        QVERIFY(pool && pool != QThreadPool::globalInstance());
        QCOMPARE(pool->parent(), &window);
        QCOMPARE(pool->activeThreadCount(), 1);
        QCOMPARE(QThreadPool::globalInstance()->activeThreadCount(), 0);
        QTest::mouseClick(test, Qt::LeftButton); // disabled: starts nothing
        QCOMPARE(pool->activeThreadCount(), 1);

        QTRY_VERIFY_WITH_TIMEOUT(test->isEnabled(), 20000); // the client's connect timeout ended it
        QVERIFY(!dialog->isChecking());
        QCOMPARE(tested.count(), 1); // its late answer was skipped
        QVERIFY(noteText(*dialog, "databaseTestAnswer").contains(QStringLiteral("No answer within")));

        // Closed while a check runs: the check ends on the window's pool, nothing is left behind.
        QTest::mouseClick(test, Qt::LeftButton);
        QVERIFY(!test->isEnabled());
        delete dialog;
        QCOMPARE(window.findChild<QThreadPool *>(QStringLiteral("settingsChecks")), pool);
        QTRY_COMPARE_WITH_TIMEOUT(pool->activeThreadCount(), 0, 20000);
        auto *again = new SettingsDialog(s, &window);
        QCOMPARE(again->checkPool(), pool); // one pool per window
        delete again;
    }

    void testingARealPostgres()
    {
        LISTINGLENS_REQUIRE_POSTGRES();
        const QString url = test::freshPostgresDatabase(QStringLiteral("listinglens_settings_test"));
        for (bool migrated : {false, true}) {
            if (migrated)
                QVERIFY(PredictionStore::open(url, /*migrate=*/true).ok());
            WorkbenchSettings s;
            s.databaseUrl = url;
            SettingsDialog dialog(s);
            dialog.show();
            QSignalSpy tested(&dialog, &SettingsDialog::databaseTested);
            QTest::mouseClick(dialog.findChild<QPushButton *>(QStringLiteral("testDatabase")), Qt::LeftButton);
            QTRY_COMPARE_WITH_TIMEOUT(tested.count(), 1, 20000);
            const QString answer = tested.first().at(1).toString();
            QCOMPARE(tested.first().at(0).toBool(), migrated);
            QVERIFY2(answer.contains(migrated ? QStringLiteral("(current), 0 stored results") : QStringLiteral("no ListingLens tables")),
                     qPrintable(answer));
        }
    }

    // OK with a database that does not work: it is tested first, and saved
    // only when the moderator says so in the question that follows; Cancel keeps
    // the database in use. One that works is saved without a question.
    void aFailingDatabaseIsNotSavedWithoutAsking_data()
    {
        QTest::addColumn<bool>("save");
        QTest::newRow("cancelled") << false;
        QTest::newRow("saved when asked") << true;
    }

    void aFailingDatabaseIsNotSavedWithoutAsking()
    {
        QFETCH(bool, save);
        openWindow();
        const QString before = QSettings().value(QStringLiteral("database/url")).toString();
        const QString unreachable = QStringLiteral("postgresql://nobody@127.0.0.1:1/none");
        {
            withSettingsDialog([&](SettingsDialog *dialog) {
                dialog->setTestTimeout(20000);
                QSignalSpy tested(dialog, &SettingsDialog::databaseTested);
                dialog->findChild<QLineEdit *>(QStringLiteral("databaseUrl"))->setText(unreachable);
                QTest::mouseClick(okButton(dialog), Qt::LeftButton);
                QTRY_COMPARE_WITH_TIMEOUT(tested.count(), 1, 30000); // tested first, as OK was pressed
                QVERIFY(!tested.first().at(0).toBool());
                QMessageBox *question = nullptr;
                QTRY_VERIFY((question = dialog->findChild<QMessageBox *>(QStringLiteral("saveFailingDatabase"))) != nullptr);
                QVERIFY(question->text().contains(QStringLiteral("failed")));
                QVERIFY(dialog->isVisible());
                QTest::mouseClick(question->button(save ? QMessageBox::Save : QMessageBox::Cancel), Qt::LeftButton);
                if (!save) {
                    QTest::qWait(50);
                    QVERIFY(dialog->isVisible() && dialog->result() != QDialog::Accepted);
                    dialog->reject();
                }
            });
            QCOMPARE(QSettings().value(QStringLiteral("database/url")).toString().contains(QStringLiteral("127.0.0.1:1")), save);
            if (!save)
                QCOMPARE(QSettings().value(QStringLiteral("database/url")).toString(), before);
        }
        m_window.reset();
        QSettings().setValue(QStringLiteral("database/url"), before); // the next tests use their own
    }

    // A currency the database refuses (its confirmed prices are in another) is
    // not written to the settings file: the file keeps the database's.
    void aRefusedCurrencyIsNotSaved()
    {
        {
            auto store = PredictionStore::open(m_dbUrl, /*migrate=*/true);
            QVERIFY(store.ok());
            QCOMPARE(chooseDatabaseCurrency(*store.value(), QStringLiteral("GBP")).value(), QStringLiteral("GBP"));
            PhotoResult r;
            r.category = {QStringLiteral("phones"), QStringLiteral("phones"), 0.8};
            r.categories = {r.category};
            r.title = QStringLiteral("Phone");
            const auto id = store.value()->addPrediction(predictionRecord(QStringLiteral("gui"), QStringLiteral("a.jpg"), r));
            QVERIFY(id.ok());
            const FeedbackRecord gbp{QStringLiteral("bob"), false, QStringLiteral("phones"), 50.0, QStringLiteral("GBP"),
                                     QStringLiteral("Phone"), QStringLiteral("Phone"), 0};
            QVERIFY(store.value()->addFeedback(id.value(), gbp).ok());
        }
        QSettings().setValue(QStringLiteral("display/currency"), QStringLiteral("GBP")); // as the window last knew it
        openWindow();
        withSettingsDialog([&](SettingsDialog *dialog) {
            dialog->findChild<QComboBox *>(QStringLiteral("currency"))->setCurrentText(QStringLiteral("EUR"));
            QTest::mouseClick(okButton(dialog), Qt::LeftButton); // nothing to check: the model and database are the same
        });
        QTRY_VERIFY_WITH_TIMEOUT(m_window->statusBar()->currentMessage().contains(QStringLiteral("Currency not changed")), 20000);
        QVERIFY2(m_window->statusBar()->currentMessage().contains(QStringLiteral("in GBP")), qPrintable(m_window->statusBar()->currentMessage()));
        QCOMPARE(QSettings().value(QStringLiteral("display/currency")).toString(), QStringLiteral("GBP"));
        QCOMPARE(WorkbenchSettings::load().currency, QStringLiteral("GBP"));
    }

    // Switched to a PostgreSQL that does not answer, photos classified,
    // switched back: what was classified meanwhile is written on return.
    void resultsMadeWhileSwitchedAwayAreWrittenOnReturn()
    {
        openWindow();
        m_window->addPaths({photo("toaster.jpg")});
        QTRY_VERIFY_WITH_TIMEOUT(m_window->photos()->rowCount() == 1 && m_window->photos()->item(0)->predictionId > 0, 60000);
        auto *banner = m_window->findChild<DatabaseBanner *>();
        QVERIFY(banner);
        QVERIFY(!banner->isVisible());

        Session *session = m_window->session();
        session->openDatabase(QStringLiteral("postgresql://postgres@127.0.0.1:1/listings"));
        QTRY_VERIFY_WITH_TIMEOUT(banner->isVisible(), 20000);
        QVERIFY2(banner->text().contains(QStringLiteral("PostgreSQL at 127.0.0.1:1")), qPrintable(banner->text()));
        m_window->addPaths({photo("teddy.jpg"), photo("moped.jpg")});
        QTRY_COMPARE_WITH_TIMEOUT(m_window->photos()->count(PhotoState::Done), 3, 60000);
        QTRY_COMPARE_WITH_TIMEOUT(session->resultsWaiting(), 2, 20000);
        QTRY_VERIFY2_WITH_TIMEOUT(banner->text().contains(QStringLiteral("2 results made since are kept")), qPrintable(banner->text()), 5000);

        session->openDatabase(m_dbUrl); // back
        QTRY_VERIFY_WITH_TIMEOUT(m_window->photos()->item(1)->predictionId > 0 && m_window->photos()->item(2)->predictionId > 0, 30000);
        QTRY_VERIFY(!banner->isVisible());
        QCOMPARE(session->resultsWaiting(), 0);
        m_window.reset();
        QCOMPARE(storedResults(m_dbUrl), qint64(3));
    }

    // PostgreSQL stopped while the window works, then started: a banner above
    // every page says what is stale, the status bar says it short, and what was
    // classified meanwhile arrives when it is back.
    void aLostPostgresShowsABannerAndCatchesUp()
    {
        LISTINGLENS_REQUIRE_POSTGRES_SERVER();
        const QString url = test::freshPostgresDatabase(QStringLiteral("listinglens_banner_test"));
        QVERIFY(PredictionStore::open(url, /*migrate=*/true).ok());
        qputenv("LISTINGLENS_DB", url.toUtf8());
        openWindow();
        m_window->addPaths({photo("toaster.jpg")});
        QTRY_VERIFY_WITH_TIMEOUT(m_window->photos()->rowCount() == 1 && m_window->photos()->item(0)->predictionId > 0, 60000);
        auto *banner = m_window->findChild<DatabaseBanner *>();
        QVERIFY(banner && !banner->isVisible());

        QVERIFY(test::postgresControl(QStringLiteral("stop")));
        m_window->addPaths({photo("teddy.jpg"), photo("moped.jpg"), photo("laptop.jpg")});
        QTRY_COMPARE_WITH_TIMEOUT(m_window->photos()->count(PhotoState::Done), 4, 90000);
        QTRY_VERIFY_WITH_TIMEOUT(banner->isVisible(), 30000);
        QTRY_COMPARE_WITH_TIMEOUT(m_window->session()->resultsWaiting(), 3, 30000);
        const DatabaseUrl where = DatabaseUrl::parse(url).value();
        QTRY_VERIFY2_WITH_TIMEOUT(banner->text().contains(QStringLiteral("3 results made since are kept")), qPrintable(banner->text()), 5000);
        const QString text = banner->text();
        QVERIFY2(text.contains(QStringLiteral("PostgreSQL at 127.0.0.1:%1").arg(where.port)), qPrintable(text));
        QVERIFY(text.contains(QStringLiteral("unreachable since")));
        QVERIFY(text.contains(QStringLiteral("History, Quality and Throughput")));
        for (int page = 0; page < 4; ++page) { // above every page
            m_window->showPage(page);
            QVERIFY(banner->isVisible());
        }
        m_window->showPage(0);
        // The status bar says it short, whole.
        auto *label = m_window->findChild<QLabel *>(QStringLiteral("databaseLabel"));
        QCOMPARE(label->text(), QStringLiteral("Database: unreachable"));
        QVERIFY(label->width() >= label->fontMetrics().horizontalAdvance(label->text()));

        m_window->showPage(1); // History, read while the database is away

        QVERIFY(test::postgresControl(QStringLiteral("start")));
        QTest::mouseClick(banner->retryButton(), Qt::LeftButton); // at once, not at the next retry
        QTRY_VERIFY_WITH_TIMEOUT(!banner->isVisible(), 30000);
        // The page in view reads again by itself, the results kept meanwhile in it.
        QTRY_COMPARE_WITH_TIMEOUT(m_window->historyPage()->model()->rowCount(), 4, 30000);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->photos()->item(3)->predictionId > 0, 30000);
        QCOMPARE(m_window->session()->resultsWaiting(), 0);
        QCOMPARE(test::postgresScalar(url, QStringLiteral("SELECT COUNT(*) FROM predictions")), qint64(4));
        QVERIFY(!label->text().contains(QStringLiteral("unreachable")));
    }
};

QTEST_MAIN(TestSettingsDatabase)
#include "tst_settings_database.moc"
