#include "history_page.h"

#include "console_worker.h"
#include "file_dialogs.h"
#include "history_model.h"
#include "history_reads.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateEdit>
#include <QDoubleSpinBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpressionValidator>
#include <QSplitter>
#include <QTableView>
#include <QTextBrowser>
#include <QTimer>
#include <QVBoxLayout>

namespace listinglens::ui {

HistoryPage::HistoryPage(ConsoleWorker *worker, QWidget *parent) : QWidget(parent), m_worker(worker)
{
    m_model = new HistoryModel(this);
    m_model->setCategoryNames(m_names);
    m_refreshTimer = new QTimer(this);
    m_refreshTimer->setSingleShot(true);
    connect(m_refreshTimer, &QTimer::timeout, this, &HistoryPage::refresh);
    setupFilters();
    setupTable();

    m_detailPhoto = new QLabel;
    m_detailPhoto->setAlignment(Qt::AlignCenter);
    m_detailPhoto->setMinimumSize(ConsoleWorker::kDetailPhoto.width() / 2, ConsoleWorker::kDetailPhoto.height() / 2);
    m_detailPhoto->hide();
    m_detail = new QTextBrowser;
    m_detail->setPlaceholderText(tr("Select a row to see everything stored about it: the suggestion, the photo, the model and each decision."));
    auto *detail = new QWidget;
    auto *dl = new QVBoxLayout(detail);
    dl->setContentsMargins(0, 0, 0, 0);
    dl->addWidget(m_detailPhoto, 0, Qt::AlignTop | Qt::AlignHCenter);
    dl->addWidget(m_detail, 1);

    auto *split = new QSplitter;
    split->addWidget(m_table);
    split->addWidget(detail);
    split->setStretchFactor(0, 4);
    split->setStretchFactor(1, 1);
    split->setSizes({1000, 300});

    auto *layout = qobject_cast<QVBoxLayout *>(this->layout());
    layout->addWidget(split, 1);

    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &HistoryPage::showDetail);
    connect(m_model, &HistoryModel::pageWanted, this, [this](int request, const HistoryFilter &f, std::optional<HistoryCursor> after, int limit) {
        QMetaObject::invokeMethod(m_worker, [w = m_worker, request, f, after, limit] { w->fetchHistory(request, f, after, limit); }, Qt::QueuedConnection);
    });
    connect(m_model, &HistoryModel::rowsLoaded, this, &HistoryPage::showCount);
    connect(m_worker, &ConsoleWorker::historyPage, m_model, &HistoryModel::appendPage);
    connect(m_worker, &ConsoleWorker::historyCount, this, [this](int request, qint64 count, qint64) {
        if (request != m_countRequest)
            return;
        m_matching = count;
        showCount();
    });
    connect(m_worker, &ConsoleWorker::detailReady, this, [this](int request, const PredictionDetail &d, const QImage &photo) {
        if (request == m_detailRequest)
            showDetailText(d, photo);
    });
    connect(m_worker, &ConsoleWorker::exportProgress, this, [this](int request, qint64 rows) {
        if (request == m_exportRequest)
            m_exportProgress->setFormat(tr("%1 rows").arg(rows));
    });
    connect(m_worker, &ConsoleWorker::exportFinished, this, [this](int request, bool ok, const QString &message) {
        if (request != m_exportRequest)
            return;
        m_exportProgress->hide();
        m_exportCancel->hide();
        m_exportRequest = 0;
        Q_EMIT exportDone(ok, message);
    });
}

void HistoryPage::setupFilters()
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

