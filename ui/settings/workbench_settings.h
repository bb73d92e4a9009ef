#pragma once

#include <QDialog>
#include <QString>

class QComboBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace listinglens::ui {

// The workbench's settings, kept in QSettings. The database password is kept
// apart: in the session keyring when there is one (PasswordKeyring), QSettings
// then holding the URL without it; else, in plain text in QSettings, which the
// Settings dialog says.
struct WorkbenchSettings {
    QString modelDir;        // empty: the default model directory
    QString device = QStringLiteral("auto");
    int threads = 0;         // 0: automatic
    int batchSize = 8;
    QString databaseUrl;     // with its password; empty: $LISTINGLENS_DB, else the embedded file
    QString currency = QStringLiteral("EUR");
    QString theme = QStringLiteral("system"); // system, light, dark

    static WorkbenchSettings load();
    void save() const;
    bool modelChanged(const WorkbenchSettings &other) const;
    // The QSettings file (shown when the password has to be kept there).
    static QString settingsFile();
};

// A PostgreSQL URL's password, and the URL without it / with another one
// (other URLs are returned as they are, password empty).
QString databasePassword(const QString &url);
QString databaseUrlWithoutPassword(const QString &url);
QString databaseUrlWithPassword(const QString &url, const QString &password);

void applyTheme(const QString &theme);

class SettingsDialog : public QDialog {
    Q_OBJECT
public:
    explicit SettingsDialog(const WorkbenchSettings &settings, QWidget *parent = nullptr);
    WorkbenchSettings settings() const;

private:
    QWidget *setupDatabaseRow(const WorkbenchSettings &s);
    void movePasswordOutOfUrl();
    void updateNotes();

    QLineEdit *m_modelDir;
    QLabel *m_modelNote;
    QComboBox *m_device;
    QSpinBox *m_threads;
    QSpinBox *m_batch;
    QLineEdit *m_database;         // the URL without its password
    QLineEdit *m_databasePassword; // EchoMode::Password
    QLabel *m_databaseNote;        // what is in use when it comes from $LISTINGLENS_DB
    QLabel *m_passwordNote;        // where the password is kept (a warning when in plain text)
    QComboBox *m_currency;
    QComboBox *m_theme;
};

} // namespace listinglens::ui
