#include "workbench_settings.h"

#include "model_manifest.h"
#include "file_dialogs.h"

#include <QApplication>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QPalette>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QStyle>
#include <QStyleFactory>

namespace listinglens::ui {

WorkbenchSettings WorkbenchSettings::load()
{
    QSettings s;
    WorkbenchSettings w;
    w.modelDir = s.value(QStringLiteral("model/dir")).toString();
    w.device = s.value(QStringLiteral("model/device"), w.device).toString();
    w.threads = std::clamp(s.value(QStringLiteral("model/threads"), 0).toInt(), 0, 256);
    w.batchSize = std::clamp(s.value(QStringLiteral("model/batch"), 8).toInt(), 1, 256);
    w.databaseUrl = s.value(QStringLiteral("database/url")).toString();
    w.currency = s.value(QStringLiteral("display/currency"), w.currency).toString();
    w.theme = s.value(QStringLiteral("display/theme"), w.theme).toString();
    return w;
}

void WorkbenchSettings::save() const
{
    QSettings s;
    s.setValue(QStringLiteral("model/dir"), modelDir);
    s.setValue(QStringLiteral("model/device"), device);
    s.setValue(QStringLiteral("model/threads"), threads);
    s.setValue(QStringLiteral("model/batch"), batchSize);
    s.setValue(QStringLiteral("database/url"), databaseUrl);
    s.setValue(QStringLiteral("display/currency"), currency);
    s.setValue(QStringLiteral("display/theme"), theme);
}

bool WorkbenchSettings::modelChanged(const WorkbenchSettings &o) const
{
    return modelDir != o.modelDir || device != o.device || threads != o.threads;
}

void applyTheme(const QString &theme)
{
    if (theme == QLatin1String("dark")) {
        QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
        QPalette p;
        p.setColor(QPalette::Window, QColor(0x2b, 0x2d, 0x31));
        p.setColor(QPalette::WindowText, QColor(0xe6, 0xe6, 0xe6));
        p.setColor(QPalette::Base, QColor(0x1f, 0x21, 0x24));
        p.setColor(QPalette::AlternateBase, QColor(0x33, 0x36, 0x3b));
        p.setColor(QPalette::Text, QColor(0xe6, 0xe6, 0xe6));
        p.setColor(QPalette::Button, QColor(0x3a, 0x3d, 0x42));
        p.setColor(QPalette::ButtonText, QColor(0xe6, 0xe6, 0xe6));
        p.setColor(QPalette::Highlight, QColor(0x2f, 0x6f, 0xd6));
        p.setColor(QPalette::HighlightedText, Qt::white);
        QApplication::setPalette(p);
    } else {
        QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
        QApplication::setPalette(QApplication::style()->standardPalette());
    }
}

SettingsDialog::SettingsDialog(const WorkbenchSettings &s, QWidget *parent) : QDialog(parent)
{
    setWindowTitle(tr("Settings"));
    m_modelDir = new QLineEdit(s.modelDir);
    m_modelDir->setPlaceholderText(defaultModelDir());
    auto *browse = new QPushButton(tr("Browse…"));
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString dir = chooseFolder(this, tr("Model directory"), m_modelDir->text());
        if (!dir.isEmpty())
            m_modelDir->setText(dir);
    });
    auto *modelRow = new QHBoxLayout;
    modelRow->addWidget(m_modelDir, 1);
    modelRow->addWidget(browse);

    m_device = new QComboBox;
    m_device->addItems({QStringLiteral("auto"), QStringLiteral("cpu"), QStringLiteral("cuda")});
    m_device->setCurrentText(s.device);
    m_threads = new QSpinBox;
    m_threads->setRange(0, 256);
    m_threads->setSpecialValueText(tr("automatic"));
    m_threads->setValue(s.threads);
    m_batch = new QSpinBox;
    m_batch->setRange(1, 256);
    m_batch->setValue(s.batchSize);
    m_database = new QLineEdit(s.databaseUrl);
    m_database->setPlaceholderText(tr("sqlite:PATH or postgresql://user@host/db (history arrives with the data console)"));
    m_currency = new QComboBox;
    m_currency->setEditable(true);
    m_currency->addItems({QStringLiteral("EUR"), QStringLiteral("USD"), QStringLiteral("GBP"), QStringLiteral("CHF"), QStringLiteral("PLN")});
    m_currency->setCurrentText(s.currency);
    m_currency->setToolTip(tr("Currency for prices you enter when correcting"));
    m_theme = new QComboBox;
    m_theme->addItem(tr("System"), QStringLiteral("system"));
    m_theme->addItem(tr("Light"), QStringLiteral("light"));
    m_theme->addItem(tr("Dark"), QStringLiteral("dark"));
    m_theme->setCurrentIndex(std::max(0, m_theme->findData(s.theme)));

    auto *form = new QFormLayout(this);
    form->addRow(tr("Model directory"), modelRow);
    form->addRow(tr("Device"), m_device);
    form->addRow(tr("Inference threads"), m_threads);
    form->addRow(tr("Batch size"), m_batch);
    form->addRow(tr("Database"), m_database);
    form->addRow(tr("Currency"), m_currency);
    form->addRow(tr("Theme"), m_theme);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    form->addRow(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    resize(620, 320);
}

WorkbenchSettings SettingsDialog::settings() const
{
    WorkbenchSettings s;
    s.modelDir = m_modelDir->text().trimmed();
    s.device = m_device->currentText();
    s.threads = m_threads->value();
    s.batchSize = m_batch->value();
    s.databaseUrl = m_database->text().trimmed();
    s.currency = m_currency->currentText().trimmed().toUpper();
    s.theme = m_theme->currentData().toString();
    return s;
}

} // namespace listinglens::ui
