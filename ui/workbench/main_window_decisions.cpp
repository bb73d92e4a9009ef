// The moderator's decisions: accept (Enter) or correct in place (C, in the
// result panel: Enter saves, Esc cancels), kept on the photo and stored as
// feedback under the moderator's name; Ctrl+Z takes the newest back (in the
// store it stays in the log, marked undone), or brings back a removed photo.
// Choosing another category (keys 1-3, the category search while correcting)
// has the classification worker redo the rest of the suggestion for it (price,
// similar listings, text); a decision made before that answer is in waits for
// it, and is stored with the redone price and text.
#include "main_window.h"

#include "classification_worker.h"
#include "photo_list_model.h"
#include "photo_strip.h"
#include "prediction_store.h"
#include "price_text.h"
#include "result_panel.h"
#include "session.h"
#include "store_worker.h"

#include <QAction>
#include <QCoreApplication>
#include <QDateTime>
#include <QPushButton>
#include <QStatusBar>

namespace listinglens::ui {

void MainWindow::connectDecisions()
{
    connect(m_panel, &ResultPanel::acceptRequested, this, &MainWindow::acceptCurrent);
    connect(m_panel, &ResultPanel::correctRequested, this, &MainWindow::correctCurrent);
    connect(m_panel, &ResultPanel::correctionCancelRequested, this, &MainWindow::cancelCorrection);
    connect(m_panel, &ResultPanel::categoryChosen, this, &MainWindow::chooseCategory);
    connectDecisionStorage();
    StoreWorker *store = m_session->storeWorker();
    // Each answer names its undo (a serial): one with none waiting is not this window's.
    connect(store, &StoreWorker::feedbackUndone, this, [this](int serial, int id, const QString &now) {
        if (!m_undoing.remove(serial))
            return;
        const PhotoItem *item = m_photos->itemById(id);
        const QString name = item ? item->name : tr("the photo");
        statusBar()->showMessage(now == QLatin1String("none")
                                     ? tr("Undone: %1 is undecided again").arg(name)
                                     : tr("Undone: %1 is back to its earlier decision (%2)").arg(name, now),
                                 8000);
    });
    connect(store, &StoreWorker::undoFailed, this, [this](int serial, int id, const QString &message) {
        if (!m_undoing.contains(serial))
            return;
        // The store kept the decision: so does the window, and it can be undone again.
        const UndoStep step = m_undoing.take(serial);
        const PhotoItem *item = m_photos->itemById(id);
        if (item && step.kind == UndoStep::Decided) {
            const PhotoItem withoutIt = *item;
            m_photos->restoreDecision(id, step.before);
            UndoStep again = step;
            again.before = withoutIt;
            m_undo << again;
            showUndo();
        }
        statusBar()->showMessage(tr("Could not undo: %1. The decision stands.").arg(message), 10000);
    });
    ClassificationWorker *worker = m_session->classification();
    connect(worker, &ClassificationWorker::storedLater, this,
            [this](int id, qint64 predictionId, const QString &database) {
        const PhotoItem *item = m_photos->itemById(id);
        if (!item) { // removed meanwhile: kept for Ctrl+Z, which brings the photo back
            for (UndoStep &step : m_undo) {
                if (step.kind == UndoStep::Removed && step.before.id == id) {
                    step.before.predictionId = predictionId;
                    step.before.database = database;
                    step.storeDecision = step.before.decision.made;
                }
            }
            return;
        }
        m_photos->setPredictionId(id, predictionId, database);
        if (item->decision.made) { // decided while the database was away
            const Decision d = item->decision;
            recordDecision(id, d);
        }
    });
    connect(worker, &ClassificationWorker::described, this, [this](int id, const PhotoResult &result) {
        m_photos->setDescribed(id, result);
        descriptionDone(id);
    });
    connect(worker, &ClassificationWorker::describeFailed, this, [this](int id, const QString &categoryId, const QString &message) {
        m_photos->setDescribeFailed(id, categoryId);
        statusBar()->showMessage(tr("The price and text could not be redone for %1: %2").arg(m_panel->categoryName(categoryId), message), 8000);
        descriptionDone(id);
    });
}

// Where each decision is, as the store thread answers: stored, kept on disk
// for its database, or not stored at all (said plainly, with Retry).
void MainWindow::connectDecisionStorage()
{
    m_retryDecisions = new QPushButton(tr("Retry storing decisions"));
    m_retryDecisions->hide();
    connect(m_retryDecisions, &QPushButton::clicked, this, &MainWindow::retryDecisions);
    statusBar()->addPermanentWidget(m_retryDecisions);
    StoreWorker *store = m_session->storeWorker();
    connect(store, &StoreWorker::feedbackStored, this, [this](int id) {
        m_photos->setDecisionStorage(id, DecisionStorage::Stored);
        if (const PhotoItem *item = m_photos->itemById(id); item && item->decision.made)
            statusBar()->showMessage(item->decision.corrected ? tr("Corrected %1 · stored · Ctrl+Z undoes").arg(item->name)
                                                              : tr("Accepted %1 · stored · Ctrl+Z undoes").arg(item->name), 6000);
        m_retryDecisions->setVisible(!m_photos->decisionsIn(DecisionStorage::NotStored).isEmpty());
        if (m_panel->shownId() == id)
            showSelected();
    });
    connect(store, &StoreWorker::feedbackFailed, this, [this](int id, const QString &message) {
        m_photos->setDecisionStorage(id, DecisionStorage::NotStored, message);
        m_retryDecisions->show();
        statusBar()->showMessage(tr("Decision NOT stored: %1. Retry stores it again.").arg(message), 15000);
        if (m_panel->shownId() == id)
            showSelected();
    });
    connect(store, &StoreWorker::decisionPending, this, [this](int id, qint64, const QString &database, qint64, const QString &why) {
        const QString note = tr("kept on this computer and written to %1 when it is in use and reachable (%2)").arg(database, why);
        m_photos->setDecisionStorage(id, DecisionStorage::Waiting, note);
        statusBar()->showMessage(tr("Decision not stored yet: %1").arg(note), 10000);
        if (m_panel->shownId() == id)
            showSelected();
    });
    // Settings shows the database's currency, the one every price in it is in.
    connect(store, &StoreWorker::currencyKnown, this, [this](const QString &currency, const QString &refusal) {
        if (!currency.isEmpty())
            m_settings.currency = currency;
        if (!refusal.isEmpty())
            statusBar()->showMessage(tr("Currency not changed: %1").arg(refusal), 10000);
    });
    connect(store, &StoreWorker::pendingWritten, this, [this](const QString &database, int written, int waiting, const QStringList &dropped) {
        if (waiting == 0) {
            for (int id : m_photos->decisionsIn(DecisionStorage::Waiting, database))
                m_photos->setDecisionStorage(id, DecisionStorage::Stored);
        }
        QString message = tr("%n decision(s) that waited for %1 stored", nullptr, written).arg(database);
        if (!dropped.isEmpty())
            message += tr("; not stored, their photo is gone: %1").arg(dropped.join(QStringLiteral("; ")));
        statusBar()->showMessage(message, 10000);
        showSelected();
    });
}

void MainWindow::retryDecisions()
{
    m_retryDecisions->hide();
    for (int id : m_photos->decisionsIn(DecisionStorage::NotStored)) {
        if (const PhotoItem *item = m_photos->itemById(id))
            recordDecision(id, item->decision);
    }
    m_session->retryPendingDecisions();
}

bool MainWindow::recordDecision(int id, const Decision &d)
{
    // The photo as it is now, not as a caller saw it earlier: a category chosen
    // while correcting is being redone meanwhile.
    const PhotoItem *live = m_photos->itemById(id);
    if (!live)
        return false;
    const PhotoItem item = *live;
    const bool waits = item.describing; // stored once the suggestion for its category is in (descriptionDone)
    Decision writing = d;
    writing.storage = DecisionStorage::Writing; // until the store answers
    writing.storageNote.clear();
    m_photos->setDecision(id, writing, waits);
    if (waits)
        return false;
    const QString moderator = d.moderator.isEmpty() ? m_settings.moderatorName() : d.moderator;
    if (item.predictionId <= 0) { // written with the photo's row once it is stored (storedLater)
        m_photos->setDecisionStorage(id, DecisionStorage::Waiting, tr("the photo itself is not stored yet"));
        statusBar()->showMessage(tr("Decision not stored yet: this photo is not in the database yet."), 8000);
        return true;
    }
    if (!m_session->isCurrentDatabase(item.database)) {
        // Its prediction id names a row of the database it was stored in, not of this
        // one: kept on disk for that database, and written when it is in use again.
        const qint64 at = QDateTime::currentMSecsSinceEpoch();
        for (auto step = m_undo.rbegin(); step != m_undo.rend(); ++step) {
            if (step->kind == UndoStep::Decided && step->before.id == id) {
                step->keptMs = at;
                break;
            }
        }
        m_session->keepDecision(id, item.predictionId, item.database,
                                {moderator, d.corrected, d.categoryId, d.price, d.currency, d.title, d.description, at});
        statusBar()->showMessage(tr("Decision not stored yet: this photo was stored in %1, not in the database now in use.")
                                     .arg(item.database), 8000);
        return true;
    }
    // The newest undo step of this photo now names a decision in the store to take back.
    const int key = ++m_decisionKey;
    for (auto step = m_undo.rbegin(); step != m_undo.rend(); ++step) {
        if (step->kind == UndoStep::Decided && step->before.id == id) {
            step->decisionKey = key;
            break;
        }
    }
    // Written, and confirmed in the listing index for later suggestions, on the store thread.
    m_session->recordDecision(id, item.predictionId, {moderator, d.corrected, d.categoryId, d.price, d.currency, d.title, d.description, 0},
                              key);
    return false;
}

void MainWindow::decide(const PhotoItem &before, const Decision &decision)
{
    Decision d = decision;
    d.moderator = m_settings.moderatorName();
    const int id = before.id;
    m_undo << UndoStep{UndoStep::Decided, before};
    const bool said = recordDecision(id, d); // the undo step keeps the photo as it was before
    showUndo();
    const PhotoItem *item = m_photos->itemById(id);
    if (item && !said)
        statusBar()->showMessage(tr("Storing the decision on %1… · Ctrl+Z undoes").arg(item->name), 6000);
    // On to the next photo still waiting for a decision.
    const int row = m_photos->rowOf(id);
    for (int r = row + 1; r < m_photos->rowCount(); ++r) {
        const PhotoItem *next = m_photos->item(r);
        if (next->state == PhotoState::Done && !next->decision.made) {
            selectRow(r);
            break;
        }
    }
    m_strip->setFocus();
}

void MainWindow::acceptCurrent()
{
    if (m_panel->isCorrecting())
        return saveCorrection();
    const PhotoItem *item = m_photos->item(m_strip->currentIndex().row());
    if (!item || item->state != PhotoState::Done || m_panel->shownId() != item->id)
        return;
    decide(*item, m_panel->draftDecision());
}

void MainWindow::correctCurrent()
{
    const PhotoItem *item = m_photos->item(m_strip->currentIndex().row());
    if (!item || item->state != PhotoState::Done || m_panel->shownId() != item->id || m_panel->isCorrecting())
        return;
    m_correctionBefore = *item;
    if (!m_panel->beginCorrection())
        return;
    updateWorkbenchKeys(); // the keys type into the correction meanwhile
}

void MainWindow::saveCorrection()
{
    const PhotoItem *item = m_photos->itemById(m_panel->shownId());
    const Decision d = m_panel->draftDecision();
    m_panel->endCorrection();
    updateWorkbenchKeys();
    if (!item || item->id != m_correctionBefore.id)
        return showSelected();
    decide(m_correctionBefore, d);
    showSelected();
}

void MainWindow::cancelCorrection()
{
    if (!m_panel->isCorrecting())
        return;
    m_panel->endCorrection();
    updateWorkbenchKeys();
    // The category chosen while correcting is taken back with it.
    const PhotoItem before = m_correctionBefore;
    if (m_photos->restoreDecision(before.id, before))
        describeAs(*m_photos->itemById(before.id), before.chosenCategoryId);
    m_strip->setFocus();
    showSelected();
}

void MainWindow::abandonCorrection()
{
    m_panel->endCorrection();
    updateWorkbenchKeys();
    const PhotoItem before = m_correctionBefore;
    if (m_photos->restoreDecision(before.id, before))
        describeAs(*m_photos->itemById(before.id), before.chosenCategoryId);
}

void MainWindow::undoLast()
{
    if (m_panel->isCorrecting())
        return cancelCorrection(); // first the correction under way
    if (m_undo.isEmpty()) {
        statusBar()->showMessage(tr("Nothing to undo."), 4000);
        return;
    }
    const UndoStep step = m_undo.takeLast();
    const int id = step.before.id;
    if (step.kind == UndoStep::Removed) {
        // A decision not stored yet is stored now: once its redone suggestion is in
        // (asked again: the answer went with the photo), or at once when its row came meanwhile.
        if (m_photos->restore(step.before, step.row))
            describeAs(*m_photos->itemById(id), step.before.chosenCategoryId);
        else if (step.storeDecision)
            recordDecision(id, step.before.decision);
        selectRow(m_photos->rowOf(id));
        statusBar()->showMessage(tr("Brought back %1").arg(step.before.name), 6000);
    } else if (const PhotoItem *item = m_photos->itemById(id)) {
        const qint64 predictionId = item->predictionId;
        const QString suggested = item->result.category.id;
        const bool stored = step.decisionKey > 0 && m_session->isCurrentDatabase(item->database);
        const QString name = item->name;
        UndoStep pending = step;
        pending.before = *item; // the decision taken back, should the store refuse
        if (m_photos->restoreDecision(id, step.before))
            describeAs(*m_photos->itemById(id), step.before.chosenCategoryId);
        if (step.keptMs > 0) // kept on disk for another database: let go of before it is written
            m_session->dropPendingDecision(item->database, predictionId, step.keptMs);
        if (stored) {
            const int serial = ++m_undoSerial;
            m_undoing.insert(serial, pending);
            m_session->undoDecision(serial, id, predictionId, step.decisionKey, suggested, m_settings.moderatorName());
        }
        selectRow(m_photos->rowOf(id));
        const QString message = stored                      ? tr("Undoing the decision on %1…")
                                : step.before.decision.made ? tr("Undone: %1 is back to its earlier decision")
                                                            : tr("Undone: %1 is undecided again");
        statusBar()->showMessage(message.arg(name), 6000);
    }
    showUndo();
    m_strip->setFocus();
}

void MainWindow::showUndo()
{
    constexpr qsizetype kUndoSteps = 500; // a day of decisions; the oldest go first
    if (m_undo.size() > kUndoSteps)
        m_undo.remove(0, m_undo.size() - kUndoSteps);
    int undoable = -1;
    QString text = tr("Undo");
    if (!m_undo.isEmpty()) {
        const UndoStep &top = m_undo.constLast();
        if (top.kind == UndoStep::Decided) {
            undoable = top.before.id;
            text = tr("Undo decision on %1").arg(top.before.name);
        } else {
            text = tr("Undo removing %1").arg(top.before.name);
        }
    }
    m_undoAction->setText(text);
    m_undoAction->setEnabled(!m_undo.isEmpty());
    m_panel->setUndoableId(undoable);
    if (m_panel->shownId() >= 0)
        showSelected();
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
    // Accepted before the answer: the price (unless the moderator typed one),
    // and the text the moderator left as suggested, are those redone for the category chosen.
    Decision d = item->decision;
    const PhotoResult &now = item->shown();
    if (d.title == item->result.title)
        d.title = now.title;
    if (d.description == item->result.description)
        d.description = now.description;
    if (!d.priceSet) {
        d.price = now.price.point;
        d.currency = now.price.currency;
    }
    recordDecision(id, d);
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
