#pragma once

#include "photo_list_model.h"
#include "workbench_settings.h"

#include <QElapsedTimer>
#include <QHash>
#include <QMainWindow>
#include <QPointer>
#include <QSet>

#include <memory>

class QAction;
class QLabel;
class QShortcut;
class QListWidget;
class QProgressBar;
class QPushButton;
class QStackedWidget;

namespace listinglens {
struct PhotoResult;
}

namespace listinglens::ui {

class HistoryPage;
class QualityPage;
class Session;
class ThroughputPage;
class PhotoListModel;
class PhotoStrip;
class PresentationView;
class ResultPanel;

// The moderator workbench: photos in, suggestions to accept or correct. The
// work behind it runs in its Session (session.h says which thread runs what).
// Its sources, by concern: main_window.cpp (the window, the model, the
// database, settings), main_window_setup.cpp (pages, actions, status bar),
// main_window_photos.cpp (photos in, results out), main_window_decisions.cpp
// (accept, correct in place, undo, and the suggestion redone for a corrected
// category).
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    // Files and folders (folders are walked off the GUI thread).
    void addPaths(const QStringList &paths);
    void addImage(const QImage &image);
    void cancelBatch();
    void acceptCurrent(); // while correcting: saves the correction
    // Takes back the newest decision (in the store too, kept there as undone) or removal.
    void undoLast();
    void setPresentation(bool on);

    bool isBusy() const { return !m_pending.isEmpty(); }
    bool isPresentation() const { return m_presentation; }
    bool isModelReady() const { return m_modelReady; }
    PhotoListModel *photos() const { return m_photos; }
    PhotoStrip *strip() const { return m_strip; }
    QLabel *orderLabel() const { return m_orderLabel; }
    ResultPanel *resultPanel() const { return m_panel; }
    PresentationView *presentationView() const { return m_demo; } // null until presentation mode was first entered
    HistoryPage *historyPage() const { return m_history; }
    QualityPage *qualityPage() const { return m_quality; }
    ThroughputPage *throughputPage() const { return m_throughput; }
    // Workbench, History, Quality, Throughput.
    void showPage(int page);
    QPushButton *cancelButton() const { return m_cancel; }
    // Every cancelled photo sent again (those read from a file) or taken out
    // of the strip (a pasted image has no file to read again: said).
    void retryCancelled();
    void clearCancelled();
    // Shown while decisions are not stored: writes them again.
    QPushButton *retryDecisionsButton() const { return m_retryDecisions; }
    void retryDecisions();
    Session *session() const { return m_session.get(); }

Q_SIGNALS:
    void modelReady();
    void idle(); // every photo brought in so far has been processed

protected:
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void closeEvent(QCloseEvent *event) override;

private:
    // main_window_setup.cpp
    void setupPages();
    void setupActions();
    void setupWorkbenchKeys();
    void updateWorkbenchKeys(); // on on the workbench page, off while correcting there
    bool enterIsForTheWorkbench() const;
    void setupStatusBar();
    void showModel();
    void showShortcuts();
    void showAbout();
    // main_window.cpp
    void connectModel();
    void connectDatabase();
    void loadModel();
    void openDatabase();
    QString databaseUrl() const;
    void openSettings();
    // main_window_photos.cpp
    void connectPhotos();
    void enqueueFiles(const QStringList &files);
    void startRequest(int ticket, int photos);
    void finishRequest(int ticket);
    void photoSettled(bool classified = true); // false: failed or cancelled, not counted in the rate
    void showArrived(int id);
    void showSelected();
    void selectRow(int row);
    void removeCurrent();
    QStringList takeCancelled(int *pasted);
    void pasteFromClipboard();
    void openPhotos();
    void openFolder();
    // main_window_decisions.cpp
    void connectDecisions();
    void connectDecisionStorage();
    // True when it put up a message of its own (kept in memory, and why).
    bool recordDecision(int id, const Decision &decision);
    void decide(const PhotoItem &before, const Decision &decision); // recorded, undoable, on to the next photo
    void correctCurrent();
    void saveCorrection();
    void cancelCorrection();
    void abandonCorrection(); // another photo shown: the one corrected goes back to its choice before
    void showUndo();
    void chooseCategory(const QString &categoryId);
    void describeAs(const PhotoItem &item, const QString &categoryId);
    void descriptionDone(int id);
    void storeWaitingDecisions();

    WorkbenchSettings m_settings;
    std::unique_ptr<Session> m_session;
    HistoryPage *m_history = nullptr;
    QualityPage *m_quality = nullptr;
    ThroughputPage *m_throughput = nullptr;
    PhotoListModel *m_photos = nullptr;
    PhotoStrip *m_strip = nullptr;
    ResultPanel *m_panel = nullptr;
    PresentationView *m_demo = nullptr; // presentation mode (ui/demo), over the whole window
    QListWidget *m_nav = nullptr;
    QStackedWidget *m_pages = nullptr;
    QToolBar *m_toolbar = nullptr;

    QLabel *m_modelLabel = nullptr;
    QLabel *m_deviceLabel = nullptr;
    QLabel *m_databaseLabel = nullptr;
    QLabel *m_rateLabel = nullptr;
    QLabel *m_orderLabel = nullptr; // above the strip while it is least confident first
    QWidget *m_progress = nullptr;
    QProgressBar *m_progressBar = nullptr;
    QLabel *m_progressLabel = nullptr;
    QPushButton *m_cancel = nullptr;
    QPushButton *m_retryDecisions = nullptr;

    QList<QShortcut *> m_workbenchKeys; // active only while the workbench page is shown
    QStringList m_categoryIds;
    QStringList m_categoryNames;
    QString m_modelName;
    QString m_modelVersion;
    QString m_deviceName;
    qint64 m_head = 0; // the category head in use (0: the built-in mapping)
    // Undo, newest last: a decision (the item before it) or a removal (the item, its row).
    struct UndoStep {
        enum Kind { Decided, Removed } kind = Decided;
        PhotoItem before;
        int row = -1;
        int decisionKey = 0;       // Decided: its name in the store worker once sent there (taken back there too)
        bool storeDecision = false; // Removed: its decision is to be stored when it is back (its row came meanwhile)
        qint64 keptMs = 0;         // Decided: kept on disk for its database, decided then (let go of on undo)
    };
    QList<UndoStep> m_undo;
    QHash<int, UndoStep> m_undoing; // taken back here, the store's answer still to come: by undo serial
    int m_undoSerial = 0;
    int m_decisionKey = 0;
    QAction *m_undoAction = nullptr;
    PhotoItem m_correctionBefore; // the photo being corrected, as it was before
    bool m_modelReady = false;
    bool m_presentation = false;
    QSet<int> m_pending; // tickets of the requests not finished yet
    int m_batchTotal = 0;
    int m_batchSettled = 0;
    int m_batchClassified = 0;
    int m_pasted = 0;
    QElapsedTimer m_batchClock;
};

} // namespace listinglens::ui
