#pragma once

#include "history_reads.h"
#include "prediction_store.h"

#include <QAbstractTableModel>
#include <QImage>

namespace listinglens::ui {

// Prediction history as a table that pages itself in lazily: the view asks
// for more as it scrolls (fetchMore), the model asks for the next keyset page.
class HistoryModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Photo, Time, File, Category, Confidence, Price, Title, Feedback, Flags, Latency, ColumnCount };
    static constexpr int kPage = 100;

    using QAbstractTableModel::QAbstractTableModel;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

    // Starts over with a new filter; returns the request number pages must carry.
    int reset(const HistoryFilter &filter);
    void appendPage(int request, const QList<HistoryRow> &rows, const QList<QImage> &thumbnails, bool more);
    const HistoryRow *row(int r) const;
    const HistoryFilter &filter() const { return m_filter; }
    int request() const { return m_request; }

Q_SIGNALS:
    void pageWanted(int request, const HistoryFilter &filter, std::optional<HistoryCursor> after, int limit);

private:
    HistoryFilter m_filter;
    QList<HistoryRow> m_rows;
    QList<QImage> m_thumbnails;
    int m_request = 0;
    bool m_more = false;
    bool m_loading = false;
};

} // namespace listinglens::ui
