#include "heads_panel.h"

#include "calibration.h"
#include "console_worker.h"

#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace listinglens::ui {

namespace {

QString percent(double share)
{
    return QStringLiteral("%1 %").arg(share * 100, 0, 'f', 1);
}

} // namespace

HeadsPanel::HeadsPanel(ConsoleWorker *worker, QWidget *parent) : QWidget(parent), m_worker(worker)
{
    m_table = new QTableWidget(0, ColumnCount);
    m_table->setObjectName(QStringLiteral("heads"));
    m_table->setHorizontalHeaderLabels({tr("Head"), tr("Created"), tr("Examples"), tr("Top-1"), tr("Top-3"), tr("ECE"), tr("Active")});
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(Created, QHeaderView::Stretch);
    m_table->horizontalHeader()->setMinimumSectionSize(8); // short of room, Created gives it up (its tooltip has it): the figures stay whole
    m_table->setToolTip(tr("Top-1, top-3 and ECE were measured on the validation split when the head was trained."));
    m_activate = new QPushButton(tr("Activate"));
    m_rollback = new QPushButton(tr("Roll back"));
    m_rollback->setToolTip(tr("Activate again what was active before the last activation."));
    m_message = new QLabel;
    m_message->setWordWrap(true);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_activate);
    buttons->addWidget(m_rollback);
    buttons->addStretch();
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(new QLabel(tr("<b>Category heads</b>")));
    layout->addWidget(m_table, 1);
    layout->addLayout(buttons);
    layout->addWidget(m_message);
    updateButtons();

    connect(m_activate, &QPushButton::clicked, this, &HeadsPanel::activateSelected);
    connect(m_rollback, &QPushButton::clicked, this, &HeadsPanel::rollBack);
    connect(m_table, &QTableWidget::itemSelectionChanged, this, &HeadsPanel::updateButtons);
    connect(m_worker, &ConsoleWorker::headsReady, this, [this](int request, const QList<HeadSummary> &heads, const QString &refusal) {
        if (request == m_request)
            show(heads, refusal);
    });
    connect(m_worker, &ConsoleWorker::headChanged, this, [this](int request, bool ok, const QString &message) {
        if (request != m_changeRequest)
            return;
        m_changing = false;
        showMessage(message, !ok);
        refresh(); // what is active now, from the database
    });
}

void HeadsPanel::refresh()
{
    const int request = ++m_request;
    QMetaObject::invokeMethod(m_worker, [w = m_worker, request] { w->fetchHeads(request); }, Qt::QueuedConnection);
}

void HeadsPanel::activateSelected()
{
    const QList<QTableWidgetItem *> selected = m_table->selectedItems();
    if (selected.isEmpty() || m_changing)
        return;
    const qint64 version = m_table->item(selected.first()->row(), Version)->data(Qt::UserRole).toLongLong();
    const int request = ++m_changeRequest;
    m_changing = true;
    updateButtons();
    QMetaObject::invokeMethod(m_worker, [w = m_worker, request, version] { w->activateHead(request, version); }, Qt::QueuedConnection);
}

void HeadsPanel::rollBack()
{
    if (m_changing)
        return;
    const int request = ++m_changeRequest;
    m_changing = true;
    updateButtons();
    QMetaObject::invokeMethod(m_worker, [w = m_worker, request] { w->rollbackHead(request); }, Qt::QueuedConnection);
}

QString HeadsPanel::message() const
{
    return m_message->text();
}

void HeadsPanel::show(const QList<HeadSummary> &heads, const QString &writeRefusal)
{
    const QList<QTableWidgetItem *> selected = m_table->selectedItems();
    const qint64 wasSelected = selected.isEmpty() ? -1 : m_table->item(selected.first()->row(), Version)->data(Qt::UserRole).toLongLong();
    const bool builtinActive = std::none_of(heads.begin(), heads.end(), [](const HeadSummary &h) { return h.active; });
    m_table->clearContents();
    m_table->setRowCount(int(heads.size()) + 1);
    auto put = [this](int row, qint64 version, bool active, const QStringList &cells) {
        for (int c = 0; c < ColumnCount; ++c) {
            auto *item = new QTableWidgetItem(cells.value(c));
            if (c != Version && c != Created)
                item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            if (c == Created)
                item->setToolTip(cells.value(c));
            if (active) {
                QFont bold = item->font();
                bold.setBold(true);
                item->setFont(bold);
            }
            m_table->setItem(row, c, item);
        }
        m_table->item(row, Version)->setData(Qt::UserRole, version);
    };
    int row = 0;
    for (const HeadSummary &h : heads) {
        put(row++, h.version, h.active,
            {QStringLiteral("h%1").arg(h.version), QDateTime::fromMSecsSinceEpoch(h.createdMs).toString(QStringLiteral("yyyy-MM-dd HH:mm")),
             QString::number(h.examples), percent(h.top1), percent(h.top3), eceText(h.ece),
             h.active ? tr("active") : QString()});
    }
    // The built-in mapping can be made the active one like a head.
    put(row, 0, builtinActive, {tr("built-in mapping"), QString(), QString(), QString(), QString(), QString(), builtinActive ? tr("active") : QString()});
    for (int r = 0; r < m_table->rowCount(); ++r)
        if (m_table->item(r, Version)->data(Qt::UserRole).toLongLong() == wasSelected)
            m_table->selectRow(r);
    if (!writeRefusal.isEmpty())
        showMessage(writeRefusal, true);
    else if (!m_writeRefusal.isEmpty() && m_message->text() == m_writeRefusal)
        showMessage({}, false); // allowed now (another database)
    m_writeRefusal = writeRefusal;
    updateButtons();
}

void HeadsPanel::showMessage(const QString &text, bool error)
{
    m_message->setText(text);
    m_message->setStyleSheet(error ? QStringLiteral("color: #b3261e") : QString());
}

void HeadsPanel::updateButtons()
{
    const bool mayWrite = m_writeRefusal.isEmpty() && !m_changing;
    const QList<QTableWidgetItem *> selected = m_table->selectedItems();
    const bool selectedIsActive = !selected.isEmpty() && !m_table->item(selected.first()->row(), Active)->text().isEmpty();
    m_activate->setEnabled(mayWrite && !selected.isEmpty() && !selectedIsActive);
    m_rollback->setEnabled(mayWrite && m_table->rowCount() > 0);
    m_activate->setToolTip(m_writeRefusal.isEmpty() ? tr("Every window, classify --db, serve and worker on this database uses the selected head within seconds.")
                                                    : m_writeRefusal);
}

} // namespace listinglens::ui
