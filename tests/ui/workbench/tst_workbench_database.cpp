// The workbench window and its database: reopened, lost and back, another
// database chosen, the SQLite file shared with the command line, and the
// password kept out of sight.
#include "classification_worker.h"
#include "console_worker.h"
#include "database_url.h"
#include "fixtures.h"
#include "history_reads.h"
#include "main_window.h"
#include "password_keyring.h"
#include "photo_list_model.h"
#include "photo_strip.h"
#include "pending_decisions.h"
#include "prediction_store.h"
#include "quality_page.h"
#include "result_panel.h"
#include "session.h"
#include "settings_dialog.h"
#include "store_worker.h"
#include "window_fixture.h"
#include "workbench_settings.h"

#include <QAbstractButton>
#include <QAction>
#include <QComboBox>
#include <QApplication>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QProcess>
#include <QSettings>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QStatusBar>
#include <QTest>
#include <QTimer>

using namespace listinglens;
using namespace listinglens::test;
using namespace listinglens::ui;

class TestWorkbenchDatabase : public QObject, public test::WindowTest {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { setUpWindowTests(QStringLiteral("tst_workbench_database")); }
    void init() { QVERIFY(openOwnWindow()); }
    void cleanup() { closeWindow(); }

    // The session opens its one store on the store thread and hands it, and
    // the listing index, to the other threads; the GUI thread never copies the
    // worker's index pointer while the worker resets it. Decisions made
    // while the database is opened again (as the retry after a lost connection
    // does) reach the store and the index in use, and photos classified
    // meanwhile are stored once it is open.
    void decisionsWhileTheDatabaseIsReopened()
    {
        Session *session = m_window->session();
        PhotoListModel *photos = m_window->photos();
        const QStringList decided = {photo("toaster.jpg"), photo("teddy.jpg"), photo("laptop.jpg"),
                                     photo("moped.jpg"), photo("backpack.jpg"), photo("jean.jpg")};
        const int n = int(decided.size());
        const auto allStored = [photos] {
            for (int r = 0; r < photos->rowCount(); ++r)
                if (photos->item(r)->predictionId <= 0)
                    return false;
            return true;
        };
        m_window->addPaths(decided);
        QTRY_VERIFY_WITH_TIMEOUT(photos->count(PhotoState::Done) == n && allStored(), 60000);

        QSignalSpy opened(session, &Session::databaseOpened);
        const auto correct = [&](int r) {
            m_window->strip()->setCurrentIndex(photos->index(r));
            m_window->resultPanel()->selectChoice(1); // a correction: the index has to say so
            m_window->acceptCurrent();
            QVERIFY(photos->item(r)->decision.made && photos->item(r)->decision.corrected);
        };
        // The first half while it is opened again and again, each at another point of the reopening...
        for (int r = 0; r < n / 2; ++r) {
            session->openDatabase(m_dbUrl);
            if (r == 1) // classified while the store is being opened
                m_window->addPaths({photo("perfume.jpg"), photo("dumbbell.jpg")});
            correct(r);
            QTest::qWait(5 * r);
        }
        // ...the rest at once after one more: written while the new index is being read.
        session->openDatabase(m_dbUrl);
        for (int r = n / 2; r < n; ++r)
            correct(r);
        // Only the newest open is answered (an earlier one's late answer is not the database asked for).
        QTRY_VERIFY_WITH_TIMEOUT(opened.count() >= 1 && !session->isOpeningDatabase() && !m_window->isBusy()
                                     && photos->count(PhotoState::Done) == n + 2 && allStored(), 60000);
        QVERIFY(opened.count() <= n / 2 + 1);
        // Whatever the store thread was handed before this is done once it answers.
        QSignalSpy thumbnails(session->storeWorker(), &StoreWorker::thumbnailsLoaded);
        session->loadThumbnails(-1, {});
        QTRY_COMPARE_WITH_TIMEOUT(thumbnails.count(), 1, 20000);

        // The same photos again: each finds its earlier self, confirmed as corrected.
        m_window->addPaths(decided);
        QTRY_VERIFY_WITH_TIMEOUT(photos->count(PhotoState::Done) == 2 * n + 2, 60000);
        for (int r = 0; r < n; ++r) {
            const PhotoItem *earlier = photos->item(r);
            const PhotoItem *again = photos->item(n + 2 + r);
            QCOMPARE(again->source, earlier->source);
            const auto &similar = again->result.similar;
            const auto self = std::find_if(similar.begin(), similar.end(),
                                           [&](const SimilarListing &s) { return s.id == earlier->predictionId; });
            QVERIFY2(self != similar.end(), qPrintable(earlier->name));
            QVERIFY2(self->confirmed, qPrintable(earlier->name + QStringLiteral(": the index missed its decision")));
            QCOMPARE(self->categoryId, earlier->decision.categoryId);
        }
        QTRY_VERIFY_WITH_TIMEOUT(allStored(), 30000);
        m_window.reset();

        auto store = PredictionStore::open(m_dbUrl);
        QVERIFY(store.ok());
        HistoryFilter corrected;
        corrected.feedback = QStringLiteral("corrected");
        QCOMPARE(int(readHistory(*store.value(), corrected, std::nullopt, 100).value().size()), n);
        QCOMPARE(int(readHistory(*store.value(), {}, std::nullopt, 100).value().size()), 2 * n + 2);
    }

