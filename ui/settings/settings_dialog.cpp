#include "settings_dialog.h"

#include "database_url.h"
#include "environment.h"
#include "file_dialogs.h"
#include "model_manifest.h"
#include "password_keyring.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace listinglens::ui {

namespace {

// A URL safe to show: the password masked, or nothing of it when it does not parse.
QString shownUrl(const QString &url)
{
    const auto parsed = DatabaseUrl::parse(url);
    return parsed ? parsed.value().masked() : QObject::tr("(not a valid database URL)");
}

} // namespace

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
    m_modelNote = new QLabel;
    m_modelNote->setObjectName(QStringLiteral("modelDirNote"));
    m_modelNote->setWordWrap(true);
    auto *modelBox = new QVBoxLayout;
    modelBox->setContentsMargins(0, 0, 0, 0);
    modelBox->addLayout(modelRow);
    modelBox->addWidget(m_modelNote);

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
    QWidget *databaseRow = setupDatabaseRow(s);
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
    form->addRow(tr("Model directory"), modelBox);
    form->addRow(tr("Device"), m_device);
    form->addRow(tr("Inference threads"), m_threads);
    form->addRow(tr("Batch size"), m_batch);
    form->addRow(tr("Database"), databaseRow);
    form->addRow(tr("Currency"), m_currency);
    form->addRow(tr("Theme"), m_theme);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    form->addRow(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_modelDir, &QLineEdit::textChanged, this, &SettingsDialog::updateNotes);
    updateNotes();
    resize(660, 400);
}

QWidget *SettingsDialog::setupDatabaseRow(const WorkbenchSettings &s)
{
    // The URL is shown without its password, which has a masked field of its own.
    m_database = new QLineEdit(databaseUrlWithoutPassword(s.databaseUrl));
    m_database->setObjectName(QStringLiteral("databaseUrl"));
    m_database->setPlaceholderText(tr("empty: $LISTINGLENS_DB, else the embedded file; sqlite:PATH or postgresql://user@host/db"));
    m_databasePassword = new QLineEdit(databasePassword(s.databaseUrl));
    m_databasePassword->setObjectName(QStringLiteral("databasePassword"));
    m_databasePassword->setEchoMode(QLineEdit::Password);
    m_databasePassword->setPlaceholderText(tr("password (PostgreSQL)"));
    m_databasePassword->setToolTip(tr("The PostgreSQL password; type a new one to change it, clear it for none"));
    m_databaseNote = new QLabel;
    m_databaseNote->setObjectName(QStringLiteral("databaseNote"));
    m_databaseNote->setWordWrap(true);
    m_passwordNote = new QLabel;
    m_passwordNote->setObjectName(QStringLiteral("databasePasswordNote"));
    m_passwordNote->setWordWrap(true);
    m_passwordNote->setTextInteractionFlags(Qt::TextSelectableByMouse);
    connect(m_database, &QLineEdit::editingFinished, this, &SettingsDialog::movePasswordOutOfUrl);
    connect(m_database, &QLineEdit::textChanged, this, &SettingsDialog::updateNotes);
    connect(m_databasePassword, &QLineEdit::textChanged, this, &SettingsDialog::updateNotes);

    auto *row = new QHBoxLayout;
    row->setContentsMargins(0, 0, 0, 0);
    row->addWidget(m_database, 3);
    row->addWidget(m_databasePassword, 1);
    auto *box = new QWidget;
    auto *column = new QVBoxLayout(box);
    column->setContentsMargins(0, 0, 0, 0);
    column->addLayout(row);
    column->addWidget(m_databaseNote);
    column->addWidget(m_passwordNote);
    return box;
}

void SettingsDialog::movePasswordOutOfUrl()
{
    // A URL typed or pasted with its password: the password goes to the masked field.
    const QString password = databasePassword(m_database->text());
    if (password.isEmpty())
        return;
    m_databasePassword->setText(password);
    m_database->setText(databaseUrlWithoutPassword(m_database->text()));
}

void SettingsDialog::updateNotes()
{
    const QString envModel = modelDirFromEnvironment();
    const QString modelDir = m_modelDir->text().trimmed();
    m_modelNote->setText(envModel.isEmpty() ? QString()
                         : modelDir.isEmpty()
                             ? tr("In use: %1 (from $LISTINGLENS_MODEL_DIR)").arg(envModel)
                             : tr("$LISTINGLENS_MODEL_DIR is %1; this setting comes first").arg(envModel));
    m_modelNote->setVisible(!m_modelNote->text().isEmpty());

    const QString url = m_database->text().trimmed();
    const QString envDb = databaseUrlFromEnvironment();
    if (url.isEmpty())
        m_databaseNote->setText(envDb.isEmpty() ? tr("In use: %1 (the embedded file)").arg(shownUrl(defaultDatabaseUrl()))
                                                : tr("In use: %1 (from $LISTINGLENS_DB)").arg(shownUrl(envDb)));
    else
        m_databaseNote->setText(envDb.isEmpty() ? QString()
                                                : tr("$LISTINGLENS_DB is %1; this setting comes first").arg(shownUrl(envDb)));
    m_databaseNote->setVisible(!m_databaseNote->text().isEmpty());

    const bool postgres = isPostgresUrl(url);
    m_databasePassword->setEnabled(postgres || !m_databasePassword->text().isEmpty());
    const bool hasPassword = postgres && (!m_databasePassword->text().isEmpty() || !databasePassword(url).isEmpty());
    if (!hasPassword) {
        m_passwordNote->hide();
        return;
    }
    if (PasswordKeyring::available()) {
        m_passwordNote->setStyleSheet(QString());
        m_passwordNote->setText(tr("The password is kept in the session keyring; the settings file holds the URL without it."));
    } else {
        m_passwordNote->setStyleSheet(QStringLiteral("color: #c62828; font-weight: bold"));
        m_passwordNote->setText(tr("No keyring is available: the password will be stored in plain text in %1. "
                                   "Prefer $LISTINGLENS_DB, or a database role without a password (peer or certificate).")
                                    .arg(WorkbenchSettings::settingsFile()));
    }
    m_passwordNote->show();
}

WorkbenchSettings SettingsDialog::settings() const
{
    WorkbenchSettings s;
    s.modelDir = m_modelDir->text().trimmed();
    s.device = m_device->currentText();
    s.threads = m_threads->value();
    s.batchSize = m_batch->value();
    const QString url = m_database->text().trimmed();
    const QString typed = databasePassword(url); // still in the URL: editing had not finished
    const QString password = typed.isEmpty() ? m_databasePassword->text() : typed;
    s.databaseUrl = url.isEmpty() ? QString() : databaseUrlWithPassword(url, password);
    s.currency = m_currency->currentText().trimmed().toUpper();
    s.theme = m_theme->currentData().toString();
    return s;
}

} // namespace listinglens::ui
