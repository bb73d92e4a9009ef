#pragma once

// What the Settings test programs share: settings of their own, a window on
// a SQLite database per test, the Settings dialog opened as the moderator
// opens it (Ctrl+,), and what it shows.

#include "main_window.h"
#include "settings_dialog.h"
#include "window_fixture.h"

#include <QApplication>
#include <QByteArray>
#include <QObject>
#include <QString>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <memory>

class QPushButton;

namespace listinglens::test {

// Rows in predictions at `url`; -1 when it cannot be read.
qint64 storedResults(const QString &url);
// The text of the dialog's note `name` when it is shown, else empty.
QString noteText(const ui::SettingsDialog &dialog, const char *name);

// Sets an environment variable for one scope, and puts it back.
class ScopedEnv {
public:
    ScopedEnv(const char *name, const QByteArray &value);
    ~ScopedEnv();
    ScopedEnv(const ScopedEnv &) = delete;
    ScopedEnv &operator=(const ScopedEnv &) = delete;

private:
    const char *m_name;
    bool m_had;
    QByteArray m_old;
};

// The base of each Settings test class: initTestCase() calls setUpCase(), init()
// setUpTest(), cleanup() resets m_window.
class SettingsFixture : public QObject {
protected:
    // Settings of the program's own, no keyring, the model folder ctest gives.
    void setUpCase(const QString &program);
    // Settings cleared, a SQLite database of the test's own in LISTINGLENS_DB.
    void setUpTest();
    void openWindow();

    // Opens Settings with Ctrl+, and runs `drive` on the dialog while it is open (it is modal).
    template <typename Drive>
    void withSettingsDialog(Drive drive)
    {
        bool ran = false;
        QTimer::singleShot(100, this, [&] {
            auto *dialog = qobject_cast<ui::SettingsDialog *>(QApplication::activeModalWidget());
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

    static QPushButton *okButton(ui::SettingsDialog *dialog);

    QTemporaryDir m_dir;
    QString m_dbUrl;
    std::unique_ptr<ui::MainWindow> m_window;
};

} // namespace listinglens::test
