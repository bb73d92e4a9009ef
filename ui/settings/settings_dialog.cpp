#include "settings_dialog.h"

#include "database_check.h"
#include "database_url.h"
#include "environment.h"
#include "file_dialogs.h"
#include "model_folder_check.h"
#include "password_keyring.h"

#include <QComboBox>
#include <QCoreApplication>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSpinBox>
#include <QThreadPool>
#include <QTimer>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <utility>

namespace listinglens::ui {

namespace {

// What a check off the GUI thread answers (a QFuture's value needs a default).
struct Answer {
    bool ok = false;
    QString message;
};

// A URL safe to show: the password masked, or nothing of it when it does not parse.
QString shownUrl(const QString &url)
{
    const auto parsed = DatabaseUrl::parse(url);
    return parsed ? parsed.value().masked() : QObject::tr("(not a valid database URL)");
}

// A value in use and where it comes from, as the window resolves it.
struct InUse {
    QString value;
    QString from;
};

// The setting when there is one, else the environment's, else the default: how the window resolves both.
InUse resolved(const QString &setting, const QString &environment, const QString &variable, const QString &fallback,
               const QString &fallbackName)
{
    if (!setting.isEmpty())
        return {setting, QObject::tr("from this setting")};
    if (!environment.isEmpty())
        return {environment, QObject::tr("from $%1").arg(variable)};
    return {fallback, fallbackName};
}

InUse modelDirInUse(const QString &setting)
{
    return resolved(setting, modelDirFromEnvironment(), QStringLiteral("LISTINGLENS_MODEL_DIR"), defaultModelDir(),
                    QObject::tr("the default"));
}

InUse databaseInUse(const QString &setting)
{
    return resolved(setting, databaseUrlFromEnvironment(), QStringLiteral("LISTINGLENS_DB"), defaultDatabaseUrl(),
                    QObject::tr("the embedded file, the default"));
}

void setNote(QLabel *label, const QString &text, bool warning = false)
{
    label->setText(text);
    label->setStyleSheet(warning ? QStringLiteral("color: #c62828; font-weight: bold") : QString());
    label->setVisible(!text.isEmpty());
}

// The checks' own pool, never the global one: a check that hangs (a server that
// takes the connection and says nothing, a slow model load) cannot starve other
// QtConcurrent users, and ~QCoreApplication does not wait for it. Owned by the
// dialog's window (the MainWindow), so it outlives a closed dialog and a check
// still running when the dialog closes ends there; its destructor waits for
// that, bounded by the checks' own timeouts (5 s connect on PostgreSQL).
QThreadPool *sharedCheckPool(QWidget *dialogParent)
{
    QObject *owner = dialogParent ? static_cast<QObject *>(dialogParent->window()) : QCoreApplication::instance();
    const QString name = QStringLiteral("settingsChecks");
    if (auto *pool = owner->findChild<QThreadPool *>(name, Qt::FindDirectChildrenOnly))
        return pool;
    auto *pool = new QThreadPool(owner);
    pool->setObjectName(name);
    pool->setMaxThreadCount(2); // one model check and one Test at a time
    pool->setExpiryTimeout(2000);
    return pool;
}

QLabel *noteLabel(const char *name)
{
    auto *label = new QLabel;
    label->setObjectName(QString::fromLatin1(name));
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    label->hide();
    return label;
}

} // namespace

SettingsDialog::SettingsDialog(const WorkbenchSettings &s, QWidget *parent)
    : QDialog(parent), m_initial(s), m_pool(sharedCheckPool(parent)), m_testTimeout(new QTimer(this))
{
    setWindowTitle(tr("Settings"));
    QWidget *modelRow = setupModelRow(s);
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
    m_moderator = new QLineEdit(s.moderator);
    m_moderator->setObjectName(QStringLiteral("moderator"));
    m_moderator->setPlaceholderText(moderatorFromEnvironment());
    m_moderator->setToolTip(tr("Your name, stored with every decision; empty: %1 (the account's name)").arg(moderatorFromEnvironment()));
    QWidget *databaseRow = setupDatabaseRow(s);
    m_currency = new QComboBox;
    m_currency->setEditable(true);
    m_currency->addItems({QStringLiteral("EUR"), QStringLiteral("USD"), QStringLiteral("GBP"), QStringLiteral("CHF"), QStringLiteral("PLN")});
    m_currency->setCurrentText(s.currency);
    m_currency->setObjectName(QStringLiteral("currency"));
    m_currency->setToolTip(tr("The database's one currency: every price stored in it, suggested or confirmed. "
                              "Chosen once, here or at the first import; fixed once prices are confirmed in it."));
    m_theme = new QComboBox;
    m_theme->addItem(tr("System"), QStringLiteral("system"));
    m_theme->addItem(tr("Light"), QStringLiteral("light"));
    m_theme->addItem(tr("Dark"), QStringLiteral("dark"));
    m_theme->setCurrentIndex(std::max(0, m_theme->findData(s.theme)));

    auto *form = new QFormLayout(this);
    form->addRow(tr("Model folder"), modelRow);
    form->addRow(tr("Device"), m_device);
    form->addRow(tr("Inference threads"), m_threads);
    form->addRow(tr("Batch size"), m_batch);
    form->addRow(tr("Your name"), m_moderator);
    form->addRow(tr("Database"), databaseRow);
    form->addRow(tr("Currency"), m_currency);
    form->addRow(tr("Theme"), m_theme);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    m_ok = buttons->button(QDialogButtonBox::Ok);
    form->addRow(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &SettingsDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_device, &QComboBox::currentTextChanged, m_modelCheck, &QLabel::hide);

    m_testTimeout->setSingleShot(true);
    connect(m_testTimeout, &QTimer::timeout, this, [this] {
        ++m_testSerial; // its answer, when it comes, is too late
        // Test stays disabled until the check really ends (testEnded).
        showTestAnswer(false, tr("No answer within %1 s: the server is down, or something in between drops the connection.")
                                  .arg(m_testTimeoutMs / 1000.0));
    });
    updateNotes();
    resize(720, 460);
}

QWidget *SettingsDialog::setupModelRow(const WorkbenchSettings &s)
{
    m_modelDir = new QLineEdit(s.modelDir);
    m_modelDir->setObjectName(QStringLiteral("modelDir"));
    m_modelDir->setPlaceholderText(tr("empty: %1").arg(modelDirInUse(QString()).value));
    m_modelDir->setToolTip(tr("The folder of the model: its description (listinglens-model.json), or the default model's files"));
    auto *browse = new QPushButton(tr("Browse…"));
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString dir = chooseFolder(this, tr("Model folder"), m_modelDir->text());
        if (!dir.isEmpty())
            m_modelDir->setText(dir);
    });
    m_modelNote = noteLabel("modelDirNote");
    m_modelCheck = noteLabel("modelDirCheck");
    connect(m_modelDir, &QLineEdit::textChanged, this, &SettingsDialog::updateNotes);
    connect(m_modelDir, &QLineEdit::textChanged, m_modelCheck, &QLabel::hide);

    auto *row = new QHBoxLayout;
    row->setContentsMargins(0, 0, 0, 0);
    row->addWidget(m_modelDir, 1);
    row->addWidget(browse);
    auto *box = new QWidget;
    auto *column = new QVBoxLayout(box);
    column->setContentsMargins(0, 0, 0, 0);
    column->addLayout(row);
    column->addWidget(m_modelNote);
    column->addWidget(m_modelCheck);
    return box;
}