void HistoryPage::setupTable()
{
    m_table = new QTableView;
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->verticalHeader()->setDefaultSectionSize(ConsoleWorker::kThumbnail.height() + 6);
    m_table->verticalHeader()->hide();
    m_table->setIconSize(ConsoleWorker::kThumbnail);
    m_table->setWordWrap(false);
    m_table->setTextElideMode(Qt::ElideRight);
    QHeaderView *header = m_table->horizontalHeader();
    header->setSectionResizeMode(QHeaderView::Interactive);
    header->setStretchLastSection(false);
    header->setSectionResizeMode(HistoryModel::Photo, QHeaderView::Fixed);
    const QList<std::pair<int, int>> widths = {{HistoryModel::Photo, ConsoleWorker::kThumbnail.width() + 10},
                                               {HistoryModel::Time, 136}, {HistoryModel::File, 120}, {HistoryModel::Category, 170},
                                               {HistoryModel::Confidence, 82}, {HistoryModel::Price, 150}, {HistoryModel::Feedback, 150},
                                               {HistoryModel::Flags, 130}, {HistoryModel::Latency, 64}};
    for (const auto &[column, width] : widths)
        m_table->setColumnWidth(column, width);
    m_table->installEventFilter(this); // the Title column takes what the others leave (fitColumns)
    // Time sorts through the database (keyset order), every other column the
    // matching rows loaded here (HistoryModel: at most kSortCap of them).
    header->setSortIndicatorShown(true);
    header->setSortIndicator(HistoryModel::Time, Qt::DescendingOrder);
    m_table->setSortingEnabled(true);
    connect(header, &QHeaderView::sortIndicatorChanged, this, [this, header](int column, Qt::SortOrder) {
        if (column == HistoryModel::Photo) // nothing to sort by: the indicator stays where the order is
            header->setSortIndicator(m_model->sortColumn(), m_model->sortOrder());
    });
}

bool HistoryPage::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_table && event->type() == QEvent::Resize)
        QTimer::singleShot(0, this, &HistoryPage::fitColumns);
    return QWidget::eventFilter(watched, event);
}

void HistoryPage::fitColumns()
{
    // The title is what a moderator reads: it gets the room the other columns
    // leave, at least kMinTitle. Short of room, File, Warnings and Decision
    // give some of theirs first (their full text is in the tooltip and the
    // detail pane); only then does the table scroll.
    static constexpr int kMinTitle = 240;
    struct Shrinkable {
        int column, preferred, least;
    };
    static constexpr Shrinkable shrinkable[] = {{HistoryModel::File, 120, 80}, {HistoryModel::Flags, 130, 80}, {HistoryModel::Feedback, 190, 140}};
    int fixed = 0;
    for (int c = 0; c < HistoryModel::ColumnCount; ++c)
        if (c != HistoryModel::Title && c != HistoryModel::File && c != HistoryModel::Flags && c != HistoryModel::Feedback)
            fixed += m_table->columnWidth(c);
    int short_ = fixed + kMinTitle - m_table->viewport()->width();
    for (const Shrinkable &s : shrinkable)
        short_ += s.preferred;
    int shrunk = 0;
    for (const Shrinkable &s : shrinkable) {
        const int give = std::clamp(short_, 0, s.preferred - s.least);
        m_table->setColumnWidth(s.column, s.preferred - give);
        short_ -= give;
        shrunk += m_table->columnWidth(s.column);
    }
    m_table->setColumnWidth(HistoryModel::Title, std::max(kMinTitle, m_table->viewport()->width() - fixed - shrunk));
}

void HistoryPage::setCategories(const QStringList &ids)
{
    setCategories(ids, {});
}

void HistoryPage::setCategories(const QStringList &ids, const QStringList &names)
{
    if (!names.isEmpty())
        m_names = CategoryNames(ids, names);
    m_model->setCategoryNames(m_names);
    const bool wasSetting = m_settingFilters;
    m_settingFilters = true; // the choices stay as they were
    for (QComboBox *box : {m_category, m_confirmed}) {
        const QString current = box->currentData().toString();
        while (box->count() > 1)
            box->removeItem(1);
        for (const QString &id : ids)
            box->addItem(m_names.name(id), id);
        selectCategory(box, current);
    }
    m_settingFilters = wasSetting;
}

void HistoryPage::selectCategory(QComboBox *box, const QString &id)
{
    if (id.isEmpty()) {
        box->setCurrentIndex(0);
        return;
    }
    int at = box->findData(id);
    if (at < 0) { // a category the taxonomy no longer has, still in the database
        box->addItem(m_names.name(id), id);
        at = box->count() - 1;
    }
    box->setCurrentIndex(at);
}

