// The window's pages, actions and status bar, built once by the constructor.
#include "main_window.h"

#include "console_worker.h"
#include "database_banner.h"
#include "environment.h"
#include "history_page.h"
#include "photo_list_model.h"
#include "photo_strip.h"
#include "quality_page.h"
#include "result_panel.h"
#include "session.h"
#include "throughput_page.h"
#include "version.h"

#include <QAbstractButton>
#include <QApplication>
#include <QComboBox>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressBar>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QSettings>
#include <QShortcut>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QToolBar>
#include <QVBoxLayout>

namespace listinglens::ui {

void MainWindow::setupPages()
{
    m_photos = new PhotoListModel(this);
    m_strip = new PhotoStrip;
    m_strip->setModel(m_photos);
    m_panel = new ResultPanel;

    // The strip under a line that says when it is in least-confident-first order.
    auto *stripBox = new QWidget;
    auto *stripLayout = new QVBoxLayout(stripBox);
    stripLayout->setContentsMargins(0, 0, 0, 0);
    stripLayout->setSpacing(2);
    m_orderLabel = new QLabel(tr("Least confident first · Ctrl+L: as they arrived"));
    m_orderLabel->setObjectName(QStringLiteral("stripOrder"));
    m_orderLabel->setWordWrap(true);
    m_orderLabel->hide();
    stripLayout->addWidget(m_orderLabel);
    stripLayout->addWidget(m_strip, 1);
    auto *workbench = new QSplitter;
    workbench->addWidget(stripBox);
    workbench->addWidget(m_panel);
    workbench->setStretchFactor(1, 1);
    workbench->setChildrenCollapsible(false);
    workbench->setSizes({230, 1000});

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
    connect(console, &ConsoleWorker::failed, this, [this](int, const QString &message) {
        if (!m_session->databaseLostSince().isValid()) // else the banner above the pages says it
            statusBar()->showMessage(message, 10000);
    });

    m_nav = new QListWidget;
    m_nav->addItems({tr("Workbench"), tr("History"), tr("Quality"), tr("Throughput")});
    m_nav->setFixedWidth(110);
    m_nav->setCurrentRow(0);
    m_pages = new QStackedWidget;
    m_pages->addWidget(workbench);
    // The console pages scroll rather than hold the window wider than a 1024 px screen.
    for (QWidget *console : std::initializer_list<QWidget *>{m_history, m_quality, m_throughput}) {
        auto *scroll = new QScrollArea;
        scroll->setWidget(console);
        scroll->setWidgetResizable(true);
        scroll->setFrameShape(QFrame::NoFrame);
        m_pages->addWidget(scroll);
    }
    // Back (or another database): the page in view reads again, with what was kept meanwhile written.
    connect(m_session.get(), &Session::databaseOpened, this, [this] {
        if (m_pages->currentIndex() == 1)
            m_history->refresh();
        else if (m_pages->currentIndex() == 2)
            m_quality->refresh();
        else if (m_pages->currentIndex() == 3)
            m_throughput->refresh();
    });
    connect(m_nav, &QListWidget::currentRowChanged, this, [this](int page) {
        m_pages->setCurrentIndex(page);
        // Enter, 1-3, C and the arrows belong to the workbench only: elsewhere they are the page's own keys.
        updateWorkbenchKeys();
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
    // Above every page: what is stale while the database is away.
    auto *pagesColumn = new QVBoxLayout;
    pagesColumn->setContentsMargins(0, 0, 0, 0);
    pagesColumn->setSpacing(0);
    pagesColumn->addWidget(new DatabaseBanner(m_session.get()));
    pagesColumn->addWidget(m_pages, 1);
    row->addLayout(pagesColumn, 1);
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
    // Cancelled photos, all in one action: sent again, or taken out of the strip.
    QAction *retry = file->addAction(tr("Retry cancelled photos"), this, &MainWindow::retryCancelled);
    retry->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    file->addAction(tr("Clear cancelled photos"), this, &MainWindow::clearCancelled);
    file->addSeparator();
    QAction *settings = file->addAction(tr("Settings…"), this, &MainWindow::openSettings);
    settings->setObjectName(QStringLiteral("openSettings"));
    // Ctrl+, everywhere (Help lists it); the platform's own key too where it has one.
    QList<QKeySequence> settingsKeys = QKeySequence::keyBindings(QKeySequence::Preferences);
    if (!settingsKeys.contains(QKeySequence(Qt::CTRL | Qt::Key_Comma)))
        settingsKeys.prepend(QKeySequence(Qt::CTRL | Qt::Key_Comma));
    settings->setShortcuts(settingsKeys);
    file->addAction(tr("Quit"), this, &QWidget::close)->setShortcut(QKeySequence::Quit);

    QMenu *edit = menuBar()->addMenu(tr("&Edit"));
    m_undoAction = edit->addAction(tr("Undo"), this, &MainWindow::undoLast);
    m_undoAction->setObjectName(QStringLiteral("undo"));
    m_undoAction->setShortcut(QKeySequence::Undo); // a text field being edited takes Ctrl+Z for its own undo
    m_undoAction->setEnabled(false);
    edit->addAction(tr("Correct here (C)"), this, &MainWindow::correctCurrent); // the key is a workbench key

    QMenu *view = menuBar()->addMenu(tr("&View"));
    QAction *leastConfident = view->addAction(tr("Least confident first"));
    leastConfident->setObjectName(QStringLiteral("leastConfidentFirst"));
    leastConfident->setCheckable(true);
    leastConfident->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
    leastConfident->setToolTip(tr("Photos the model is least sure of first (photos without a result last); again: as they arrived"));
    connect(leastConfident, &QAction::toggled, this, [this](bool on) {
        m_photos->setOrder(on ? PhotoListModel::Order::LeastConfidentFirst : PhotoListModel::Order::Arrival);
        m_orderLabel->setVisible(on);
        m_strip->scrollTo(m_strip->currentIndex());
    });
    // T: the boxes of the text, contact details, brands and faces found on the photo. A
    // window shortcut, so a text field with the focus keeps its T (it overrides printable keys).
    QAction *boxes = view->addAction(tr("Show text and face boxes"));
    boxes->setObjectName(QStringLiteral("moderationBoxes"));
    boxes->setCheckable(true);
    boxes->setShortcut(QKeySequence(Qt::Key_T));
    boxes->setShortcutContext(Qt::WindowShortcut);
    boxes->setChecked(QSettings().value(QStringLiteral("workbench/moderationBoxes"), true).toBool());
    m_panel->setModerationBoxesShown(boxes->isChecked());
    connect(boxes, &QAction::toggled, this, [this](bool on) {
        m_panel->setModerationBoxesShown(on);
        QSettings().setValue(QStringLiteral("workbench/moderationBoxes"), on);
    });
    view->addSeparator();
    QAction *present = view->addAction(tr("Presentation mode"), this, [this] { setPresentation(!m_presentation); });
    present->setShortcut(Qt::Key_F11);
    addAction(present); // also when the menu bar is hidden
    addAction(open);    // Ctrl+O in presentation mode too
    addAction(folder);

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
    // Enter is not a shortcut: it reaches the window (keyPressEvent) only when
    // the widget with the focus has no use for it (enterIsForTheWorkbench).
    connect(workbenchKey(Qt::Key_C), &QShortcut::activated, this, &MainWindow::correctCurrent);
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
        if (m_presentation) // first: the presenter sees nothing of a correction under the view
            setPresentation(false);
        else if (m_panel->isCorrecting())
            cancelCorrection();
    });
}

void MainWindow::updateWorkbenchKeys()
{
    const bool on = m_pages->currentIndex() == 0 && !m_panel->isCorrecting() && !m_presentation;
    for (QShortcut *s : std::as_const(m_workbenchKeys))
        s->setEnabled(on);
}

bool MainWindow::enterIsForTheWorkbench() const
{
    // Not while a menu, a popup or a dialog has the keyboard, nor in presentation mode (its view has its own keys).
    if (m_pages->currentIndex() != 0 || m_presentation || QApplication::activePopupWidget() || QApplication::activeModalWidget()
        || menuBar()->activeAction())
        return false;
    const QWidget *focus = QApplication::focusWidget();
    if (!focus || focus == m_strip || focus == m_nav || focus == this)
        return true;
    // In the result panel, from a field that passes Enter on (the title, the
    // category search, the price); never from a button, a list or a text box of its own.
    if (!m_panel->isAncestorOf(focus))
        return false;
    return !qobject_cast<const QAbstractButton *>(focus) && !qobject_cast<const QComboBox *>(focus)
           && !qobject_cast<const QPlainTextEdit *>(focus);
}

void MainWindow::keyPressEvent(QKeyEvent *event)
{
    if ((event->key() == Qt::Key_Return || event->key() == Qt::Key_Enter)
        && (event->modifiers() & ~Qt::KeypadModifier) == Qt::NoModifier && enterIsForTheWorkbench()) {
        acceptCurrent(); // saves the correction while correcting
        event->accept();
        return;
    }
    QMainWindow::keyPressEvent(event);
}

void MainWindow::setupStatusBar()
{
    m_modelLabel = new QLabel(tr("Loading model…"));
    m_deviceLabel = new QLabel;
    m_databaseLabel = new QLabel(tr("Database: none"));
    m_databaseLabel->setObjectName(QStringLiteral("databaseLabel"));
    m_rateLabel = new QLabel;
    m_rateLabel->setObjectName(QStringLiteral("rate"));

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
        "<tr><td><b>Enter</b></td><td>Accept and go to the next photo (while correcting: save)</td></tr>"
        "<tr><td><b>C</b></td><td>Correct here: type to find the category, change price and text; Enter saves, Esc cancels</td></tr>"
        "<tr><td><b>Ctrl+Z</b></td><td>Undo the last decision, or bring back a removed photo</td></tr>"
        "<tr><td><b>T</b></td><td>Show / hide the boxes of text, contact details, brands and faces on the photo</td></tr>"
        "<tr><td><b>Ctrl+L</b></td><td>Least confident first / back to the order they came in</td></tr>"
        "<tr><td><b>Delete</b></td><td>Remove the photo from the strip (Ctrl+Z brings it back)</td></tr>"
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
