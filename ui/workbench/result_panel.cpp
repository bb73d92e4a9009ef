#include "result_panel.h"

#include "moderation_box.h"
#include "moderation_overlay.h"
#include "price_text.h"

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

// The photo, as large as the space allows, aspect kept.
class PhotoView : public QWidget {
public:
    using QWidget::QWidget;
    void setImage(const QImage &image)
    {
        m_image = image;
        update();
    }

protected:
    void paintEvent(QPaintEvent *) override
    {
        QPainter p(this);
        p.fillRect(rect(), palette().window());
        if (m_image.isNull())
            return;
        const QSize s = m_image.size().scaled(size(), Qt::KeepAspectRatio);
        p.setRenderHint(QPainter::SmoothPixmapTransform);
        p.drawImage(QRect(QPoint((width() - s.width()) / 2, (height() - s.height()) / 2), s), m_image);
    }
    QSize sizeHint() const override { return {520, 390}; }

private:
    QImage m_image;
};

namespace {

enum Page { EmptyPage, ResultPage, MessagePage, WaitPage };

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

// Up and Down in the category search move through the list under it.
class SearchKeys : public QObject {
public:
    SearchKeys(QListWidget *list, QObject *parent) : QObject(parent), m_list(list) {}

protected:
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (event->type() != QEvent::KeyPress)
            return QObject::eventFilter(watched, event);
        const int key = static_cast<QKeyEvent *>(event)->key();
        if (key != Qt::Key_Up && key != Qt::Key_Down)
            return false;
        const int step = key == Qt::Key_Down ? 1 : -1;
        for (int row = m_list->currentRow() + step; row >= 0 && row < m_list->count(); row += step) {
            if (!m_list->item(row)->isHidden()) {
                m_list->setCurrentRow(row);
                break;
            }
        }
        return true;
    }

private:
    QListWidget *m_list;
};

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

} // namespace

ResultPanel::ResultPanel(QWidget *parent) : QWidget(parent)
{
    m_pages = new QStackedWidget(this);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_pages);

    // Empty: how to begin.
    auto *empty = new QWidget;
    auto *el = new QVBoxLayout(empty);
    el->addStretch();
    auto *hello = new QLabel(tr("<h2>Drop photos or a folder anywhere on this window</h2>"
                                "<p>ListingLens suggests the category, a price and a description for each photo.</p>"));
    hello->setAlignment(Qt::AlignCenter);
    el->addWidget(hello);
    auto *buttons = new QHBoxLayout;
    buttons->addStretch();
    auto *open = new QPushButton(tr("Open photos…"));
    auto *samples = new QPushButton(tr("Try sample photos"));
    buttons->addWidget(open);
    buttons->addWidget(samples);
    buttons->addStretch();
    el->addLayout(buttons);
    el->addStretch();
    connect(open, &QPushButton::clicked, this, &ResultPanel::openPhotosRequested);
    connect(samples, &QPushButton::clicked, this, &ResultPanel::samplesRequested);

    m_pages->insertWidget(EmptyPage, empty);
    m_pages->insertWidget(ResultPage, buildResultPage());
    m_pages->insertWidget(MessagePage, buildMessagePage(m_messageTitle, m_messageBody));
    m_pages->insertWidget(WaitPage, buildMessagePage(m_waitTitle, m_waitBody));
    showPages(0);
    showEmpty();
}

QWidget *ResultPanel::buildMessagePage(QLabel *&title, QLabel *&body)
{
    auto *page = new QWidget;
    auto *l = new QVBoxLayout(page);
    l->addStretch();
    title = new QLabel;
    body = new QLabel;
    for (QLabel *label : {title, body}) {
        label->setAlignment(Qt::AlignCenter);
        label->setWordWrap(true);
        l->addWidget(label);
    }
    l->addStretch();
    return page;
}

