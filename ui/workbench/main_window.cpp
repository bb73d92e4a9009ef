#include "main_window.h"

#include "classification_worker.h"
#include "console_worker.h"
#include "correction_dialog.h"
#include "database_url.h"
#include "environment.h"
#include "file_dialogs.h"
#include "history_page.h"
#include "listing_index.h"
#include "model_manifest.h"
#include "photo_files.h"
#include "photo_list_model.h"
#include "photo_strip.h"
#include "quality_page.h"
#include "result_panel.h"
#include "settings_dialog.h"
#include "store_worker.h"
#include "theme.h"
#include "throughput_page.h"
#include "version.h"

#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QShortcut>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QToolBar>
#include <QtConcurrent>

namespace listinglens::ui {

namespace {


QString duration(double seconds)
{
    const int s = qRound(seconds);
    return QStringLiteral("%1:%2").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
}

} // namespace

MainWindow::MainWindow(QWidget *parent) : QMainWindow(parent), m_settings(WorkbenchSettings::load())
{
    setWindowTitle(tr("ListingLens"));
    setAcceptDrops(true);
    resize(1280, 800);
    applyTheme(m_settings.theme);

    m_photos = new PhotoListModel(this);
    m_strip = new PhotoStrip;
    m_strip->setModel(m_photos);
    m_panel = new ResultPanel;

    auto *workbench = new QSplitter;
    workbench->addWidget(m_strip);
    workbench->addWidget(m_panel);
    workbench->setStretchFactor(1, 1);
    workbench->setSizes({280, 1000});

    // The data console reads on a thread of its own, with its own connection.
    m_console = new ConsoleWorker;
    m_console->moveToThread(&m_consoleThread);
    connect(&m_consoleThread, &QThread::finished, m_console, &QObject::deleteLater);
    m_consoleThread.start();
    m_history = new HistoryPage(m_console);
    m_quality = new QualityPage(m_console);
    m_throughput = new ThroughputPage(m_console);
    connect(m_quality, &QualityPage::pairChosen, this, [this](const QString &suggested, const QString &confirmed) {
        showPage(1);
        m_history->showPair(suggested, confirmed);
    });
    connect(m_history, &HistoryPage::exportDone, this, [this](bool, const QString &message) { statusBar()->showMessage(message, 10000); });
    connect(m_console, &ConsoleWorker::failed, this, [this](int, const QString &message) { statusBar()->showMessage(message, 10000); });

    m_nav = new QListWidget;
    m_nav->addItems({tr("Workbench"), tr("History"), tr("Quality"), tr("Throughput")});
    m_nav->setFixedWidth(120);
    m_nav->setCurrentRow(0);
    m_pages = new QStackedWidget;
    m_pages->addWidget(workbench);
    m_pages->addWidget(m_history);
    m_pages->addWidget(m_quality);
    m_pages->addWidget(m_throughput);
    connect(m_nav, &QListWidget::currentRowChanged, this, [this](int page) {
        m_pages->setCurrentIndex(page);
        // Enter, 1-3 and the arrows belong to the workbench only: elsewhere they are the page's own keys.
        for (QShortcut *s : std::as_const(m_workbenchKeys))
            s->setEnabled(page == 0);
        if (page == 1)
            m_history->refresh();
        else if (page == 2)
            m_quality->refresh();
        else if (page == 3)
            m_throughput->refresh();
    });

    auto *central = new QWidget;
    auto *row = new QHBoxLayout(central);
    row->setContentsMargins(0, 0, 0, 0);
    row->setSpacing(0);
    row->addWidget(m_nav);
    row->addWidget(m_pages, 1);
    setCentralWidget(central);

    buildMenus();
    buildStatusBar();

    connect(m_strip->selectionModel(), &QItemSelectionModel::currentChanged, this, &MainWindow::showSelected);
    connect(m_photos, &PhotoListModel::itemChanged, this, [this](int id) {
        if (id == m_panel->shownId())
            showSelected();
    });
    connect(m_photos, &QAbstractItemModel::rowsRemoved, this, &MainWindow::showSelected);
    connect(m_panel, &ResultPanel::acceptRequested, this, &MainWindow::acceptCurrent);
    connect(m_panel, &ResultPanel::correctRequested, this, &MainWindow::correctCurrent);
    connect(m_panel, &ResultPanel::openPhotosRequested, this, &MainWindow::openPhotos);
    connect(m_panel, &ResultPanel::samplesRequested, this, [this] { addPaths({defaultSamplesDir()}); });

    m_worker = new ClassificationWorker;
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker, &ClassificationWorker::modelLoaded, this,
            [this](const QString &name, const QString &version, const QString &device, const QStringList &ids, const QStringList &names) {
                m_modelName = name;
                m_modelVersion = version;
                m_deviceName = device;
                m_categoryIds = ids;
                m_categoryNames = names;
                m_history->setCategories(ids);
                m_modelReady = true;
                m_modelLabel->setText(tr("Model: %1 %2").arg(name, version));
                m_deviceLabel->setText(device);
                Q_EMIT modelReady();
            });
    connect(m_worker, &ClassificationWorker::modelFailed, this, [this](const QString &message) {
        m_modelReady = false;
        m_modelLabel->setText(tr("Model not loaded"));
        QMessageBox::warning(this, tr("Model not loaded"),
                             tr("%1\n\nChoose the model directory in Settings.").arg(message));
    });
    connect(m_worker, &ClassificationWorker::photoStarted, m_photos, &PhotoListModel::setWorking);
    connect(m_worker, &ClassificationWorker::photoDone, this,
            [this](int id, const PhotoResult &r, const QImage &preview, const QImage &thumbnail, qint64 predictionId) {
                m_photos->setResult(id, r, preview, thumbnail, predictionId);
                photoSettled();
            });
    connect(m_worker, &ClassificationWorker::databaseOpened, this, [this](const QString &url, int listings) {
        m_databaseRetryMs = 2000;
        const auto parsed = DatabaseUrl::parse(databaseUrl());
        m_databaseLabel->setText(tr("Database: %1").arg(parsed ? parsed.value().shortName() : url));
        m_databaseLabel->setToolTip(tr("%1\n%n earlier listing(s) loaded for similarity and prices", nullptr, listings).arg(url));
    });
    auto databaseFailed = [this](const QString &message) {
        // Keep working without it, and try again with backoff.
        m_databaseLabel->setText(tr("Database unavailable, retrying in %1 s").arg(m_databaseRetryMs / 1000));
        m_databaseLabel->setToolTip(message);
        if (!m_databaseRetry->isActive()) {
            m_databaseRetry->start(m_databaseRetryMs);
            m_databaseRetryMs = std::min(m_databaseRetryMs * 2, 60000);
        }
    };
    connect(m_worker, &ClassificationWorker::databaseFailed, this, databaseFailed);
    connect(m_worker, &ClassificationWorker::notStored, this, [this, databaseFailed](int, const QString &message) {
        statusBar()->showMessage(tr("Database lost: results are kept and written when it is back (%1)").arg(message), 8000);
        databaseFailed(message);
    });
    connect(m_worker, &ClassificationWorker::storedLater, this, [this](int id, qint64 predictionId) {
        m_photos->setPredictionId(id, predictionId);
        const PhotoItem *item = m_photos->itemById(id);
        if (item && item->decision.made) // decided while the database was away
            recordDecision(*item, item->decision);
    });
    connect(m_worker, &ClassificationWorker::photoFailed, this,
            [this](int id, const QString &code, const QString &message, const QString &advice) {
                m_photos->setFailed(id, code, message, advice);
                photoSettled();
            });
    connect(m_worker, &ClassificationWorker::requestFinished, this, &MainWindow::finishRequest);
    m_thread.start();

