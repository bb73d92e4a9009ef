// The window's pages, actions and status bar, built once by the constructor.
#include "main_window.h"
#include "main_window_p.h"

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
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressBar>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QSettings>
#include <QShortcut>
#include <QSizeGrip>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QToolBar>
#include <QVBoxLayout>

namespace listinglens::ui {

void MainWindow::setupPages()
{
    QWidget *workbench = setupWorkbenchPage();
    setupConsolePages();
    setupNavigation(workbench);
    auto *central = new QWidget;
    auto *row = new QHBoxLayout(central);
    row->setContentsMargins(0, 0, 0, 0);
    row->setSpacing(0);
    row->addWidget(d->nav);
    // Above every page: what is stale while the database is away.
    auto *pagesColumn = new QVBoxLayout;
    pagesColumn->setContentsMargins(0, 0, 0, 0);
    pagesColumn->setSpacing(0);
    pagesColumn->addWidget(new DatabaseBanner(d->session.get()));
    pagesColumn->addWidget(d->pages, 1);
    row->addLayout(pagesColumn, 1);
    setCentralWidget(central);
}

// The strip and the result panel, side by side.
QWidget *MainWindow::setupWorkbenchPage()
{
    d->photos = new PhotoListModel(this);
    d->strip = new PhotoStrip;
    d->strip->setModel(d->photos);
    d->panel = new ResultPanel;

    // The strip under a line that says when it is in least-confident-first order.
    auto *stripBox = new QWidget;
    auto *stripLayout = new QVBoxLayout(stripBox);
    stripLayout->setContentsMargins(0, 0, 0, 0);
    stripLayout->setSpacing(2);
    d->orderLabel = new QLabel(tr("Least confident first · Ctrl+L: as they arrived"));
    d->orderLabel->setObjectName(QStringLiteral("stripOrder"));
    d->orderLabel->setWordWrap(true);
    d->orderLabel->hide();
    stripLayout->addWidget(d->orderLabel);
    stripLayout->addWidget(d->strip, 1);
    auto *workbench = new QSplitter;
    workbench->addWidget(stripBox);
    workbench->addWidget(d->panel);
    workbench->setStretchFactor(1, 1);
    workbench->setChildrenCollapsible(false);
    workbench->setSizes({230, 1000});
    return workbench;
}

void MainWindow::setupConsolePages()
{
    // The data console reads on the session's console thread.
    ConsoleWorker *console = d->session->console();
    d->history = new HistoryPage(console);
    d->quality = new QualityPage(console);
    d->throughput = new ThroughputPage(console);
    connect(d->quality, &QualityPage::pairChosen, this, [this](const QString &suggested, const QString &confirmed) {
        showPage(1);
        d->history->showPair(suggested, confirmed);
    });
    connect(d->history, &HistoryPage::exportDone, this, [this](bool, const QString &message) { showFittedMessage(message, 10000); });
    connect(console, &ConsoleWorker::failed, this, [this](int, const QString &message) {
        if (!d->session->databaseLostSince().isValid()) // else the banner above the pages says it
            showFittedMessage(message, 10000);
    });
}

// The list of pages on the left and the stack they show in.
void MainWindow::setupNavigation(QWidget *workbench)
{
    d->nav = new QListWidget;
    d->nav->addItems({tr("Workbench"), tr("History"), tr("Quality"), tr("Throughput")});
    d->nav->setFixedWidth(110);
    d->nav->setCurrentRow(0);
    d->pages = new QStackedWidget;
    d->pages->addWidget(workbench);
    // The console pages scroll rather than hold the window wider than a 1024 px screen.
    for (QWidget *console : std::initializer_list<QWidget *>{d->history, d->quality, d->throughput}) {
        auto *scroll = new QScrollArea;
        scroll->setWidget(console);
        scroll->setWidgetResizable(true);
        scroll->setFrameShape(QFrame::NoFrame);
        d->pages->addWidget(scroll);
    }
    // Back (or another database): the page in view reads again, with what was kept meanwhile written.
    connect(d->session.get(), &Session::databaseOpened, this, [this] {
        if (d->pages->currentIndex() == 1)
            d->history->refresh();
        else if (d->pages->currentIndex() == 2)
            d->quality->refresh();
        else if (d->pages->currentIndex() == 3)
            d->throughput->refresh();
    });
    connect(d->nav, &QListWidget::currentRowChanged, this, [this](int page) {
        d->pages->setCurrentIndex(page);
        // Enter, 1-3, C and the arrows belong to the workbench only: elsewhere they are the page's own keys.
        updateWorkbenchKeys();
        if (page == 1)
            d->history->refresh();
        else if (page == 2)
            d->quality->refresh();
        else if (page == 3)
            d->throughput->refresh();
    });
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
    d->undoAction = edit->addAction(tr("Undo"), this, &MainWindow::undoLast);
    d->undoAction->setObjectName(QStringLiteral("undo"));
    d->undoAction->setShortcut(QKeySequence::Undo); // a text field being edited takes Ctrl+Z for its own undo
    d->undoAction->setEnabled(false);
    edit->addAction(tr("Correct here (C)"), this, &MainWindow::correctCurrent); // the key is a workbench key

    QMenu *view = menuBar()->addMenu(tr("&View"));
    QAction *leastConfident = view->addAction(tr("Least confident first"));
    leastConfident->setObjectName(QStringLiteral("leastConfidentFirst"));
    leastConfident->setCheckable(true);
    leastConfident->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
    leastConfident->setToolTip(tr("Photos the model is least sure of first (photos without a result last); again: as they arrived"));
    connect(leastConfident, &QAction::toggled, this, [this](bool on) {
        d->photos->setOrder(on ? PhotoListModel::Order::LeastConfidentFirst : PhotoListModel::Order::Arrival);
        d->orderLabel->setVisible(on);
        d->strip->scrollTo(d->strip->currentIndex());
    });
    // T: the boxes of the text, contact details, brands and faces found on the photo. A
    // window shortcut, so a text field with the focus keeps its T (it overrides printable keys).
    QAction *boxes = view->addAction(tr("Show text and face boxes"));
    boxes->setObjectName(QStringLiteral("moderationBoxes"));
    boxes->setCheckable(true);
    boxes->setShortcut(QKeySequence(Qt::Key_T));
    boxes->setShortcutContext(Qt::WindowShortcut);
    boxes->setChecked(QSettings().value(QStringLiteral("workbench/moderationBoxes"), true).toBool());
    d->panel->setModerationBoxesShown(boxes->isChecked());
    connect(boxes, &QAction::toggled, this, [this](bool on) {
        d->panel->setModerationBoxesShown(on);
        QSettings().setValue(QStringLiteral("workbench/moderationBoxes"), on);
    });
    view->addSeparator();
    QAction *present = view->addAction(tr("Presentation mode"), this, [this] { setPresentation(!d->presentation); });
    present->setShortcut(Qt::Key_F11);
    for (QAction *toggle : {leastConfident, boxes, present})
        toggle->setAutoRepeat(false); // a held key would flip it back and forth
    addAction(present); // also when the menu bar is hidden
    addAction(open);    // Ctrl+O in presentation mode too
    addAction(folder);

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("Keyboard shortcuts"), this, &MainWindow::showShortcuts)->setShortcut(QKeySequence::HelpContents);
    help->addAction(tr("About ListingLens"), this, &MainWindow::showAbout);

