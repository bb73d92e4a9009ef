// The moderator's decisions: accept (Enter) or correct, kept on the photo and
// stored as feedback. Choosing another category (keys 1-3, the Correct…
// dialog) has the classification worker redo the rest of the suggestion for it
// (price, similar listings, text); a decision made before that answer is in
// waits for it, and is stored with the redone price and text.
#include "main_window.h"

#include "classification_worker.h"
#include "correction_dialog.h"
#include "photo_list_model.h"
#include "photo_strip.h"
#include "prediction_store.h"
#include "result_panel.h"
#include "session.h"
#include "store_worker.h"

#include <QCoreApplication>
#include <QStatusBar>

namespace listinglens::ui {

void MainWindow::connectDecisions()
{
    connect(m_panel, &ResultPanel::acceptRequested, this, &MainWindow::acceptCurrent);
    connect(m_panel, &ResultPanel::correctRequested, this, &MainWindow::correctCurrent);
    connect(m_panel, &ResultPanel::categoryChosen, this, &MainWindow::chooseCategory);
    connect(m_session->storeWorker(), &StoreWorker::feedbackFailed, this, [this](int, const QString &message) {
        statusBar()->showMessage(tr("Decision not stored: %1").arg(message), 8000);
    });
    ClassificationWorker *worker = m_session->classification();
    connect(worker, &ClassificationWorker::storedLater, this,
            [this](int id, qint64 predictionId, const QString &database) {
        m_photos->setPredictionId(id, predictionId, database);
        const PhotoItem *item = m_photos->itemById(id);
        if (item && item->decision.made) // decided while the database was away
            recordDecision(*item, item->decision);
    });
    connect(worker, &ClassificationWorker::described, this, [this](int id, const PhotoResult &result) {
        m_photos->setDescribed(id, result);
        if (m_correction && m_correctionId == id)
            m_correction->setSuggestion(result);
        descriptionDone(id);
    });
    connect(worker, &ClassificationWorker::describeFailed, this, [this](int id, const QString &categoryId, const QString &message) {
        m_photos->setDescribeFailed(id, categoryId);
        if (m_correction && m_correctionId == id && m_correction->categoryId() == categoryId)
            m_correction->setWaiting(false);
        statusBar()->showMessage(tr("The price and text could not be redone for %1: %2").arg(categoryId, message), 8000);
        descriptionDone(id);
    });
}

void MainWindow::recordDecision(const PhotoItem &item, const Decision &d)
{
    const bool waits = item.describing; // stored once the suggestion for its category is in (descriptionDone)
    m_photos->setDecision(item.id, d, waits);
    if (waits)
        return;
    if (item.predictionId <= 0) {
        statusBar()->showMessage(tr("Decision kept in memory: this photo is not in the database."), 6000);
        return;
    }
    if (!m_session->isCurrentDatabase(item.database)) {
        // Its prediction id names a row of the database it was stored in, not of this one.
        statusBar()->showMessage(tr("Decision kept in memory: this photo was stored in %1, not in the database now in use.")
                                     .arg(item.database), 8000);
        return;
    }
    // Written, and confirmed in the listing index for later suggestions, on the store thread.
    m_session->recordDecision(item.id, item.predictionId, {QString(), d.corrected, d.categoryId, d.price, d.currency, d.title, d.description, 0});
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
    const int id = item->id;
    Decision draft = m_panel->draftDecision();
    if (draft.currency.isEmpty())
        draft.currency = m_settings.currency;
    CorrectionDialog dialog(m_categoryIds, m_categoryNames, draft, item->shown(), this);
    connect(&dialog, &CorrectionDialog::categoryChanged, this, [this, id, &dialog](const QString &categoryId) {
        const PhotoItem *it = m_photos->itemById(id);
        if (!it)
            return;
        if (const PhotoResult *known = it->describedAs(categoryId)) {
            dialog.setSuggestion(*known);
        } else {
            dialog.setWaiting(true);
            describeAs(*it, categoryId);
        }
    });
    m_correction = &dialog;
    m_correctionId = id;
    const bool saved = dialog.exec() == QDialog::Accepted;
    m_correction = nullptr;
    if (!saved || !m_photos->itemById(id))
        return; // cancelled, or the photo was removed meanwhile
    const Decision d = dialog.decision();
    if (m_photos->chooseCategory(id, d.categoryId)) {
        if (dialog.suggestion().category.id == d.categoryId)
            m_photos->setDescribed(id, dialog.suggestion());
        else // it could not be redone in the dialog: once more, and the decision waits for it
            describeAs(*m_photos->itemById(id), d.categoryId);
    }
    recordDecision(*m_photos->itemById(id), d);
}

void MainWindow::chooseCategory(const QString &categoryId)
{
    const int id = m_panel->shownId();
    if (m_photos->chooseCategory(id, categoryId))
        describeAs(*m_photos->itemById(id), categoryId);
}

void MainWindow::describeAs(const PhotoItem &item, const QString &categoryId)
{
    // The photo's own row (in the database it was stored in) is left out of its similar listings.
    m_session->describeAs(item.id, item.result, categoryId, item.predictionId, item.database);
}

void MainWindow::descriptionDone(int id)
{
    const PhotoItem *item = m_photos->itemById(id);
    if (!item || !item->decisionWaits || item->describing)
        return;
    // Accepted before the answer: the price, and the text the moderator left as
    // suggested, are those redone for the category chosen.
    Decision d = item->decision;
    const PhotoResult &now = item->shown();
    if (d.title == item->result.title)
        d.title = now.title;
    if (d.description == item->result.description)
        d.description = now.description;
    d.price = now.price.point;
    d.currency = now.price.currency;
    recordDecision(*item, d);
}

void MainWindow::storeWaitingDecisions()
{
    if (m_photos->decisionsWaiting() == 0)
        return;
    // Their answers are on the way: wait for the worker to give them, then
    // take them here (descriptionDone queues each decision for the database).
    m_session->finishDescriptions();
    QCoreApplication::sendPostedEvents(this, QEvent::MetaCall);
}

} // namespace listinglens::ui
