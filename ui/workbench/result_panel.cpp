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
    row->addLayout(buildPhotoColumn(), 3);
    auto *right = new QVBoxLayout;
    right->addWidget(buildCategoryBox());
    right->addWidget(buildPriceBox());
    right->addWidget(buildTextBox());
    m_similar = new SimilarListingsView([this](const QString &id) { return categoryName(id); });
    right->addWidget(m_similar, 1);
    row->addLayout(right, 2);
    pageLayout->addLayout(buildActions());
    return page;
}

// The photo, its review line, badges and what was read on it.
QVBoxLayout *ResultPanel::buildPhotoColumn()
{
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
    return left;
}

// The top three with their bars, or, correcting, any category found by name.
QGroupBox *ResultPanel::buildCategoryBox()
{
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
    return categoryBox;
}

QGroupBox *ResultPanel::buildPriceBox()
{
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
    return priceBox;
}

// Title, its evidence, the description, and the checklist for the seller.
QGroupBox *ResultPanel::buildTextBox()
{
    auto *textBox = new QGroupBox(tr("Listing text"));
    auto *tl = new QFormLayout(textBox);
    tl->setContentsMargins(6, 4, 6, 4);
    tl->setVerticalSpacing(3);
    m_title = new QLineEdit;
    m_title->setObjectName(QStringLiteral("title"));
    m_titleBasis = new QLabel;
    m_titleBasis->setObjectName(QStringLiteral("titleBasis"));
    m_titleBasis->setEnabled(false);
    m_titleBasis->setWordWrap(true); // each word's evidence can be long: it wraps, never widens the window
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
    return textBox;
}

// The decision line and the two buttons (Accept and Correct; correcting, Save and Cancel).
QHBoxLayout *ResultPanel::buildActions()
{
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
    // Correcting, the same two buttons save and cancel.
    connect(m_accept, &QPushButton::clicked, this, [this] { Q_EMIT acceptRequested(); });
    connect(m_correct, &QPushButton::clicked, this, [this] {
        if (m_correcting)
            Q_EMIT correctionCancelRequested();
        else
            Q_EMIT correctRequested();
    });
    return actions;
}

} // namespace listinglens::ui
