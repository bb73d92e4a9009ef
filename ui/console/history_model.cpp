#include "history_model.h"
#include "history_reads.h"
#include "percent_text.h"

#include <QDateTime>
#include <QHash>

#include <algorithm>
#include <numeric>

namespace listinglens::ui {

namespace {

bool decided(const HistoryRow &r)
{
    return r.feedback != QLatin1String("none") && !r.feedback.isEmpty();
}

// "GBP 70", or what stands for no price.
QString suggestedPrice(const HistoryRow &r)
{
    return r.priceBasis == QLatin1String("none") ? HistoryModel::tr("no price") : QStringLiteral("%1 %2").arg(r.currency, QString::number(r.pricePoint));
}

// The standing decision's price: "GBP 70", or "no price" for a decision without one.
QString finalPrice(const HistoryRow &r)
{
    return r.finalPrice ? QStringLiteral("%1 %2").arg(r.finalCurrency, QString::number(*r.finalPrice)) : HistoryModel::tr("no price");
}

} // namespace

int HistoryModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

int HistoryModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant HistoryModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::ToolTipRole && (section == Category || section == Price || section == Title))
        return tr("The final value (the decision's, else the suggestion's), the suggestion beside it; sorts by the final value");
    if (role == Qt::ToolTipRole) {
        return section == Time ? tr("Sorts through every matching row, newest or oldest first")
                               : tr("Sorts the matching rows, at most the newest %1 of them; narrow the filters to sort more").arg(kSortCap);
    }
    if (role != Qt::DisplayRole)
        return {};
    // Category, Price and Title show the final values (the decision's, else the suggestion's) with the suggestion beside.
    static const QStringList names = {tr("Photo"), tr("Time"), tr("File"), tr("Category"), tr("Confidence"), tr("Price"),
                                      tr("Title"), tr("Decision"), tr("Warnings"), tr("Latency")};
    return names.value(section);
}

QVariant HistoryModel::data(const QModelIndex &index, int role) const
{
    const HistoryRow *r = row(index.row());
    if (!r)
        return {};
    if (role == Qt::DecorationRole && index.column() == Photo)
        return m_entries[index.row()].thumbnail;
    if (role == Qt::UserRole)
        return r->id;
    const bool decided = ui::decided(*r);
    if (role == Qt::ToolTipRole) {
        switch (index.column()) {
        case Photo:
            return r->ok && m_entries[index.row()].thumbnail.isNull()
                       ? tr("The photo is shown once moderation has read it and blurred any faces on it")
                       : QVariant();
        case File: return r->fileName;
        case Flags: return data(index, Qt::DisplayRole); // a narrow column cuts it
        case Title:
            return r->finalTitle.isEmpty() || r->finalTitle == r->title ? r->title : tr("Final: %1\nSuggested: %2").arg(r->finalTitle, r->title);
        case Category:
            return decided ? tr("Final: %1\nSuggested: %2").arg(m_names.name(r->finalCategoryId), m_names.name(r->categoryId))
                           : tr("Suggested: %1").arg(m_names.name(r->categoryId));
        case Price:
            return decided ? tr("Final: %1\nSuggested: %2").arg(finalPrice(*r), suggestedPrice(*r))
                           : tr("Suggested: %1").arg(suggestedPrice(*r));
        case Feedback:
            return decided ? tr("%1 by %2 on %3").arg(r->feedback, r->decidedBy.isEmpty() ? tr("(unknown)") : r->decidedBy,
                                                      QDateTime::fromMSecsSinceEpoch(r->decidedMs).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")))
                           : QVariant();
        case Latency: return tr("From the start of decoding to the finished result, waits between stages included");
        default: return {};
        }
    }
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case Time: return QDateTime::fromMSecsSinceEpoch(r->createdMs).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    case File: return r->fileName.section(QLatin1Char('/'), -1);
    case Category:
        if (!r->ok)
            return tr("failed: %1").arg(r->errorCode);
        return decided && r->finalCategoryId != r->categoryId
                   ? tr("%1 · suggested %2").arg(m_names.name(r->finalCategoryId), m_names.name(r->categoryId))
                   : m_names.name(decided ? r->finalCategoryId : r->categoryId);
    case Confidence: return r->ok ? QStringLiteral("%1 %").arg(confidencePercent(r->confidence, 1)) : QString();
    case Price:
        if (!r->ok)
            return QString();
        return decided ? tr("%1 · suggested %2").arg(finalPrice(*r), suggestedPrice(*r))
                       : tr("%1 · suggested").arg(suggestedPrice(*r));
    case Title:
        return decided && !r->finalTitle.isEmpty() && r->finalTitle != r->title ? tr("%1 · suggested: %2").arg(r->finalTitle, r->title)
                                                                                : r->shownTitle();
    case Feedback:
        if (!decided)
            return QString();
        if (r->origin == decisionOrigin(true))
            return tr("imported listing");
        return r->feedback == QLatin1String("accepted") ? tr("accepted by %1").arg(r->decidedBy) : tr("corrected by %1").arg(r->decidedBy);
    case Flags: {
        // A flag that is also a reason for review ("duplicate") is said once, as the reason.
        QStringList flags;
        for (const QString &flag : r->flags) {
            if (!r->review.contains(flag))
                flags << flag;
        }
        return r->review.isEmpty() ? flags.join(QStringLiteral(", "))
                                   : (QStringList{tr("review: %1").arg(r->review.join(QLatin1Char('/')))} + flags).join(QStringLiteral(", "));
    }
    case Latency: return QStringLiteral("%1 ms").arg(r->totalMs, 0, 'f', 0);
    default: return {};
    }
}