    d->toolbar = addToolBar(tr("Photos"));
    d->toolbar->setMovable(false);
    d->toolbar->addAction(open);
    d->toolbar->addAction(folder);
    d->toolbar->addAction(samples);

    setupWorkbenchKeys();
}

void MainWindow::setupWorkbenchKeys()
{
    auto workbenchKey = [this](int key) {
        auto *s = new QShortcut(QKeySequence(key), this);
        d->workbenchKeys << s;
        return s;
    };
    for (int i = 0; i < 3; ++i)
        connect(workbenchKey(Qt::Key_1 + i), &QShortcut::activated, this, [this, i] { d->panel->selectChoice(i); });
    // Enter is not a shortcut: it reaches the window (keyPressEvent) only when
    // the widget with the focus has no use for it (enterIsForTheWorkbench).
    connect(workbenchKey(Qt::Key_C), &QShortcut::activated, this, &MainWindow::correctCurrent);
    auto step = [this](int delta) {
        const int row = d->strip->currentIndex().row() + delta;
        if (row >= 0 && row < d->photos->rowCount())
            selectRow(row);
    };
    for (int key : {Qt::Key_PageDown, Qt::Key_Right})
        connect(workbenchKey(key), &QShortcut::activated, this, [step] { step(1); });
    for (int key : {Qt::Key_PageUp, Qt::Key_Left})
        connect(workbenchKey(key), &QShortcut::activated, this, [step] { step(-1); });
    connect(new QShortcut(QKeySequence(Qt::Key_Escape), this), &QShortcut::activated, this, [this] {
        if (d->presentation) // first: the presenter sees nothing of a correction under the view
            setPresentation(false);
        else if (d->panel->isCorrecting())
            cancelCorrection();
    });
}

void MainWindow::updateWorkbenchKeys()
{
    const bool on = d->pages->currentIndex() == 0 && !d->panel->isCorrecting() && !d->presentation;
    for (QShortcut *s : std::as_const(d->workbenchKeys))
        s->setEnabled(on);
}

bool MainWindow::enterIsForTheWorkbench() const
{
    // Not while a menu, a popup or a dialog has the keyboard, nor in presentation mode (its view has its own keys).
    if (d->pages->currentIndex() != 0 || d->presentation || QApplication::activePopupWidget() || QApplication::activeModalWidget()
        || menuBar()->activeAction())
        return false;
    const QWidget *focus = QApplication::focusWidget();
    if (!focus || focus == d->strip || focus == d->nav || focus == this)
        return true;
    // In the result panel, from a field that passes Enter on (the title, the
    // category search, the price); never from a button, a list or a text box of its own.
    if (!d->panel->isAncestorOf(focus))
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
    // Only while the window is not the active one: when it is, Qt has matched its
    // shortcuts already, and a key here is one a widget claimed (ShortcutOverride)
    // and then left unused, as a read-only field does, which no shortcut should take.
    if (!isActiveWindow() && runWindowShortcut(event)) {
        event->accept();
        return;
    }
    QMainWindow::keyPressEvent(event);
}

