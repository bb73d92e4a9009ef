#include "history_page.h"

#include "console_worker.h"
#include "file_dialogs.h"
#include "history_model.h"
#include "history_reads.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateEdit>
#include <QDoubleSpinBox>
#include <QFormLayout>
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
#include <QVBoxLayout>

namespace listinglens::ui {

HistoryPage::HistoryPage(ConsoleWorker *worker, QWidget *parent) : QWidget(parent), m_worker(worker)
{
    m_model = new HistoryModel(this);
    m_from = new QDateEdit(QDate::currentDate().addDays(-30));
    m_until = new QDateEdit(QDate::currentDate());
    for (QDateEdit *d : {m_from, m_until}) {
        d->setCalendarPopup(true);
        d->setDisplayFormat(QStringLiteral("yyyy-MM-dd"));
    }
    m_from->setSpecialValueText(tr("any"));
    m_from->setMinimumDate(QDate(2000, 1, 1));
    m_from->setDate(m_from->minimumDate()); // "any": everything until told otherwise
    m_category = new QComboBox;
    m_category->addItem(tr("any category"), QString());
    m_feedback = new QComboBox;
    m_feedback->addItem(tr("any feedback"), QString());
    m_feedback->addItem(tr("no feedback"), QStringLiteral("none"));
    m_feedback->addItem(tr("accepted"), QStringLiteral("accepted"));
    m_feedback->addItem(tr("corrected"), QStringLiteral("corrected"));
    m_flag = new QComboBox;
    m_flag->addItem(tr("any quality"), QString());
    for (const char *f : {"blurry", "too_dark", "too_bright", "low_resolution", "duplicate"})
        m_flag->addItem(QString::fromLatin1(f), QString::fromLatin1(f));
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
    m_needsReview = new QCheckBox(tr("needs review"));
    m_needsReview->setToolTip(tr("Only results that said a moderator should look (unsure, outside the taxonomy, a duplicate, a poor photo)"));
    m_head = new QLineEdit;
    m_head->setPlaceholderText(tr("any head"));
    m_head->setToolTip(tr("Only results made with this category head (h3 or 3), or with the built-in mapping (builtin)"));
    m_head->setValidator(new QRegularExpressionValidator( // what parseHeadFilter takes, or a start of it
        QRegularExpression(QStringLiteral("h?[1-9][0-9]*|built-?in"), QRegularExpression::CaseInsensitiveOption), m_head));
    m_head->setMaximumWidth(110);
    m_search = new QLineEdit;
    m_search->setPlaceholderText(tr("Search titles and descriptions"));
    m_search->setClearButtonEnabled(true);
    auto *apply = new QPushButton(tr("Apply"));
    auto *exportButton = new QPushButton(tr("Export to CSV…"));
    m_exportProgress = new QProgressBar;
    m_exportProgress->setRange(0, 0);
    m_exportProgress->setFormat(tr("%v rows"));
    m_exportProgress->hide();
    m_exportCancel = new QPushButton(tr("Cancel export"));
    m_exportCancel->hide();

    auto *filters = new QHBoxLayout;
    filters->addWidget(m_from);
    filters->addWidget(new QLabel(QStringLiteral("–")));
    filters->addWidget(m_until);
    filters->addWidget(m_category);
    filters->addWidget(m_feedback);
    filters->addWidget(m_flag);
    filters->addWidget(new QLabel(tr("confidence")));
    filters->addWidget(m_minConfidence);
    filters->addWidget(m_maxConfidence);
    filters->addWidget(m_model_version);
    filters->addWidget(m_head);
    filters->addWidget(m_needsReview);
    auto *actions = new QHBoxLayout;
    actions->addWidget(m_search, 1);
    actions->addWidget(apply);
    actions->addWidget(exportButton);
    actions->addWidget(m_exportProgress);
    actions->addWidget(m_exportCancel);

    m_table = new QTableView;
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->verticalHeader()->setDefaultSectionSize(52);
    m_table->verticalHeader()->hide();
    m_table->setIconSize(QSize(64, 48));
    m_table->horizontalHeader()->setSectionResizeMode(HistoryModel::Title, QHeaderView::Stretch);
    m_table->setColumnWidth(HistoryModel::Photo, 72);
    m_table->setColumnWidth(HistoryModel::Time, 150);
    m_table->setColumnWidth(HistoryModel::File, 160);
    m_table->setColumnWidth(HistoryModel::Category, 130);

    m_detailPhoto = new QLabel;
    m_detailPhoto->setAlignment(Qt::AlignCenter);
    m_detailPhoto->setMinimumHeight(180);
    m_detail = new QTextBrowser;
    auto *detail = new QWidget;
    auto *dl = new QVBoxLayout(detail);
    dl->addWidget(m_detailPhoto);
    dl->addWidget(m_detail, 1);

    auto *split = new QSplitter;
    split->addWidget(m_table);
    split->addWidget(detail);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(filters);
    layout->addLayout(actions);
    layout->addWidget(split, 1);

    connect(apply, &QPushButton::clicked, this, &HistoryPage::refresh);
    connect(m_search, &QLineEdit::returnPressed, this, &HistoryPage::refresh);
    connect(exportButton, &QPushButton::clicked, this, &HistoryPage::chooseExport);
    connect(m_exportCancel, &QPushButton::clicked, this, [this] { m_worker->cancelExport(); });
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &HistoryPage::showDetail);
    // Keyset paging sorts by time, either way: click the Time header to flip it.
    m_table->horizontalHeader()->setSortIndicatorShown(true);
    m_table->horizontalHeader()->setSortIndicator(HistoryModel::Time, Qt::DescendingOrder);
    m_table->horizontalHeader()->setSectionsClickable(true);
    connect(m_table->horizontalHeader(), &QHeaderView::sectionClicked, this, [this](int section) {
        if (section != HistoryModel::Time) {
            m_table->horizontalHeader()->setSortIndicator(HistoryModel::Time, m_oldestFirst ? Qt::AscendingOrder : Qt::DescendingOrder);
            return; // other orders would need every row loaded; filters narrow instead
        }
        m_oldestFirst = !m_oldestFirst;
        m_table->horizontalHeader()->setSortIndicator(HistoryModel::Time, m_oldestFirst ? Qt::AscendingOrder : Qt::DescendingOrder);
        refresh();
    });
    m_table->horizontalHeader()->setToolTip(tr("Click Time to sort newest or oldest first"));

