#include "history_page.h"

#include "console_worker.h"
#include "file_dialogs.h"
#include "history_model.h"
#include "history_reads.h"
#include "percent_text.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateEdit>
#include <QDateTime>
#include <QDoubleSpinBox>
#include <QEvent>
#include <QFontMetrics>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpressionValidator>
#include <QSet>
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
    // Rows of a batch still in the moderation lane have no photo yet: it comes
    // once the lane has blurred any faces, and the rows shown pick it up.
    m_thumbnailTimer = new QTimer(this);
    m_thumbnailTimer->setSingleShot(true);
    m_thumbnailTimer->setInterval(2000);
    connect(m_thumbnailTimer, &QTimer::timeout, this, [this] {
        const QList<qint64> ids = m_model->awaitingThumbnails(QDateTime::currentMSecsSinceEpoch() - kAwaitThumbnailMs, HistoryModel::kPage);
        if (isVisible() && !ids.isEmpty())
            QMetaObject::invokeMethod(m_worker, [w = m_worker, ids] { w->fetchThumbnails(ids); }, Qt::QueuedConnection);
    });
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
    connect(m_model, &HistoryModel::rowsLoaded, this, &HistoryPage::awaitThumbnails);
    connect(m_worker, &ConsoleWorker::thumbnailsReady, this, [this](const QList<qint64> &ids, const QList<QImage> &images) {
        m_model->setThumbnails(ids, images);
        const HistoryRow *current = m_model->row(m_table->currentIndex().row());
        const qsizetype at = current ? ids.indexOf(current->id) : -1;
        if (at >= 0 && !images.value(at).isNull())
            showDetail(); // its larger photo too
        awaitThumbnails();
    });
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

void HistoryPage::setupTable()
{
    m_table = new QTableView;
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->verticalHeader()->setDefaultSectionSize(ConsoleWorker::kThumbnail.height() + 6);
    m_table->verticalHeader()->hide();
    m_table->setIconSize(ConsoleWorker::kThumbnail);
    m_table->setWordWrap(true); // a narrow column wraps onto the row's lines, then elides (the tooltip has it all)
    m_table->setTextElideMode(Qt::ElideRight);
    m_table->setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    QHeaderView *header = m_table->horizontalHeader();
    header->setSectionResizeMode(QHeaderView::Interactive);
    header->setStretchLastSection(false);
    header->setSectionResizeMode(HistoryModel::Photo, QHeaderView::Fixed);
    header->setTextElideMode(Qt::ElideRight);
    m_table->viewport()->installEventFilter(this); // the columns follow its width (fitColumns)
    // Time sorts through the database (keyset order), every other column the
    // matching rows loaded here (HistoryModel: at most kSortCap of them).
    header->setSortIndicatorShown(true);
    header->setSortIndicator(HistoryModel::Time, Qt::DescendingOrder);
    m_table->setSortingEnabled(true);
    connect(header, &QHeaderView::sortIndicatorChanged, this, [this, header](int column, Qt::SortOrder) {
        if (column == HistoryModel::Photo) // nothing to sort by: the indicator stays where the order is
            header->setSortIndicator(m_model->sortColumn(), m_model->sortOrder());
        QTimer::singleShot(0, this, &HistoryPage::fitColumns); // the column sorted by is never folded away
    });
    connect(m_model, &HistoryModel::rowsLoaded, this, &HistoryPage::fitColumns); // prices as wide as those loaded
}

bool HistoryPage::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_table->viewport() && event->type() == QEvent::Resize)
        QTimer::singleShot(0, this, &HistoryPage::fitColumns);
    return QWidget::eventFilter(watched, event);
}

int HistoryPage::widestPrice() const
{
    // The final price, before " · suggested …": the number a moderator sorts by is never cut.
    const QFontMetrics fm = m_table->fontMetrics();
    int widest = fm.horizontalAdvance(QStringLiteral("EUR 9999 ·"));
    for (int r = 0; r < std::min(m_model->rowCount(), 500); ++r) {
        const QString price = m_model->index(r, HistoryModel::Price).data().toString();
        widest = std::max(widest, fm.horizontalAdvance(price.section(QStringLiteral(" · "), 0, 0) + QStringLiteral(" ·")));
    }
    return widest;
}