    // A prediction id names a row of the database the photo was stored in. After
    // the window switches to another database, a decision on such a photo is
    // never written to that one (there the id is some other listing, or none):
    // it is kept on disk, said as not stored yet, and written into its own
    // database when a window uses it again, after a restart too.
    void aDecisionNeverGoesToAnotherDatabase()
    {
        PhotoListModel *photos = m_window->photos();
        m_window->addPaths({photo("toaster.jpg"), photo("teddy.jpg")});
        QTRY_VERIFY_WITH_TIMEOUT(photos->count(PhotoState::Done) == 2 && photos->item(0)->predictionId > 0
                                     && photos->item(1)->predictionId > 0, 60000);
        QVERIFY(m_window->session()->isCurrentDatabase(photos->item(0)->database));

        // Another database that already holds listings with the same ids.
        const QString other = QStringLiteral("sqlite:") + m_dir.filePath(QStringLiteral("other.sqlite"));
        {
            auto store = PredictionStore::open(other);
            QVERIFY(store.ok());
            for (int i = 0; i < 3; ++i)
                QVERIFY(store.value()->addPrediction(predictionRecord(QStringLiteral("cli"), QStringLiteral("other%1.jpg").arg(i),
                                                                      Error{ErrorCode::Corrupt, QStringLiteral("x")})).ok());
        }
        QSignalSpy opened(m_window->session(), &Session::databaseOpened);
        m_window->session()->openDatabase(other);
        QVERIFY(!m_window->session()->isCurrentDatabase(photos->item(0)->database));
        m_window->strip()->setCurrentIndex(photos->index(0));
        m_window->acceptCurrent();
        QVERIFY(photos->item(0)->decision.made);
        QVERIFY(statusMessage().contains(QStringLiteral("not in the database now in use")));
        QTRY_COMPARE_WITH_TIMEOUT(photos->item(0)->decision.storage, DecisionStorage::Waiting, 20000); // kept on disk, not "accepted"
        QVERIFY(m_window->resultPanel()->decisionInWords(*photos->item(0)).startsWith(QStringLiteral("Decided")));
        QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, 30000);
        m_window->strip()->setCurrentIndex(photos->index(1));
        m_window->acceptCurrent();
        // Whatever the store thread was handed before this is done once it answers.
        QSignalSpy thumbnails(m_window->session()->storeWorker(), &StoreWorker::thumbnailsLoaded);
        m_window->session()->loadThumbnails(-1, {});
        QTRY_COMPARE_WITH_TIMEOUT(thumbnails.count(), 1, 20000);
        m_window.reset();

