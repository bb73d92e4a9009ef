// The result panel showing a photo's suggestion: the page for its state, the
// price and its basis, badges, similar listings, hints and thumbnails.
#include "result_panel.h"
#include "result_panel_p.h"

#include "moderation_box.h"
#include "moderation_overlay.h"
#include "price_text.h"
#include "similar_listings_view.h"

#include <QButtonGroup>
#include <QDoubleSpinBox>
#include <QKeyEvent>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPainter>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QRadioButton>
#include <QSet>
#include <QStackedWidget>
#include <QVBoxLayout>

namespace listinglens::ui {

using namespace result_panel;

namespace {

QString basisInWords(const PhotoResult &r)
{
    switch (r.price.basis) {
    case PriceBasis::Prior: return ResultPanel::tr("Sample price for %1").arg(r.category.name);
    case PriceBasis::None: return ResultPanel::tr("No price yet: no listing confirmed in %1").arg(r.price.currency);
    case PriceBasis::Category:
        return (r.price.neighbours == 1 ? ResultPanel::tr("Median of 1 confirmed listing in %2")
                                        : ResultPanel::tr("Median of %1 confirmed listings in %2"))
            .arg(r.price.neighbours).arg(r.category.name);
    case PriceBasis::Neighbours:
        return r.price.neighbours == 1 ? ResultPanel::tr("From 1 similar listing")
                                       : ResultPanel::tr("From %1 similar listings").arg(r.price.neighbours);
    }
    return {};
}

QLabel *badge(const QString &text, const QString &colour)
{
    auto *l = new QLabel(text);
    l->setStyleSheet(badgeStyle(colour));
    return l;
}

} // namespace

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
    switch (item.state) {
    case PhotoState::Queued:
    case PhotoState::Working:
        m_waitTitle->setText(tr("<h2>%1</h2>").arg(item.name.toHtmlEscaped()));
        m_waitBody->setText(item.state == PhotoState::Queued ? tr("Waiting in the queue…") : tr("Working on it…"));
        m_pages->setCurrentIndex(WaitPage);
        return;
    case PhotoState::Failed:
    case PhotoState::Cancelled:
        m_messageTitle->setText(item.state == PhotoState::Failed
                                    ? tr("<h2>This photo could not be used</h2><p>%1</p>").arg(item.name.toHtmlEscaped())
                                    : tr("<h2>Cancelled</h2><p>%1</p>").arg(item.name.toHtmlEscaped()));
        m_messageBody->setText(tr("<p>%1</p><p><b>What to do:</b> %2</p>")
                                   .arg(item.errorMessage.toHtmlEscaped(),
                                        item.state == PhotoState::Cancelled
                                            ? tr("File → Retry cancelled photos (Ctrl+R) sends every cancelled photo again; "
                                                 "Clear cancelled photos takes them out of the strip.")
                                            : item.errorAdvice.toHtmlEscaped()));
        m_pages->setCurrentIndex(MessagePage);
        return;
    case PhotoState::Done:
        break;
    }

    const PhotoResult &r = item.result;
    const PhotoResult &s = item.shown();
    m_result = r;
    m_shown = s;
    m_chosenId = item.chosenCategoryId.isEmpty() ? r.category.id : item.chosenCategoryId;
    m_photo->setImage(item.preview);
    // Moderation is of the photo, whichever category the text is redone for.
    m_overlay->setModeration(r.moderation, QSize(r.quality.width, r.quality.height), item.preview.size());
    m_moderation->setModeration(r.moderation);
    showBadges(item, duplicateOfName);
    m_similar->showListings(s); // thumbnails are kept by listing, whichever photo shows them
    showHints(s.hints, again);

    showCategories(r);

    showPrice(item);

    showText(item, s, again);

    m_decision->setText(m_correcting ? correctingHint() : decisionInWords(item));
    m_pages->setCurrentIndex(ResultPage);
}

// The top three with their bars (the chosen one checked) and the model line.
void ResultPanel::showCategories(const PhotoResult &r)
{
    m_filling = true;
    for (int i = 0; i < 3; ++i) {
        const bool has = i < r.categories.size();
        m_choice[i]->setVisible(has);
        m_bar[i]->setVisible(has);
        if (!has)
            continue;
        const CategoryScore &c = r.categories[i];
        QString name = categoryName(c.id);
        name.replace(QLatin1Char('&'), QStringLiteral("&&")); // not a mnemonic
        m_choice[i]->setText(tr("%1  %2 %  (key %3)").arg(name).arg(c.confidence * 100, 0, 'f', 1).arg(i + 1));
        m_bar[i]->setValue(int(c.confidence * 1000));
    }
    const auto chosen = std::find_if(r.categories.begin(), r.categories.end(), [&](const CategoryScore &c) { return c.id == m_chosenId; });
    if (chosen != r.categories.end() && chosen - r.categories.begin() < 3) {
        m_choice[chosen - r.categories.begin()]->setChecked(true);
    } else { // corrected to a category outside the top three
        m_choices->setExclusive(false);
        for (QRadioButton *b : m_choice)
            b->setChecked(false);
        m_choices->setExclusive(true);
    }
    const bool other = chosen == r.categories.end() || chosen - r.categories.begin() >= 3;
    m_otherChoice->setText(other ? tr("<b>Chosen: %1</b>").arg(categoryName(m_chosenId).toHtmlEscaped()) : QString());
    m_otherChoice->setToolTip(tr("None of the model's top three"));
    m_otherChoice->setVisible(other);
    m_filling = false;
    m_model->setText(tr("%1 %2 on %3 · %4")
                         .arg(r.model.name, r.model.version, r.model.device,
                              r.model.head > 0 ? tr("head h%1").arg(r.model.head) : tr("built-in mapping")));
    m_model->setToolTip(m_model->text());
}