void HistoryPage::fitColumns()
{
    // The table fits its width, without scrolling sideways. Short of room,
    // each column gives up its room down to what its number or first words
    // need (the text wraps onto the row's lines; the tooltip and the detail
    // pane have all of it), the title last. Only when even that does not fit
    // are File, then Latency, then Warnings folded away; never the column sorted by.
    const QFontMetrics fm = m_table->fontMetrics();
    const auto text = [&fm](const char *sample) { return fm.horizontalAdvance(QString::fromUtf8(sample)) + kCellPadding; };
    static constexpr int kMinTitle = 240;
    struct Fit {
        int column, least, preferred, fold; // fold: the order of folding away (0: never)
    };
    const int photo = ConsoleWorker::kThumbnail.width() + 10;
    const Fit fits[] = {{HistoryModel::Photo, photo, photo, 0},
                        {HistoryModel::Confidence, std::max(text("100.0 %"), text("Confidence")), text("Confidence") + kSortArrow, 0},
                        {HistoryModel::Price, widestPrice() + kCellPadding, 150, 0},
                        {HistoryModel::Time, text("2026-12-31"), text("2026-12-31 23:59:59"), 0},
                        {HistoryModel::Category, text("Motorcycles &"), 170, 0},
                        {HistoryModel::Feedback, text("corrected"), 150, 0},
                        {HistoryModel::Title, text("Brown motor"), kMinTitle, 0},
                        {HistoryModel::Flags, text("review: unsure"), 130, 3},
                        {HistoryModel::Latency, text("99999 ms"), std::max(text("99999 ms"), text("Latency") + kSortArrow), 2},
                        {HistoryModel::File, text("photo.jpg"), 120, 1}};
    const int room = m_table->viewport()->width();
    int need = 0;
    for (const Fit &f : fits)
        need += f.least;
    QSet<int> folded;
    for (int order = 1; order <= 3 && need > room; ++order) {
        for (const Fit &f : fits) {
            if (f.fold == order && f.column != m_model->sortColumn()) {
                folded.insert(f.column);
                need -= f.least;
            }
        }
    }
    // The title first up to its preferred width, then the others, then the title the rest.
    int spare = std::max(0, room - need);
    int width[HistoryModel::ColumnCount] = {};
    for (const Fit &f : fits) {
        const int goal = f.column == HistoryModel::Title ? f.preferred : f.least;
        width[f.column] = f.least + std::clamp(goal - f.least, 0, spare);
        spare -= width[f.column] - f.least;
    }
    for (const Fit &f : fits) {
        if (f.column != HistoryModel::Title && !folded.contains(f.column)) {
            const int add = std::clamp(f.preferred - width[f.column], 0, spare);
            width[f.column] += add;
            spare -= add;
        }
    }
    width[HistoryModel::Title] += spare;
    for (const Fit &f : fits) {
        m_table->setColumnHidden(f.column, folded.contains(f.column));
        m_table->setColumnWidth(f.column, width[f.column]);
    }
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

void HistoryPage::awaitThumbnails()
{
    if (!m_model->awaitingThumbnails(QDateTime::currentMSecsSinceEpoch() - kAwaitThumbnailMs, 1).isEmpty())
        m_thumbnailTimer->start();
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
    auto price = [&](const std::optional<double> &value) { return value ? n(*value) : tr("no price"); };
    auto fixed = [](double value) { return QString::number(value, 'f', 1); };
    QString html = tr("<h3>%1</h3><p>%2</p>").arg(e(r.shownTitle()), e(r.finalDescription.isEmpty() ? r.description : r.finalDescription));
    const bool imported = r.origin == decisionOrigin(true);
    if (r.feedback != QLatin1String("none") && !r.feedback.isEmpty())
        html += tr("<p><b>%1:</b> %2 by %3 on %4: %5, %6 %7<br><i>%8</i></p>")
                    .arg(imported ? tr("Confirmed (imported listing, not a moderator's decision)") : tr("Confirmed (moderator's decision)"),
                         e(r.feedback), e(r.decidedBy), when(r.decidedMs), e(m_names.name(r.finalCategoryId)), e(r.finalCurrency),
                         price(r.finalPrice), e(r.finalTitle));
    else
        html += tr("<p><b>Confirmed:</b> nothing yet, no decision</p>");
    if (r.ok)
        html += tr("<p><b>Suggested:</b> %1 (%2 %), %3 %4 (range %5–%6, from %7)<br><i>%8</i></p>")
                    .arg(e(m_names.name(r.categoryId)), confidencePercent(r.confidence, 1), e(r.currency), n(r.pricePoint), n(r.priceLow),
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
        labels << QStringLiteral("%1 %2 %").arg(l[QStringLiteral("name")].toString(), confidencePercent(l[QStringLiteral("probability")].toDouble(), 1));
    html += tr("<p><b>Model labels:</b> %1</p>").arg(e(labels.join(QStringLiteral(", "))));
    if (!d.feedback.isEmpty())
        html += tr("<p><b>Decisions, oldest first:</b></p>");
    for (const auto &f : d.feedback) {
        QString line = tr("%1 by %2 on %3: %4, %5 %6")
                           .arg(e(f.decision), e(f.moderator), when(f.createdMs), e(m_names.name(f.categoryId)), e(f.currency), price(f.price));
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
