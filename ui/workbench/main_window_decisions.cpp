// The moderator's decisions, as the window takes them: accept (Enter) or
// correct in place (C, in the result panel: Enter saves, Esc cancels), then
// on to the next photo waiting; Ctrl+Z takes the newest back, or brings back
// a removed photo. What each decision becomes, and its undo, is the
// DecisionController's; the correction under way is the CorrectionController's.
#include "main_window.h"
#include "main_window_p.h"

#include "correction_controller.h"
#include "decision_controller.h"
#include "photo_strip.h"
#include "result_panel.h"

#include <QAction>
#include <QPushButton>
#include <QStatusBar>

namespace listinglens::ui {

void MainWindow::connectDecisions()
{
    d->decisions = new DecisionController(d->photos, d->panel, d->session.get(), d->settings, this);
    d->corrections = new CorrectionController(d->photos, d->panel, d->decisions, this);
    DecisionController *decisions = d->decisions;
    connect(d->panel, &ResultPanel::acceptRequested, this, &MainWindow::acceptCurrent);
    connect(d->panel, &ResultPanel::correctRequested, this, &MainWindow::correctCurrent);
    connect(d->panel, &ResultPanel::correctionCancelRequested, this, &MainWindow::cancelCorrection);
    connect(d->panel, &ResultPanel::categoryChosen, this, [this](const QString &categoryId) {
        d->decisions->chooseCategory(d->panel->shownId(), categoryId);
    });
    connect(d->corrections, &CorrectionController::correctingChanged, this, &MainWindow::updateWorkbenchKeys);
    connect(decisions, &DecisionController::message, this, &MainWindow::showFittedMessage);
    connect(decisions, &DecisionController::rowWanted, this, &MainWindow::selectRow);
    connect(decisions, &DecisionController::stepsChanged, this, &MainWindow::showUndo);
    connect(decisions, &DecisionController::shownChanged, this, [this](int id) {
        if (id < 0 || d->panel->shownId() == id)
            showSelected();
    });
    // Shown while decisions are not stored: writes them again.
    d->retryDecisions = new QPushButton(tr("Retry storing decisions"));
    d->retryDecisions->hide();
    connect(d->retryDecisions, &QPushButton::clicked, this, &MainWindow::retryDecisions);
    connect(decisions, &DecisionController::notStoredChanged, d->retryDecisions, &QWidget::setVisible);
    statusBar()->addPermanentWidget(d->retryDecisions);
}

void MainWindow::retryDecisions()
{
    d->retryDecisions->hide();
    d->decisions->retryNotStored();
}

void MainWindow::decide(const PhotoItem &before, const Decision &decision)
{
    d->decisions->decide(before, decision);
    // On to the next photo still waiting for a decision.
    for (int r = d->photos->rowOf(before.id) + 1; r < d->photos->rowCount(); ++r) {
        const PhotoItem *next = d->photos->item(r);
        if (next->state == PhotoState::Done && !next->decision.made) {
            selectRow(r);
            break;
        }
    }
    d->strip->setFocus();
}

void MainWindow::acceptCurrent()
{
    if (d->corrections->isCorrecting())
        return saveCorrection();
    const PhotoItem *item = d->photos->item(d->strip->currentIndex().row());
    if (!item || item->state != PhotoState::Done || d->panel->shownId() != item->id)
        return;
    decide(*item, d->panel->draftDecision());
}

void MainWindow::correctCurrent()
{
    const PhotoItem *item = d->photos->item(d->strip->currentIndex().row());
    if (!item || item->state != PhotoState::Done || d->panel->shownId() != item->id)
        return;
    d->corrections->begin(*item);
}

void MainWindow::saveCorrection()
{
    if (const auto saved = d->corrections->save())
        decide(saved->before, saved->decision);
    showSelected();
}

void MainWindow::cancelCorrection()
{
    if (!d->corrections->isCorrecting())
        return;
    d->corrections->cancel();
    d->strip->setFocus();
    showSelected();
}

void MainWindow::undoLast()
{
    if (d->corrections->isCorrecting())
        return cancelCorrection(); // first the correction under way
    d->decisions->undo();
    d->strip->setFocus();
}

void MainWindow::showUndo()
{
    const QUndoCommand *next = d->decisions->nextUndo();
    const auto *decision = dynamic_cast<const DecisionCommand *>(next);
    d->undoAction->setText(next ? tr("Undo %1").arg(next->text()) : tr("Undo"));
    d->undoAction->setEnabled(next != nullptr);
    d->panel->setUndoableId(decision ? decision->photoId() : -1);
    if (d->panel->shownId() >= 0)
        showSelected();
}

} // namespace listinglens::ui