    m_storeWorker = new StoreWorker;
    m_storeWorker->moveToThread(&m_storeThread);
    connect(&m_storeThread, &QThread::finished, m_storeWorker, &QObject::deleteLater);
    connect(m_storeWorker, &StoreWorker::openFailed, this, databaseFailed);
    connect(m_storeWorker, &StoreWorker::feedbackFailed, this, [this](int, const QString &message) {
        statusBar()->showMessage(tr("Decision not stored: %1").arg(message), 8000);
    });
    connect(m_storeWorker, &StoreWorker::thumbnailsLoaded, this,
            [this](int itemId, const QList<qint64> &ids, const QList<QImage> &images) {
                if (m_panel->shownId() == itemId)
                    m_panel->setSimilarThumbnails(ids, images);
            });
    m_storeThread.start();
    m_databaseRetry = new QTimer(this);
    m_databaseRetry->setSingleShot(true);
    connect(m_databaseRetry, &QTimer::timeout, this, &MainWindow::openDatabase);

    loadModel();
    openDatabase();

    const QByteArray geometry = QSettings().value(QStringLiteral("window/geometry")).toByteArray();
    if (!geometry.isEmpty())
        restoreGeometry(geometry);
}

MainWindow::~MainWindow()
{
    m_worker->cancelUpTo(m_lastTicket);
    m_thread.quit();
    m_thread.wait();
    // Every decision queued for the database is written before the thread stops.
    QMetaObject::invokeMethod(m_storeWorker, &StoreWorker::flush, Qt::BlockingQueuedConnection);
    m_storeThread.quit();
    m_storeThread.wait();
    m_console->cancelExport();
    m_consoleThread.quit();
    m_consoleThread.wait();
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
    const QString url = databaseUrl();
    if (const auto parsed = DatabaseUrl::parse(url)) {
        m_databaseLabel->setText(tr("Database: connecting to %1…").arg(parsed.value().shortName()));
        m_databaseLabel->setToolTip(parsed.value().masked());
    }
    QMetaObject::invokeMethod(m_worker, "openDatabase", Qt::QueuedConnection, Q_ARG(QString, url));
    QMetaObject::invokeMethod(m_storeWorker, "open", Qt::QueuedConnection, Q_ARG(QString, url));
    QMetaObject::invokeMethod(m_console, [c = m_console, url] { c->open(url); }, Qt::QueuedConnection);
}

