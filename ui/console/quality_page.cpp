#include "quality_page.h"

#include "console_worker.h"
#include "heads_panel.h"
#include "reliability_chart.h"
#include "stats_reads.h"

#include <QComboBox>
#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

#include <map>
#include <set>

namespace listinglens::ui {

QualityPage::QualityPage(ConsoleWorker *worker, QWidget *parent) : QWidget(parent), m_worker(worker)
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
    auto *bar = new QHBoxLayout;
    bar->addWidget(m_period);
    bar->addWidget(m_modelVersion);
    bar->addWidget(apply);
    bar->addStretch();
    m_summary = new QLabel;
    m_matrix = new QTableWidget;
    m_matrix->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_matrix->setToolTip(tr("Rows: suggested category. Columns: confirmed category. Double-click a cell for its predictions."));
    m_acceptance = new QTableWidget(0, 4);
    m_acceptance->setHorizontalHeaderLabels({tr("Suggested category"), tr("Decided"), tr("Accepted"), tr("Acceptance")});
    m_acceptance->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_acceptance->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_reliability = new ReliabilityChart;
    m_reliability->setMinimumSize(320, 260);
    m_perHead = new QTableWidget(0, 3);
    m_perHead->setHorizontalHeaderLabels({tr("Made with"), tr("Decided"), tr("As suggested")});
    m_perHead->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_perHead->verticalHeader()->hide();
    m_perHead->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_perHead->setToolTip(tr("Decisions on suggestions made with each category head, and the share whose suggested category was confirmed."));
    auto *perHead = new QWidget;
    auto *perHeadLayout = new QVBoxLayout(perHead);
    perHeadLayout->setContentsMargins(0, 0, 0, 0);
    perHeadLayout->addWidget(new QLabel(tr("<b>Decisions per head</b>")));
    perHeadLayout->addWidget(m_perHead, 1);
    m_heads = new HeadsPanel(m_worker);

    auto *categories = new QSplitter;
    categories->addWidget(m_matrix);
    categories->addWidget(m_acceptance);
    categories->setStretchFactor(0, 3);
    categories->setStretchFactor(1, 2);
    auto *calibration = new QSplitter;
    calibration->addWidget(m_reliability);
    calibration->addWidget(perHead);
    calibration->addWidget(m_heads);
    calibration->setStretchFactor(0, 3);
    calibration->setStretchFactor(1, 2);
    calibration->setStretchFactor(2, 4);
    calibration->setSizes({420, 240, 480});
    auto *split = new QSplitter(Qt::Vertical);
    split->addWidget(categories);
    split->addWidget(calibration);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(m_summary);
    layout->addWidget(split, 1);

    connect(apply, &QPushButton::clicked, this, &QualityPage::refresh);
    connect(m_period, &QComboBox::currentIndexChanged, this, &QualityPage::refresh);
    connect(m_matrix, &QTableWidget::cellDoubleClicked, this, [this](int r, int c) {
        Q_EMIT pairChosen(m_matrix->verticalHeaderItem(r)->text(), m_matrix->horizontalHeaderItem(c)->text());
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
}

void QualityPage::refresh()
{
    const int days = m_period->currentData().toInt();
    const qint64 since = days > 0 ? QDateTime::currentMSecsSinceEpoch() - qint64(days) * 86'400'000LL : 0;
    const QString version = m_modelVersion->text().trimmed();
    const int request = ++m_request;
    QMetaObject::invokeMethod(m_worker, [w = m_worker, request, since, version] { w->fetchQuality(request, since, 0, version); },
                              Qt::QueuedConnection);
    m_heads->refresh();
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

void QualityPage::show(const QualityReport &report)
{
    std::set<QString> suggested, confirmed;
    std::map<std::pair<QString, QString>, qint64> cells;
    std::map<QString, std::pair<qint64, qint64>> perCategory; // decided, accepted (same category)
    for (const auto &c : report.confusion) {
        suggested.insert(c.suggested);
        confirmed.insert(c.confirmed);
        cells[{c.suggested, c.confirmed}] += c.count;
        perCategory[c.suggested].first += c.count;
        if (c.suggested == c.confirmed)
            perCategory[c.suggested].second += c.count;
    }
    const QStringList rows(suggested.begin(), suggested.end()), cols(confirmed.begin(), confirmed.end());
    m_matrix->clear();
    m_matrix->setRowCount(int(rows.size()));
    m_matrix->setColumnCount(int(cols.size()));
    m_matrix->setVerticalHeaderLabels(rows);
    m_matrix->setHorizontalHeaderLabels(cols);
    for (int r = 0; r < rows.size(); ++r) {
        for (int c = 0; c < cols.size(); ++c) {
            const qint64 n = cells[{rows[r], cols[c]}];
            auto *item = new QTableWidgetItem(n ? QString::number(n) : QString());
            item->setTextAlignment(Qt::AlignCenter);
            if (n)
                item->setBackground(rows[r] == cols[c] ? QColor(0xd4, 0xef, 0xdf) : QColor(0xf9, 0xd6, 0xd2));
            m_matrix->setItem(r, c, item);
        }
    }
    m_acceptance->setRowCount(int(perCategory.size()));
    int r = 0;
    for (const auto &[category, counts] : perCategory) {
        m_acceptance->setItem(r, 0, new QTableWidgetItem(category));
        m_acceptance->setItem(r, 1, new QTableWidgetItem(QString::number(counts.first)));
        m_acceptance->setItem(r, 2, new QTableWidgetItem(QString::number(counts.second)));
        m_acceptance->setItem(r, 3, new QTableWidgetItem(QStringLiteral("%1 %").arg(100.0 * counts.second / std::max<qint64>(1, counts.first), 0, 'f', 1)));
        ++r;
    }
    m_summary->setText(report.decided == 0
                           ? tr("No moderator decisions in this period yet.")
                           : tr("%1 decisions, %2 % accepted as suggested; price error (median absolute percentage): %3")
                                 .arg(report.decided).arg(100.0 * report.accepted / report.decided, 0, 'f', 1)
                                 .arg(report.priceMdape < 0 ? tr("no confirmed prices") : QStringLiteral("%1 %").arg(report.priceMdape * 100, 0, 'f', 1)));
}

} // namespace listinglens::ui