bool HistoryModel::canFetchMore(const QModelIndex &parent) const
{
    // Sorted by another column than Time, the rows are all there is (kSortCap).
    return !parent.isValid() && m_more && !m_loading && m_sortColumn == Time;
}

void HistoryModel::fetchMore(const QModelIndex &parent)
{
    if (!canFetchMore(parent))
        return;
    m_loading = true;
    std::optional<HistoryCursor> after;
    if (!m_entries.isEmpty())
        after = HistoryCursor{m_entries.last().row.createdMs, m_entries.last().row.id};
    Q_EMIT pageWanted(m_request, m_filter, after, kPage);
}

void HistoryModel::sort(int column, Qt::SortOrder order)
{
    if (column < Time || column >= ColumnCount || (column == m_sortColumn && order == m_sortOrder))
        return;
    const bool wasTime = m_sortColumn == Time;
    m_sortColumn = column;
    m_sortOrder = order;
    if (column == Time || wasTime) {
        reset(m_filter); // time pages from the database; other columns need their rows loaded first
        return;
    }
    sortLoaded();
    Q_EMIT rowsLoaded();
}

void HistoryModel::setCategoryNames(const CategoryNames &names)
{
    m_names = names;
    if (!m_entries.isEmpty())
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
    if (m_sortColumn == Category || m_sortColumn == Feedback)
        sortLoaded();
}

int HistoryModel::reset(const HistoryFilter &filter)
{
    beginResetModel();
    m_filter = filter;
    m_filter.oldestFirst = m_sortColumn == Time ? m_sortOrder == Qt::AscendingOrder : false;
    m_entries.clear();
    m_more = true;
    m_loading = false;
    ++m_request;
    endResetModel();
    if (m_sortColumn == Time) {
        fetchMore({});
    } else {
        m_loading = true;
        // One more than the cap, to know whether the sort covers every matching row.
        Q_EMIT pageWanted(m_request, m_filter, std::nullopt, kSortCap + 1);
    }
    return m_request;
}

void HistoryModel::appendPage(int request, const QList<HistoryRow> &rows, const QList<QImage> &thumbnails, bool more)
{
    if (request != m_request)
        return; // an answer to an older filter
    m_loading = false;
    m_more = more;
    qsizetype n = rows.size();
    if (m_sortColumn != Time) {
        m_more = n > kSortCap;
        n = std::min<qsizetype>(n, kSortCap);
    }
    if (n > 0) {
        beginInsertRows({}, int(m_entries.size()), int(m_entries.size() + n - 1));
        for (qsizetype i = 0; i < n; ++i)
            m_entries.append({rows[i], thumbnails.value(i)});
        endInsertRows();
    }
    if (m_sortColumn != Time)
        sortLoaded();
    Q_EMIT rowsLoaded();
}