QWidget *SettingsDialog::setupDatabaseRow(const WorkbenchSettings &s)
{
    // The URL is shown without its password, which has a masked field of its own.
    m_database = new QLineEdit(databaseUrlWithoutPassword(s.databaseUrl));
    m_database->setObjectName(QStringLiteral("databaseUrl"));
    m_database->setPlaceholderText(tr("e.g. sqlite:/path/to/file.sqlite or postgresql://user@host:5432/db"));
    m_database->setToolTip(tr("Where results and decisions are stored.\n"
                              "A file of its own: sqlite:/path/to/file.sqlite\n"
                              "A shared server: postgresql://user@host:5432/db (the password in the field beside it)\n"
                              "Empty: $LISTINGLENS_DB when it is set, else the embedded file."));
    m_databasePassword = new QLineEdit(databasePassword(s.databaseUrl));
    m_databasePassword->setObjectName(QStringLiteral("databasePassword"));
    m_databasePassword->setEchoMode(QLineEdit::Password);
    m_databasePassword->setPlaceholderText(tr("password (PostgreSQL)"));
    m_databasePassword->setToolTip(tr("The PostgreSQL password; type a new one to change it, clear it for none"));
    m_test = new QPushButton(tr("Test"));
    m_test->setObjectName(QStringLiteral("testDatabase"));
    m_test->setToolTip(tr("Connect to this database now and say what is there; nothing is changed"));
    connect(m_test, &QPushButton::clicked, this, &SettingsDialog::testDatabase);
    m_databaseNote = noteLabel("databaseNote");
    m_testAnswer = noteLabel("databaseTestAnswer");
    m_passwordNote = noteLabel("databasePasswordNote");
    connect(m_database, &QLineEdit::editingFinished, this, &SettingsDialog::movePasswordOutOfUrl);
    for (QLineEdit *edit : {m_database, m_databasePassword}) {
        connect(edit, &QLineEdit::textChanged, this, &SettingsDialog::updateNotes);
        connect(edit, &QLineEdit::textEdited, this, [this] {
            // An answer about what was typed before no longer holds.
            ++m_testSerial;
            m_testTimeout->stop();
            m_testAnswer->hide(); // Test comes back when the running check ends
        });
    }

    auto *row = new QHBoxLayout;
    row->setContentsMargins(0, 0, 0, 0);
    row->addWidget(m_database, 3);
    row->addWidget(m_databasePassword, 1);
    row->addWidget(m_test);
    auto *box = new QWidget;
    auto *column = new QVBoxLayout(box);
    column->setContentsMargins(0, 0, 0, 0);
    column->addLayout(row);
    column->addWidget(m_databaseNote);
    column->addWidget(m_testAnswer);
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
    // What the window uses now and where from; and, when the field says
    // otherwise, what it will use after OK.
    const InUse modelNow = modelDirInUse(m_initial.modelDir);
    const QString modelDir = m_modelDir->text().trimmed();
    QString model = tr("In use: %1 (%2).").arg(modelNow.value, modelNow.from);
    if (modelDir != m_initial.modelDir) {
        const InUse next = modelDirInUse(modelDir);
        model += QLatin1Char(' ') + tr("After OK: %1 (%2), once it is checked.").arg(next.value, next.from);
    } else if (!modelDir.isEmpty() && !modelDirFromEnvironment().isEmpty()) {
        model += QLatin1Char(' ') + tr("$LISTINGLENS_MODEL_DIR is %1; this setting comes first.").arg(modelDirFromEnvironment());
    }
    setNote(m_modelNote, model);

    const InUse dbNow = databaseInUse(m_initial.databaseUrl);
    const QString url = m_database->text().trimmed();
    QString database = tr("In use: %1 (%2).").arg(shownUrl(dbNow.value), dbNow.from);
    if (url != databaseUrlWithoutPassword(m_initial.databaseUrl)) {
        const InUse next = databaseInUse(url);
        database += QLatin1Char(' ') + tr("After OK: %1 (%2).").arg(shownUrl(next.value), next.from);
    } else if (!url.isEmpty() && !databaseUrlFromEnvironment().isEmpty()) {
        database += QLatin1Char(' ') + tr("$LISTINGLENS_DB is %1; this setting comes first.").arg(shownUrl(databaseUrlFromEnvironment()));
    }
    setNote(m_databaseNote, database);
    updatePasswordNote(url);
}

