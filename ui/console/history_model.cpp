#include "history_model.h"
#include "history_reads.h"

#include <QDateTime>

namespace listinglens::ui {

int HistoryModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int HistoryModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant HistoryModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    static const QStringList names = {tr("Photo"), tr("Time"), tr("File"), tr("Category"), tr("Confidence"), tr("Price"),
                                      tr("Title"), tr("Feedback"), tr("Warnings"), tr("Latency")};
    return names.value(section);
}

QVariant HistoryModel::data(const QModelIndex &index, int role) const
{
    const HistoryRow *r = row(index.row());
    if (!r)
        return {};
    if (role == Qt::DecorationRole && index.column() == Photo)
        return m_thumbnails.value(index.row());
    if (role == Qt::UserRole)
        return r->id;
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case Time: return QDateTime::fromMSecsSinceEpoch(r->createdMs).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    case File: return r->fileName.section(QLatin1Char('/'), -1);
    case Category: return r->ok ? r->categoryId : tr("failed: %1").arg(r->errorCode);
    case Confidence: return r->ok ? QStringLiteral("%1 %").arg(r->confidence * 100, 0, 'f', 1) : QString();
    case Price: return r->ok ? QStringLiteral("%1 %2").arg(r->currency).arg(r->pricePoint) : QString();
    case Title: return r->title;
    case Feedback:
        return r->feedback == QLatin1String("none") ? QString()
                                                     : QStringLiteral("%1 → %2, %3").arg(r->feedback, r->finalCategoryId).arg(r->finalPrice);
    case Flags:
        return r->review.isEmpty() ? r->flags.join(QStringLiteral(", "))
                                   : (QStringList{tr("review: %1").arg(r->review.join(QLatin1Char('/')))} + r->flags).join(QStringLiteral(", "));
    case Latency: return QStringLiteral("%1 ms").arg(r->totalMs, 0, 'f', 0);
    default: return {};
    }
}

bool HistoryModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && m_more && !m_loading;
}

void HistoryModel::fetchMore(const QModelIndex &parent)
{
    if (!canFetchMore(parent))
        return;
    m_loading = true;
    std::optional<HistoryCursor> after;
    if (!m_rows.isEmpty())
        after = HistoryCursor{m_rows.last().createdMs, m_rows.last().id};
    Q_EMIT pageWanted(m_request, m_filter, after, kPage);
}

int HistoryModel::reset(const HistoryFilter &filter)
{
    beginResetModel();
    m_filter = filter;
    m_rows.clear();
    m_thumbnails.clear();
    m_more = true;
    m_loading = false;
    ++m_request;
    endResetModel();
    fetchMore({});
    return m_request;
}

void HistoryModel::appendPage(int request, const QList<HistoryRow> &rows, const QList<QImage> &thumbnails, bool more)
{
    if (request != m_request)
        return; // an answer to an older filter
    m_loading = false;
    m_more = more;
    if (rows.isEmpty())
        return;
    beginInsertRows({}, int(m_rows.size()), int(m_rows.size() + rows.size() - 1));
    m_rows += rows;
    m_thumbnails += thumbnails;
    endInsertRows();
}

const HistoryRow *HistoryModel::row(int r) const
{
    return r >= 0 && r < m_rows.size() ? &m_rows[r] : nullptr;
}

} // namespace listinglens::ui