    connect(m_model, &HistoryModel::pageWanted, this, [this](int request, const HistoryFilter &f, std::optional<HistoryCursor> after, int limit) {
        QMetaObject::invokeMethod(m_worker, [w = m_worker, request, f, after, limit] { w->fetchHistory(request, f, after, limit); }, Qt::QueuedConnection);
    });
    connect(m_worker, &ConsoleWorker::historyPage, m_model, &HistoryModel::appendPage);
    connect(m_worker, &ConsoleWorker::detailReady, this, [this](int request, const PredictionDetail &d, const QImage &photo) {
        if (request != m_detailRequest)
            return;
        m_detailPhoto->setPixmap(QPixmap::fromImage(photo));
        QString html = tr("<h3>%1</h3><p>%2</p>").arg(d.row.title.toHtmlEscaped(), d.description.toHtmlEscaped());
        html += tr("<p><b>Suggested:</b> %1 (%2 %), %3 %4 (range %5–%6, %7)</p>")
                    .arg(d.row.categoryId).arg(d.row.confidence * 100, 0, 'f', 1).arg(d.row.currency).arg(d.row.pricePoint)
                    .arg(d.priceLow).arg(d.priceHigh).arg(d.priceBasis);
        if (!d.row.ok)
            html += tr("<p><b>Failed:</b> %1 — %2</p>").arg(d.row.errorCode, d.errorMessage.toHtmlEscaped());
        html += tr("<p><b>Photo:</b> %1, %2 x %3, %4 bytes, sha256 %5</p>")
                    .arg(d.row.fileName.toHtmlEscaped()).arg(d.width).arg(d.height).arg(d.byteSize).arg(d.sha256.left(16));
        html += tr("<p><b>Model:</b> %1, %2, %3 ms · <b>source:</b> %4</p>")
                    .arg(d.row.modelVersion, d.row.headVersion > 0 ? tr("head h%1").arg(d.row.headVersion) : tr("built-in mapping"))
                    .arg(d.row.totalMs, 0, 'f', 1).arg(d.row.source);
        if (!d.row.review.isEmpty())
            html += tr("<p><b>Needs review:</b> %1</p>").arg(d.row.review.join(QStringLiteral(", ")).toHtmlEscaped());
        QStringList labels;
        for (const QJsonValue &l : QJsonDocument::fromJson(d.labelsJson.toUtf8()).array())
            labels << QStringLiteral("%1 %2 %").arg(l[QStringLiteral("name")].toString()).arg(l[QStringLiteral("probability")].toDouble() * 100, 0, 'f', 1);
        html += tr("<p><b>Model labels:</b> %1</p>").arg(labels.join(QStringLiteral(", ")).toHtmlEscaped());
        if (d.feedback.isEmpty())
            html += tr("<p><b>Feedback:</b> none yet</p>");
        for (const auto &f : d.feedback)
            html += tr("<p><b>%1</b> by %2 on %3: %4, %5 %6</p>")
                        .arg(f.decision, f.moderator.toHtmlEscaped(), QDateTime::fromMSecsSinceEpoch(f.createdMs).toString(Qt::ISODate),
                             f.categoryId, f.currency).arg(f.price);
        m_detail->setHtml(html);
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

void HistoryPage::setCategories(const QStringList &ids)
{
    while (m_category->count() > 1)
        m_category->removeItem(1);
    for (const QString &id : ids)
        m_category->addItem(id, id);
}

HistoryFilter HistoryPage::currentFilter() const
{
    HistoryFilter f;
    if (m_from->date() > m_from->minimumDate())
        f.sinceMs = m_from->date().startOfDay().toMSecsSinceEpoch();
    f.untilMs = m_until->date().addDays(1).startOfDay().toMSecsSinceEpoch();
    f.categoryId = m_category->currentData().toString();
    f.feedback = m_feedback->currentData().toString();
    f.qualityFlag = m_flag->currentData().toString();
    if (m_minConfidence->value() > 0)
        f.minConfidence = m_minConfidence->value() / 100.0;
    if (m_maxConfidence->value() < 100)
        f.maxConfidence = m_maxConfidence->value() / 100.0;
    f.modelVersion = m_model_version->text().trimmed();
    f.needsReview = m_needsReview->isChecked();
    f.headVersion = parseHeadFilter(m_head->text()); // none (any head) while empty or half typed
    f.text = m_search->text().trimmed();
    f.finalCategoryId = m_finalCategory;
    f.oldestFirst = m_oldestFirst;
    return f;
}

void HistoryPage::refresh()
{
    m_model->reset(currentFilter());
    m_detail->clear();
    m_detailPhoto->clear();
}

void HistoryPage::showPair(const QString &suggested, const QString &confirmed)
{
    // Exactly the pair: the other filters go back to "any".
    m_feedback->setCurrentIndex(0);
    m_flag->setCurrentIndex(0);
    m_minConfidence->setValue(0);
    m_maxConfidence->setValue(100);
    m_model_version->clear();
    m_needsReview->setChecked(false);
    m_head->clear();
    m_search->clear();
    m_category->setCurrentIndex(std::max(0, m_category->findData(suggested)));
    m_finalCategory = confirmed;
    refresh();
    m_finalCategory.clear(); // a one-off drill-down; the next Apply uses the visible filters
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