void SettingsDialog::updatePasswordNote(const QString &url)
{
    const bool postgres = isPostgresUrl(url);
    m_databasePassword->setEnabled(postgres || !m_databasePassword->text().isEmpty());
    const bool hasPassword = postgres && (!m_databasePassword->text().isEmpty() || !databasePassword(url).isEmpty());
    if (!hasPassword)
        return m_passwordNote->hide();
    if (PasswordKeyring::available())
        return setNote(m_passwordNote, tr("The password is kept in the session keyring; the settings file holds the URL without it."));
    setNote(m_passwordNote,
            tr("No keyring is available: the password will be stored in plain text in %1. "
               "Prefer $LISTINGLENS_DB, or a database role without a password (peer or certificate).")
                .arg(WorkbenchSettings::settingsFile()),
            true);
}

QString SettingsDialog::typedDatabaseUrl() const
{
    const QString url = m_database->text().trimmed();
    const QString typed = databasePassword(url); // still in the URL: editing had not finished
    const QString password = typed.isEmpty() ? m_databasePassword->text() : typed;
    return url.isEmpty() ? QString() : databaseUrlWithPassword(url, password);
}

void SettingsDialog::testDatabase()
{
    // The field, or what the window would use without it.
    const QString url = databaseInUse(typedDatabaseUrl()).value;
    if (m_testRunning)
        return; // one at a time: the button is disabled until it ends
    const int serial = ++m_testSerial;
    m_testRunning = true;
    m_testedUrl = typedDatabaseUrl();
    m_test->setEnabled(false);
    setNote(m_testAnswer, tr("Connecting to %1…").arg(shownUrl(url)));
    m_testTimeout->start(m_testTimeoutMs);
    auto *watcher = new QFutureWatcher<Answer>(this);
    connect(watcher, &QFutureWatcher<Answer>::finished, this, [this, watcher, serial] {
        watcher->deleteLater();
        m_testRunning = false;
        m_test->setEnabled(true);
        if (serial != m_testSerial)
            return; // timed out, or the URL changed since
        m_testTimeout->stop();
        const Answer answer = watcher->result();
        showTestAnswer(answer.ok, answer.message);
    });
    watcher->setFuture(QtConcurrent::run(m_pool, [url] {
        const auto check = checkDatabase(url);
        if (!check)
            return Answer{false, check.error().message};
        return Answer{check.value().usable, check.value().summary};
    }));
}

