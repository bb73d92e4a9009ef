// The result panel showing a photo: the page for its state, the suggestion
// and the text handed to their views, the similar listings and thumbnails.
#include "result_panel.h"
#include "result_panel_p.h"

#include "correction_editor.h"
#include "moderation_overlay.h"
#include "similar_listings_view.h"
#include "suggestion_view.h"

#include <QLabel>
#include <QStackedWidget>

namespace listinglens::ui {

using namespace result_panel;

bool ResultPanel::showsResult() const
{
    return m_pages->currentIndex() == ResultPage;
}

void ResultPanel::showEmpty()
{
    endCorrection();
    m_shownId = -1;
    m_pages->setCurrentIndex(EmptyPage);
}

void ResultPanel::setCategories(const QStringList &ids, const QStringList &names)
{
    m_categoryIds = ids;
    m_categoryNames.clear();
    for (qsizetype i = 0; i < ids.size(); ++i)
        m_categoryNames.insert(ids[i], names.value(i).isEmpty() ? ids[i] : names[i]);
}

QString ResultPanel::categoryName(const QString &id) const
{
    if (const auto it = m_categoryNames.constFind(id); it != m_categoryNames.cend())
        return *it;
    for (const CategoryScore &c : std::as_const(m_result.categories)) {
        if (c.id == id && !c.name.isEmpty())
            return c.name;
    }
    if (m_shown.category.id == id && !m_shown.category.name.isEmpty())
        return m_shown.category.name;
    return id;
}

void ResultPanel::setUndoableId(int itemId)
{
    m_undoableId = itemId;
}

void ResultPanel::showItem(const PhotoItem &item, const QString &duplicateOfName)
{
    // The same result shown again (another category chosen, its suggestion redone, a decision):
    // what the moderator typed stays.
    const bool again = m_shownId == item.id && m_pages->currentIndex() == ResultPage;
    if (!again || item.state != PhotoState::Done)
        endCorrection();
    m_shownId = item.id;
    if (item.state != PhotoState::Done) {
        showMessage(item);
        return;
    }
    const PhotoResult &r = item.result;
    const PhotoResult &s = item.shown();
    m_result = r;
    m_shown = s;
    m_chosenId = item.chosenCategoryId.isEmpty() ? r.category.id : item.chosenCategoryId;
    m_decided = item.decision;
    m_photo->setImage(item.preview);
    // Moderation is of the photo, whichever category the text is redone for.
    m_overlay->setModeration(r.moderation, QSize(r.quality.width, r.quality.height), item.preview.size());
    m_similar->showListings(s, item.predictionId); // thumbnails are kept by listing, whichever photo shows them
    m_suggestion->showItem(item, m_chosenId, duplicateOfName, again);
    m_editor->showPrice(s.price, item.describing);
    // The text the moderator typed for a decision in the chosen category, else the current
    // suggestion's (an untouched text follows it, as withRedoneSuggestion stores it).
    const Decision &d = item.decision;
    const bool decidedHere = d.made && d.categoryId == m_chosenId;
    m_editor->showText(decidedHere && d.titleSet ? d.title : s.title, decidedHere && d.descriptionSet ? d.description : s.description,
                       again);
    m_decision->setText(isCorrecting() ? correctingHint() : decisionInWords(item));
    m_pages->setCurrentIndex(ResultPage);
}

void ResultPanel::showMessage(const PhotoItem &item)
{
    if (item.state == PhotoState::Queued || item.state == PhotoState::Working) {
        m_waitTitle->setText(tr("<h2>%1</h2>").arg(item.name.toHtmlEscaped()));
        m_waitBody->setText(item.state == PhotoState::Queued ? tr("Waiting in the queue…") : tr("Working on it…"));
        m_pages->setCurrentIndex(WaitPage);
        return;
    }
    const bool cancelled = item.state == PhotoState::Cancelled;
    m_messageTitle->setText(cancelled ? tr("<h2>Cancelled</h2><p>%1</p>").arg(item.name.toHtmlEscaped())
                                      : tr("<h2>This photo could not be used</h2><p>%1</p>").arg(item.name.toHtmlEscaped()));
    m_messageBody->setText(tr("<p>%1</p><p><b>What to do:</b> %2</p>")
                               .arg(item.errorMessage.toHtmlEscaped(),
                                    cancelled ? tr("File → Retry cancelled photos (Ctrl+R) sends every cancelled photo again; "
                                                   "Clear cancelled photos takes them out of the strip.")
                                              : item.errorAdvice.toHtmlEscaped()));
    m_pages->setCurrentIndex(MessagePage);
}

void ResultPanel::setSimilarThumbnails(const QList<qint64> &predictionIds, const QList<QImage> &images)
{
    m_similar->setThumbnails(predictionIds, images);
}

QList<qint64> ResultPanel::similarIds() const
{
    return m_similar->ids();
}

QList<qint64> ResultPanel::thumbnailsToLoad()
{
    return m_similar->thumbnailsToLoad();
}

void ResultPanel::forgetThumbnails()
{
    m_similar->forgetThumbnails();
}

void ResultPanel::setListingIndex(std::shared_ptr<const ListingIndex> index)
{
    m_similar->setListingIndex(std::move(index));
}

void ResultPanel::setModerationBoxesShown(bool on)
{
    m_overlay->setBoxesShown(on);
}

bool ResultPanel::moderationBoxesShown() const
{
    return m_overlay->boxesShown();
}

int ResultPanel::selectedChoice() const
{
    return m_suggestion->selectedChoice();
}

void ResultPanel::selectChoice(int choice)
{
    m_suggestion->selectChoice(choice);
}

} // namespace listinglens::ui
