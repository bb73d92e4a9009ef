#pragma once

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

namespace listinglens::ui {

class ConsoleWorker;
class HistoryModel;

// Prediction history: filters, a lazily paged table with thumbnails, the
// full record of the selected row, and CSV export of the current filter.
class HistoryPage : public QWidget {
    Q_OBJECT
public:
    HistoryPage(ConsoleWorker *worker, QWidget *parent = nullptr);

    void setCategories(const QStringList &ids);
    // Shows the rows of one suggested/confirmed pair (from the quality page).
    void showPair(const QString &suggested, const QString &confirmed);
    void refresh();
    void exportTo(const QString &path);

    HistoryModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    QLineEdit *searchBox() const { return m_search; }
    QComboBox *categoryBox() const { return m_category; }
    QComboBox *feedbackBox() const { return m_feedback; }
    QCheckBox *needsReviewBox() const { return m_needsReview; }
    QLineEdit *headBox() const { return m_head; }
    bool isExporting() const;

Q_SIGNALS:
    void exportDone(bool ok, const QString &message);

private:
    HistoryFilter currentFilter() const;
    void showDetail();
    void chooseExport();

    ConsoleWorker *m_worker;
    HistoryModel *m_model;
    QTableView *m_table;
    QDateEdit *m_from;
    QDateEdit *m_until;
    QComboBox *m_category;
    QComboBox *m_feedback;
    QComboBox *m_flag;
    QDoubleSpinBox *m_minConfidence;
    QDoubleSpinBox *m_maxConfidence;
    QLineEdit *m_model_version;
    QCheckBox *m_needsReview;
    QLineEdit *m_head;
    QLineEdit *m_search;
    QString m_finalCategory;
    bool m_oldestFirst = false;
    QTextBrowser *m_detail;
    QLabel *m_detailPhoto;
    QProgressBar *m_exportProgress;
    QPushButton *m_exportCancel;
    int m_detailRequest = 0;
    int m_exportRequest = 0;
};

} // namespace listinglens::ui
