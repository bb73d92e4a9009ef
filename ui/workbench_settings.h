#pragma once

#include <QDialog>
#include <QString>

class QComboBox;
class QLineEdit;
class QSpinBox;

namespace listinglens::ui {

// The workbench's settings, kept in QSettings.
struct WorkbenchSettings {
    QString modelDir;        // empty: the default model directory
    QString device = QStringLiteral("auto");
    int threads = 0;         // 0: automatic
    int batchSize = 8;
    QString databaseUrl;     // used once prediction history is stored
    QString currency = QStringLiteral("EUR");
    QString theme = QStringLiteral("system"); // system, light, dark

    static WorkbenchSettings load();
    void save() const;
    bool modelChanged(const WorkbenchSettings &other) const;
};

void applyTheme(const QString &theme);

class SettingsDialog : public QDialog {
    Q_OBJECT
public:
    explicit SettingsDialog(const WorkbenchSettings &settings, QWidget *parent = nullptr);
    WorkbenchSettings settings() const;

private:
    QLineEdit *m_modelDir;
    QComboBox *m_device;
    QSpinBox *m_threads;
    QSpinBox *m_batch;
    QLineEdit *m_database;
    QComboBox *m_currency;
    QComboBox *m_theme;
};

} // namespace listinglens::ui