// The title and description: the decision's own text when it is for the chosen
// category, else the suggestion's; what the moderator typed stays when shown again.
void ResultPanel::showText(const PhotoItem &item, const PhotoResult &s, bool again)
{
    const Decision &d = item.decision;
    m_decided = d;
    const bool decidedHere = d.made && d.categoryId == m_chosenId; // the decision's own text, else the suggestion's
    const QString title = decidedHere ? d.title : s.title;
    const QString description = decidedHere ? d.description : s.description;
    if (!again || m_title->text() == m_filledTitle)
        m_title->setText(title);
    if (!again || m_description->toPlainText() == m_filledDescription)
        m_description->setPlainText(description);
    m_filledTitle = title;
    m_filledDescription = description;
    m_titleBasis->setText(titleEvidenceInWords(s));
    m_titleBasis->setVisible(!decidedHere && !m_titleBasis->text().isEmpty());
}

void ResultPanel::showPrice(const PhotoItem &item)
{
    const PhotoResult &s = item.shown();
    const Decision &d = item.decision;
    // While the suggestion is redone for the category chosen, the figures shown are the old ones: greyed.
    m_price->setEnabled(!item.describing);
    m_priceEdit->setPrefix(s.price.currency.isEmpty() ? QString() : s.price.currency + QLatin1Char(' '));
    if (m_correcting) {
        // A price the moderator typed stays; one left as filled follows the suggestion.
        if (m_priceEdit->value() == m_filledPrice && !item.describing) {
            m_priceEdit->setValue(s.price.point);
            m_filledPrice = m_priceEdit->value();
        }
    }
    const bool decided = d.made && !item.decisionWaits && d.categoryId == m_chosenId;
    if (decided) {
        m_price->setText(formatPrice(d.currency, d.price));
        const QString suggested = formatPrice(s.price.currency, s.price.point);
        m_priceBasis->setText(formatPrice(d.currency, d.price) != suggested
                                  ? tr("Set by %1 · suggested %2").arg(d.moderator.isEmpty() ? tr("the moderator") : d.moderator, suggested)
                                  : basisInWords(s));
        return;
    }
    const QString range = suggestionRangeText(s.price);
    m_price->setText(range.isEmpty() ? formatPrice(s.price.currency, s.price.point)
                                     : tr("%1   (%2)").arg(formatPrice(s.price.currency, s.price.point), range));
    m_priceBasis->setText(item.describing ? tr("Redoing the price and text for %1…").arg(categoryName(m_chosenId)) : basisInWords(s));
}

void ResultPanel::showBadges(const PhotoItem &item, const QString &duplicateOfName)
{
    const PhotoResult &r = item.shown();
    const QString review = reviewInWords(item.result.review); // of the suggestion: what the moderator is to look at
    m_review->setText(review);
    m_review->setVisible(!review.isEmpty());
    QLayoutItem *child;
    while ((child = m_badges->layout()->takeAt(0))) {
        delete child->widget();
        delete child;
    }
    static const QHash<QString, QString> words = {{QStringLiteral("blurry"), tr("Blurry")},
                                                  {QStringLiteral("too_dark"), tr("Too dark")},
                                                  {QStringLiteral("too_bright"), tr("Too bright")},
                                                  {QStringLiteral("low_resolution"), tr("Low resolution")}};
    // The moderation flags too, once the lane is done (the window merges them into quality.flags as well).
    QStringList flags = r.quality.flags;
    for (const QString &flag : item.result.moderation.flags()) {
        if (!flags.contains(flag))
            flags << flag;
    }
    for (const QString &flag : std::as_const(flags)) {
        if (const QString moderation = ModerationBox::flagInWords(flag); !moderation.isEmpty())
            m_badges->layout()->addWidget(badge(moderation, QStringLiteral("#d35400")));
        else if (flag != QLatin1String("duplicate")) // shown with what it duplicates, below
            m_badges->layout()->addWidget(badge(words.value(flag, flag), QStringLiteral("#c0392b")));
    }
    const QString original = !duplicateOfName.isEmpty() ? duplicateOfName : r.duplicateOfFile.section(QLatin1Char('/'), -1);
    if (!original.isEmpty())
        m_badges->layout()->addWidget(badge(tr("Duplicate of %1").arg(original), QStringLiteral("#8e44ad")));
    if (flags.isEmpty() && original.isEmpty())
        m_badges->layout()->addWidget(badge(tr("Photo quality OK"), QStringLiteral("#2e8b57")));
    static_cast<QHBoxLayout *>(m_badges->layout())->addStretch();
}

void ResultPanel::showHints(const QStringList &hints, bool again)
{
    QSet<QString> ticked; // what the moderator has asked for already stays ticked
    for (int row = 0; again && row < m_hints->count(); ++row) {
        if (m_hints->item(row)->checkState() == Qt::Checked)
            ticked.insert(m_hints->item(row)->text());
    }
    m_hints->clear();
    for (const QString &hint : hints) {
        auto *entry = new QListWidgetItem(hint);
        entry->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable);
        entry->setCheckState(ticked.contains(hint) ? Qt::Checked : Qt::Unchecked);
        m_hints->addItem(entry);
    }
    m_hintsColumn->setVisible(!hints.isEmpty());
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
    return m_choices->checkedId();
}

void ResultPanel::selectChoice(int choice)
{
    if (choice >= 0 && choice < 3 && m_choice[choice]->isVisible())
        m_choice[choice]->setChecked(true);
}

} // namespace listinglens::ui
