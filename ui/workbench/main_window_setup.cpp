// The window's pages, actions and status bar, built once by the constructor.
#include "main_window.h"

#include "console_worker.h"
#include "environment.h"
#include "history_page.h"
#include "photo_list_model.h"
#include "photo_strip.h"
#include "quality_page.h"
#include "result_panel.h"
#include "session.h"
#include "throughput_page.h"
#include "version.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QShortcut>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QToolBar>

namespace listinglens::ui {

void MainWindow::setupPages()
{
    m_photos = new PhotoListModel(this);
    m_strip = new PhotoStrip;
    m_strip->setModel(m_photos);
    m_panel = new ResultPanel;

    auto *workbench = new QSplitter;
    workbench->addWidget(m_strip);
    workbench->addWidget(m_panel);
    workbench->setStretchFactor(1, 1);
    workbench->setSizes({280, 1000});

    // The data console reads on the session's console thread.
    ConsoleWorker *console = m_session->console();
    m_history = new HistoryPage(console);
    m_quality = new QualityPage(console);
    m_throughput = new ThroughputPage(console);
    connect(m_quality, &QualityPage::pairChosen, this, [this](const QString &suggested, const QString &confirmed) {
        showPage(1);
        m_history->showPair(suggested, confirmed);
    });
    connect(m_history, &HistoryPage::exportDone, this, [this](bool, const QString &message) { statusBar()->showMessage(message, 10000); });
    connect(console, &ConsoleWorker::failed, this, [this](int, const QString &message) { statusBar()->showMessage(message, 10000); });

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
}

void MainWindow::setupActions()
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
    QAction *leastConfident = view->addAction(tr("Least confident first"));
    leastConfident->setObjectName(QStringLiteral("leastConfidentFirst"));
    leastConfident->setCheckable(true);
    leastConfident->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
    leastConfident->setToolTip(tr("Photos the model is least sure of first (photos without a result last); again: as they arrived"));
    connect(leastConfident, &QAction::toggled, this, [this](bool on) {
        m_photos->setOrder(on ? PhotoListModel::Order::LeastConfidentFirst : PhotoListModel::Order::Arrival);
        m_strip->scrollTo(m_strip->currentIndex());
    });
    view->addSeparator();
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

    setupWorkbenchKeys();
}

void MainWindow::setupWorkbenchKeys()
{
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

void MainWindow::setupStatusBar()
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

void MainWindow::showShortcuts()
{
    QMessageBox::information(this, tr("Keyboard shortcuts"), tr(
        "<table cellpadding=3>"
        "<tr><td><b>Ctrl+O</b></td><td>Open photos…</td></tr>"
        "<tr><td><b>Ctrl+Shift+O</b></td><td>Open folder…</td></tr>"
        "<tr><td><b>Ctrl+V</b></td><td>Paste an image</td></tr>"
        "<tr><td><b>Up / Down</b></td><td>Previous / next photo in the strip</td></tr>"
        "<tr><td><b>Page Up / Page Down</b></td><td>Previous / next photo (also in presentation mode)</td></tr>"
        "<tr><td><b>1, 2, 3</b></td><td>Choose one of the top three categories (price and text follow it)</td></tr>"
        "<tr><td><b>Enter</b></td><td>Accept and go to the next photo</td></tr>"
        "<tr><td><b>Ctrl+L</b></td><td>Least confident first / back to the order they came in</td></tr>"
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

} // namespace listinglens::ui
