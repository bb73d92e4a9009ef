// Photos in (opened, dropped, pasted), classified by the session, results into the strip.
#include "main_window.h"
#include "main_window_p.h"

#include "classification_worker.h"
#include "correction_controller.h"
#include "count_text.h"
#include "decision_controller.h"
#include "environment.h"
#include "file_dialogs.h"
#include "listing_index.h"
#include "photo_files.h"
#include "photo_list_model.h"
#include "photo_strip.h"
#include "result_panel.h"
#include "session.h"
#include "store_worker.h"

#include <QApplication>
#include <QClipboard>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QLabel>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QStatusBar>
#include <QtConcurrent>

namespace listinglens::ui {

namespace {

QString duration(double seconds)
{
    const int s = qRound(seconds);
    return QStringLiteral("%1:%2").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
}

} // namespace

void MainWindow::connectPhotos()
{
    connect(d->strip->selectionModel(), &QItemSelectionModel::currentChanged, this, &MainWindow::showSelected);
    connect(d->strip->selectionModel(), &QItemSelectionModel::currentChanged, this, [this](const QModelIndex &current) {
        d->photos->setPinned(current.isValid() ? current.data(PhotoListModel::IdRole).toInt() : 0);
    });
    connect(d->photos, &PhotoListModel::itemChanged, this, [this](int id) {
        if (id == d->panel->shownId())
            showSelected();
    });
    connect(d->photos, &QAbstractItemModel::rowsRemoved, this, &MainWindow::showSelected);
    connect(d->panel, &ResultPanel::openPhotosRequested, this, &MainWindow::openPhotos);
    connect(d->panel, &ResultPanel::samplesRequested, this, [this] { addPaths({defaultSamplesDir()}); });

    ClassificationWorker *worker = d->session->classification();
    connect(worker, &ClassificationWorker::photoStarted, d->photos, &PhotoListModel::setWorking);
    connect(worker, &ClassificationWorker::photoDone, this,
            [this](int id, const PhotoResult &r, const QImage &preview, const QImage &thumbnail, qint64 predictionId,
                   const QString &database) {
                d->photos->setResult(id, r, preview, thumbnail, predictionId, database);
                photoSettled();
            });
    // The moderation lane's answer follows; the panel shows it when the photo is shown (itemChanged).
    connect(worker, &ClassificationWorker::photoModerated, d->photos, &PhotoListModel::setModerated);
    // The market's spellings of the words read, for a correction the lane answers around.
    connect(worker, &ClassificationWorker::listingIndexChanged, d->photos,
            [photos = d->photos](const std::shared_ptr<ListingIndex> &index) { photos->setSellersSpelling(sellersSpellingOf(index)); });
    // What the similar listings' empty state says: no listing, none confirmed, or none alike enough.
    connect(worker, &ClassificationWorker::listingIndexChanged, d->panel,
            [panel = d->panel](const std::shared_ptr<ListingIndex> &index) { panel->setListingIndex(index); });
    connect(worker, &ClassificationWorker::photoFailed, this,
            [this](int id, const QString &code, const QString &message, const QString &advice) {
                d->photos->setFailed(id, code, message, advice);
                photoSettled(false);
            });
    connect(worker, &ClassificationWorker::requestFinished, this, &MainWindow::finishRequest);
    // Kept by listing in the panel, whichever photo asked for them.
    connect(d->session->storeWorker(), &StoreWorker::thumbnailsLoaded, this,
            [this](int, const QList<qint64> &ids, const QList<QImage> &images) { d->panel->setSimilarThumbnails(ids, images); });
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
            showFittedMessage(tr("No photos (JPEG, PNG, WebP, BMP, TIFF) found there."), 5000);
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
    const QList<int> ids = d->photos->add(files, names);
    startRequest(d->session->classifyFiles(ids, files, d->settings.batchSize), int(ids.size()));
    showArrived(ids.first());
}

// The cancelled photos taken out of the strip; the files among them.
QStringList MainWindow::takeCancelled(int *pasted)
{
    QStringList files;
    *pasted = 0;
    for (int id : d->photos->idsIn(PhotoState::Cancelled)) {
        const PhotoItem *item = d->photos->itemById(id);
        if (QFileInfo(item->source).isFile())
            files << item->source;
        else
            ++*pasted;
        d->photos->remove(d->photos->rowOf(id));
    }
    return files;
}

void MainWindow::retryCancelled()
{
    int pasted = 0;
    const QStringList files = takeCancelled(&pasted);
    if (!files.isEmpty())
        enqueueFiles(files);
    showFittedMessage(pasted > 0 ? tr("%1 sent again; %2 pasted could not be (paste them again)")
                                              .arg(countText(int(files.size()), tr("cancelled photo"), tr("cancelled photos")))
                                              .arg(pasted)
                                        : tr("%1 sent again").arg(countText(int(files.size()), tr("cancelled photo"), tr("cancelled photos"))),
                             6000);
}

void MainWindow::clearCancelled()
{
    int pasted = 0;
    const QStringList files = takeCancelled(&pasted);
    showFittedMessage(tr("%1 cleared").arg(countText(int(files.size()) + pasted, tr("cancelled photo"), tr("cancelled photos"))), 6000);
}

void MainWindow::showArrived(int id)
{
    // The first photo of what was just opened is shown, and the arrows work at once.
    if (d->panel->isCorrecting())
        return; // not in the middle of a correction: it stays, and the strip shows what came
    selectRow(d->photos->rowOf(id));
    d->strip->scrollTo(d->strip->currentIndex());
    d->strip->setFocus();
}

void MainWindow::addImage(const QImage &image)
{
    if (image.isNull())
        return;
    const QString name = tr("pasted image %1").arg(++d->pasted);
    const QList<int> ids = d->photos->add({name}, {name});
    startRequest(d->session->classifyImage(ids.first(), image), 1);
    showArrived(ids.first());
}

void MainWindow::startRequest(int ticket, int photos)
{
    if (d->pending.isEmpty()) {
        d->batchTotal = 0;
        d->batchSettled = 0;
        d->batchClassified = 0;
        d->batchClock.start();
        d->rateLabel->clear(); // the last batch's rate is not this one's
    }
    d->pending.insert(ticket);
    d->batchTotal += photos;
    d->progressBar->setRange(0, d->batchTotal);
    d->progressBar->setValue(d->batchSettled);
    d->progressLabel->setText(tr("%1 / %2").arg(d->batchSettled).arg(d->batchTotal));
    d->progress->show();
    d->rateLabel->hide(); // the progress text carries the rate meanwhile
    d->cancel->setEnabled(true);
}

void MainWindow::photoSettled(bool classified)
{
    // The rate counts photos classified: a file refused at once (not a photo,
    // too large) takes no time and would make it say hundreds a second.
    ++d->batchSettled;
    d->batchClassified += classified ? 1 : 0;
    const double seconds = d->batchClock.elapsed() / 1000.0;
    const double rate = d->batchClassified / std::max(seconds, 0.001);
    d->progressBar->setValue(d->batchSettled);
    const bool meaningful = d->batchClassified >= 3; // a rate over one or two photos says nothing
    const QString left = meaningful ? duration((d->batchTotal - d->batchSettled) / std::max(rate, 0.001)) : QStringLiteral("–");
    d->progressLabel->setText(meaningful ? tr("%1 / %2 · %3 photos/s · %4 left")
                                              .arg(d->batchSettled).arg(d->batchTotal).arg(rate, 0, 'f', 1).arg(left)
                                        : tr("%1 / %2").arg(d->batchSettled).arg(d->batchTotal));
    d->rateLabel->setText(meaningful ? tr("%1 photos/s").arg(rate, 0, 'f', 1) : QString());
    if (!d->strip->currentIndex().isValid())
        selectRow(0);
}

void MainWindow::finishRequest(int ticket)
{
    d->pending.remove(ticket);
    if (!d->pending.isEmpty())
        return;
    d->progress->hide();
    d->rateLabel->show();
    showFittedMessage(tr("%1 in %2 s").arg(countText(d->batchSettled, tr("photo"), tr("photos"))).arg(d->batchClock.elapsed() / 1000.0, 0, 'f', 1), 8000);
    Q_EMIT idle();
}

void MainWindow::cancelBatch()
{
    d->session->cancelAll();
    d->cancel->setEnabled(false);
    d->progressLabel->setText(tr("Cancelling…"));
}

void MainWindow::selectRow(int row)
{
    d->strip->setCurrentIndex(d->photos->index(row));
}

void MainWindow::showSelected()
{
    const PhotoItem *item = d->photos->item(d->strip->currentIndex().row());
    if (d->panel->isCorrecting() && (!item || item->id != d->panel->shownId()))
        d->corrections->abandon(); // another photo: the correction is dropped
    item = d->photos->item(d->strip->currentIndex().row());
    if (!item) {
        d->panel->showEmpty();
        return;
    }
    const PhotoItem *original = item->duplicateOfId >= 0 ? d->photos->itemById(item->duplicateOfId) : nullptr;
    d->panel->showItem(*item, original ? original->name : QString());
    loadSimilarThumbnails(); // a photo shown anew, or a redone suggestion
}

void MainWindow::loadSimilarThumbnails()
{
    // Only from the database the photo is stored in: there its similar listings' ids are theirs.
    const PhotoItem *item = d->photos->item(d->strip->currentIndex().row());
    if (item && item->state == PhotoState::Done && d->session->isCurrentDatabase(item->database)) {
        if (const QList<qint64> ids = d->panel->thumbnailsToLoad(); !ids.isEmpty())
            d->session->loadThumbnails(item->id, ids);
    }
}

void MainWindow::removeCurrent()
{
    const int row = d->strip->currentIndex().row();
    const PhotoItem *item = d->photos->item(row);
    if (!item)
        return;
    // Undoable: Ctrl+Z brings it back, with its result and decision.
    const PhotoItem removed = *item;
    d->photos->remove(row);
    d->decisions->removed(removed, row);
    showFittedMessage(tr("Removed %1 · Ctrl+Z brings it back").arg(removed.name), 8000);
}

void MainWindow::pasteFromClipboard()
{
    const QMimeData *mime = QApplication::clipboard()->mimeData();
    if (!mime)
        return;
    if (mime->hasImage())
        addImage(qvariant_cast<QImage>(mime->imageData()));
    else if (mime->hasUrls())
        addPaths(localPathsFromUrls(mime->urls()));
    else
        showFittedMessage(tr("The clipboard holds no image."), 4000);
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

void MainWindow::dragEnterEvent(QDragEnterEvent *event)
{
    if (event->mimeData()->hasUrls() || event->mimeData()->hasImage())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent *event)
{
    const QMimeData *mime = event->mimeData();
    if (const QStringList paths = localPathsFromUrls(mime->urls()); !paths.isEmpty())
        addPaths(paths);
    else if (mime->hasImage())
        addImage(qvariant_cast<QImage>(mime->imageData()));
    event->acceptProposedAction();
}

} // namespace listinglens::ui
