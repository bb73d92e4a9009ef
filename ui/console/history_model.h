#pragma once

#include "category_names.h"
#include "history_reads.h"
#include "prediction_store.h"

#include <QAbstractTableModel>
#include <QImage>

namespace listinglens::ui {

// Prediction history as a table that pages itself in lazily: the view asks
// for more as it scrolls (fetchMore), the model asks for the next keyset page.
//
// Sorting: Time is the keyset order, so newest or oldest first pages through
// any number of rows. No index serves the other columns, so sorting by one of
// them loads the matching rows, at most kSortCap of them (the newest), and
// sorts those here: complete when the filter narrows to kSortCap rows or
// fewer, and said to be partial (sortIsPartial) when it does not.
class HistoryModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Photo, Time, File, Category, Confidence, Price, Title, Feedback, Flags, Latency, ColumnCount };
    static constexpr int kPage = 100;
    static constexpr int kSortCap = 2000;

    using QAbstractTableModel::QAbstractTableModel;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;
    void sort(int column, Qt::SortOrder order) override;

    void setCategoryNames(const CategoryNames &names);
    // Starts over with a new filter (its oldestFirst is the model's while sorted by
    // Time); returns the request number pages must carry.
    int reset(const HistoryFilter &filter);
    void appendPage(int request, const QList<HistoryRow> &rows, const QList<QImage> &thumbnails, bool more);
    const HistoryRow *row(int r) const;
    // Rows loaded before the moderation lane stored their photo (it blurs faces
    // first), created at sinceMs or later: their ids, at most max of them.
    QList<qint64> awaitingThumbnails(qint64 sinceMs, int max) const;
    // Thumbnails read again for such rows; a null image leaves its row waiting.
    void setThumbnails(const QList<qint64> &ids, const QList<QImage> &thumbnails);
    const HistoryFilter &filter() const { return m_filter; }
    int request() const { return m_request; }
    int sortColumn() const { return m_sortColumn; }
    Qt::SortOrder sortOrder() const { return m_sortOrder; }
    bool isLoading() const { return m_loading; }
    // Sorted by a column other than Time over only the newest kSortCap matching rows.
    bool sortIsPartial() const { return m_sortColumn != Time && m_more; }

Q_SIGNALS:
    void pageWanted(int request, const HistoryFilter &filter, std::optional<HistoryCursor> after, int limit);
    // After every page that came in (and after a sort).
    void rowsLoaded();

private:
    struct Entry {
        HistoryRow row;
        QImage thumbnail;
    };
    void sortLoaded();
    QVariant sortKey(const HistoryRow &r) const;

    HistoryFilter m_filter;
    QList<Entry> m_entries;
    CategoryNames m_names;
    int m_request = 0;
    int m_sortColumn = Time;
    Qt::SortOrder m_sortOrder = Qt::DescendingOrder;
    bool m_more = false;
    bool m_loading = false;
};

} // namespace listinglens::ui
