#include "quality_page.h"

#include "count_text.h"

#include "console_worker.h"
#include "heads_panel.h"
#include "reliability_chart.h"
#include "stats_reads.h"
#include "time_chart.h"

#include <QCheckBox>
#include <QComboBox>
#include <QGridLayout>
#include <QPainter>
#include <QStyleOptionHeader>
#include <QDateTime>
#include <QEvent>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSet>
#include <QResizeEvent>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <map>

namespace listinglens::ui {

namespace {

// The heat of a cell: from the palette's base colour (0) to full strength (1),
// green on the diagonal (confirmed as suggested), red off it. The same in the
// light and the dark theme, since it starts from the palette.
// The confusion counts, with every category not in `keep` (when it is not
// empty) counted as foldedId().
struct Tally {
    std::map<std::pair<QString, QString>, qint64> cells;
    std::map<QString, qint64> suggested, volume;
};

QString foldedId()
{
    return QStringLiteral("\x01folded");
}

Tally tally(const QList<QualityReport::Cell> &confusion, const QSet<QString> &keep)
{
    auto fold = [&](const QString &id) { return keep.isEmpty() || keep.contains(id) ? id : foldedId(); };
    Tally t;
    for (const auto &c : confusion) {
        const QString s = fold(c.suggested), f = fold(c.confirmed);
        t.cells[{s, f}] += c.count;
        t.suggested[s] += c.count;
        t.volume[s] += c.count;
        t.volume[f] += c.count;
    }
    return t;
}

QColor heat(const QColor &base, bool agreement, double share)
{
    const QColor full = agreement ? QColor(0x0b, 0x6e, 0x3a) : QColor(0xb2, 0x18, 0x2b);
    const double t = 0.12 + 0.88 * std::clamp(share, 0.0, 1.0);
    auto mix = [t](int a, int b) { return int(std::lround(a + (b - a) * t)); };
    return QColor(mix(base.red(), full.red()), mix(base.green(), full.green()), mix(base.blue(), full.blue()));
}

// Black or white text, whichever contrasts more with `background` (WCAG
// relative luminance; the better of the two is never under 4.5:1).
QColor readableOn(const QColor &background)
{
    auto channel = [](double v) { return v <= 0.03928 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4); };
    const double l = 0.2126 * channel(background.redF()) + 0.7152 * channel(background.greenF()) + 0.0722 * channel(background.blueF());
    return (l + 0.05) / 0.05 >= 1.05 / (l + 0.05) ? QColor(Qt::black) : QColor(Qt::white);
}

// Column headers written upwards, so that 23 category names fit over narrow columns.
class UpwardHeader : public QHeaderView {
public:
    UpwardHeader() : QHeaderView(Qt::Horizontal) { setSectionsClickable(false); }

protected:
    QSize sectionSizeFromContents(int logicalIndex) const override
    {
        const QString text = model() ? model()->headerData(logicalIndex, Qt::Horizontal).toString() : QString();
        const QFontMetrics fm(font());
        return QSize(fm.height() + 8, std::min(fm.horizontalAdvance(text), 130) + 12);
    }

    void paintSection(QPainter *painter, const QRect &rect, int logicalIndex) const override
    {
        QStyleOptionHeader opt;
        initStyleOption(&opt);
        opt.rect = rect;
        opt.section = logicalIndex;
        style()->drawControl(QStyle::CE_HeaderSection, &opt, painter, this);
        const QString text = model()->headerData(logicalIndex, Qt::Horizontal).toString();
        painter->save();
        painter->translate(rect.left(), rect.bottom());
        painter->rotate(-90);
        const QRect upright(4, 0, rect.height() - 8, rect.width());
        painter->setPen(palette().color(QPalette::ButtonText));
        painter->drawText(upright, Qt::AlignLeft | Qt::AlignVCenter, fontMetrics().elidedText(text, Qt::ElideRight, upright.width()));
        painter->restore();
    }
};

// An axis title written upwards, beside the matrix's rows.
class UpwardLabel : public QWidget {
public:
    explicit UpwardLabel(const QString &text) : m_text(text)
    {
        setObjectName(QStringLiteral("suggestedAxis"));
        setMinimumWidth(fontMetrics().height() + 6);
        setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Preferred);
    }
    QString text() const { return m_text; }

protected:
    void paintEvent(QPaintEvent *) override
    {
        QPainter p(this);
        p.setPen(palette().color(QPalette::WindowText));
        QFont f = font();
        f.setBold(true);
        p.setFont(f);
        p.translate(0, height());
        p.rotate(-90);
        p.drawText(QRect(0, 0, height(), width()), Qt::AlignCenter, m_text);
    }

private:
    QString m_text;
};

} // namespace

