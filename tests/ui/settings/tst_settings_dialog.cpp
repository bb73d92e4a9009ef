// The Settings dialog: a model folder is checked before it is saved (the
// thread count left alone), the dialog says what is in use and where from,
// the moderator's name is saved, Ctrl+, opens it.
#include "database_banner.h"
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
using namespace listinglens::test;
using namespace listinglens::ui;

class TestSettingsDialog : public SettingsFixture {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { setUpCase(QStringLiteral("tst_settings_dialog")); }
    void init() { setUpTest(); }
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
};

QTEST_MAIN(TestSettingsDialog)
#include "tst_settings_dialog.moc"
