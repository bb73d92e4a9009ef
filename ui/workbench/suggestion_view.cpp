#include "suggestion_view.h"

#include "listing_index.h"
#include "moderation_box.h"
#include "percent_text.h"
#include "price_suggester.h"
#include "price_text.h"

#include <QButtonGroup>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHash>
#include <QLabel>
#include <QListWidget>
#include <QProgressBar>
#include <QRadioButton>
#include <QScrollBar>
#include <QSet>
#include <QVBoxLayout>

namespace listinglens::ui {

namespace {

const QString kReviewColour = QStringLiteral("#b9770e"); // as the strip's "needs review"

QString badgeStyle(const QString &colour)
{
    return QStringLiteral("QLabel { background: %1; color: white; border-radius: 9px; padding: 2px 10px; font-weight: 600; }").arg(colour);
}

QLabel *badge(const QString &text, const QString &colour)
{
    auto *l = new QLabel(text);
    l->setStyleSheet(badgeStyle(colour));
    return l;
}

QString basisInWords(const PhotoResult &r)
{
    switch (r.price.basis) {
    case PriceBasis::Prior: return SuggestionView::tr("Sample price for %1").arg(r.category.name);
    case PriceBasis::None: // the database's currency has too few confirmed listings in the category, maybe some
        return r.price.neighbours == 0
                   ? SuggestionView::tr("No price yet: no listing in %1 confirmed in %2").arg(r.category.name, r.price.currency)
                   : SuggestionView::tr("No price yet: %1 of %2 listings in %3 confirmed in %4")
                         .arg(r.price.neighbours)
                         .arg(PriceSuggester::kMinCategoryPrices)
                         .arg(r.category.name, r.price.currency);
    case PriceBasis::Category:
        return (r.price.neighbours == 1 ? SuggestionView::tr("Median of 1 confirmed listing in %2")
                                        : SuggestionView::tr("Median of %1 confirmed listings in %2"))
            .arg(r.price.neighbours).arg(r.category.name);
    case PriceBasis::Neighbours: {
        // The category's priced listings at least kMinSimilarity alike: not the similar listings shown
        // (any category's, kSimilarFloor alike), so it says which they are rather than a count the cards contradict.
        const int alike = qRound(ListingIndex::kMinSimilarity * 100);
        return r.price.neighbours == 1
                   ? SuggestionView::tr("From 1 confirmed listing in %1 at least %2 % alike").arg(r.category.name, QString::number(alike))
                   : SuggestionView::tr("From %1 confirmed listings in %2 at least %3 % alike")
                         .arg(QString::number(r.price.neighbours), r.category.name, QString::number(alike));
    }
    }
    return {};
}

} // namespace

SuggestionView::SuggestionView(CategoryNames names, QWidget *parent) : QObject(parent), m_names(std::move(names))
{
    buildChoices(parent);
    buildFindings(parent);
    buildPriceAndText(parent);
}

// The top three with their bars, the category chosen outside them, the model line.
void SuggestionView::buildChoices(QWidget *parent)
{
    m_choicesPage = new QWidget(parent);
    auto *cl = new QGridLayout(m_choicesPage);
    cl->setContentsMargins(0, 0, 0, 0);
    cl->setVerticalSpacing(2);
    m_choices = new QButtonGroup(this);
    for (int i = 0; i < 3; ++i) {
        m_choice[i] = new QRadioButton;
        m_bar[i] = new QProgressBar;
        m_bar[i]->setRange(0, 1000);
        m_bar[i]->setTextVisible(false);
        m_bar[i]->setFixedHeight(6);
        m_choices->addButton(m_choice[i], i);
        cl->addWidget(m_choice[i], i * 2, 0);
        cl->addWidget(m_bar[i], i * 2 + 1, 0);
    }
    m_otherChoice = new QLabel;
    m_otherChoice->setObjectName(QStringLiteral("otherChoice"));
    m_otherChoice->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred); // one line, whatever the width
    cl->addWidget(m_otherChoice, 6, 0);
    m_model = new QLabel;
    m_model->setObjectName(QStringLiteral("modelLine"));
    m_model->setEnabled(false); // quiet: where the figures come from
    // Never widens the panel: it wraps at the panel's width instead, nothing cut.
    m_model->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_model->setWordWrap(true);
    cl->addWidget(m_model, 7, 0);
    cl->setRowStretch(8, 1);
    connect(m_choices, &QButtonGroup::idToggled, this, [this](int choice, bool on) {
        if (on && !m_filling)
            Q_EMIT categoryChosen(m_categories.value(choice).id);
    });
}

