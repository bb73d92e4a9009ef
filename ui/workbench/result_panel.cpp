// The result panel's layout: the empty, wait and message pages, and the
// result page that places the suggestion view's and the correction editor's
// parts (correcting happens in place), the similar listings and the actions.
#include "result_panel.h"
#include "result_panel_p.h"

#include "correction_editor.h"
#include "moderation_box.h"
#include "moderation_overlay.h"
#include "similar_listings_view.h"
#include "suggestion_view.h"

#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QStackedWidget>
#include <QVBoxLayout>

namespace listinglens::ui {

using namespace result_panel;

ResultPanel::ResultPanel(QWidget *parent) : QWidget(parent)
{
    const auto names = [this](const QString &id) { return categoryName(id); };
    m_suggestion = new SuggestionView(names, this);
    m_editor = new CorrectionEditor(names, this);
    // One way: the views say what the moderator did; the panel acts on it.
    connect(m_suggestion, &SuggestionView::categoryChosen, this, &ResultPanel::chooseCategory);
    connect(m_editor, &CorrectionEditor::categoryChosen, this, &ResultPanel::chooseCategory);
    connect(m_suggestion, &SuggestionView::detailOffered, m_editor, &CorrectionEditor::addDetail);

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
    m_overlay = new ModerationOverlay(m_photo);
    left->addWidget(m_photo, 1);
    left->addWidget(m_suggestion->review()); // a line of its own: the reasons can be long
    left->addWidget(m_suggestion->badges());
    left->addWidget(m_suggestion->moderation());
    return left;
}

// The top three with their bars, or, correcting, any category found by name.
QGroupBox *ResultPanel::buildCategoryBox()
{
    auto *categoryBox = new QGroupBox(tr("Category"));
    auto *categoryLayout = new QVBoxLayout(categoryBox);
    categoryLayout->setContentsMargins(6, 4, 6, 4);
    m_categoryPages = new QStackedWidget;
    m_categoryPages->addWidget(m_suggestion->choices());
    m_categoryPages->addWidget(m_editor->categoryPicker());
    categoryLayout->addWidget(m_categoryPages);
    return categoryBox;
}

// The price with its basis, or, correcting, its field.
QGroupBox *ResultPanel::buildPriceBox()
{
    auto *priceBox = new QGroupBox(tr("Price"));
    auto *pl = new QVBoxLayout(priceBox);
    pl->setContentsMargins(6, 4, 6, 4);
    pl->setSpacing(2);
    m_pricePages = new QStackedWidget;
    m_pricePages->addWidget(m_suggestion->price());
    m_pricePages->addWidget(m_editor->priceField());
    m_pricePages->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
    pl->addWidget(m_pricePages);
    pl->addWidget(m_suggestion->priceBasis());
    return priceBox;
}

// Title, its evidence, the description, and the checklist for the seller.
QGroupBox *ResultPanel::buildTextBox()
{
    auto *textBox = new QGroupBox(tr("Listing text"));
    auto *tl = new QFormLayout(textBox);
    tl->setContentsMargins(6, 4, 6, 4);
    tl->setVerticalSpacing(3);
    // The description over the whole width, the checklist under it.
    tl->addRow(tr("Title"), m_editor->title());
    tl->addRow(QString(), m_suggestion->titleEvidence());
    tl->addRow(m_editor->description());
    tl->addRow(m_suggestion->hints());
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
        if (m_editor->isCorrecting())
            Q_EMIT correctionCancelRequested();
        else
            Q_EMIT correctRequested();
    });
    return actions;
}

} // namespace listinglens::ui