QualityPage::QualityPage(ConsoleWorker *worker, QWidget *parent) : QWidget(parent), m_worker(worker)
{
    QHBoxLayout *bar = setupBar();
    m_summary = new QLabel;
    m_summary->setObjectName(QStringLiteral("qualitySummary"));
    m_summary->setWordWrap(true);
    auto *split = new QSplitter(Qt::Vertical);
    split->addWidget(setupCategories());
    split->addWidget(setupCalibration());
    split->addWidget(setupFlagRates());
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    split->setStretchFactor(2, 2);
    split->setSizes({440, 380, 260});
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(m_summary);
    layout->addWidget(split, 1);
    connectWorker();
}

// The period, the model version, imports in or out, and Refresh.
QHBoxLayout *QualityPage::setupBar()
{
    m_period = new QComboBox;
    m_period->addItem(tr("Last 7 days"), 7);
    m_period->addItem(tr("Last 30 days"), 30);
    m_period->addItem(tr("Last 365 days"), 365);
    m_period->addItem(tr("All time"), 0);
    m_period->setCurrentIndex(1);
    m_modelVersion = new QLineEdit;
    m_modelVersion->setPlaceholderText(tr("any model version"));
    auto *apply = new QPushButton(tr("Refresh"));
    m_includeImports = new QCheckBox(tr("Include imported listings"));
    m_includeImports->setObjectName(QStringLiteral("includeImports"));
    m_includeImports->setToolTip(tr("Imported catalogues are confirmed examples, not moderators' decisions: "
                                    "off, every figure here counts moderators' decisions only"));
    auto *bar = new QHBoxLayout;
    bar->addWidget(m_period);
    bar->addWidget(m_modelVersion);
    bar->addWidget(m_includeImports);
    bar->addWidget(apply);
    bar->addStretch();
    connect(apply, &QPushButton::clicked, this, &QualityPage::refresh);
    return bar;
}

// The matrix of suggested against confirmed categories, beside each category's acceptance.
QWidget *QualityPage::setupCategories()
{
    m_matrix = new QTableWidget;
    m_matrix->setObjectName(QStringLiteral("confusionMatrix"));
    m_matrix->setHorizontalHeader(new UpwardHeader);
    // The columns share the width, never narrower than a cell's "100%"; the
    // row names are cut past kRowNames (their tooltips say them whole).
    m_matrix->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_matrix->horizontalHeader()->setMinimumSectionSize(m_matrix->fontMetrics().horizontalAdvance(QStringLiteral("100%")) + 4);
    m_matrix->verticalHeader()->setMaximumWidth(kRowNames);
    m_matrix->verticalHeader()->setTextElideMode(Qt::ElideMiddle);
    m_matrix->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_matrix->verticalHeader()->setDefaultSectionSize(24);
    m_matrix->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_matrix->setToolTip(tr("Rows: the suggested category (with its decisions). Columns: the confirmed category. "
                            "Each cell: the share of its row. Double-click a cell for its predictions."));
    auto *confirmedAxis = new QLabel(tr("<b>confirmed category</b>"));
    confirmedAxis->setObjectName(QStringLiteral("confirmedAxis"));
    confirmedAxis->setAlignment(Qt::AlignCenter);
    auto *matrixBox = new QWidget;
    auto *matrixGrid = new QGridLayout(matrixBox);
    matrixGrid->setContentsMargins(0, 0, 0, 0);
    matrixGrid->setSpacing(2);
    matrixGrid->addWidget(new QLabel(tr("<b>Suggested against confirmed</b> (share of each row)")), 0, 0, 1, 2);
    matrixGrid->addWidget(confirmedAxis, 1, 1);
    matrixGrid->addWidget(new UpwardLabel(tr("suggested category")), 2, 0);
    matrixGrid->addWidget(m_matrix, 2, 1);
    matrixGrid->setRowStretch(2, 1);
    m_acceptance = new QTableWidget(0, 4);
    m_acceptance->setObjectName(QStringLiteral("acceptance"));
    m_acceptance->setHorizontalHeaderLabels({tr("Suggested"), tr("Decided"), tr("Accepted"), tr("Acceptance")});
    m_acceptance->setWordWrap(false);
    m_acceptance->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_acceptance->verticalHeader()->hide();
    m_acceptance->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_acceptance->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_acceptance->setMinimumHeight(160);
    m_categoriesSplit = new QSplitter;
    m_categoriesSplit->addWidget(matrixBox);
    m_categoriesSplit->addWidget(m_acceptance);
    m_categoriesSplit->setStretchFactor(0, 3);
    m_categoriesSplit->setStretchFactor(1, 1);
    m_categoriesSplit->setSizes({900, 340});
    return m_categoriesSplit;
}