void MainWindow::showPage(int page)
{
    m_nav->setCurrentRow(page);
}

void MainWindow::recordDecision(const PhotoItem &item, const Decision &d)
{
    m_photos->setDecision(item.id, d);
    if (item.predictionId <= 0) {
        statusBar()->showMessage(tr("Decision kept in memory: this photo is not in the database."), 6000);
        return;
    }
    QMetaObject::invokeMethod(m_storeWorker, "addFeedback", Qt::QueuedConnection, Q_ARG(int, item.id),
                              Q_ARG(qint64, item.predictionId), Q_ARG(bool, d.corrected), Q_ARG(QString, d.categoryId),
                              Q_ARG(double, d.price), Q_ARG(QString, d.currency), Q_ARG(QString, d.title),
                              Q_ARG(QString, d.description));
    // Later suggestions learn from it at once (the index is thread-safe).
    if (const auto index = m_worker->listingIndex())
        index->confirm(item.predictionId, d.categoryId, d.price);
}

void MainWindow::buildMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *open = file->addAction(tr("Open photos…"), this, &MainWindow::openPhotos);
    open->setObjectName(QStringLiteral("openPhotos"));
    open->setShortcut(QKeySequence::Open);
    QAction *folder = file->addAction(tr("Open folder…"), this, &MainWindow::openFolder);
    folder->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    QAction *paste = file->addAction(tr("Paste image"), this, &MainWindow::pasteFromClipboard);
    paste->setShortcut(QKeySequence::Paste);
    QAction *samples = file->addAction(tr("Try sample photos"), this, [this] { addPaths({defaultSamplesDir()}); });
    file->addSeparator();
    QAction *remove = file->addAction(tr("Remove photo"), this, &MainWindow::removeCurrent);
    remove->setShortcut(QKeySequence::Delete);
    file->addSeparator();
    file->addAction(tr("Settings…"), this, &MainWindow::openSettings)->setShortcut(QKeySequence::Preferences);
    file->addAction(tr("Quit"), this, &QWidget::close)->setShortcut(QKeySequence::Quit);

    QMenu *view = menuBar()->addMenu(tr("&View"));
    QAction *present = view->addAction(tr("Presentation mode"), this, [this] { setPresentation(!m_presentation); });
    present->setShortcut(Qt::Key_F11);
    addAction(present); // also when the menu bar is hidden

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("Keyboard shortcuts"), this, &MainWindow::showShortcuts)->setShortcut(QKeySequence::HelpContents);
    help->addAction(tr("About ListingLens"), this, &MainWindow::showAbout);

    m_toolbar = addToolBar(tr("Photos"));
    m_toolbar->setMovable(false);
    m_toolbar->addAction(open);
    m_toolbar->addAction(folder);
    m_toolbar->addAction(samples);

    auto workbenchKey = [this](int key) {
        auto *s = new QShortcut(QKeySequence(key), this);
        m_workbenchKeys << s;
        return s;
    };
    for (int i = 0; i < 3; ++i)
        connect(workbenchKey(Qt::Key_1 + i), &QShortcut::activated, this, [this, i] { m_panel->selectChoice(i); });
    for (int key : {Qt::Key_Return, Qt::Key_Enter})
        connect(workbenchKey(key), &QShortcut::activated, this, &MainWindow::acceptCurrent);
    auto step = [this](int delta) {
        const int row = m_strip->currentIndex().row() + delta;
        if (row >= 0 && row < m_photos->rowCount())
            selectRow(row);
    };
    for (int key : {Qt::Key_PageDown, Qt::Key_Right})
        connect(workbenchKey(key), &QShortcut::activated, this, [step] { step(1); });
    for (int key : {Qt::Key_PageUp, Qt::Key_Left})
        connect(workbenchKey(key), &QShortcut::activated, this, [step] { step(-1); });
    connect(new QShortcut(QKeySequence(Qt::Key_Escape), this), &QShortcut::activated, this, [this] {
        if (m_presentation)
            setPresentation(false);
    });
}

