#pragma once

#include "photo_list_model.h"

#include <QMainWindow>

#include <memory>

class QAction;
class QKeySequence;
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
struct MainWindowPrivate;

// The moderator workbench: photos in, suggestions to accept or correct. The
// work behind it runs in its Session (session.h says which thread runs what).
// Its sources, by concern: main_window.cpp (the window, the model, the
// database, settings), main_window_setup.cpp (pages, actions, status bar),
// main_window_photos.cpp (photos in, results out), main_window_decisions.cpp
// (the keys and buttons of accept, correct and undo). Its state is in
// main_window_p.h; the decisions and their undo stack are the
// DecisionController's (decision_controller.h, decision_commands.h), a
// correction in place the CorrectionController's.
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

    bool isBusy() const;
    bool isPresentation() const;
    bool isModelReady() const;
    PhotoListModel *photos() const;
    PhotoStrip *strip() const;
    QLabel *orderLabel() const;
    ResultPanel *resultPanel() const;
    PresentationView *presentationView() const; // null until presentation mode was first entered
    HistoryPage *historyPage() const;
    QualityPage *qualityPage() const;
    ThroughputPage *throughputPage() const;
    // Workbench, History, Quality, Throughput.
    void showPage(int page);
    QPushButton *cancelButton() const;
    // Every cancelled photo sent again (those read from a file) or taken out
    // of the strip (a pasted image has no file to read again: said).
    void retryCancelled();
    void clearCancelled();
    // Shown while decisions are not stored: writes them again.
    QPushButton *retryDecisionsButton() const;
    void retryDecisions();
    Session *session() const;

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
    QWidget *setupWorkbenchPage();
    void setupConsolePages();
    void setupNavigation(QWidget *workbench);
    void setupActions();
    void setupWorkbenchKeys();
    void updateWorkbenchKeys(); // on on the workbench page, off while correcting there
    bool enterIsForTheWorkbench() const;
    bool runWindowShortcut(const QKeyEvent *event);
    void setupStatusBar();
    void showModel();
    void showShortcuts();
    void showFittedMessage(const QString &text, int timeoutMs);
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
    // The similar listings' thumbnails of the photo in view not here yet, asked of the store.
    void loadSimilarThumbnails();
    void selectRow(int row);
    void removeCurrent();
    QStringList takeCancelled(int *pasted);
    void pasteFromClipboard();
    void openPhotos();
    void openFolder();
    // main_window_decisions.cpp
    void connectDecisions();
    void decide(const PhotoItem &before, const Decision &decision); // recorded, undoable, on to the next photo
    void correctCurrent();
    void saveCorrection();
    void cancelCorrection();
    void showUndo();

    std::unique_ptr<MainWindowPrivate> d; // main_window_p.h
};

} // namespace listinglens::ui
