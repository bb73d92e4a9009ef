#include "main_window.h"

#include "classification_worker.h"
#include "count_text.h"
#include "database_url.h"
#include "environment.h"
#include "history_page.h"
#include "model_folder_check.h"
#include "model_manifest.h"
#include "photo_list_model.h"
#include "photo_strip.h"
#include "presentation_view.h"
#include "quality_page.h"
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
#include <QStackedWidget>
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
    m_strip->setFocus(); // the arrows and Enter work from the start
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
                m_history->setCategories(ids, names); // display names in the console pages
                m_quality->setCategoryNames(ids, names);
                m_panel->setCategories(ids, names);
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
        if (!m_modelName.isEmpty()) {
            // The worker keeps the model it had: photos go on being classified with it.
            m_modelReady = true;
            showModel();
            QMessageBox::warning(this, tr("Model not changed"),
                                 tr("%1\n\nStill using %2 %3. Choose another model folder in Settings.")
                                     .arg(plainModelError(message), m_modelName, m_modelVersion));
            return;
        }
        m_modelReady = false;
        m_modelLabel->setText(tr("Model not loaded"));
        QMessageBox::warning(this, tr("Model not loaded"),
                             tr("%1\n\nChoose the model folder in Settings.").arg(plainModelError(message)));
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
        m_panel->forgetThumbnails(); // the similar listings' ids are of the database before
        if (const auto parsed = DatabaseUrl::parse(url)) {
            m_databaseLabel->setText(tr("Database: connecting to %1…").arg(parsed.value().shortName()));
            m_databaseLabel->setToolTip(parsed.value().masked());
        }
    });
    connect(m_session.get(), &Session::databaseOpened, this, [this](const QString &url, int listings) {
        const auto parsed = DatabaseUrl::parse(databaseUrl());
        m_databaseLabel->setText(tr("Database: %1").arg(parsed ? parsed.value().shortName() : url));
        m_databaseLabel->setToolTip(tr("%1\n%2 loaded for similarity and prices").arg(url, countText(listings, tr("earlier listing"), tr("earlier listings"))));
    });
    connect(m_session.get(), &Session::databaseUnavailable, this, [this](const QString &message, int retryInSeconds) {
        // Short, never cut: the banner above the pages says the rest.
        m_databaseLabel->setText(tr("Database: unreachable"));
        m_databaseLabel->setToolTip(tr("%1\nNext try in %2 s").arg(message).arg(retryInSeconds));
    });
    connect(m_session.get(), &Session::resultNotStored, this, [this](const QString &message) {
        Q_UNUSED(message); // the banner's tooltip has it
        statusBar()->showMessage(tr("Database lost: results are kept until it is back"), 8000);
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
    if (m_settings.currency != previous.currency) // after the open, on the same thread
        m_session->chooseCurrency(m_settings.currency); // the database's one currency, refused when its prices are in another
}

void MainWindow::setPresentation(bool on)
{
    if (on == m_presentation)
        return;
    m_presentation = on;
    if (!m_demo) {
        m_demo = new PresentationView(m_photos, this);
        // A photo from the phone comes in as an opened file does: the same checks, the same session.
        connect(m_demo, &PresentationView::photoFromPhone, this, [this](const QString &path) { addPaths({path}); });
    }
    if (on)
        showPage(0);
    // The view covers the window; what is under it goes, so that no key, menu or focus lands there.
    for (QWidget *w : std::initializer_list<QWidget *>{m_nav, m_pages, m_toolbar, menuBar(), statusBar()})
        w->setVisible(!on);
    updateWorkbenchKeys(); // off while presenting: they would act on the hidden strip, and the view has its own keys
    const PhotoItem *current = m_photos->item(m_strip->currentIndex().row());
    m_demo->setActive(on, current ? current->id : -1);
    if (!on && m_demo->shownId() >= 0 && m_photos->rowOf(m_demo->shownId()) >= 0)
        selectRow(m_photos->rowOf(m_demo->shownId())); // back in the workbench at the photo last presented
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
            tr("%1 waiting for the database, which is not reachable. They are lost if you close now.\n\n"
               "Close anyway?").arg(waiting == 1 ? tr("1 result is") : tr("%1 results are").arg(waiting)),
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