        auto accepted = [](const QString &url) {
            HistoryFilter decided;
            decided.feedback = QStringLiteral("accepted");
            return int(readHistory(*PredictionStore::open(url).value(), decided, std::nullopt, 100).value().size());
        };
        QCOMPARE(accepted(other), 0);
        QCOMPARE(accepted(m_dbUrl), 0);
        QCOMPARE(PendingDecisions().forDatabase(DatabaseUrl::parse(m_dbUrl).value().masked()).size(), 2);
        // A restart on the photos' own database writes both there, once.
        m_window = openWindow(m_dbUrl);
        QVERIFY(m_window);
        QTRY_COMPARE_WITH_TIMEOUT(accepted(m_dbUrl), 2, 20000);
        QCOMPARE(accepted(other), 0);
        QTRY_COMPARE(PendingDecisions().size(), 0);
    }

    void resultsWaitForALostDatabase()
    {
        LISTINGLENS_REQUIRE_POSTGRES();
        m_window.reset();
        const QString url = test::freshPostgresDatabase(QStringLiteral("listinglens_gui"));
        QVERIFY(PredictionStore::open(url, /*migrate=*/true).ok());
        qputenv("LISTINGLENS_DB", url.toUtf8());
        m_window = std::make_unique<MainWindow>();
        m_window->show();
        QTRY_VERIFY_WITH_TIMEOUT(m_window->isModelReady(), 60000);
        m_window->addPaths({photo("toaster.jpg")});
        QTRY_VERIFY_WITH_TIMEOUT(m_window->photos()->rowCount() == 1 && m_window->photos()->item(0)->predictionId > 0, 60000);

        QVERIFY(test::postgresControl(QStringLiteral("stop")));
        m_window->addPaths({photo("teddy.jpg"), photo("moped.jpg")});
        QTRY_COMPARE_WITH_TIMEOUT(m_window->photos()->count(PhotoState::Done), 3, 60000); // the window works on
        m_window->strip()->setCurrentIndex(m_window->photos()->index(1));
        m_window->acceptCurrent(); // decided while the database is away
        QVERIFY(m_window->photos()->item(1)->decision.made);
        // Closing now would lose what waits for the database: the window asks, and Cancel keeps it open.
        bool asked = false;
        QTimer::singleShot(500, this, [&] {
            if (auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget())) {
                asked = box->text().contains(QStringLiteral("waiting for the database"));
                box->button(QMessageBox::Cancel)->click();
            }
        });
        m_window->close();
        QVERIFY(asked);
        QVERIFY(m_window->isVisible());
        QVERIFY(test::postgresControl(QStringLiteral("start")));
        // The window reconnects on its own and writes what it kept, decision included.
        QTRY_VERIFY_WITH_TIMEOUT(m_window->photos()->item(1)->predictionId > 0 && m_window->photos()->item(2)->predictionId > 0, 90000);
        m_window.reset();
        auto store = PredictionStore::open(url);
        QVERIFY(store.ok());
        QCOMPARE(int(readHistory(*store.value(), {}, std::nullopt, 10).value().size()), 3);
        HistoryFilter accepted;
        accepted.feedback = QStringLiteral("accepted");
        QCOMPARE(int(readHistory(*store.value(), accepted, std::nullopt, 10).value().size()), 1);
    }

    // The window and the command line share the embedded SQLite file, the
    // default setup. Opening photos must not drop the window's POSIX locks:
    // `history` would then believe it was the last connection, checkpoint and
    // unlink -wal/-shm under the window, and the file would end up malformed.
    void windowAndCommandLineShareTheSqliteFile()
    {
        const QString file = m_dbUrl.mid(int(qstrlen("sqlite:")));
        const auto locksOnDatabase = [&file] { return test::posixLocksHeld(file); };
        QVERIFY2(locksOnDatabase() > 0, "the window holds no lock on its database");
        // File > Open photos on the database's folder: the dialog lists (and
        // used to read) the database, its -wal and -shm.
        QTimer poll;
        int listedFor = 0;
        connect(&poll, &QTimer::timeout, m_window.get(), [&] {
            auto *dialog = m_window->findChild<QFileDialog *>();
            if (!dialog || !dialog->isVisible())
                return;
            if (listedFor++ == 0)
                dialog->setDirectory(QFileInfo(file).absolutePath());
            if (listedFor < 15) // 1.5 s: the listing and its file types are gathered meanwhile
                return;
            poll.stop();
            dialog->reject();
        });
        poll.start(100);
        m_window->findChild<QAction *>(QStringLiteral("openPhotos"))->trigger();
        // Opening the folder that holds the database, and the database itself as a photo.
        m_window->addPaths({photo("toaster.jpg"), QFileInfo(file).absolutePath(), file, file + QStringLiteral("-wal"),
                            test::samplePhotosDir()});
        QTRY_VERIFY_WITH_TIMEOUT(m_window->photos()->count(PhotoState::Done) >= 3, 60000);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->photos()->count(PhotoState::Failed) >= 2, 60000);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->photos()->item(0)->predictionId > 0, 30000);
        QVERIFY2(locksOnDatabase() > 0, "opening photos dropped the window's locks on its database");

        const auto cli = [this](const QStringList &args) {
            QProcess p;
            p.setProcessChannelMode(QProcess::MergedChannels);
            p.start(QStringLiteral(LISTINGLENS_BINARY), args + QStringList{QStringLiteral("--db"), m_dbUrl});
            if (!p.waitForFinished(120000))
                return QStringLiteral("timed out");
            return p.exitCode() == 0 ? QString() : QString::fromUtf8(p.readAll());
        };
        QCOMPARE(cli({QStringLiteral("history")}), QString());
        QVERIFY2(QFileInfo::exists(file + QStringLiteral("-wal")), "the command line removed the window's write-ahead log");
        QVERIFY(locksOnDatabase() > 0);
        QList<int> done; // rows of photos that have a result (the database's own files failed)
        for (int r = 0; r < m_window->photos()->rowCount(); ++r)
            if (m_window->photos()->item(r)->state == PhotoState::Done)
                done << r;
        m_window->strip()->setCurrentIndex(m_window->photos()->index(done.value(0)));
        m_window->acceptCurrent();
        QCOMPARE(cli({QStringLiteral("classify"), photo("teddy.jpg")}), QString());
        m_window->strip()->setCurrentIndex(m_window->photos()->index(done.value(1)));
        m_window->acceptCurrent();
        m_window.reset(); // Ctrl+Q: stores what is left and closes

        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("integrity"));
        db.setDatabaseName(file);
        QVERIFY(db.open());
        {
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("PRAGMA integrity_check")) && q.next());
            QCOMPARE(q.value(0).toString(), QStringLiteral("ok"));
            // Both decisions and the command line's prediction are there.
            QVERIFY(q.exec(QStringLiteral("SELECT COUNT(*) FROM feedback")) && q.next());
            QCOMPARE(q.value(0).toInt(), 2);
            QVERIFY(q.exec(QStringLiteral("SELECT COUNT(*) FROM predictions WHERE source = 'cli'")) && q.next());
            QCOMPARE(q.value(0).toInt(), 1);
        }
        db.close();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(QStringLiteral("integrity"));
        QCOMPARE(cli({QStringLiteral("stats")}), QString());
    }

    // A currency the database refuses (its confirmed prices are in another) is
    // never written to the settings file, and Settings shows the one that applies.
    void aRefusedCurrencyIsNotWrittenToTheSettings()
    {
        {
            auto opened = PredictionStore::open(m_dbUrl);
            QVERIFY2(opened.ok(), qPrintable(opened.ok() ? QString() : opened.error().message));
            PredictionRecord record;
            record.fileName = QStringLiteral("phone.jpg");
            record.result = sampleMetaResult();
            FeedbackRecord listing{QStringLiteral("ann"), false, QStringLiteral("phones"), 120.0, QStringLiteral("GBP"),
                                   QStringLiteral("Phone"), QStringLiteral("A phone.")};
            QVERIFY(opened.value()->addConfirmedPrediction(record, listing).ok());
        }
        QSignalSpy known(m_window->session()->storeWorker(), &StoreWorker::currencyKnown);
        m_window->session()->chooseCurrency(QStringLiteral("GBP"));
        const auto answered = [&](bool refused) {
            return std::any_of(known.begin(), known.end(), [&](const QList<QVariant> &a) {
                return a.at(0).toString() == QLatin1String("GBP") && a.at(1).toString().isEmpty() != refused;
            });
        };
        QTRY_VERIFY_WITH_TIMEOUT(answered(false), 10000);
        QCOMPARE(QSettings().value(QStringLiteral("display/currency")).toString(), QStringLiteral("GBP"));

        // EUR chosen in Settings: refused, and the file still says GBP.
        QString shown;
        const auto inSettings = [&](const QString &choose) {
            QTimer::singleShot(0, this, [&, choose] {
                auto *dialog = qobject_cast<SettingsDialog *>(QApplication::activeModalWidget());
                QVERIFY(dialog);
                auto *currency = dialog->findChild<QComboBox *>(QStringLiteral("currency"));
                QVERIFY(currency);
                shown = currency->currentText();
                if (!choose.isEmpty())
                    currency->setCurrentText(choose);
                dialog->accept();
            });
            m_window->findChild<QAction *>(QStringLiteral("openSettings"))->trigger();
        };
        inSettings(QStringLiteral("EUR"));
        QCOMPARE(shown, QStringLiteral("GBP"));
        QTRY_VERIFY_WITH_TIMEOUT(answered(true), 10000); // refused: the database has GBP
        QSettings().sync();
        QCOMPARE(QSettings().value(QStringLiteral("display/currency")).toString(), QStringLiteral("GBP"));
        QCOMPARE(WorkbenchSettings::load().currency, QStringLiteral("GBP"));
        inSettings(QString()); // what applies, not what was refused
        QCOMPARE(shown, QStringLiteral("GBP"));
    }

    void settingsKeepTheDatabasePasswordOutOfSight()
    {
        const WorkbenchSettings original = WorkbenchSettings::load();
        const QByteArray envDb = qgetenv("LISTINGLENS_DB");
        // The plain-text fallback for sure: CI has no keyring, and this keeps a desktop's out of it.
        qputenv("LISTINGLENS_NO_KEYRING", "1");
        QVERIFY(!PasswordKeyring::available());
        WorkbenchSettings s = original;
        s.databaseUrl = QStringLiteral("postgresql://app:hunter2@db.example:5432/listings?sslmode=require");
        auto dialog = std::make_unique<SettingsDialog>(s);
        dialog->show();
        auto *url = dialog->findChild<QLineEdit *>(QStringLiteral("databaseUrl"));
        auto *password = dialog->findChild<QLineEdit *>(QStringLiteral("databasePassword"));
        auto *note = dialog->findChild<QLabel *>(QStringLiteral("databasePasswordNote"));
        QVERIFY(url && password && note);
        QCOMPARE(password->echoMode(), QLineEdit::Password);
        QCOMPARE(url->text(), QStringLiteral("postgresql://app@db.example:5432/listings?sslmode=require"));
        QCOMPARE(password->text(), QStringLiteral("hunter2"));
        QVERIFY(note->isVisible());
        QVERIFY(note->text().contains(QStringLiteral("plain text")));
        QVERIFY(note->text().contains(WorkbenchSettings::settingsFile()));
        QVERIFY(!note->text().contains(QStringLiteral("hunter2")));

        // The password can be changed in its own field...
        password->clear();
        QTest::keyClicks(password, QStringLiteral("n3w@pass"));
        QCOMPARE(dialog->settings().databaseUrl, QStringLiteral("postgresql://app:n3w%40pass@db.example:5432/listings?sslmode=require"));
        // ...or pasted with the URL, when it moves to the masked field.
        url->setText(QStringLiteral("postgresql://app:pasted@db.example/listings"));
        QCOMPARE(dialog->settings().databaseUrl, QStringLiteral("postgresql://app:pasted@db.example/listings"));
        Q_EMIT url->editingFinished();
        QCOMPARE(url->text(), QStringLiteral("postgresql://app@db.example/listings"));
        QCOMPARE(password->text(), QStringLiteral("pasted"));
        // No password, no warning.
        password->clear();
        QVERIFY(!note->isVisible());
        QCOMPARE(dialog->settings().databaseUrl, QStringLiteral("postgresql://app@db.example/listings"));
        password->setText(QStringLiteral("pasted"));
        QVERIFY(note->isVisible());

        // Without a keyring it is in the settings file, as the dialog said.
        const auto fileHolds = [](const QByteArray &text) {
            QSettings().sync();
            QFile f(WorkbenchSettings::settingsFile());
            return f.open(QIODevice::ReadOnly) && f.readAll().contains(text);
        };
        dialog->settings().save();
        QVERIFY(fileHolds("pasted"));
        QCOMPARE(WorkbenchSettings::load().databaseUrl, QStringLiteral("postgresql://app:pasted@db.example/listings"));

        // With a keyring (only where one answers), the file never holds the password.
        qunsetenv("LISTINGLENS_NO_KEYRING");
        if (PasswordKeyring::available()) {
            dialog->settings().save();
            QVERIFY(!fileHolds("pasted"));
            QVERIFY(fileHolds("postgresql://app@db.example/listings"));
            QCOMPARE(WorkbenchSettings::load().databaseUrl, QStringLiteral("postgresql://app:pasted@db.example/listings"));
            WorkbenchSettings none = dialog->settings();
            none.databaseUrl = QStringLiteral("postgresql://app@db.example/listings");
            none.save(); // removes the keyring entry
        } else {
            qInfo("no session keyring here: only the plain-text fallback was tested");
        }
        dialog.reset();

        // What is in use when it comes from the environment, the password masked.
        qputenv("LISTINGLENS_DB", "postgresql://envuser:envsecret@envhost:5432/envdb");
        s.databaseUrl.clear();
        s.modelDir.clear();
        dialog = std::make_unique<SettingsDialog>(s);
        dialog->show();
        const QString dbNote = dialog->findChild<QLabel *>(QStringLiteral("databaseNote"))->text();
        QVERIFY2(dbNote.contains(QStringLiteral("postgresql://envuser:***@envhost:5432/envdb")), qPrintable(dbNote));
        QVERIFY(dbNote.contains(QStringLiteral("LISTINGLENS_DB")));
        QVERIFY(!dbNote.contains(QStringLiteral("envsecret")));
        const QString modelNote = dialog->findChild<QLabel *>(QStringLiteral("modelDirNote"))->text();
        if (!qEnvironmentVariableIsEmpty("LISTINGLENS_MODEL_DIR")) {
            QVERIFY2(modelNote.contains(qEnvironmentVariable("LISTINGLENS_MODEL_DIR")), qPrintable(modelNote));
            QVERIFY(modelNote.contains(QStringLiteral("LISTINGLENS_MODEL_DIR")));
        }
        dialog.reset();
        qputenv("LISTINGLENS_DB", envDb);
        original.save();
        QVERIFY(!fileHolds("pasted"));
    }
};

QTEST_MAIN(TestWorkbenchDatabase)
#include "tst_workbench_database.moc"