QWidget *ResultPanel::buildResultPage()
{
    auto *page = new QWidget;
    // The photo and the suggestion side by side; the decision line and the buttons under both.
    auto *pageLayout = new QVBoxLayout(page);
    pageLayout->setContentsMargins(6, 6, 6, 6);
    auto *row = new QHBoxLayout;
    pageLayout->addLayout(row, 1);

    auto *left = new QVBoxLayout;
    m_photo = new PhotoView;
    m_photo->setObjectName(QStringLiteral("photo"));
    m_photo->setMinimumSize(400, 260); // large at 1024 x 700 too
    m_review = new QLabel;
    m_review->setObjectName(QStringLiteral("reviewBadge"));
    m_review->setWordWrap(true);
    m_review->setStyleSheet(badgeStyle(kReviewColour));
    m_badges = new QWidget;
    new QHBoxLayout(m_badges);
    m_badges->layout()->setContentsMargins(0, 0, 0, 0);
    m_overlay = new ModerationOverlay(m_photo);
    m_moderation = new ModerationBox;
    connect(m_moderation, &ModerationBox::detailOffered, this, [this](const QString &detail) {
        const QString text = m_description->toPlainText();
        if (!text.contains(detail))
            m_description->setPlainText(text.isEmpty() ? detail : text + QLatin1Char('\n') + detail);
    });
    left->addWidget(m_photo, 1);
    left->addWidget(m_review); // a line of its own: the reasons can be long
    left->addWidget(m_badges);
    left->addWidget(m_moderation);
    row->addLayout(left, 3);

    auto *right = new QVBoxLayout;
    auto *categoryBox = new QGroupBox(tr("Category"));
    auto *categoryLayout = new QVBoxLayout(categoryBox);
    categoryLayout->setContentsMargins(6, 4, 6, 4);
    m_categoryPages = new QStackedWidget;
    auto *choicesPage = new QWidget;
    auto *cl = new QGridLayout(choicesPage);
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
    m_model->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred); // one line; all of it in the tooltip
    cl->addWidget(m_model, 7, 0);
    connect(m_choices, &QButtonGroup::idToggled, this, [this](int choice, bool on) {
        if (!on || m_filling)
            return;
        m_chosenId = m_result.categories.value(choice).id;
        Q_EMIT categoryChosen(m_chosenId);
    });
    // Correcting: any category, found by typing part of its name.
    auto *searchPage = new QWidget;
    auto *sp = new QVBoxLayout(searchPage);
    sp->setContentsMargins(0, 0, 0, 0);
    sp->setSpacing(2);
    m_search = new QLineEdit;
    m_search->setObjectName(QStringLiteral("categorySearch"));
    m_search->setPlaceholderText(tr("Type to find a category"));
    m_search->setClearButtonEnabled(true);
    m_search->setAcceptDrops(false);
    m_categoryList = new QListWidget;
    m_categoryList->setObjectName(QStringLiteral("categoryList"));
    m_categoryList->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_categoryList->setFocusPolicy(Qt::ClickFocus);
    m_search->installEventFilter(new SearchKeys(m_categoryList, this));
    sp->addWidget(m_search);
    sp->addWidget(m_categoryList, 1);
    connect(m_search, &QLineEdit::textChanged, this, &ResultPanel::filterCategories);
    connect(m_categoryList, &QListWidget::currentItemChanged, this, [this](QListWidgetItem *current) {
        if (!current || m_filling || !m_correcting)
            return;
        const QString id = current->data(Qt::UserRole).toString();
        if (id == m_chosenId)
            return;
        m_chosenId = id;
        Q_EMIT categoryChosen(id);
    });
    m_categoryPages->addWidget(choicesPage);
    m_categoryPages->addWidget(searchPage);
    m_categoryList->setMinimumHeight(m_categoryList->fontMetrics().lineSpacing() * 4 + 8);
    m_categoryList->setMaximumHeight(m_categoryList->fontMetrics().lineSpacing() * 9 + 8);
    categoryLayout->addWidget(m_categoryPages);
    cl->setRowStretch(8, 1);
    right->addWidget(categoryBox);

    auto *priceBox = new QGroupBox(tr("Price"));
    auto *pl = new QVBoxLayout(priceBox);
    pl->setContentsMargins(6, 4, 6, 4);
    pl->setSpacing(2);
    m_price = new QLabel;
    m_price->setObjectName(QStringLiteral("price"));
    QFont big = m_price->font();
    big.setPointSizeF(big.pointSizeF() * 1.5);
    big.setBold(true);
    m_price->setFont(big);
    m_priceEdit = new QDoubleSpinBox;
    m_priceEdit->setObjectName(QStringLiteral("priceEdit"));
    m_priceEdit->setRange(0, 10'000'000);
    m_priceEdit->setDecimals(2);
    m_priceEdit->setGroupSeparatorShown(true);
    m_priceEdit->setFont(big);
    m_pricePages = new QStackedWidget;
    m_pricePages->addWidget(m_price);
    m_pricePages->addWidget(m_priceEdit);
    m_pricePages->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
    m_priceBasis = new QLabel;
    m_priceBasis->setObjectName(QStringLiteral("priceBasis"));
    m_priceBasis->setWordWrap(true);
    pl->addWidget(m_pricePages);
    pl->addWidget(m_priceBasis);
    right->addWidget(priceBox);

    auto *textBox = new QGroupBox(tr("Listing text"));
    auto *tl = new QFormLayout(textBox);
    tl->setContentsMargins(6, 4, 6, 4);
    tl->setVerticalSpacing(3);
    m_title = new QLineEdit;
    m_title->setObjectName(QStringLiteral("title"));
    m_titleBasis = new QLabel;
    m_titleBasis->setObjectName(QStringLiteral("titleBasis"));
    m_titleBasis->setEnabled(false);
    m_description = new QPlainTextEdit;
    m_description->setObjectName(QStringLiteral("description"));
    m_description->setTabChangesFocus(true);
    // Room for a few lines; the similar listings below get the rest.
    m_description->setMinimumHeight(m_description->fontMetrics().lineSpacing() * 3 + 12);
    m_description->setMaximumHeight(m_description->fontMetrics().lineSpacing() * 6 + 12);
    // Photos dropped here go to the window, not into the text as a file URL.
    m_title->setAcceptDrops(false);
    m_description->setAcceptDrops(false);
    // Beside the buyer's text, what the seller should be asked for: a checklist, never listing text.
    m_hintsColumn = new QWidget;
    auto *hl = new QVBoxLayout(m_hintsColumn);
    hl->setContentsMargins(0, 0, 0, 0);
    auto *hintsLabel = new QLabel(tr("Ask the seller to add"));
    m_hints = new QListWidget;
    m_hints->setObjectName(QStringLiteral("hints"));
    m_hints->setWordWrap(true);
    m_hints->setMaximumHeight(m_hints->fontMetrics().lineSpacing() * 2 + 10);
    hintsLabel->setBuddy(m_hints);
    hl->addWidget(hintsLabel);
    hl->addWidget(m_hints, 1);
    // The description over the whole width, the checklist under it.
    tl->addRow(tr("Title"), m_title);
    tl->addRow(QString(), m_titleBasis);
    m_description->setPlaceholderText(tr("Description"));
    tl->addRow(m_description);
    tl->addRow(m_hintsColumn);
    right->addWidget(textBox);

    // Cards, one a row: thumbnail, title, confirmed price, category, how alike.
    auto *similarBox = new QGroupBox(tr("Similar earlier listings"));
    auto *sl = new QVBoxLayout(similarBox);
    sl->setContentsMargins(6, 4, 6, 4);
    m_similar = new QListWidget;
    m_similar->setObjectName(QStringLiteral("similar"));
    m_similar->setIconSize(QSize(48, 48));
    m_similar->setWordWrap(true);
    m_similar->setTextElideMode(Qt::ElideRight);
    m_similar->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_similar->setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    m_similar->setMinimumHeight(2 * 54 + 6); // two cards at least
    m_similar->setFocusPolicy(Qt::NoFocus);
    m_noSimilar = new QLabel(tr("None yet: similar earlier listings appear here as history grows."));
    m_noSimilar->setWordWrap(true);
    m_noSimilar->setEnabled(false);
    m_noSimilar->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    sl->addWidget(m_similar, 1);
    sl->addWidget(m_noSimilar, 1);
    right->addWidget(similarBox, 1);

    m_decision = new QLabel;
    m_decision->setObjectName(QStringLiteral("decision"));
    m_decision->setWordWrap(true);
    auto *actions = new QHBoxLayout;
    actions->addWidget(m_decision, 1);
    m_correct = new QPushButton(tr("Correct…"));
    m_correct->setObjectName(QStringLiteral("correct"));
    m_correct->setToolTip(tr("C: correct here; Esc cancels"));
    m_accept = new QPushButton(tr("Accept"));
    m_accept->setObjectName(QStringLiteral("accept"));
    m_accept->setDefault(true);
    m_accept->setToolTip(tr("Enter"));
    actions->addWidget(m_correct);
    actions->addWidget(m_accept);
    pageLayout->addLayout(actions);
    // Correcting, the same two buttons save and cancel.
    connect(m_accept, &QPushButton::clicked, this, [this] { Q_EMIT acceptRequested(); });
    connect(m_correct, &QPushButton::clicked, this, [this] {
        if (m_correcting)
            Q_EMIT correctionCancelRequested();
        else
            Q_EMIT correctRequested();
    });

    row->addLayout(right, 2);
    return page;
}

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
    showSimilar(s, again);
    showHints(s.hints, again);

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

    showPrice(item);

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

    m_decision->setText(m_correcting ? correctingHint() : decisionInWords(item));
    m_pages->setCurrentIndex(ResultPage);
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