// How sure against how often right, decisions per head, and the heads.
QWidget *QualityPage::setupCalibration()
{
    m_reliability = new ReliabilityChart;
    m_reliability->setMinimumSize(320, 260);
    m_perHead = new QTableWidget(0, 3);
    m_perHead->setObjectName(QStringLiteral("perHead"));
    m_perHead->setHorizontalHeaderLabels({tr("Made with"), tr("Decided"), tr("As suggested")});
    m_perHead->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_perHead->verticalHeader()->hide();
    m_perHead->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents); // the figures whole
    m_perHead->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_perHead->setWordWrap(true);
    m_perHead->setToolTip(tr("Decisions on suggestions made with each category head, and the share whose suggested category was confirmed."));
    auto *perHead = new QWidget;
    auto *perHeadLayout = new QVBoxLayout(perHead);
    perHeadLayout->setContentsMargins(0, 0, 0, 0);
    perHeadLayout->addWidget(new QLabel(tr("<b>Decisions per head</b>")));
    perHeadLayout->addWidget(m_perHead, 1);
    m_heads = new HeadsPanel(m_worker);
    perHead->setMinimumHeight(120);
    m_heads->setMinimumHeight(160);
    m_calibrationSplit = new QSplitter;
    m_calibrationSplit->addWidget(m_reliability);
    m_calibrationSplit->addWidget(perHead);
    m_calibrationSplit->addWidget(m_heads);
    m_calibrationSplit->setStretchFactor(0, 3);
    m_calibrationSplit->setStretchFactor(1, 2);
    m_calibrationSplit->setStretchFactor(2, 4);
    m_calibrationSplit->setSizes({420, 240, 480});
    return m_calibrationSplit;
}

QWidget *QualityPage::setupFlagRates()
{
    // Flag rates: quality and moderation flags, the share of each day's photos.
    QStringList flagNames;
    for (const QString &flag : chartedFlags())
        flagNames << QString(flag).replace(QLatin1Char('_'), QLatin1Char(' '));
    m_flagRates = new TimeChart(tr("Photos flagged, share of each day's photos"), tr("%"), flagNames, TimeChart::Gaps::Break);
    m_flagRates->setObjectName(QStringLiteral("flagRates"));
    m_flagRates->setMinimumHeight(280); // its title and legend leave the y axis room for its labels
    return m_flagRates;
}

void QualityPage::connectWorker()
{
    connect(m_period, &QComboBox::currentIndexChanged, this, &QualityPage::refresh);
    connect(m_includeImports, &QCheckBox::toggled, this, &QualityPage::refresh);
    connect(m_matrix, &QTableWidget::cellDoubleClicked, this, [this](int r, int c) {
        const QTableWidgetItem *item = m_matrix->item(r, c);
        if (item && item->data(Qt::UserRole + 2).toLongLong() > 0)
            Q_EMIT pairChosen(item->data(Qt::UserRole).toString(), item->data(Qt::UserRole + 1).toString());
    });
    connect(m_worker, &ConsoleWorker::qualityReady, this, [this](int request, const QualityReport &report) {
        if (request == m_request)
            show(report);
    });
    connect(m_worker, &ConsoleWorker::reliabilityReady, this, [this](int request, const ReliabilityReport &report) {
        if (request == m_request)
            m_reliability->setReport(report);
    });
    connect(m_worker, &ConsoleWorker::headAccuracyReady, this, [this](int request, const QList<HeadAccuracy> &heads) {
        if (request == m_request)
            showPerHead(heads);
    });
    connect(m_worker, &ConsoleWorker::flagRatesReady, this,
            [this](int request, const SeriesPlan &plan, const QList<FlagRateBucket> &buckets) {
                if (request == m_request)
                    showFlagRates(plan, buckets);
            });
}

