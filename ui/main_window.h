#pragma once

#include <QMainWindow>
#include <QThread>

class QLabel;
class QTableWidget;

namespace listinglens {
struct PhotoResult;
}

namespace listinglens::ui {

class ClassificationWorker;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    // Queues photos (files or folders) for classification.
    void addPaths(const QStringList &paths);
    QTableWidget *resultTable() const { return m_table; }

Q_SIGNALS:
    void batchFinished();

protected:
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    void openPhotos();
    void trySamples();
    void showResult(int row, const listinglens::PhotoResult &result);
    void showFailure(int row, const QString &code, const QString &message);

    QThread m_thread;
    ClassificationWorker *m_worker = nullptr;
    QTableWidget *m_table = nullptr;
    QLabel *m_modelLabel = nullptr;
};

} // namespace listinglens::ui
