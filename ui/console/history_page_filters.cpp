// The history page's filters: the widgets, their three rows and what each
// change does (a refresh once the change settles).
#include "history_page.h"

#include "console_worker.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateEdit>
#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpressionValidator>
#include <QVBoxLayout>

namespace listinglens::ui {

void HistoryPage::setupFilters()
{
    makeWhenAndWhatFilters();
    makeHowFilters();
    makeFilterActions();
    layoutFilters();
    connectFilters();
}

// When, which categories, what was decided and flagged.
void HistoryPage::makeWhenAndWhatFilters()
{
    m_from = new QDateEdit(QDate::currentDate().addDays(-30));
    m_until = new QDateEdit(QDate::currentDate());
    for (QDateEdit *d : {m_from, m_until}) {
        d->setCalendarPopup(true);
        d->setDisplayFormat(QStringLiteral("yyyy-MM-dd"));
    }
    m_from->setSpecialValueText(tr("any"));
    m_from->setMinimumDate(QDate(2000, 1, 1));
    m_from->setDate(m_from->minimumDate()); // "any": everything until told otherwise
    m_from->setToolTip(tr("From this day"));
    m_until->setToolTip(tr("Until the end of this day"));
    m_category = new QComboBox;
    m_category->addItem(tr("any suggested category"), QString());
    m_category->setToolTip(tr("The category the model suggested"));
    m_confirmed = new QComboBox;
    m_confirmed->setObjectName(QStringLiteral("confirmedFilter"));
    m_confirmed->addItem(tr("any confirmed category"), QString());
    m_confirmed->setToolTip(tr("The category a moderator confirmed (set by a click in the Quality page's matrix)"));
    for (QComboBox *box : {m_category, m_confirmed}) { // a long category name never widens the page: it is elided
        box->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
        box->setMinimumContentsLength(18);
    }
    setCategories(m_names.ids());
    m_feedback = new QComboBox;
    m_feedback->addItem(tr("any decision"), QString());
    m_feedback->addItem(tr("no decision yet"), QStringLiteral("none"));
    m_feedback->addItem(tr("accepted by a moderator"), QStringLiteral("accepted"));
    m_feedback->addItem(tr("corrected by a moderator"), QStringLiteral("corrected"));
    m_feedback->addItem(tr("imported listing"), QStringLiteral("imported"));
    // Quality and moderation flags alike: both are in the prediction's flags.
    m_flag = new QComboBox;
    m_flag->setObjectName(QStringLiteral("flagFilter"));
    m_flag->addItem(tr("any flag"), QString());
    for (const char *f : {"contact_details", "stock_photo_text", "person_in_photo", "blurry", "too_dark", "too_bright",
                          "low_resolution", "duplicate"})
        m_flag->addItem(QString::fromLatin1(f).replace(QLatin1Char('_'), QLatin1Char(' ')), QString::fromLatin1(f));
}

// How sure, how made, and the text.
void HistoryPage::makeHowFilters()
{
    m_minConfidence = new QDoubleSpinBox;
    m_maxConfidence = new QDoubleSpinBox;
    for (QDoubleSpinBox *s : {m_minConfidence, m_maxConfidence}) {
        s->setRange(0, 100);
        s->setSuffix(QStringLiteral(" %"));
        s->setDecimals(0);
    }
    m_maxConfidence->setValue(100);
    m_model_version = new QLineEdit;
    m_model_version->setPlaceholderText(tr("model version"));
    m_model_version->setMaximumWidth(120);
    m_needsReview = new QCheckBox(tr("needs review"));
    m_needsReview->setToolTip(tr("Only results that said a moderator should look (unsure, outside the taxonomy, a duplicate, a poor photo)"));
    m_head = new QLineEdit;
    m_head->setPlaceholderText(tr("any head"));
    m_head->setToolTip(tr("Only results made with this category head (h3 or 3), or with the built-in mapping (builtin)"));
    m_head->setValidator(new QRegularExpressionValidator( // what parseHeadFilter takes, or a start of it
        QRegularExpression(QStringLiteral("h?[1-9][0-9]*|built-?in"), QRegularExpression::CaseInsensitiveOption), m_head));
    m_head->setFixedWidth(86);
    m_search = new QLineEdit;
    m_search->setPlaceholderText(tr("Search suggested and confirmed text"));
    m_search->setToolTip(tr("Finds the words in the suggested and in the confirmed title and description"));
    m_search->setClearButtonEnabled(true);
}

void HistoryPage::makeFilterActions()
{
    m_clear = new QPushButton(tr("Clear filters"));
    m_count = new QLabel;
    m_count->setObjectName(QStringLiteral("historyCount"));
    m_count->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_exportButton = new QPushButton(tr("Export to CSV…"));
    m_exportButton->setToolTip(tr("Every row the filters match, with the suggestion, the standing decision, who made it and when"));
    m_exportProgress = new QProgressBar;
    m_exportProgress->setRange(0, 0);
    m_exportProgress->setFormat(tr("%v rows"));
    m_exportProgress->hide();
    m_exportCancel = new QPushButton(tr("Cancel export"));
    m_exportCancel->hide();
}

void HistoryPage::layoutFilters()
{
    // Three rows that fit a 1024 px window: when and which categories, what was
    // decided and flagged, then the text, how sure and how made, and the actions.
    auto *filters = new QHBoxLayout;
    filters->addWidget(m_from);
    filters->addWidget(new QLabel(QStringLiteral("–")));
    filters->addWidget(m_until);
    filters->addWidget(m_category, 1);
    filters->addWidget(m_confirmed, 1);
    auto *decisions = new QHBoxLayout;
    decisions->addWidget(m_feedback);
    decisions->addWidget(m_flag);
    decisions->addWidget(m_needsReview);
    decisions->addStretch();
    decisions->addWidget(m_count);
    auto *actions = new QHBoxLayout;
    actions->addWidget(m_search, 1);
    actions->addWidget(new QLabel(tr("confidence")));
    actions->addWidget(m_minConfidence);
    actions->addWidget(new QLabel(QStringLiteral("–")));
    actions->addWidget(m_maxConfidence);
    actions->addWidget(m_model_version);
    actions->addWidget(m_head);
    actions->addWidget(m_clear);
    actions->addWidget(m_exportButton);
    actions->addWidget(m_exportProgress);
    actions->addWidget(m_exportCancel);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(filters);
    layout->addLayout(decisions);
    layout->addLayout(actions);
}

void HistoryPage::connectFilters()
{
    // Every filter applies as it changes; text once typing pauses.
    auto soon = [this] { scheduleRefresh(kDebounceMs); };
    auto typed = [this] { scheduleRefresh(kTextDebounceMs); };
    for (QDateEdit *d : {m_from, m_until})
        connect(d, &QDateEdit::dateChanged, this, soon);
    for (QComboBox *box : {m_category, m_confirmed, m_feedback, m_flag})
        connect(box, &QComboBox::currentIndexChanged, this, soon);
    for (QDoubleSpinBox *s : {m_minConfidence, m_maxConfidence})
        connect(s, &QDoubleSpinBox::valueChanged, this, typed);
    for (QLineEdit *e : {m_search, m_model_version, m_head}) {
        connect(e, &QLineEdit::textChanged, this, typed);
        connect(e, &QLineEdit::returnPressed, this, &HistoryPage::refresh); // no need to wait
    }
    connect(m_needsReview, &QCheckBox::toggled, this, soon);
    connect(m_clear, &QPushButton::clicked, this, &HistoryPage::clearFilters);
    connect(m_exportButton, &QPushButton::clicked, this, &HistoryPage::chooseExport);
    connect(m_exportCancel, &QPushButton::clicked, this, [this] { m_worker->cancelExport(); });
}

} // namespace listinglens::ui
