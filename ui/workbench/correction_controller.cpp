#include "correction_controller.h"

#include "decision_controller.h"
#include "result_panel.h"

namespace listinglens::ui {

CorrectionController::CorrectionController(PhotoListModel *photos, ResultPanel *panel, DecisionController *decisions, QObject *parent)
    : QObject(parent), m_photos(photos), m_panel(panel), m_decisions(decisions)
{
}

bool CorrectionController::isCorrecting() const
{
    return m_panel->isCorrecting();
}

void CorrectionController::begin(const PhotoItem &item)
{
    if (m_panel->isCorrecting())
        return;
    m_before = item;
    if (m_panel->beginCorrection())
        Q_EMIT correctingChanged(true);
}

std::optional<CorrectionController::Saved> CorrectionController::save()
{
    const PhotoItem *item = m_photos->itemById(m_panel->shownId());
    const Decision decision = m_panel->draftDecision();
    end();
    if (!item || item->id != m_before.id)
        return std::nullopt;
    return Saved{m_before, decision};
}

void CorrectionController::cancel()
{
    if (!m_panel->isCorrecting())
        return;
    abandon();
}

void CorrectionController::abandon()
{
    end();
    // The category chosen while correcting is taken back with it.
    const PhotoItem before = m_before;
    if (m_photos->restoreDecision(before.id, before))
        m_decisions->describeAs(*m_photos->itemById(before.id), before.chosenCategoryId);
}

void CorrectionController::end()
{
    m_panel->endCorrection();
    Q_EMIT correctingChanged(false);
}

} // namespace listinglens::ui
