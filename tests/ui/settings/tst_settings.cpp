// The Settings dialog and what the window does with a lost database (issue
// 15): a model folder is checked before it is saved, the dialog says what is
// in use and where from, Test tries the database, Ctrl+, opens it; a lost
// database shows a banner above every page, and what was classified meanwhile
// is written when it is back (a real PostgreSQL stopped and started, under
// scripts/with-postgres.sh).
#include "database_banner.h"
#include "environment.h"
#include "fixtures.h"
#include "window_fixture.h"
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
#include "workbench_settings.h"

#include <QAction>
#include <QApplication>
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
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QThreadPool>
#include <QTimer>

using namespace listinglens;
using namespace listinglens::ui;

namespace {

QString photo(const char *name)
{
    return test::samplePhotosDir() + QLatin1Char('/') + QLatin1String(name);
}

// Rows in predictions at `url`; -1 when it cannot be read.
qint64 storedResults(const QString &url)
{
    auto store = PredictionStore::open(url);
    if (!store)
        return -1;
    auto db = store.value()->connection();
    if (!db)
        return -1;
    QSqlQuery q(db.value());
    return q.exec(QStringLiteral("SELECT COUNT(*) FROM predictions")) && q.next() ? q.value(0).toLongLong() : -1;
}

QString noteText(const SettingsDialog &dialog, const char *name)
{
    const auto *label = dialog.findChild<QLabel *>(QString::fromLatin1(name));
    return label && label->isVisible() ? label->text() : QString();
}

// Sets an environment variable for one scope, and puts it back.
class ScopedEnv {
public:
    ScopedEnv(const char *name, const QByteArray &value) : m_name(name), m_had(qEnvironmentVariableIsSet(name)), m_old(qgetenv(name))
    {
        if (value.isNull())
            qunsetenv(name);
        else
            qputenv(name, value);
    }
    ~ScopedEnv()
    {
        if (m_had)
            qputenv(m_name, m_old);
        else
            qunsetenv(m_name);
    }

private:
    const char *m_name;
    bool m_had;
    QByteArray m_old;
};

} // namespace