void QualityPage::refresh()
{
    const int days = m_period->currentData().toInt();
    const qint64 since = days > 0 ? QDateTime::currentMSecsSinceEpoch() - qint64(days) * 86'400'000LL : 0;
    const QString version = m_modelVersion->text().trimmed();
    const int request = ++m_request;
    const bool imports = m_includeImports->isChecked();
    QMetaObject::invokeMethod(m_worker, [w = m_worker, request, since, version, imports] { w->fetchQuality(request, since, 0, version, imports); },
                              Qt::QueuedConnection);
    m_heads->refresh();
}

void QualityPage::showFlagRates(const SeriesPlan &plan, const QList<FlagRateBucket> &buckets)
{
    // A day without photos is a gap, not a zero rate.
    QList<QList<QPointF>> points(chartedFlags().size());
    for (const FlagRateBucket &b : buckets) {
        if (b.photos <= 0)
            continue;
        for (int i = 0; i < points.size(); ++i)
            points[i] << QPointF(double(b.startMs), 100.0 * b.rate(i));
    }
    m_flagRates->setData(points, plan.fromMs, plan.toMs, plan.bucketMs);
}

void QualityPage::showPerHead(const QList<HeadAccuracy> &heads)
{
    m_perHead->setRowCount(int(heads.size()));
    for (int r = 0; r < heads.size(); ++r) {
        const HeadAccuracy &h = heads[r];
        m_perHead->setItem(r, 0, new QTableWidgetItem(h.headVersion > 0 ? QStringLiteral("h%1").arg(h.headVersion) : tr("built-in mapping")));
        m_perHead->setItem(r, 1, new QTableWidgetItem(QString::number(h.decided)));
        m_perHead->setItem(r, 2, new QTableWidgetItem(QStringLiteral("%1 %").arg(100.0 * h.accepted / std::max<qint64>(1, h.decided), 0, 'f', 1)));
    }
}

void QualityPage::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        show(m_report); // the heat starts from the palette's base colour
}

// Short of width (a 1024 px screen) the boxes of a row are stacked rather
// than squeezed: the page scrolls down, never sideways, and no table is cut.
void QualityPage::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    const Qt::Orientation wanted = width() < kSideBySideWidth ? Qt::Vertical : Qt::Horizontal;
    for (QSplitter *split : {m_categoriesSplit, m_calibrationSplit})
        if (split->orientation() != wanted)
            split->setOrientation(wanted);
}

void QualityPage::setCategoryNames(const QStringList &ids, const QStringList &names)
{
    m_names = CategoryNames(ids, names);
    show(m_report);
}