HistoryFilter HistoryPage::currentFilter() const
{
    HistoryFilter f;
    if (m_from->date() > m_from->minimumDate())
        f.sinceMs = m_from->date().startOfDay().toMSecsSinceEpoch();
    f.untilMs = m_until->date().addDays(1).startOfDay().toMSecsSinceEpoch();
    f.categoryId = m_category->currentData().toString();
    f.finalCategoryId = m_confirmed->currentData().toString();
    setDecisionFilter(f, m_feedback->currentData().toString());
    f.qualityFlag = m_flag->currentData().toString();
    if (m_minConfidence->value() > 0)
        f.minConfidence = m_minConfidence->value() / 100.0;
    if (m_maxConfidence->value() < 100)
        f.maxConfidence = m_maxConfidence->value() / 100.0;
    f.modelVersion = m_model_version->text().trimmed();
    f.needsReview = m_needsReview->isChecked();
    f.headVersion = parseHeadFilter(m_head->text()); // none (any head) while empty or half typed
    f.text = m_search->text().trimmed();
    return f;
}

void HistoryPage::scheduleRefresh(int delayMs)
{
    if (m_settingFilters)
        return;
    m_refreshTimer->start(delayMs);
}

void HistoryPage::refresh()
{
    m_refreshTimer->stop();
    const HistoryFilter f = currentFilter();
    m_model->reset(f);
    m_matching = -1;
    const int request = ++m_countRequest;
    QMetaObject::invokeMethod(m_worker, [w = m_worker, request, f] { w->countHistory(request, f, kCountCap); }, Qt::QueuedConnection);
    showCount();
    ++m_detailRequest; // an answer still on its way is for a row no longer shown
    m_detail->clear();
    m_detailPhoto->clear();
    m_detailPhoto->hide();
}

void HistoryPage::showCount()
{
    QString text;
    if (m_matching < 0)
        text = tr("counting…");
    else if (m_matching > kCountCap)
        text = tr("more than %L1 predictions").arg(kCountCap);
    else
        text = m_matching == 1 ? tr("1 prediction") : tr("%L1 predictions").arg(m_matching);
    if (m_model->sortIsPartial() && !m_model->isLoading())
        text += tr(" · sorted: the newest %L1 only; narrow the filters to sort them all").arg(HistoryModel::kSortCap);
    else if (m_model->sortColumn() != HistoryModel::Time && m_model->isLoading())
        text += tr(" · loading to sort…");
    m_count->setText(text);
}

void HistoryPage::resetFilterWidgets()
{
    m_from->setDate(m_from->minimumDate());
    m_until->setDate(QDate::currentDate());
    for (QComboBox *box : {m_category, m_confirmed, m_feedback, m_flag})
        box->setCurrentIndex(0);
    m_minConfidence->setValue(0);
    m_maxConfidence->setValue(100);
    m_model_version->clear();
    m_needsReview->setChecked(false);
    m_head->clear();
    m_search->clear();
}

void HistoryPage::clearFilters()
{
    m_settingFilters = true;
    resetFilterWidgets();
    m_settingFilters = false;
    refresh();
}

void HistoryPage::showPair(const QString &suggested, const QString &confirmed)
{
    // Exactly the pair, in the filter bar where it can be seen and cleared:
    // the other filters go back to "any".
    m_settingFilters = true;
    resetFilterWidgets();
    selectCategory(m_category, suggested);
    selectCategory(m_confirmed, confirmed);
    m_settingFilters = false;
    refresh();
}

void HistoryPage::showDetail()
{
    const HistoryRow *r = m_model->row(m_table->currentIndex().row());
    if (!r)
        return;
    const int request = ++m_detailRequest;
    const qint64 id = r->id;
    QMetaObject::invokeMethod(m_worker, [w = m_worker, request, id] { w->fetchDetail(request, id); }, Qt::QueuedConnection);
}

