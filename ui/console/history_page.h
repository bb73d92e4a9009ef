#pragma once

#include "category_names.h"
#include "history_reads.h"
#include "prediction_store.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QDateEdit;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QTableView;
class QTextBrowser;
class QTimer;

namespace listinglens::ui {

class ConsoleWorker;
class HistoryModel;

// Prediction history: filters that apply as they change (text after a pause
// in typing), a lazily paged table with thumbnails and a count of the
// matching rows, the full record of the selected row, and CSV export of the
// current filter. The quality page's drill-down sets the Category and
// Confirmed filters, where it shows and can be cleared.
class HistoryPage : public QWidget {
    Q_OBJECT
public:
    static constexpr int kTextDebounceMs = 350;
    static constexpr int kDebounceMs = 60;  // coalesces a burst of changes (Clear filters, a drill-down)
    static constexpr qint64 kCountCap = 100'000;
    static constexpr qint64 kAwaitThumbnailMs = 10 * 60 * 1000; // rows newer than this wait for their photo
    static constexpr int kCellPadding = 12; // a cell's text margins, both sides
    static constexpr int kSortArrow = 20;   // the header's sort indicator

    HistoryPage(ConsoleWorker *worker, QWidget *parent = nullptr);

    void setCategories(const QStringList &ids);
    void setCategories(const QStringList &ids, const QStringList &names);
    // Shows the rows of one suggested/confirmed pair (from the quality page).
    void showPair(const QString &suggested, const QString &confirmed);
    void refresh();
    void clearFilters();
    void exportTo(const QString &path);

    HistoryModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    QLineEdit *searchBox() const { return m_search; }
    QComboBox *categoryBox() const { return m_category; }
    QComboBox *confirmedBox() const { return m_confirmed; }
    QComboBox *feedbackBox() const { return m_feedback; }
    QCheckBox *needsReviewBox() const { return m_needsReview; }
    QLineEdit *headBox() const { return m_head; }
    QLabel *countLabel() const { return m_count; }
    bool isExporting() const;

Q_SIGNALS:
    void exportDone(bool ok, const QString &message);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void resetFilterWidgets(); // every filter back to "any", without a refresh
    void setupFilters(); // history_page_filters.cpp
    void makeWhenAndWhatFilters();
    void makeHowFilters();
    void makeFilterActions();
    void layoutFilters();
    void connectFilters();
    void setupTable();
    HistoryFilter currentFilter() const;
    void scheduleRefresh(int delayMs);
    void awaitThumbnails(); // asks again, in a while, for the photos the lane has not stored yet
    void showDetail();
    void showDetailText(const PredictionDetail &d, const QImage &photo);
    void showCount();
    void fitColumns();
    int widestPrice() const; // of the final prices loaded, as the Price column starts them
    void chooseExport();
    void selectCategory(QComboBox *box, const QString &id);

    ConsoleWorker *m_worker;
    HistoryModel *m_model;
    CategoryNames m_names;
    QTableView *m_table;
    QDateEdit *m_from;
    QDateEdit *m_until;
    QComboBox *m_category;
    QComboBox *m_confirmed;
    QComboBox *m_feedback;
    QComboBox *m_flag;
    QDoubleSpinBox *m_minConfidence;
    QDoubleSpinBox *m_maxConfidence;
    QLineEdit *m_model_version;
    QCheckBox *m_needsReview;
    QLineEdit *m_head;
    QLineEdit *m_search;
    QPushButton *m_clear;
    QPushButton *m_exportButton;
    QLabel *m_count;
    QTimer *m_refreshTimer;
    QTimer *m_thumbnailTimer;
    QTextBrowser *m_detail;
    QLabel *m_detailPhoto;
    QProgressBar *m_exportProgress;
    QPushButton *m_exportCancel;
    int m_detailRequest = 0;
    int m_exportRequest = 0;
    int m_countRequest = 0;
    qint64 m_matching = -1;                 // -1: not counted yet
    bool m_settingFilters = false;          // a burst of changes made here: one refresh after it
};

} // namespace listinglens::ui