bool MainWindow::runWindowShortcut(const QKeyEvent *event)
{
    // Shortcuts match only while the window is the active one, but keys reach
    // its focus widget without that (X11 with no window manager, after a dialog
    // closed), and the widget passes on what it has no use for: the window's
    // shortcut runs here, as it would have. The menus' ones only while the menu
    // bar shows, as Qt has them; the keypad's digits as the row's (Qt retries
    // without the keypad modifier), and a held key repeats only where the
    // shortcut or action allows it (autoRepeat, off for the ones that toggle).
    if (QApplication::activePopupWidget() || QApplication::activeModalWidget())
        return false;
    const QKeySequence key(QKeyCombination(event->modifiers() & ~Qt::KeypadModifier, Qt::Key(event->key())));
    const bool repeat = event->isAutoRepeat();
    for (QShortcut *s : findChildren<QShortcut *>(Qt::FindDirectChildrenOnly)) {
        if (s->isEnabled() && (!repeat || s->autoRepeat()) && s->keys().contains(key)) {
            Q_EMIT s->activated();
            return true;
        }
    }
    QList<QAction *> candidates = actions();
    if (menuBar()->isVisible()) {
        for (const QMenu *menu : menuBar()->findChildren<QMenu *>())
            candidates += menu->actions();
    }
    for (QAction *a : std::as_const(candidates)) {
        if (a->isEnabled() && (!repeat || a->autoRepeat()) && a->shortcuts().contains(key)) {
            a->trigger();
            return true;
        }
    }
    return false;
}

void MainWindow::setupStatusBar()
{
    d->modelLabel = new QLabel(tr("Loading model…"));
    d->deviceLabel = new QLabel;
    d->databaseLabel = new QLabel(tr("Database: none"));
    d->databaseLabel->setObjectName(QStringLiteral("databaseLabel"));
    d->rateLabel = new QLabel;
    d->rateLabel->setObjectName(QStringLiteral("rate"));

    d->progress = new QWidget;
    auto *pl = new QHBoxLayout(d->progress);
    pl->setContentsMargins(0, 0, 0, 0);
    d->progressBar = new QProgressBar;
    d->progressBar->setFixedWidth(180);
    d->progressLabel = new QLabel;
    // Room for the longest text it shows, so "time left" is never cut off.
    d->progressLabel->setMinimumWidth(d->progressLabel->fontMetrics().horizontalAdvance(
        tr("%1 / %2 · %3 photos/s · %4 left").arg(99999).arg(99999).arg(999.9, 0, 'f', 1).arg(QStringLiteral("99:59"))));
    d->cancel = new QPushButton(tr("Cancel"));
    connect(d->cancel, &QPushButton::clicked, this, &MainWindow::cancelBatch);
    pl->addWidget(d->progressBar);
    pl->addWidget(d->progressLabel);
    pl->addWidget(d->cancel);
    d->progress->hide();

    statusBar()->addWidget(d->progress);
    // The whole of a message cut to fit (showFittedMessage) goes with it.
    connect(statusBar(), &QStatusBar::messageChanged, this, [this] { statusBar()->setToolTip(QString()); });
    for (QLabel *l : {d->rateLabel, d->modelLabel, d->deviceLabel, d->databaseLabel})
        statusBar()->addPermanentWidget(l);
}

void MainWindow::showFittedMessage(const QString &text, int timeoutMs)
{
    // The bar clips a message where its leftmost permanent label (the rate, the
    // model, the database) begins, without an ellipsis: a long one is cut here
    // to the room left of it, with an ellipsis, and is whole in the tooltip.
    // Qt's message starts 6 px in and stops 2 px short of the label or the size grip.
    if (QLayout *layout = statusBar()->layout())
        layout->activate(); // a label just shown is placed only on the next layout pass
    int right = statusBar()->width() - 12;
    if (const auto *grip = statusBar()->findChild<QSizeGrip *>(); grip && grip->isVisible())
        right = std::min(right, grip->x());
    for (const QLabel *l : {d->rateLabel, d->modelLabel, d->deviceLabel, d->databaseLabel}) {
        if (l->isVisible())
            right = std::min(right, l->x() - 2);
    }
    const QString shown = statusBar()->fontMetrics().elidedText(text, Qt::ElideRight, std::max(right - 6, 0));
    statusBar()->showMessage(shown, timeoutMs);
    statusBar()->setToolTip(shown == text ? QString() : text);
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
                           .arg(versionString(), versionReport().toHtmlEscaped(), d->modelName, d->modelVersion, d->deviceName));
}

} // namespace listinglens::ui