class TestSettings : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        test::isolateSettings(QStringLiteral("tst_settings"));
        qputenv("LISTINGLENS_NO_KEYRING", "1");
        QVERIFY(m_dir.isValid());
        QVERIFY(!qEnvironmentVariableIsEmpty("LISTINGLENS_MODEL_DIR")); // set by ctest (tests/CMakeLists.txt)
    }

    void init()
    {
        QSettings().clear();
        m_dbUrl = QStringLiteral("sqlite:") + m_dir.filePath(QStringLiteral("%1.sqlite").arg(QString::fromLatin1(QTest::currentTestFunction())));
        qputenv("LISTINGLENS_DB", m_dbUrl.toUtf8());
    }

    void cleanup() { m_window.reset(); }

    void aBadModelFolderIsRefused_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("words");
        QTest::newRow("empty folder") << "empty" << "holds no model";
        QTest::newRow("corrupt manifest") << "manifest" << "cannot be used";
        QTest::newRow("a file, not a folder") << "file" << "is a file, not a folder";
        QTest::newRow("no such folder") << "missing" << "does not exist";
        QTest::newRow("a model file that is not one") << "model" << "not the one its description expects";
    }

    void aBadModelFolderIsRefused()
    {
        QFETCH(QString, kind);
        QFETCH(QString, words);
        QTemporaryDir dir;
        QString path = dir.path();
        if (kind == QLatin1String("manifest")) {
            QVERIFY(test::writeFile(dir.filePath(QStringLiteral("listinglens-model.json")), "{\"name\": \"broken\", \"version\": "));
        } else if (kind == QLatin1String("file")) {
            path = dir.filePath(QStringLiteral("model.pt"));
            QVERIFY(test::writeFile(path, "not a folder"));
        } else if (kind == QLatin1String("missing")) {
            path = dir.filePath(QStringLiteral("nowhere"));
        } else if (kind == QLatin1String("model")) {
            QVERIFY(QFile::copy(test::modelDir() + QStringLiteral("/imagenet_classes.txt"), dir.filePath(QStringLiteral("imagenet_classes.txt"))));
            QVERIFY(test::writeFile(dir.filePath(QStringLiteral("mobilenet_v2_imagenet.pt")), QByteArray(4096, 'x')));
        }

        // Through the window, as a moderator does it: Ctrl+, then the folder, then OK.
        openWindow();
        const QString savedBefore = QSettings().value(QStringLiteral("model/dir")).toString();
        QString refusal;
        bool stayedOpen = false;
        withSettingsDialog([&](SettingsDialog *dialog) {
            QSignalSpy checked(dialog, &SettingsDialog::modelChecked);
            dialog->findChild<QLineEdit *>(QStringLiteral("modelDir"))->setText(path);
            QTest::mouseClick(okButton(dialog), Qt::LeftButton);
            QTRY_COMPARE_WITH_TIMEOUT(checked.count(), 1, 60000);
            QVERIFY(!checked.first().at(0).toBool());
            refusal = checked.first().at(1).toString();
            QTest::qWait(50);
            stayedOpen = dialog->isVisible() && dialog->result() != QDialog::Accepted;
            QVERIFY(noteText(*dialog, "modelDirCheck").contains(QStringLiteral("Not saved")));
            dialog->reject();
        });
        QVERIFY(stayedOpen);
        QVERIFY2(refusal.contains(words), qPrintable(refusal));
        QVERIFY2(!refusal.contains(QStringLiteral("--model-dir")), qPrintable(refusal));
        QVERIFY2(!refusal.contains(QStringLiteral("LISTINGLENS_MODEL_DIR")), qPrintable(refusal));
        QCOMPARE(QSettings().value(QStringLiteral("model/dir")).toString(), savedBefore); // nothing saved
        QVERIFY(m_window->isModelReady()); // the model in use is still in use
    }

    void aGoodModelFolderIsSaved()
    {
        openWindow();
        QString copy = m_dir.filePath(QStringLiteral("good-model"));
        QVERIFY(QDir().mkpath(copy));
        for (const char *file : {"mobilenet_v2_imagenet.pt", "imagenet_classes.txt"})
            QVERIFY(QFile::copy(test::modelDir() + QLatin1Char('/') + QLatin1String(file), copy + QLatin1Char('/') + QLatin1String(file)));
        bool accepted = false;
        QString answer;
        withSettingsDialog([&](SettingsDialog *dialog) {
            QSignalSpy checked(dialog, &SettingsDialog::modelChecked);
            dialog->findChild<QLineEdit *>(QStringLiteral("modelDir"))->setText(copy);
            QTest::mouseClick(okButton(dialog), Qt::LeftButton);
            QTRY_COMPARE_WITH_TIMEOUT(checked.count(), 1, 60000);
            accepted = checked.first().at(0).toBool();
            answer = checked.first().at(1).toString();
        });
        QVERIFY2(accepted, qPrintable(answer));
        QCOMPARE(QSettings().value(QStringLiteral("model/dir")).toString(), copy);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->isModelReady(), 60000);
    }

    void whereTheSettingsComeFrom()
    {
        WorkbenchSettings s;
        const QString envModel = qEnvironmentVariable("LISTINGLENS_MODEL_DIR");
        {
            SettingsDialog dialog(s);
            dialog.show();
            QVERIFY2(noteText(dialog, "modelDirNote").contains(QStringLiteral("In use: %1 (from $LISTINGLENS_MODEL_DIR)").arg(envModel)),
                     qPrintable(noteText(dialog, "modelDirNote")));
            QVERIFY2(noteText(dialog, "databaseNote").contains(QStringLiteral("In use: %1 (from $LISTINGLENS_DB)").arg(m_dbUrl)),
                     qPrintable(noteText(dialog, "databaseNote")));
            // Typed, not yet saved: what is in use now, and what will be after OK.
            dialog.findChild<QLineEdit *>(QStringLiteral("modelDir"))->setText(QStringLiteral("/srv/models/other"));
            QVERIFY(noteText(dialog, "modelDirNote").contains(QStringLiteral("After OK: /srv/models/other (from this setting)")));
        }
        s.modelDir = QStringLiteral("/srv/models/ours");
        s.databaseUrl = QStringLiteral("postgresql://app:secret@db.example:5432/listings");
        {
            SettingsDialog dialog(s);
            dialog.show();
            const QString model = noteText(dialog, "modelDirNote");
            QVERIFY2(model.contains(QStringLiteral("In use: /srv/models/ours (from this setting)")), qPrintable(model));
            QVERIFY(model.contains(QStringLiteral("$LISTINGLENS_MODEL_DIR is %1").arg(envModel)));
            const QString db = noteText(dialog, "databaseNote");
            QVERIFY2(db.contains(QStringLiteral("In use: postgresql://app:***@db.example:5432/listings (from this setting)")), qPrintable(db));
            QVERIFY(!db.contains(QStringLiteral("secret")));
        }
        {
            ScopedEnv noModel("LISTINGLENS_MODEL_DIR", QByteArray());
            ScopedEnv noDb("LISTINGLENS_DB", QByteArray());
            SettingsDialog dialog(WorkbenchSettings{});
            dialog.show();
            QVERIFY2(noteText(dialog, "modelDirNote").contains(QStringLiteral("In use: %1 (the default)").arg(defaultModelDir())),
                     qPrintable(noteText(dialog, "modelDirNote")));
            QVERIFY2(noteText(dialog, "databaseNote").contains(QStringLiteral("(the embedded file, the default)")),
                     qPrintable(noteText(dialog, "databaseNote")));
        }
    }

    void theModeratorsNameAndTheDatabaseExamples()
    {
        WorkbenchSettings s;
        SettingsDialog dialog(s);
        dialog.show();
        auto *name = dialog.findChild<QLineEdit *>(QStringLiteral("moderator"));
        QVERIFY(name);
        QCOMPARE(name->placeholderText(), moderatorFromEnvironment());
        QVERIFY(name->toolTip().contains(QStringLiteral("stored with every decision")));
        QCOMPARE(dialog.settings().moderator, QString());
        QTest::keyClicks(name, QStringLiteral("  Ana Petrovic "));
        QCOMPARE(dialog.settings().moderator, QStringLiteral("Ana Petrovic"));
        QCOMPARE(dialog.settings().moderatorName(), QStringLiteral("Ana Petrovic"));

        auto *url = dialog.findChild<QLineEdit *>(QStringLiteral("databaseUrl"));
        QVERIFY(url->placeholderText().contains(QStringLiteral("sqlite:/path/to/file.sqlite")));
        QVERIFY(url->placeholderText().contains(QStringLiteral("postgresql://user@host:5432/db")));
        QVERIFY(!url->placeholderText().contains(QStringLiteral("console")));
    }

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

    // The check loads a second model next to the live one: on the CPU, and
    // LibTorch's process-wide thread count stays what the live engine set.
    void theModelCheckLeavesTheThreadCountAlone()
    {
        const auto manifest = ModelManifest::forModelDir(test::modelDir());
        QVERIFY(manifest.ok());
        EngineOptions live;
        live.device = QStringLiteral("cpu");
        live.threads = 1;
        live.warmUp = false;
        live.optimize = false;
        auto engine = InferenceEngine::load(manifest.value(), live);
        QVERIFY(engine.ok());
        QCOMPARE(engine.value()->info().threads, 1);

        const auto checked = checkModelFolder(test::modelDir(), QStringLiteral("auto"), 3);
        QVERIFY2(checked.ok(), qPrintable(checked.ok() ? QString() : checked.error().message));

        EngineOptions look = live; // reports the count in use, sets nothing
        look.threads = 5;
        look.configureThreads = false;
        auto after = InferenceEngine::load(manifest.value(), look);
        QVERIFY(after.ok());
        QCOMPARE(after.value()->info().threads, 1); // not the check's 3

        if (!InferenceEngine::cudaAvailable()) {
            const auto cuda = checkModelFolder(test::modelDir(), QStringLiteral("cuda"), 0);
            QVERIFY(!cuda.ok());
            QVERIFY2(cuda.error().message.contains(QStringLiteral("not available")), qPrintable(cuda.error().message));
        }
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

    void theModeratorsNameIsSaved()
    {
        openWindow();
        withSettingsDialog([&](SettingsDialog *dialog) {
            auto *name = dialog->findChild<QLineEdit *>(QStringLiteral("moderator"));
            QTest::keyClicks(name, QStringLiteral("Jo Moderator"));
            QTest::mouseClick(okButton(dialog), Qt::LeftButton); // nothing to check: the model is the same
        });
        QCOMPARE(QSettings().value(QStringLiteral("review/moderator")).toString(), QStringLiteral("Jo Moderator"));
        QCOMPARE(WorkbenchSettings::load().moderatorName(), QStringLiteral("Jo Moderator"));
    }

    void ctrlCommaOpensSettings()
    {
        openWindow();
        bool opened = false;
        QTimer::singleShot(0, this, [&] {
            auto *dialog = qobject_cast<SettingsDialog *>(QApplication::activeModalWidget());
            opened = dialog != nullptr;
            if (dialog)
                dialog->reject();
        });
        QTest::keyClick(m_window.get(), Qt::Key_Comma, Qt::ControlModifier);
        QTRY_VERIFY(opened);
        QVERIFY(m_window->findChild<QAction *>(QStringLiteral("openSettings"))->shortcuts().contains(QKeySequence(Qt::CTRL | Qt::Key_Comma)));
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

private:
    void openWindow()
    {
        m_window = test::openWindow(qEnvironmentVariable("LISTINGLENS_DB")); // as the test set it
        QVERIFY(m_window);
    }

    // Opens Settings with Ctrl+, and runs `drive` on the dialog while it is open (it is modal).
    template <typename Drive>
    void withSettingsDialog(Drive drive)
    {
        bool ran = false;
        QTimer::singleShot(100, this, [&] {
            auto *dialog = qobject_cast<SettingsDialog *>(QApplication::activeModalWidget());
            if (!dialog)
                return; // Ctrl+, opened nothing: QVERIFY(ran) says so
            ran = true;
            drive(dialog);
            if (dialog->isVisible() && !dialog->isChecking())
                dialog->reject(); // a failed step left it open: never hang on it
            else if (dialog->isVisible())
                QTRY_VERIFY_WITH_TIMEOUT(!dialog->isVisible(), 60000);
        });
        QTest::keyClick(m_window.get(), Qt::Key_Comma, Qt::ControlModifier);
        QTRY_VERIFY(ran);
    }

    static QPushButton *okButton(SettingsDialog *dialog)
    {
        return dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
    }

    QTemporaryDir m_dir;
    QString m_dbUrl;
    std::unique_ptr<MainWindow> m_window;
};

QTEST_MAIN(TestSettings)
#include "tst_settings.moc"
