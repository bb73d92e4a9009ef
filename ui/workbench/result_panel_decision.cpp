// The result panel's decision: the draft the editor makes of the form, the
// decision line in words, and correcting in place (the editor's category
// picker and price field in place of the top three and the price; the window
// saves or cancels).
#include "result_panel.h"

#include "correction_editor.h"
#include "price_text.h"

#include <QLabel>
#include <QPushButton>
#include <QStackedWidget>

namespace listinglens::ui {

QString ResultPanel::decisionInWords(const PhotoItem &item) const
{
    const Decision &d = item.decision;
    if (!d.made)
        return {};
    const QString name = d.categoryName.isEmpty() ? categoryName(d.categoryId) : d.categoryName;
    if (item.decisionWaits)
        return tr("Decided: stored once the price and text for %1 are ready").arg(name);
    const QString who = d.moderator.isEmpty() ? QString() : tr(" by %1").arg(d.moderator);
    const QString undo = item.id == m_undoableId ? tr(" · Ctrl+Z undoes") : QString();
    // Said as done only once it is in the database.
    switch (d.storage) {
    case DecisionStorage::Stored: break;
    case DecisionStorage::Writing: return tr("Decided%1: being stored…%2").arg(who, undo);
    case DecisionStorage::Waiting: return tr("Decided%1, not stored yet: %2%3").arg(who, d.storageNote, undo);
    case DecisionStorage::NotStored: return tr("NOT STORED%1: %2 · Retry in the status bar%3").arg(who, d.storageNote, undo);
    }
    if (!d.corrected)
        return tr("Accepted%1 at %2%3").arg(who, d.at.toString(QStringLiteral("HH:mm")), undo);
    // What changed, from the model's suggestion to the final values.
    const PhotoResult &r = item.result;
    QStringList changes;
    if (d.categoryId != r.category.id)
        changes << tr("%1 → %2").arg(categoryName(r.category.id), name);
    const QString before = formatSuggestedPrice(r.price), after = formatPrice(d.currency, d.price);
    if (before != after)
        changes << tr("%1 → %2").arg(before, after);
    // Only the moderator's own edits count: a suggestion redone for the category, or
    // the lane's read words joining it after the decision, are no edit.
    if (d.titleSet || d.descriptionSet)
        changes << tr("text edited");
    return tr("Corrected%1: %2%3").arg(who, changes.isEmpty() ? name : changes.join(QStringLiteral(", ")), undo);
}

void ResultPanel::showPages(int page)
{
    // Each stack as tall as the page it shows (the search list would make the top three tall).
    for (QStackedWidget *stack : {m_categoryPages, m_pricePages}) {
        stack->setCurrentIndex(page);
        for (int i = 0; i < stack->count(); ++i)
            stack->widget(i)->setSizePolicy(QSizePolicy::Preferred, i == page ? QSizePolicy::Preferred : QSizePolicy::Ignored);
        stack->updateGeometry();
    }
}

QString ResultPanel::correctingHint()
{
    return tr("Correcting: type to find the category, change the price or text; Enter saves, Esc cancels");
}

bool ResultPanel::beginCorrection()
{
    if (m_editor->isCorrecting())
        return true;
    if (m_shownId < 0 || !showsResult())
        return false;
    m_editor->begin(m_result.categories, m_categoryIds, m_chosenId, m_shown.price.point);
    showPages(1);
    m_correct->setText(tr("Cancel"));
    m_correct->setToolTip(tr("Esc"));
    m_accept->setText(tr("Save"));
    m_decision->setText(correctingHint());
    return true;
}

void ResultPanel::endCorrection()
{
    if (!m_editor->isCorrecting())
        return;
    m_editor->end();
    showPages(0);
    m_correct->setText(tr("Correct…"));
    m_correct->setToolTip(tr("C: correct here; Esc cancels"));
    m_accept->setText(tr("Accept"));
}

bool ResultPanel::isCorrecting() const
{
    return m_editor->isCorrecting();
}

void ResultPanel::chooseCategory(const QString &categoryId)
{
    m_chosenId = categoryId;
    Q_EMIT categoryChosen(categoryId);
}

Decision ResultPanel::draftDecision() const
{
    return m_editor->draft(m_chosenId, m_result, m_shown, m_decided);
}

} // namespace listinglens::ui
