#include "main_window.h"

#include "classification_worker.h"
#include "model_manifest.h"
#include "phone_photos.h"
#include "photo_result.h"

#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QMenuBar>
#include <QMimeData>
#include <QStatusBar>
#include <QTableWidget>
#include <QToolBar>

namespace listinglens::ui {

namespace {
enum Column { FileColumn, StateColumn, CategoryColumn, PriceColumn, TitleColumn, WarningsColumn, ColumnCount };
}

MainWindow::MainWindow(QWidget *parent) : QMainWindow(parent)
{
    setWindowTitle(QStringLiteral("ListingLens"));
    setAcceptDrops(true);
    resize(1100, 640);

    m_table = new QTableWidget(0, ColumnCount, this);
    m_table->setHorizontalHeaderLabels({tr("Photo"), tr("State"), tr("Category"), tr("Price"), tr("Suggested title"), tr("Warnings")});
    m_table->horizontalHeader()->setSectionResizeMode(TitleColumn, QHeaderView::Stretch);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setColumnWidth(FileColumn, 220);
    m_table->setColumnWidth(CategoryColumn, 200);
    m_table->setColumnWidth(PriceColumn, 160);
    setCentralWidget(m_table);

    auto *toolbar = addToolBar(tr("Photos"));
    QAction *open = toolbar->addAction(tr("Open photos…"), this, &MainWindow::openPhotos);
    open->setShortcut(QKeySequence::Open);
    toolbar->addAction(tr("Try sample photos"), this, &MainWindow::trySamples);

    m_modelLabel = new QLabel(tr("Loading model…"), this);
    statusBar()->addPermanentWidget(m_modelLabel);
    statusBar()->showMessage(tr("Drop photos or folders anywhere on the window."));

    m_worker = new ClassificationWorker;
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker, &ClassificationWorker::modelLoaded, this, [this](const QString &name, const QString &version, const QString &device) {
        m_modelLabel->setText(tr("%1 %2 · %3").arg(name, version, device));
    });
    connect(m_worker, &ClassificationWorker::modelFailed, this, [this](const QString &message) {
        m_modelLabel->setText(tr("Model not loaded"));
        statusBar()->showMessage(message);
    });
    connect(m_worker, &ClassificationWorker::photoDone, this, &MainWindow::showResult);
    connect(m_worker, &ClassificationWorker::photoFailed, this, &MainWindow::showFailure);
    connect(m_worker, &ClassificationWorker::batchFinished, this, &MainWindow::batchFinished);
    m_thread.start();
    QMetaObject::invokeMethod(m_worker, "loadModel", Qt::QueuedConnection, Q_ARG(QString, defaultModelDir()),
                              Q_ARG(QString, QStringLiteral("auto")), Q_ARG(int, 0));
}

MainWindow::~MainWindow()
{
    m_worker->cancel();
    m_thread.quit();
    m_thread.wait();
}

void MainWindow::addPaths(const QStringList &paths)
{
    QStringList files;
    for (const QString &p : paths)
        files << (QFileInfo(p).isDir() ? findPhotos(p) : QStringList{p});
    if (files.isEmpty())
        return;
    const int first = m_table->rowCount();
    for (const QString &f : files) {
        const int row = m_table->rowCount();
        m_table->insertRow(row);
        m_table->setItem(row, FileColumn, new QTableWidgetItem(QFileInfo(f).fileName()));
        m_table->item(row, FileColumn)->setToolTip(f);
        m_table->setItem(row, StateColumn, new QTableWidgetItem(tr("queued")));
    }
    QMetaObject::invokeMethod(m_worker, "classify", Qt::QueuedConnection, Q_ARG(int, first), Q_ARG(QStringList, files),
                              Q_ARG(int, 8));
}

void MainWindow::showResult(int row, const PhotoResult &r)
{
    m_table->setItem(row, StateColumn, new QTableWidgetItem(tr("done")));
    m_table->setItem(row, CategoryColumn,
                     new QTableWidgetItem(QStringLiteral("%1 (%2%)").arg(r.category.name).arg(qRound(r.category.confidence * 100))));
    m_table->setItem(row, PriceColumn, new QTableWidgetItem(QStringLiteral("%1 %2 (%3–%4)")
                                                                .arg(r.price.currency).arg(r.price.point).arg(r.price.low).arg(r.price.high)));
    m_table->setItem(row, TitleColumn, new QTableWidgetItem(r.title));
    m_table->item(row, TitleColumn)->setToolTip(r.description);
    m_table->setItem(row, WarningsColumn, new QTableWidgetItem(r.quality.flags.join(QStringLiteral(", "))));
}

void MainWindow::showFailure(int row, const QString &code, const QString &message)
{
    m_table->setItem(row, StateColumn, new QTableWidgetItem(tr("failed")));
    m_table->setItem(row, TitleColumn, new QTableWidgetItem(message));
    m_table->item(row, TitleColumn)->setToolTip(code);
}

void MainWindow::openPhotos()
{
    const QStringList files = QFileDialog::getOpenFileNames(this, tr("Open photos"), QString(),
                                                            tr("Photos (*.jpg *.jpeg *.png *.webp *.bmp *.tif *.tiff)"));
    addPaths(files);
}

void MainWindow::trySamples()
{
    addPaths({defaultSamplesDir()});
}

void MainWindow::dragEnterEvent(QDragEnterEvent *event)
{
    if (event->mimeData()->hasUrls())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent *event)
{
    QStringList paths;
    for (const QUrl &url : event->mimeData()->urls()) {
        if (url.isLocalFile())
            paths << url.toLocalFile();
    }
    addPaths(paths);
    event->acceptProposedAction();
}

} // namespace listinglens::ui