// The review line, the quality and moderation badges, and moderation's findings.
void SuggestionView::buildFindings(QWidget *parent)
{
    m_review = new QLabel(parent);
    m_review->setObjectName(QStringLiteral("reviewBadge"));
    m_review->setWordWrap(true);
    m_review->setStyleSheet(badgeStyle(kReviewColour));
    m_badges = new QWidget(parent);
    new QHBoxLayout(m_badges);
    m_badges->layout()->setContentsMargins(0, 0, 0, 0);
    m_moderation = new ModerationBox(parent);
    connect(m_moderation, &ModerationBox::detailOffered, this, &SuggestionView::detailOffered);
}

// The price with its basis; the title's evidence; the checklist for the seller.
void SuggestionView::buildPriceAndText(QWidget *parent)
{
    m_price = new QLabel(parent);
    m_price->setObjectName(QStringLiteral("price"));
    QFont big = m_price->font();
    big.setPointSizeF(big.pointSizeF() * 1.5);
    big.setBold(true);
    m_price->setFont(big);
    m_priceBasis = new QLabel(parent);
    m_priceBasis->setObjectName(QStringLiteral("priceBasis"));
    m_priceBasis->setWordWrap(true);
    m_titleBasis = new QLabel(parent);
    m_titleBasis->setObjectName(QStringLiteral("titleBasis"));
    m_titleBasis->setEnabled(false);
    m_titleBasis->setWordWrap(true); // each word's evidence can be long: it wraps, never widens the window
    // Beside the buyer's text, what the seller should be asked for: a checklist, never listing text.
    m_hintsColumn = new QWidget(parent);
    auto *hl = new QVBoxLayout(m_hintsColumn);
    hl->setContentsMargins(0, 0, 0, 0);
    auto *hintsLabel = new QLabel(tr("Ask the seller to add"));
    m_hints = new QListWidget;
    m_hints->setObjectName(QStringLiteral("hints"));
    m_hints->setWordWrap(true);
    // As tall as its rows, without a scrollbar of its own, up to two lines:
    // past them it scrolls, so that a long checklist cannot push the window
    // past a 1024 x 700 screen (tst_workbench).
    m_hints->setVerticalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    m_hints->setSizeAdjustPolicy(QAbstractScrollArea::AdjustToContents);
    m_hints->setMaximumHeight(m_hints->fontMetrics().lineSpacing() * 2 + 10);
    m_hints->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
    // Rows rewrap when the panel narrows: the height follows the new contents.
    connect(m_hints->verticalScrollBar(), &QScrollBar::rangeChanged, m_hints, [this] { m_hints->updateGeometry(); });
    hintsLabel->setBuddy(m_hints);
    hl->addWidget(hintsLabel);
    hl->addWidget(m_hints, 1);
}

void SuggestionView::showItem(const PhotoItem &item, const QString &chosenId, const QString &duplicateOfName, bool again)
{
    const PhotoResult &r = item.result;
    const PhotoResult &s = item.shown();
    // Moderation is of the photo, whichever category the text is redone for.
    m_moderation->setModeration(r.moderation);
    showBadges(item, duplicateOfName);
    showHints(s.hints, again);
    showCategories(r, chosenId);
    showPrice(item, chosenId);
    // A decision for the chosen category shows its own text: the evidence is of the suggestion's.
    const bool decidedHere = item.decision.made && item.decision.categoryId == chosenId;
    m_titleBasis->setText(titleEvidenceInWords(s));
    m_titleBasis->setVisible(!decidedHere && !m_titleBasis->text().isEmpty());
}