QVariant HistoryModel::sortKey(const HistoryRow &r) const
{
    switch (m_sortColumn) {
    case File: return r.fileName.section(QLatin1Char('/'), -1).toLower();
    case Category: // the final category, as the column shows it first
        return r.ok ? m_names.name(decided(r) ? r.finalCategoryId : r.categoryId).toLower() : QStringLiteral("\uffff") + r.errorCode;
    case Confidence: return r.ok ? r.confidence : -1.0;
    case Price: return r.ok ? (decided(r) ? r.finalPrice.value_or(-1.0) : r.pricePoint) : -1.0;
    case Title: return r.shownTitle().toLower();
    case Feedback: return r.feedback + QLatin1Char(' ') + m_names.name(r.finalCategoryId).toLower();
    case Flags: return (r.review + r.flags).join(QLatin1Char(','));
    case Latency: return r.totalMs;
    default: return r.createdMs;
    }
}

void HistoryModel::sortLoaded()
{
    if (m_entries.size() < 2)
        return;
    Q_EMIT layoutAboutToBeChanged({}, QAbstractItemModel::VerticalSortHint);
    // Keys once; equal keys keep newest first.
    QList<QVariant> keys;
    keys.reserve(m_entries.size());
    for (const Entry &e : std::as_const(m_entries))
        keys << sortKey(e.row);
    QList<qsizetype> order(m_entries.size());
    std::iota(order.begin(), order.end(), qsizetype(0));
    const bool ascending = m_sortOrder == Qt::AscendingOrder;
    std::stable_sort(order.begin(), order.end(), [&](qsizetype a, qsizetype b) {
        const auto c = QVariant::compare(keys[a], keys[b]);
        if (c != QPartialOrdering::Equivalent && c != QPartialOrdering::Unordered)
            return ascending ? c == QPartialOrdering::Less : c == QPartialOrdering::Greater;
        const HistoryRow &x = m_entries[a].row, &y = m_entries[b].row;
        return x.createdMs != y.createdMs ? x.createdMs > y.createdMs : x.id > y.id;
    });
    QList<Entry> sorted;
    sorted.reserve(m_entries.size());
    QList<int> newRow(m_entries.size());
    for (qsizetype i = 0; i < order.size(); ++i) {
        newRow[order[i]] = int(i);
        sorted.append(std::move(m_entries[order[i]]));
    }
    m_entries = std::move(sorted);
    // The selection and current row follow their rows.
    const QModelIndexList before = persistentIndexList();
    QModelIndexList after;
    for (const QModelIndex &i : before)
        after << index(newRow.value(i.row(), i.row()), i.column());
    changePersistentIndexList(before, after);
    Q_EMIT layoutChanged({}, QAbstractItemModel::VerticalSortHint);
}

const HistoryRow *HistoryModel::row(int r) const
{
    return r >= 0 && r < m_entries.size() ? &m_entries[r].row : nullptr;
}

QList<qint64> HistoryModel::awaitingThumbnails(qint64 sinceMs, int max) const
{
    QList<qint64> ids;
    for (const Entry &e : m_entries) {
        if (ids.size() >= max)
            break;
        if (e.thumbnail.isNull() && e.row.ok && e.row.createdMs >= sinceMs)
            ids << e.row.id;
    }
    return ids;
}

void HistoryModel::setThumbnails(const QList<qint64> &ids, const QList<QImage> &thumbnails)
{
    QHash<qint64, QImage> byId;
    for (qsizetype i = 0; i < ids.size() && i < thumbnails.size(); ++i) {
        if (!thumbnails[i].isNull())
            byId.insert(ids[i], thumbnails[i]);
    }
    for (qsizetype r = 0; r < m_entries.size() && !byId.isEmpty(); ++r) {
        if (auto found = byId.find(m_entries[r].row.id); found != byId.end()) {
            m_entries[r].thumbnail = found.value();
            byId.erase(found);
            const QModelIndex cell = index(int(r), Photo);
            Q_EMIT dataChanged(cell, cell, {Qt::DecorationRole, Qt::ToolTipRole});
        }
    }
}

} // namespace listinglens::ui
