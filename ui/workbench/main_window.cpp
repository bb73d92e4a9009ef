#include "main_window.h"

#include "classification_worker.h"
#include "database_url.h"
#include "environment.h"
#include "history_page.h"
#include "model_manifest.h"
#include "photo_strip.h"
#include "result_panel.h"
#include "session.h"
#include "settings_dialog.h"
#include "theme.h"

#include <QCloseEvent>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QStatusBar>
#include <QToolBar>

namespace listinglens::ui {

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent), m_settings(WorkbenchSettings::load()), m_session(std::make_unique<Session>())
{
    setWindowTitle(tr("ListingLens"));
    setAcceptDrops(true);
    resize(1280, 800);
    applyTheme(m_settings.theme);

    setupPages();
    setupActions();
    setupStatusBar();
    connectModel();
    connectPhotos();
    connectDecisions();
    connectDatabase();

    loadModel();
    openDatabase();

    const QByteArray geometry = QSettings().value(QStringLiteral("window/geometry")).toByteArray();
    if (!geometry.isEmpty())
        restoreGeometry(geometry);
}

MainWindow::~MainWindow()
{
    storeWaitingDecisions(); // accepted while their suggestion was being redone
    m_session.reset(); // its threads stop, and what is queued for the database is written, before the pages go
}

void MainWindow::connectModel()
{
    ClassificationWorker *worker = m_session->classification();
    connect(worker, &ClassificationWorker::modelLoaded, this,
            [this](const QString &name, const QString &version, const QString &device, const QStringList &ids, const QStringList &names) {
                m_modelName = name;
                m_modelVersion = version;
                m_deviceName = device;
                m_categoryIds = ids;
                m_categoryNames = names;
                m_history->setCategories(ids);
                m_modelReady = true;
                m_head = 0; // until the database's active head is read
                showModel();
                m_deviceLabel->setText(device);
                Q_EMIT modelReady();
            });
    connect(worker, &ClassificationWorker::headChanged, this, [this](qint64 version) {
        m_head = version;
        showModel();
        statusBar()->showMessage(version > 0 ? tr("Now suggesting with category head h%1").arg(version)
                                             : tr("Now suggesting with the built-in category mapping"), 6000);
    });
    connect(worker, &ClassificationWorker::modelFailed, this, [this](const QString &message) {
        m_modelReady = false;
        m_modelLabel->setText(tr("Model not loaded"));
        QMessageBox::warning(this, tr("Model not loaded"),
                             tr("%1\n\nChoose the model directory in Settings.").arg(message));
    });
}

void MainWindow::showModel()
{
    // Short: during a batch the progress shares the status bar.
    m_modelLabel->setText(m_head > 0 ? tr("Model: %1 %2 · head h%3").arg(m_modelName, m_modelVersion).arg(m_head)
                                     : tr("Model: %1 %2").arg(m_modelName, m_modelVersion));
    m_modelLabel->setToolTip(m_head > 0 ? tr("Categories from the market's category head h%1, as the database has it active").arg(m_head)
                                        : tr("Categories from the built-in mapping (no category head is active)"));
}

void MainWindow::loadModel()
{
    m_modelReady = false;
    m_modelLabel->setText(tr("Loading model…"));
    const QString dir = m_settings.modelDir.isEmpty() ? defaultModelDir() : m_settings.modelDir;
    m_session->loadModel(dir, m_settings.device, m_settings.threads);
}

void MainWindow::connectDatabase()
{
    connect(m_session.get(), &Session::databaseConnecting, this, [this](const QString &url) {
        if (const auto parsed = DatabaseUrl::parse(url)) {
            m_databaseLabel->setText(tr("Database: connecting to %1…").arg(parsed.value().shortName()));
            m_databaseLabel->setToolTip(parsed.value().masked());
        }
    });
    connect(m_session.get(), &Session::databaseOpened, this, [this](const QString &url, int listings) {
        const auto parsed = DatabaseUrl::parse(databaseUrl());
        m_databaseLabel->setText(tr("Database: %1").arg(parsed ? parsed.value().shortName() : url));
        m_databaseLabel->setToolTip(tr("%1\n%n earlier listing(s) loaded for similarity and prices", nullptr, listings).arg(url));
    });
    connect(m_session.get(), &Session::databaseUnavailable, this, [this](const QString &message, int retryInSeconds) {
        m_databaseLabel->setText(tr("Database unavailable, retrying in %1 s").arg(retryInSeconds));
        m_databaseLabel->setToolTip(message);
    });
    connect(m_session.get(), &Session::resultNotStored, this, [this](const QString &message) {
        statusBar()->showMessage(tr("Database lost: results are kept and written when it is back (%1)").arg(message), 8000);
    });
}

QString MainWindow::databaseUrl() const
{
    if (!m_settings.databaseUrl.isEmpty())
        return m_settings.databaseUrl;
    const QString env = databaseUrlFromEnvironment();
    return env.isEmpty() ? defaultDatabaseUrl() : env;
}

void MainWindow::openDatabase()
{
    m_session->openDatabase(databaseUrl());
}

void MainWindow::showPage(int page)
{
    m_nav->setCurrentRow(page);
}

void MainWindow::openSettings()
{
    SettingsDialog dialog(m_settings, this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    const WorkbenchSettings previous = m_settings;
    m_settings = dialog.settings();
    m_settings.save();
    if (m_settings.theme != previous.theme)
        applyTheme(m_settings.theme);
    if (m_settings.modelChanged(previous))
        loadModel();
    if (m_settings.modelChanged(previous) || m_settings.databaseUrl != previous.databaseUrl)
        openDatabase(); // the listing index follows the model's embeddings
}

void MainWindow::setPresentation(bool on)
{
    m_presentation = on;
    if (on)
        showPage(0);
    for (QWidget *w : std::initializer_list<QWidget *>{m_nav, m_strip, m_toolbar, menuBar(), statusBar()})
        w->setVisible(!on);
    m_panel->setPresentation(on);
    if (on)
        showFullScreen();
    else
        showNormal();
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    // Results waiting for a lost database live in memory: say so before they go.
    if (const int waiting = m_session->resultsWaiting(); waiting > 0) {
        const auto answer = QMessageBox::warning(
            this, tr("Results not stored yet"),
            tr("%n result(s) are waiting for the database, which is not reachable. They are lost if you close now.\n\n"
               "Close anyway?", nullptr, waiting),
            QMessageBox::Close | QMessageBox::Cancel, QMessageBox::Cancel);
        if (answer != QMessageBox::Close) {
            event->ignore();
            return;
        }
    }
    QSettings().setValue(QStringLiteral("window/geometry"), saveGeometry());
    QMainWindow::closeEvent(event);
}

} // namespace listinglens::ui