void MainWindow::buildStatusBar()
{
    m_modelLabel = new QLabel(tr("Loading model…"));
    m_deviceLabel = new QLabel;
    m_databaseLabel = new QLabel(tr("Database: none"));
    m_rateLabel = new QLabel;

    m_progress = new QWidget;
    auto *pl = new QHBoxLayout(m_progress);
    pl->setContentsMargins(0, 0, 0, 0);
    m_progressBar = new QProgressBar;
    m_progressBar->setFixedWidth(180);
    m_progressLabel = new QLabel;
    // Room for the longest text it shows, so "time left" is never cut off.
    m_progressLabel->setMinimumWidth(m_progressLabel->fontMetrics().horizontalAdvance(
        tr("%1 / %2 · %3 photos/s · %4 left").arg(99999).arg(99999).arg(999.9, 0, 'f', 1).arg(QStringLiteral("99:59"))));
    m_cancel = new QPushButton(tr("Cancel"));
    connect(m_cancel, &QPushButton::clicked, this, &MainWindow::cancelBatch);
    pl->addWidget(m_progressBar);
    pl->addWidget(m_progressLabel);
    pl->addWidget(m_cancel);
    m_progress->hide();

    statusBar()->addWidget(m_progress);
    for (QLabel *l : {m_rateLabel, m_modelLabel, m_deviceLabel, m_databaseLabel})
        statusBar()->addPermanentWidget(l);
}

void MainWindow::loadModel()
{
    m_modelReady = false;
    m_modelLabel->setText(tr("Loading model…"));
    const QString dir = m_settings.modelDir.isEmpty() ? defaultModelDir() : m_settings.modelDir;
    QMetaObject::invokeMethod(m_worker, "loadModel", Qt::QueuedConnection, Q_ARG(QString, dir),
                              Q_ARG(QString, m_settings.device), Q_ARG(int, m_settings.threads));
}

void MainWindow::addPaths(const QStringList &paths)
{
    if (paths.isEmpty())
        return;
    auto *watcher = new QFutureWatcher<QStringList>(this);
    connect(watcher, &QFutureWatcher<QStringList>::finished, this, [this, watcher] {
        const QStringList files = watcher->result();
        watcher->deleteLater();
        if (files.isEmpty())
            statusBar()->showMessage(tr("No photos (JPEG, PNG, WebP, BMP, TIFF) found there."), 5000);
        else
            enqueueFiles(files);
    });
    watcher->setFuture(QtConcurrent::run([paths] { return expandPhotoPaths(paths); }));
}

