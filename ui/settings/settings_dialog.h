#pragma once

#include "workbench_settings.h"

#include <QDialog>

class QComboBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace listinglens::ui {

// Edits the WorkbenchSettings: the model and how it runs, the database (its
// password in a masked field of its own, and where it will be kept), the
// currency and the theme. Shows what is in use when it comes from the environment.
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
