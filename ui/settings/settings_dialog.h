#pragma once

#include "workbench_settings.h"

#include <QDialog>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QThreadPool;
class QTimer;

namespace listinglens::ui {

// Edits the WorkbenchSettings: the model and how it runs, the database (its
// password in a masked field of its own, and where it will be kept), the
// moderator's name, the currency and the theme. Says what is in use for the
// model folder and the database, and where that comes from (this setting,
// the environment or the default).
//
// Two checks run off the GUI thread, their answers back on it: OK first checks
// a new model folder (checkModelFolder: its manifest, then the model loaded
// once) and closes only when it is usable, else it says why and nothing is
// saved; Test connects to the database typed (checkDatabase), and says what it
// found or why not, within kTestTimeoutMs. They run with QtConcurrent on a small
// pool of their own (two threads, owned by the dialog's window, never the global
// pool), and cannot be cancelled: Test stays disabled until its check really
// ends, and an answer after the timeout or after the URL was edited is skipped.
class SettingsDialog : public QDialog {
    Q_OBJECT
public:
    static constexpr int kTestTimeoutMs = 15000;

    explicit SettingsDialog(const WorkbenchSettings &settings, QWidget *parent = nullptr);
    WorkbenchSettings settings() const;

    // OK: closes when the model folder is usable (checked when it changed).
    void accept() override;
    // Whether a check started by OK or Test is still running.
    bool isChecking() const { return m_modelChecks > 0 || m_testRunning; }
    // The pool the checks run on (tests look at it).
    QThreadPool *checkPool() const { return m_pool; }
    // Tests shorten the Test timeout (kTestTimeoutMs by default).
    void setTestTimeout(int ms) { m_testTimeoutMs = ms; }

Q_SIGNALS:
    // The model folder check of OK answered: refused with a message, or accepted.
    void modelChecked(bool usable, const QString &message);
    void databaseTested(bool ok, const QString &message);

private:
    QWidget *setupModelRow(const WorkbenchSettings &s);
    QWidget *setupDatabaseRow(const WorkbenchSettings &s);
    void movePasswordOutOfUrl();
    void updateNotes();
    void updatePasswordNote(const QString &url);
    void testDatabase();
    void showTestAnswer(bool ok, const QString &message);
    bool databaseMayBeSaved(); // false: it tests first, or asks (and accepts again on the answer)
    void showModelAnswer(bool usable, const QString &message);
    QString typedDatabaseUrl() const; // with its password

    WorkbenchSettings m_initial;
    QThreadPool *m_pool;   // not owned: the window's, shared by every dialog it opens
    QLineEdit *m_modelDir;
    QLabel *m_modelNote;   // in use, and where from
    QLabel *m_modelCheck;  // the answer of the check OK started
    QComboBox *m_device;
    QSpinBox *m_threads;
    QSpinBox *m_batch;
    QLineEdit *m_moderator;
    QLineEdit *m_database;         // the URL without its password
    QLineEdit *m_databasePassword; // EchoMode::Password
    QPushButton *m_test;
    QLabel *m_databaseNote;        // in use, and where from
    QLabel *m_testAnswer;          // what Test found
    QLabel *m_passwordNote;        // where the password is kept (a warning when in plain text)
    QComboBox *m_currency;
    QComboBox *m_theme;
    QPushButton *m_ok = nullptr;
    QTimer *m_testTimeout;
    int m_modelChecks = 0;   // checks running (one answers per OK)
    int m_testSerial = 0;    // a Test answer after its timeout, or after the URL was edited, is ignored
    int m_testTimeoutMs = kTestTimeoutMs;
    bool m_testRunning = false; // a Test check is running (its answer may already be skipped)
    QString m_testedUrl;        // what the latest Test was of, and what it found
    bool m_testedOk = false;
    QString m_testedMessage;
    bool m_acceptAfterTest = false;     // OK waits for the running Test
    QString m_failingDatabaseConfirmed; // a database whose test failed, saved anyway when asked
};

} // namespace listinglens::ui