void SettingsDialog::showTestAnswer(bool ok, const QString &message)
{
    setNote(m_testAnswer, (ok ? QStringLiteral("✔ ") : QStringLiteral("✖ ")) + message, !ok);
    m_testedOk = ok;
    m_testedMessage = message;
    Q_EMIT databaseTested(ok, message);
    if (std::exchange(m_acceptAfterTest, false))
        accept(); // OK was pressed before the database was tested: now it is
}

// OK with another database than the one in use: saved when its test passes;
// one whose test failed only when the moderator says so, never without asking.
bool SettingsDialog::databaseMayBeSaved()
{
    const QString url = typedDatabaseUrl();
    if (url.isEmpty() || url == m_initial.databaseUrl || m_failingDatabaseConfirmed == url)
        return true;
    if (m_testedUrl != url || m_testRunning) { // not tested yet (or being tested): first the test
        m_acceptAfterTest = true;
        if (!m_testRunning)
            testDatabase();
        return false;
    }
    if (m_testedOk)
        return true;
    auto *box = new QMessageBox(QMessageBox::Warning, tr("Save a database that does not work?"),
                                tr("The test of this database failed:\n%1\n\nThe window cannot store results or decisions there until "
                                   "it works. Save it anyway?").arg(m_testedMessage),
                                QMessageBox::Save | QMessageBox::Cancel, this);
    box->setObjectName(QStringLiteral("saveFailingDatabase"));
    box->setDefaultButton(QMessageBox::Cancel);
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::finished, this, [this, url](int answer) {
        if (answer != QMessageBox::Save)
            return;
        m_failingDatabaseConfirmed = url;
        accept();
    });
    box->open();
    return false;
}

void SettingsDialog::accept()
{
    if (!databaseMayBeSaved())
        return;
    const WorkbenchSettings next = settings();
    if (next.modelDir == m_initial.modelDir && next.device == m_initial.device)
        return QDialog::accept(); // the model in use is kept: nothing to check
    if (m_modelChecks > 0)
        return; // the answer of the running check closes it
    const QString dir = modelDirInUse(next.modelDir).value;
    ++m_modelChecks;
    m_ok->setEnabled(false);
    setNote(m_modelCheck, tr("Checking the model in %1…").arg(dir));
    auto *watcher = new QFutureWatcher<Answer>(this);
    connect(watcher, &QFutureWatcher<Answer>::finished, this, [this, watcher] {
        watcher->deleteLater();
        --m_modelChecks;
        m_ok->setEnabled(true);
        const Answer answer = watcher->result();
        showModelAnswer(answer.ok, answer.message);
        if (answer.ok)
            QDialog::accept();
    });
    watcher->setFuture(QtConcurrent::run(m_pool, [dir, device = next.device, threads = next.threads] {
        const auto folder = checkModelFolder(dir, device, threads);
        if (!folder)
            return Answer{false, folder.error().message};
        return Answer{true, QObject::tr("%1 %2, %3 categories: it works.")
                                .arg(folder.value().name, folder.value().version).arg(folder.value().categories)};
    }));
}

void SettingsDialog::showModelAnswer(bool usable, const QString &message)
{
    setNote(m_modelCheck, usable ? message : tr("Not saved: %1").arg(message), !usable);
    Q_EMIT modelChecked(usable, message);
}

WorkbenchSettings SettingsDialog::settings() const
{
    WorkbenchSettings s;
    s.modelDir = m_modelDir->text().trimmed();
    s.device = m_device->currentText();
    s.threads = m_threads->value();
    s.batchSize = m_batch->value();
    s.databaseUrl = typedDatabaseUrl();
    s.moderator = m_moderator->text().trimmed();
    s.currency = m_currency->currentText().trimmed().toUpper();
    s.theme = m_theme->currentData().toString();
    return s;
}

} // namespace listinglens::ui