void QualityPage::show(const QualityReport &report)
{
    m_report = report;
    // One order for rows and columns (by volume: suggested + confirmed), so
    // that the diagonal is the agreement; past kMatrixTop categories the rest
    // are folded into one row and column, so that every cell stays readable.
    const Tally all = tally(report.confusion, {});
    QStringList ordered;
    for (const auto &v : all.volume)
        ordered << v.first;
    std::stable_sort(ordered.begin(), ordered.end(), [&](const QString &a, const QString &b) {
        return all.volume.at(a) != all.volume.at(b) ? all.volume.at(a) > all.volume.at(b)
                                                    : m_names.name(a).localeAwareCompare(m_names.name(b)) < 0;
    });
    const qsizetype folded = std::max<qsizetype>(0, ordered.size() - kMatrixTop);
    const QSet<QString> shown(ordered.begin(), ordered.begin() + std::min<qsizetype>(ordered.size(), kMatrixTop));
    const Tally t = folded > 0 ? tally(report.confusion, shown) : all;
    m_classes = ordered.mid(0, kMatrixTop);
    if (folded > 0)
        m_classes << foldedId();
    auto nameOf = [&](const QString &id) { return id == foldedId() ? tr("%n other categories", nullptr, int(folded)) : m_names.name(id); };
    auto cells = t.cells;
    auto suggested = t.suggested;
    const int n = int(m_classes.size());
    m_matrix->clear();
    m_matrix->setRowCount(n);
    m_matrix->setColumnCount(n);
    const QPalette palette = m_matrix->palette();
    const QColor base = palette.color(QPalette::Base);
    for (int i = 0; i < n; ++i) {
        const QString name = nameOf(m_classes[i]);
        // One arg() with every value: a name holding "%1" is not substituted again.
        const QString decided = QString::number(suggested[m_classes[i]]);
        auto *rowHeader = new QTableWidgetItem(tr("%1 (%2)").arg(name, decided));
        rowHeader->setToolTip(tr("Suggested %1: %2 decided").arg(name, decided));
        m_matrix->setVerticalHeaderItem(i, rowHeader);
        auto *columnHeader = new QTableWidgetItem(name);
        columnHeader->setToolTip(tr("Confirmed %1").arg(name));
        m_matrix->setHorizontalHeaderItem(i, columnHeader);
    }
    for (int r = 0; r < n; ++r) {
        const qint64 rowTotal = suggested[m_classes[r]];
        for (int c = 0; c < n; ++c) {
            const qint64 count = cells[{m_classes[r], m_classes[c]}];
            const double share = rowTotal > 0 ? double(count) / double(rowTotal) : 0;
            // "100%" without a space: it fits the narrow columns of 23 categories.
            auto *item = new QTableWidgetItem(count ? QStringLiteral("%1%").arg(share * 100, 0, 'f', share < 0.1 ? 1 : 0) : QString());
            item->setTextAlignment(Qt::AlignCenter);
            item->setData(Qt::UserRole, m_classes[r]);
            item->setData(Qt::UserRole + 1, m_classes[c]);
            const bool drills = m_classes[r] != foldedId() && m_classes[c] != foldedId(); // a folded cell is many pairs
            item->setData(Qt::UserRole + 2, drills ? count : 0);
            if (count) {
                item->setToolTip(tr("Suggested %1, confirmed %2: %3 of %4 (%5 % of the row).%6")
                                     .arg(nameOf(m_classes[r]), nameOf(m_classes[c]), QString::number(count),
                                          QString::number(rowTotal), QString::number(share * 100, 'f', 1),
                                          drills ? tr(" Double-click for these predictions.") : QString()));
                const QColor background = heat(base, r == c, share);
                item->setBackground(background);
                item->setForeground(readableOn(background));
            }
            m_matrix->setItem(r, c, item);
        }
    }
    // Every row of the matrix in sight: the page scrolls down instead.
    m_matrix->setMinimumHeight(m_matrix->horizontalHeader()->sizeHint().height() + n * m_matrix->verticalHeader()->defaultSectionSize()
                               + 2 * m_matrix->frameWidth() + 2);
    showAcceptance(ordered, all.suggested, all.cells);
    // Whose decisions every figure counts, and the one currency prices are compared in.
    const bool imports = m_includeImports->isChecked();
    const QString counted = imports ? countText(report.decided, tr("decision"), tr("decisions")) + tr(" (moderators' and imported listings')")
                                    : countText(report.decided, tr("moderator decision"), tr("moderator decisions"));
    const QString priceError = report.priceMdape < 0 ? tr("no prices to compare")
                                                     : tr("%1 % over %2 prices in %3").arg(report.priceMdape * 100, 0, 'f', 1)
                                                           .arg(report.pricesCompared).arg(report.currency);
    m_summary->setText(report.decided == 0
                           ? tr("No %1 in this period yet.").arg(imports ? tr("decisions (moderators' and imported listings')") : tr("moderator decisions"))
                           : tr("%1, %2 % accepted as suggested; price error (median absolute percentage): %3")
                                 .arg(counted).arg(100.0 * report.accepted / report.decided, 0, 'f', 1).arg(priceError));
}

// Acceptance per category, every one of them (none folded), in the matrix's order.
void QualityPage::showAcceptance(const QStringList &ordered, const std::map<QString, qint64> &suggested,
                                 const std::map<std::pair<QString, QString>, qint64> &cells)
{
    std::vector<std::pair<QString, std::pair<qint64, qint64>>> perCategory; // decided, accepted (same category)
    for (const QString &id : std::as_const(ordered))
        if (suggested.count(id) && suggested.at(id) > 0)
            perCategory.push_back({id, {suggested.at(id), cells.count({id, id}) ? cells.at({id, id}) : 0}});
    m_acceptance->setRowCount(int(perCategory.size()));
    int r = 0;
    for (const auto &[category, counts] : perCategory) {
        m_acceptance->setItem(r, 0, new QTableWidgetItem(m_names.name(category)));
        m_acceptance->item(r, 0)->setToolTip(m_names.name(category));
        m_acceptance->setItem(r, 1, new QTableWidgetItem(QString::number(counts.first)));
        m_acceptance->setItem(r, 2, new QTableWidgetItem(QString::number(counts.second)));
        m_acceptance->setItem(r, 3, new QTableWidgetItem(QStringLiteral("%1 %").arg(100.0 * counts.second / std::max<qint64>(1, counts.first), 0, 'f', 1)));
        for (int c = 1; c < 4; ++c)
            m_acceptance->item(r, c)->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        ++r;
    }
}

} // namespace listinglens::ui