void ResultPanel::showSimilar(const PhotoResult &s, bool again)
{
    Q_UNUSED(again) // thumbnails are kept by listing, whichever photo shows them
    m_similar->clear();
    const int cardHeight = std::max(m_similar->iconSize().height() + 6, m_similar->fontMetrics().lineSpacing() * 2 + 10);
    for (const SimilarListing &l : s.similar) {
        // A title the moderator confirmed, else what it is; a file name only when nothing else is known.
        const bool titled = l.confirmed && !l.title.isEmpty();
        QString heading = titled ? l.title : categoryName(l.categoryId);
        if (heading.isEmpty())
            heading = l.fileName.section(QLatin1Char('/'), -1);
        QStringList parts;
        parts << (l.confirmed ? tr("%1 confirmed").arg(formatPrice(s.price.currency, l.price)) : tr("not confirmed"));
        if (titled)
            parts << categoryName(l.categoryId);
        parts << tr("%1 % alike").arg(qRound(l.similarity * 100));
        const QString details = parts.join(QStringLiteral(" · "));
        auto *entry = new QListWidgetItem(QStringLiteral("%1\n%2").arg(heading, details));
        entry->setData(Qt::UserRole, l.id);
        entry->setToolTip(l.fileName.isEmpty() ? details : tr("%1\n%2").arg(details, l.fileName));
        entry->setSizeHint(QSize(0, cardHeight));
        if (const QPixmap thumb = m_thumbnails.value(l.id); !thumb.isNull())
            entry->setIcon(thumb);
        m_similar->addItem(entry);
    }
    m_similar->setVisible(!s.similar.isEmpty());
    m_noSimilar->setVisible(s.similar.isEmpty());
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
    if (m_thumbnails.size() > 2000) // a long session: keep memory bounded
        m_thumbnails.clear();
    for (qsizetype i = 0; i < predictionIds.size(); ++i) {
        const QImage image = images.value(i);
        if (m_thumbnails.contains(predictionIds[i])) // asked for since the database was last opened
            m_thumbnails.insert(predictionIds[i], image.isNull() ? QPixmap() : QPixmap::fromImage(image));
    }
    for (int row = 0; row < m_similar->count(); ++row) {
        QListWidgetItem *entry = m_similar->item(row);
        if (const QPixmap thumb = m_thumbnails.value(entry->data(Qt::UserRole).toLongLong()); !thumb.isNull())
            entry->setIcon(thumb);
    }
}

QList<qint64> ResultPanel::similarIds() const
{
    QList<qint64> ids;
    for (int row = 0; row < m_similar->count(); ++row)
        ids << m_similar->item(row)->data(Qt::UserRole).toLongLong();
    return ids;
}

QList<qint64> ResultPanel::thumbnailsToLoad()
{
    QList<qint64> ids = similarIds();
    ids.removeIf([this](qint64 id) { return m_thumbnails.contains(id); });
    for (qint64 id : std::as_const(ids))
        m_thumbnails.insert(id, QPixmap()); // asked for: not asked again while the answer is on its way
    return ids;
}

void ResultPanel::forgetThumbnails()
{
    m_thumbnails.clear();
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