// The top three with their bars (the chosen one checked) and the model line.
void SuggestionView::showCategories(const PhotoResult &r, const QString &chosenId)
{
    m_filling = true;
    m_categories = r.categories;
    for (int i = 0; i < 3; ++i) {
        const bool has = i < r.categories.size();
        m_choice[i]->setVisible(has);
        m_bar[i]->setVisible(has);
        if (!has)
            continue;
        const CategoryScore &c = r.categories[i];
        QString name = m_names(c.id);
        name.replace(QLatin1Char('&'), QStringLiteral("&&")); // not a mnemonic
        m_choice[i]->setText(tr("%1  %2 %  (key %3)").arg(name, confidencePercent(c.confidence, 1)).arg(i + 1));
        m_bar[i]->setValue(int(c.confidence * 1000));
    }
    const auto chosen = std::find_if(r.categories.begin(), r.categories.end(), [&](const CategoryScore &c) { return c.id == chosenId; });
    if (chosen != r.categories.end() && chosen - r.categories.begin() < 3) {
        m_choice[chosen - r.categories.begin()]->setChecked(true);
    } else { // corrected to a category outside the top three
        m_choices->setExclusive(false);
        for (QRadioButton *b : m_choice)
            b->setChecked(false);
        m_choices->setExclusive(true);
    }
    const bool other = chosen == r.categories.end() || chosen - r.categories.begin() >= 3;
    m_otherChoice->setText(other ? tr("<b>Chosen: %1</b>").arg(m_names(chosenId).toHtmlEscaped()) : QString());
    m_otherChoice->setToolTip(tr("None of the model's top three"));
    m_otherChoice->setVisible(other);
    m_filling = false;
    // What the categories come from first.
    m_model->setText(tr("%1 · %2 %3 on %4")
                         .arg(r.model.head > 0 ? tr("head h%1").arg(r.model.head) : tr("built-in mapping"),
                              r.model.name, r.model.version, r.model.device));
    m_model->setToolTip(m_model->text());
}

void SuggestionView::showPrice(const PhotoItem &item, const QString &chosenId)
{
    const PhotoResult &s = item.shown();
    const Decision &d = item.decision;
    // While the suggestion is redone for the category chosen, the figures shown are the old ones: greyed.
    m_price->setEnabled(!item.describing);
    const bool decided = d.made && !item.decisionWaits && d.categoryId == chosenId;
    if (decided) {
        m_price->setText(formatPrice(d.currency, d.price));
        const QString suggested = formatSuggestedPrice(s.price);
        m_priceBasis->setText(formatPrice(d.currency, d.price) != suggested
                                  ? tr("Set by %1 · suggested %2").arg(d.moderator.isEmpty() ? tr("the moderator") : d.moderator, suggested)
                                  : basisInWords(s));
        return;
    }
    const QString range = suggestionRangeText(s.price);
    m_price->setText(range.isEmpty() ? formatSuggestedPrice(s.price) : tr("%1   (%2)").arg(formatSuggestedPrice(s.price), range));
    m_priceBasis->setText(item.describing ? tr("Redoing the price and text for %1…").arg(m_names(chosenId)) : basisInWords(s));
}

void SuggestionView::showBadges(const PhotoItem &item, const QString &duplicateOfName)
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

void SuggestionView::showHints(const QStringList &hints, bool again)
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

int SuggestionView::selectedChoice() const
{
    return m_choices->checkedId();
}

void SuggestionView::selectChoice(int choice)
{
    if (choice >= 0 && choice < 3 && m_choice[choice]->isVisible())
        m_choice[choice]->setChecked(true);
}

QString SuggestionView::titleEvidenceInWords(const PhotoResult &r)
{
    const QHash<QString, QString> from = {{QStringLiteral("photo_text"), tr("read on the photo")},
                                          {QStringLiteral("nearest"), tr("the nearest confirmed listing")},
                                          {QStringLiteral("similar"), tr("most similar listings")},
                                          {QStringLiteral("learned"), tr("what this market's sellers write for such photos")},
                                          {QStringLiteral("market"), tr("this market's word for the category")},
                                          {QStringLiteral("label"), tr("the model's label")},
                                          {QStringLiteral("category"), tr("the category")},
                                          {QStringLiteral("colour"), tr("the photo's colour")}};
    // Runs of words from the same evidence together: "Gaming laptop: most similar listings".
    QStringList parts;
    QStringList run;
    for (qsizetype i = 0; i < r.titleWords.size(); ++i) {
        run << r.titleWords[i].word;
        if (i + 1 == r.titleWords.size() || r.titleWords[i + 1].from != r.titleWords[i].from) {
            parts << tr("%1: %2").arg(run.join(QLatin1Char(' ')), from.value(r.titleWords[i].from, r.titleWords[i].from));
            run.clear();
        }
    }
    return parts.isEmpty() ? QString() : tr("From %1").arg(parts.join(QStringLiteral(" · ")));
}

} // namespace listinglens::ui