void HistoryPage::showDetailText(const PredictionDetail &d, const QImage &photo)
{
    m_detailPhoto->setPixmap(QPixmap::fromImage(photo));
    m_detailPhoto->setVisible(!photo.isNull());
    const HistoryRow &r = d.row;
    // Every stored field is escaped, and each line is one arg() with all its
    // values as strings: a value holding "%1" is never substituted again.
    auto when = [](qint64 ms) { return QDateTime::fromMSecsSinceEpoch(ms).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")); };
    auto e = [](const QString &text) { return text.toHtmlEscaped(); };
    auto n = [](double value) { return QString::number(value); };
    auto fixed = [](double value) { return QString::number(value, 'f', 1); };
    QString html = tr("<h3>%1</h3><p>%2</p>").arg(e(r.shownTitle()), e(r.finalDescription.isEmpty() ? r.description : r.finalDescription));
    const bool imported = r.origin == decisionOrigin(true);
    if (r.feedback != QLatin1String("none") && !r.feedback.isEmpty())
        html += tr("<p><b>%1:</b> %2 by %3 on %4: %5, %6 %7<br><i>%8</i></p>")
                    .arg(imported ? tr("Confirmed (imported listing, not a moderator's decision)") : tr("Confirmed (moderator's decision)"),
                         e(r.feedback), e(r.decidedBy), when(r.decidedMs), e(m_names.name(r.finalCategoryId)), e(r.finalCurrency),
                         n(r.finalPrice), e(r.finalTitle));
    else
        html += tr("<p><b>Confirmed:</b> nothing yet, no decision</p>");
    if (r.ok)
        html += tr("<p><b>Suggested:</b> %1 (%2 %), %3 %4 (range %5–%6, from %7)<br><i>%8</i></p>")
                    .arg(e(m_names.name(r.categoryId)), fixed(r.confidence * 100), e(r.currency), n(r.pricePoint), n(r.priceLow),
                         n(r.priceHigh), e(r.priceBasis), e(r.title));
    else
        html += tr("<p><b>Failed:</b> %1 — %2</p>").arg(e(r.errorCode), e(d.errorMessage));
    html += tr("<p><b>Photo:</b> %1, %2 x %3, %4 bytes, sha256 %5</p>")
                .arg(e(r.fileName), QString::number(d.width), QString::number(d.height), QString::number(d.byteSize), e(d.sha256.left(16)));
    html += tr("<p><b>Model:</b> %1, %2, %3 ms · <b>source:</b> %4</p>")
                .arg(e(r.modelVersion), r.headVersion > 0 ? tr("head h%1").arg(r.headVersion) : tr("built-in mapping"), fixed(r.totalMs),
                     e(r.source));
    if (!r.review.isEmpty())
        html += tr("<p><b>Needs review:</b> %1</p>").arg(e(r.review.join(QStringLiteral(", "))));
    QStringList labels;
    for (const QJsonValue &l : QJsonDocument::fromJson(d.labelsJson.toUtf8()).array())
        labels << QStringLiteral("%1 %2 %").arg(l[QStringLiteral("name")].toString(), fixed(l[QStringLiteral("probability")].toDouble() * 100));
    html += tr("<p><b>Model labels:</b> %1</p>").arg(e(labels.join(QStringLiteral(", "))));
    if (!d.feedback.isEmpty())
        html += tr("<p><b>Decisions, oldest first:</b></p>");
    for (const auto &f : d.feedback) {
        QString line = tr("%1 by %2 on %3: %4, %5 %6")
                           .arg(e(f.decision), e(f.moderator), when(f.createdMs), e(m_names.name(f.categoryId)), e(f.currency), n(f.price));
        if (!f.title.isEmpty())
            line += QStringLiteral(" — “%1”").arg(e(f.title));
        if (f.undoneMs > 0)
            line = tr("<s>%1</s> <i>undone by %2 on %3</i>").arg(line, e(f.undoneBy), when(f.undoneMs));
        html += QStringLiteral("<p style=\"margin-left:12px\">%1</p>").arg(line);
    }
    m_detail->setHtml(html);
}

bool HistoryPage::isExporting() const
{
    return m_exportRequest != 0;
}

void HistoryPage::chooseExport()
{
    const QString path = chooseSaveFile(this, tr("Export history"), QStringLiteral("listinglens-history.csv"),
                                        tr("CSV (*.csv)"));
    if (!path.isEmpty())
        exportTo(path);
}

void HistoryPage::exportTo(const QString &path)
{
    static int serial = 0;
    m_exportRequest = ++serial;
    m_exportProgress->setFormat(tr("0 rows"));
    m_exportProgress->show();
    m_exportCancel->show();
    const HistoryFilter f = currentFilter();
    const int request = m_exportRequest;
    QMetaObject::invokeMethod(m_worker, [w = m_worker, request, f, path] { w->exportCsv(request, f, path); }, Qt::QueuedConnection);
}

} // namespace listinglens::ui
