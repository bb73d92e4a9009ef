#include "main_window.h"
#include "main_window_p.h"

#include "classification_worker.h"
#include "decision_controller.h"
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
#include "store_worker.h"
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

MainWindow::MainWindow(QWidget *parent) : QMainWindow(parent), d(std::make_unique<MainWindowPrivate>())
{
    setWindowTitle(tr("ListingLens"));
    setAcceptDrops(true);
    resize(1280, 800);
    applyTheme(d->settings.theme);

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
    d->strip->setFocus(); // the arrows and Enter work from the start
}

MainWindow::~MainWindow()
{
    d->decisions->storeWaiting(); // accepted while their suggestion was being redone
    d->session.reset(); // its threads stop, and what is queued for the database is written, before the pages go
}

bool MainWindow::isBusy() const { return !d->pending.isEmpty(); }
bool MainWindow::isPresentation() const { return d->presentation; }
bool MainWindow::isModelReady() const { return d->modelReady; }
PhotoListModel *MainWindow::photos() const { return d->photos; }
PhotoStrip *MainWindow::strip() const { return d->strip; }
QLabel *MainWindow::orderLabel() const { return d->orderLabel; }
ResultPanel *MainWindow::resultPanel() const { return d->panel; }
PresentationView *MainWindow::presentationView() const { return d->demo; }
HistoryPage *MainWindow::historyPage() const { return d->history; }
QualityPage *MainWindow::qualityPage() const { return d->quality; }
ThroughputPage *MainWindow::throughputPage() const { return d->throughput; }
QPushButton *MainWindow::cancelButton() const { return d->cancel; }
QPushButton *MainWindow::retryDecisionsButton() const { return d->retryDecisions; }
Session *MainWindow::session() const { return d->session.get(); }

void MainWindow::connectModel()
{
    ClassificationWorker *worker = d->session->classification();
    connect(worker, &ClassificationWorker::modelLoaded, this,
            [this](const QString &name, const QString &version, const QString &device, const QStringList &ids, const QStringList &names) {
                d->modelName = name;
                d->modelVersion = version;
                d->deviceName = device;
                d->categoryIds = ids;
                d->categoryNames = names;
                d->history->setCategories(ids, names); // display names in the console pages
                d->quality->setCategoryNames(ids, names);
                d->panel->setCategories(ids, names);
                d->modelReady = true;
                d->head = 0; // until the database's active head is read
                showModel();
                // The device in short ("CPU, 1 thread, oneDNN"), how the model runs
                // on it in the tooltip: the whole text took a third of a 1024 px
                // status bar, and messages were drawn under it.
                d->deviceLabel->setText(device.section(QStringLiteral(" ("), 0, 0));
                d->deviceLabel->setToolTip(device);
                Q_EMIT modelReady();
            });
    connect(worker, &ClassificationWorker::headChanged, this, [this](qint64 version) {
        d->head = version;
        showModel();
        showFittedMessage(version > 0 ? tr("Now suggesting with category head h%1").arg(version)
                                             : tr("Now suggesting with the built-in category mapping"), 6000);
    });
    connect(worker, &ClassificationWorker::modelFailed, this, [this](const QString &message) {
        if (!d->modelName.isEmpty()) {
            // The worker keeps the model it had: photos go on being classified with it.
            d->modelReady = true;
            showModel();
            QMessageBox::warning(this, tr("Model not changed"),
                                 tr("%1\n\nStill using %2 %3. Choose another model folder in Settings.")
                                     .arg(plainModelError(message), d->modelName, d->modelVersion));
            return;
        }
        d->modelReady = false;
        d->modelLabel->setText(tr("Model not loaded"));
        QMessageBox::warning(this, tr("Model not loaded"),
                             tr("%1\n\nChoose the model folder in Settings.").arg(plainModelError(message)));
    });
}

void MainWindow::showModel()
{
    // Short: during a batch the progress shares the status bar.
    d->modelLabel->setText(d->head > 0 ? tr("Model: %1 %2 · head h%3").arg(d->modelName, d->modelVersion).arg(d->head)
                                     : tr("Model: %1 %2").arg(d->modelName, d->modelVersion));
    d->modelLabel->setToolTip(d->head > 0 ? tr("Categories from the market's category head h%1, as the database has it active").arg(d->head)
                                        : tr("Categories from the built-in mapping (no category head is active)"));
}

void MainWindow::loadModel()
{
    d->modelReady = false;
    d->modelLabel->setText(tr("Loading model…"));
    const QString dir = d->settings.modelDir.isEmpty() ? defaultModelDir() : d->settings.modelDir;
    d->session->loadModel(dir, d->settings.device, d->settings.threads);
}

