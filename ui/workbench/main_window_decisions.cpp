// The moderator's decisions: accept (Enter) or correct, kept on the photo and stored as feedback.
#include "main_window.h"

#include "classification_worker.h"
#include "correction_dialog.h"
#include "photo_list_model.h"
#include "photo_strip.h"
#include "prediction_store.h"
#include "result_panel.h"
#include "session.h"
#include "store_worker.h"

#include <QStatusBar>

namespace listinglens::ui {

void MainWindow::connectDecisions()
{
    connect(m_panel, &ResultPanel::acceptRequested, this, &MainWindow::acceptCurrent);
    connect(m_panel, &ResultPanel::correctRequested, this, &MainWindow::correctCurrent);
    connect(m_session->storeWorker(), &StoreWorker::feedbackFailed, this, [this](int, const QString &message) {
        statusBar()->showMessage(tr("Decision not stored: %1").arg(message), 8000);
    });
    connect(m_session->classification(), &ClassificationWorker::storedLater, this,
            [this](int id, qint64 predictionId, const QString &database) {
        m_photos->setPredictionId(id, predictionId, database);
        const PhotoItem *item = m_photos->itemById(id);
        if (item && item->decision.made) // decided while the database was away
            recordDecision(*item, item->decision);
    });
}

void MainWindow::recordDecision(const PhotoItem &item, const Decision &d)
{
    m_photos->setDecision(item.id, d);
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
    Decision draft = m_panel->draftDecision();
    if (draft.currency.isEmpty())
        draft.currency = m_settings.currency;
    CorrectionDialog dialog(m_categoryIds, m_categoryNames, draft, this);
    if (dialog.exec() == QDialog::Accepted)
        recordDecision(*m_photos->itemById(item->id), dialog.decision());
}

} // namespace listinglens::ui
