#pragma once

// MainWindow's state: its pages and status bar, what the model and the
// current batch are, and the controllers of its decisions and corrections.
// Private to the window's sources.

#include "photo_list_model.h"
#include "session.h"
#include "workbench_settings.h"

#include <QElapsedTimer>
#include <QList>
#include <QSet>
#include <QStringList>

#include <memory>

class QAction;
class QLabel;
class QListWidget;
class QProgressBar;
class QPushButton;
class QShortcut;
class QStackedWidget;
class QToolBar;

namespace listinglens::ui {

class CorrectionController;
class DecisionController;
class HistoryPage;
class PhotoStrip;
class PresentationView;
class QualityPage;
class ResultPanel;
class ThroughputPage;

struct MainWindowPrivate {
    WorkbenchSettings settings = WorkbenchSettings::load();
    std::unique_ptr<Session> session = std::make_unique<Session>();
    DecisionController *decisions = nullptr;     // accept, correct, undo; and where each decision went
    CorrectionController *corrections = nullptr; // the correction in place under way

    HistoryPage *history = nullptr;
    QualityPage *quality = nullptr;
    ThroughputPage *throughput = nullptr;
    PhotoListModel *photos = nullptr;
    PhotoStrip *strip = nullptr;
    ResultPanel *panel = nullptr;
    PresentationView *demo = nullptr; // presentation mode (ui/demo), over the whole window
    QListWidget *nav = nullptr;
    QStackedWidget *pages = nullptr;
    QToolBar *toolbar = nullptr;

    QLabel *modelLabel = nullptr;
    QLabel *deviceLabel = nullptr;
    QLabel *databaseLabel = nullptr;
    QLabel *rateLabel = nullptr;
    QLabel *orderLabel = nullptr; // above the strip while it is least confident first
    QWidget *progress = nullptr;
    QProgressBar *progressBar = nullptr;
    QLabel *progressLabel = nullptr;
    QPushButton *cancel = nullptr;
    QPushButton *retryDecisions = nullptr;
    QAction *undoAction = nullptr;

    QList<QShortcut *> workbenchKeys; // active only while the workbench page is shown
    QStringList categoryIds;
    QStringList categoryNames;
    QString modelName;
    QString modelVersion;
    QString deviceName;
    qint64 head = 0; // the category head in use (0: the built-in mapping)
    bool modelReady = false;
    bool presentation = false;
    QSet<int> pending; // tickets of the requests not finished yet
    int batchTotal = 0;
    int batchSettled = 0;
    int batchClassified = 0;
    int pasted = 0;
    QElapsedTimer batchClock;
};

} // namespace listinglens::ui