void MainWindow::enqueueFiles(const QStringList &files)
{
    QStringList names;
    for (const QString &f : files)
        names << QFileInfo(f).fileName();
    const QList<int> ids = m_photos->add(files, names);
    startRequest(int(ids.size()));
    QMetaObject::invokeMethod(m_worker, "classifyFiles", Qt::QueuedConnection, Q_ARG(int, m_lastTicket),
                              Q_ARG(QList<int>, ids), Q_ARG(QStringList, files), Q_ARG(int, m_settings.batchSize));
}

void MainWindow::addImage(const QImage &image)
{
    if (image.isNull())
        return;
    const QString name = tr("pasted image %1").arg(++m_pasted);
    const QList<int> ids = m_photos->add({name}, {name});
    startRequest(1);
    QMetaObject::invokeMethod(m_worker, "classifyImage", Qt::QueuedConnection, Q_ARG(int, m_lastTicket),
                              Q_ARG(int, ids.first()), Q_ARG(QImage, image));
}

void MainWindow::startRequest(int photos)
{
    if (m_pending.isEmpty()) {
        m_batchTotal = 0;
        m_batchSettled = 0;
        m_batchClock.start();
    }
    m_pending.insert(++m_lastTicket);
    m_batchTotal += photos;
    m_progressBar->setRange(0, m_batchTotal);
    m_progressBar->setValue(m_batchSettled);
    m_progressLabel->setText(tr("%1 / %2").arg(m_batchSettled).arg(m_batchTotal));
    m_progress->show();
    m_rateLabel->hide(); // the progress text carries the rate meanwhile
    m_cancel->setEnabled(true);
}

void MainWindow::photoSettled()
{
    ++m_batchSettled;
    const double seconds = m_batchClock.elapsed() / 1000.0;
    const double rate = m_batchSettled / std::max(seconds, 0.001);
    m_progressBar->setValue(m_batchSettled);
    m_progressLabel->setText(tr("%1 / %2 · %3 photos/s · %4 left")
                                 .arg(m_batchSettled).arg(m_batchTotal).arg(rate, 0, 'f', 1)
                                 .arg(duration((m_batchTotal - m_batchSettled) / std::max(rate, 0.001))));
    if (m_batchSettled >= 3) // a rate over one or two photos says nothing
        m_rateLabel->setText(tr("%1 photos/s").arg(rate, 0, 'f', 1));
    if (!m_strip->currentIndex().isValid())
        selectRow(0);
}

void MainWindow::finishRequest(int ticket)
{
    m_pending.remove(ticket);
    if (!m_pending.isEmpty())
        return;
    m_progress->hide();
    m_rateLabel->show();
    statusBar()->showMessage(tr("%n photo(s) in %1 s", nullptr, m_batchSettled).arg(m_batchClock.elapsed() / 1000.0, 0, 'f', 1), 8000);
    Q_EMIT idle();
}

void MainWindow::cancelBatch()
{
    m_worker->cancelUpTo(m_lastTicket);
    m_cancel->setEnabled(false);
    m_progressLabel->setText(tr("Cancelling…"));
}

void MainWindow::selectRow(int row)
{
    m_strip->setCurrentIndex(m_photos->index(row));
}

void MainWindow::showSelected()
{
    const PhotoItem *item = m_photos->item(m_strip->currentIndex().row());
    if (!item) {
        m_panel->showEmpty();
        return;
    }
    const PhotoItem *original = item->duplicateOfId >= 0 ? m_photos->itemById(item->duplicateOfId) : nullptr;
    const bool fresh = m_panel->shownId() != item->id;
    m_panel->showItem(*item, original ? original->name : QString());
    if (fresh && !item->result.similar.isEmpty()) {
        QList<qint64> ids;
        for (const SimilarListing &s : item->result.similar)
            ids << s.id;
        QMetaObject::invokeMethod(m_storeWorker, "loadThumbnails", Qt::QueuedConnection, Q_ARG(int, item->id),
                                  Q_ARG(QList<qint64>, ids));
    }
}