void MainWindow::connectDatabase()
{
    connect(d->session.get(), &Session::databaseConnecting, this, [this](const QString &url) {
        d->panel->forgetThumbnails(); // the similar listings' ids are of the database before
        if (const auto parsed = DatabaseUrl::parse(url)) {
            d->databaseLabel->setText(tr("Database: connecting to %1…").arg(parsed.value().shortName()));
            d->databaseLabel->setToolTip(parsed.value().masked());
        }
    });
    connect(d->session.get(), &Session::databaseOpened, this, [this](const QString &url, int listings) {
        const auto parsed = DatabaseUrl::parse(databaseUrl());
        d->databaseLabel->setText(tr("Database: %1").arg(parsed ? parsed.value().shortName() : url));
        d->databaseLabel->setToolTip(tr("%1\n%2 loaded for similarity and prices").arg(url, countText(listings, tr("earlier listing"), tr("earlier listings"))));
        loadSimilarThumbnails(); // forgotten when it was being opened, and not asked for while another was in use
    });
    connect(d->session.get(), &Session::databaseUnavailable, this, [this](const QString &message, int retryInSeconds) {
        // Short, never cut: the banner above the pages says the rest.
        d->databaseLabel->setText(tr("Database: unreachable"));
        d->databaseLabel->setToolTip(tr("%1\nNext try in %2 s").arg(message).arg(retryInSeconds));
    });
    // Settings shows the database's currency, the one every price in it is in.
    connect(d->session->storeWorker(), &StoreWorker::currencyKnown, this, [this](const QString &currency, const QString &refusal) {
        if (!currency.isEmpty()) { // what the database has, chosen now or refused: the settings file says the same
            d->settings.currency = currency;
            WorkbenchSettings::saveCurrency(currency);
        }
        if (!refusal.isEmpty())
            showFittedMessage(tr("Currency not changed: %1").arg(refusal), 10000);
    });
    connect(d->session.get(), &Session::resultNotStored, this, [this](const QString &message) {
        Q_UNUSED(message); // the banner's tooltip has it
        showFittedMessage(tr("Database lost: results are kept until it is back"), 8000);
    });
}

QString MainWindow::databaseUrl() const
{
    if (!d->settings.databaseUrl.isEmpty())
        return d->settings.databaseUrl;
    const QString env = databaseUrlFromEnvironment();
    return env.isEmpty() ? defaultDatabaseUrl() : env;
}

void MainWindow::openDatabase()
{
    d->session->openDatabase(databaseUrl());
}

void MainWindow::showPage(int page)
{
    d->nav->setCurrentRow(page);
}

void MainWindow::openSettings()
{
    SettingsDialog dialog(d->settings, this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    const WorkbenchSettings previous = d->settings;
    d->settings = dialog.settings();
    // The chosen currency is only asked for: the one that applies stays until the database
    // answers with its own (currencyKnown), so an unreachable one or no answer leaves it as it was.
    const QString chosenCurrency = d->settings.currency;
    d->settings.currency = previous.currency;
    d->settings.save();
    if (d->settings.theme != previous.theme)
        applyTheme(d->settings.theme);
    if (d->settings.modelChanged(previous))
        loadModel();
    if (d->settings.modelChanged(previous) || d->settings.databaseUrl != previous.databaseUrl)
        openDatabase(); // the listing index follows the model's embeddings
    if (chosenCurrency != previous.currency) // after the open, on the same thread
        d->session->chooseCurrency(chosenCurrency); // the database's one currency, refused when its prices are in another
}

void MainWindow::setPresentation(bool on)
{
    if (on == d->presentation)
        return;
    d->presentation = on;
    if (!d->demo) {
        d->demo = new PresentationView(d->photos, this);
        // A photo from the phone comes in as an opened file does: the same checks, the same session.
        connect(d->demo, &PresentationView::photoFromPhone, this, [this](const QString &path) { addPaths({path}); });
    }
    if (on)
        showPage(0);
    // The view covers the window; what is under it goes, so that no key, menu or focus lands there.
    for (QWidget *w : std::initializer_list<QWidget *>{d->nav, d->pages, d->toolbar, menuBar(), statusBar()})
        w->setVisible(!on);
    updateWorkbenchKeys(); // off while presenting: they would act on the hidden strip, and the view has its own keys
    const PhotoItem *current = d->photos->item(d->strip->currentIndex().row());
    d->demo->setActive(on, current ? current->id : -1);
    if (!on && d->demo->shownId() >= 0 && d->photos->rowOf(d->demo->shownId()) >= 0)
        selectRow(d->photos->rowOf(d->demo->shownId())); // back in the workbench at the photo last presented
    if (on)
        showFullScreen();
    else
        showNormal();
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    // Results waiting for a lost database live in memory: say so before they go.
    if (const int waiting = d->session->resultsWaiting(); waiting > 0) {
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