void MainWindow::acceptCurrent()
{
    const int row = m_strip->currentIndex().row();
    const PhotoItem *item = m_photos->item(row);
    if (!item || item->state != PhotoState::Done || m_panel->shownId() != item->id)
        return;
    recordDecision(*item, m_panel->draftDecision());
    // On to the next photo still waiting for a decision.
    for (int r = row + 1; r < m_photos->rowCount(); ++r) {
        const PhotoItem *next = m_photos->item(r);
        if (next->state == PhotoState::Done && !next->decision.made) {
            selectRow(r);
            break;
        }
    }
}

void MainWindow::correctCurrent()
{
    const PhotoItem *item = m_photos->item(m_strip->currentIndex().row());
    if (!item || item->state != PhotoState::Done)
        return;
    Decision draft = m_panel->draftDecision();
    if (draft.currency.isEmpty())
        draft.currency = m_settings.currency;
    CorrectionDialog dialog(m_categoryIds, m_categoryNames, draft, this);
    if (dialog.exec() == QDialog::Accepted)
        recordDecision(*m_photos->itemById(item->id), dialog.decision());
}

void MainWindow::removeCurrent()
{
    const int row = m_strip->currentIndex().row();
    if (row >= 0)
        m_photos->remove(row);
}

void MainWindow::pasteFromClipboard()
{
    const QMimeData *mime = QApplication::clipboard()->mimeData();
    if (!mime)
        return;
    if (mime->hasImage())
        addImage(qvariant_cast<QImage>(mime->imageData()));
    else if (mime->hasUrls()) {
        QStringList paths;
        for (const QUrl &u : mime->urls())
            if (u.isLocalFile())
                paths << u.toLocalFile();
        addPaths(paths);
    } else
        statusBar()->showMessage(tr("The clipboard holds no image."), 4000);
}

void MainWindow::openPhotos()
{
    addPaths(choosePhotoFiles(this));
}

void MainWindow::openFolder()
{
    const QString dir = chooseFolder(this, tr("Open a folder of photos"));
    if (!dir.isEmpty())
        addPaths({dir});
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

void MainWindow::showShortcuts()
{
    QMessageBox::information(this, tr("Keyboard shortcuts"), tr(
        "<table cellpadding=3>"
        "<tr><td><b>Ctrl+O</b></td><td>Open photos…</td></tr>"
        "<tr><td><b>Ctrl+Shift+O</b></td><td>Open folder…</td></tr>"
        "<tr><td><b>Ctrl+V</b></td><td>Paste an image</td></tr>"
        "<tr><td><b>Up / Down</b></td><td>Previous / next photo in the strip</td></tr>"
        "<tr><td><b>Page Up / Page Down</b></td><td>Previous / next photo (also in presentation mode)</td></tr>"
        "<tr><td><b>1, 2, 3</b></td><td>Choose one of the top three categories</td></tr>"
        "<tr><td><b>Enter</b></td><td>Accept and go to the next photo</td></tr>"
        "<tr><td><b>Delete</b></td><td>Remove the photo from the strip</td></tr>"
        "<tr><td><b>F11</b></td><td>Presentation mode (Esc leaves it)</td></tr>"
        "<tr><td><b>Ctrl+,</b></td><td>Settings</td></tr>"
        "</table>"));
}

void MainWindow::showAbout()
{
    QMessageBox::about(this, tr("About ListingLens"),
                       tr("<h3>ListingLens %1</h3><p>Photo in, listing suggestions out.</p><pre>%2</pre><p>Model: %3 %4<br>Device: %5</p>")
                           .arg(versionString(), versionReport().toHtmlEscaped(), m_modelName, m_modelVersion, m_deviceName));
}

void MainWindow::dragEnterEvent(QDragEnterEvent *event)
{
    if (event->mimeData()->hasUrls() || event->mimeData()->hasImage())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent *event)
{
    const QMimeData *mime = event->mimeData();
    QStringList paths;
    for (const QUrl &url : mime->urls()) {
        if (url.isLocalFile())
            paths << url.toLocalFile();
    }
    if (!paths.isEmpty())
        addPaths(paths);
    else if (mime->hasImage())
        addImage(qvariant_cast<QImage>(mime->imageData()));
    event->acceptProposedAction();
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    // Results waiting for a lost database live in memory: say so before they go.
    if (const int waiting = m_worker->pendingCount(); waiting > 0) {
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
