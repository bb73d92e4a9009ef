#pragma once

#include "category_names.h"
#include "prediction_store.h"
#include "stats_reads.h"

#include <QWidget>

#include <map>

class QCheckBox;
class QComboBox;
class QHBoxLayout;
class QLabel;
class QLineEdit;
class QResizeEvent;
class QSplitter;
class QTableWidget;

namespace listinglens::ui {

class ConsoleWorker;
class HeadsPanel;
class ReliabilityChart;
class TimeChart;

// How suggestions fare against moderators: the confusion between suggested
// and confirmed categories (click a cell for its rows), acceptance per
// category, the price error, how well the confidence is calibrated and how
// each category head does, over a period and model version; and the heads
// themselves, to activate or roll back.
class QualityPage : public QWidget {
    Q_OBJECT
public:
    QualityPage(ConsoleWorker *worker, QWidget *parent = nullptr);
    void refresh();
    void setCategoryNames(const QStringList &ids, const QStringList &names);
    // The matrix's classes in the order shown (rows and columns alike): by
    // volume, suggested plus confirmed, the busiest first.
    // The matrix's categories by volume: at most kMatrixTop, then one for the rest folded together.
    static constexpr int kMatrixTop = 10;
    static constexpr int kRowNames = 200; // the widest the matrix's row names get
    static constexpr int kSideBySideWidth = 1300; // narrower, each row of boxes is stacked
    QStringList matrixClasses() const { return m_classes; }
    QTableWidget *matrix() const { return m_matrix; }
    ReliabilityChart *reliability() const { return m_reliability; }
    QTableWidget *perHead() const { return m_perHead; }
    HeadsPanel *heads() const { return m_heads; }
    // The share of photos carrying each of chartedFlags(), per bucket of the plan.
    void showFlagRates(const SeriesPlan &plan, const QList<FlagRateBucket> &buckets);
    TimeChart *flagRates() const { return m_flagRates; }

Q_SIGNALS:
    void pairChosen(const QString &suggested, const QString &confirmed); // category ids

protected:
    void changeEvent(QEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;

private:
    QHBoxLayout *setupBar();
    QWidget *setupCategories();
    QWidget *setupCalibration();
    QWidget *setupFlagRates();
    void connectWorker();
    void show(const QualityReport &report);
    void showAcceptance(const QStringList &ordered, const std::map<QString, qint64> &suggested,
                        const std::map<std::pair<QString, QString>, qint64> &cells);
    void showPerHead(const QList<HeadAccuracy> &heads);

    ConsoleWorker *m_worker;
    CategoryNames m_names;
    QualityReport m_report;
    QStringList m_classes;
    QComboBox *m_period;
    QLineEdit *m_modelVersion;
    QCheckBox *m_includeImports;
    QLabel *m_summary;
    QTableWidget *m_matrix;
    QTableWidget *m_acceptance;
    QSplitter *m_categoriesSplit = nullptr; // the matrix beside (wide) or above (narrow) the acceptance
    QSplitter *m_calibrationSplit = nullptr; // calibration, per head and the heads: side by side or stacked
    ReliabilityChart *m_reliability;
    QTableWidget *m_perHead;
    HeadsPanel *m_heads;
    TimeChart *m_flagRates;
    int m_request = 0;
};

} // namespace listinglens::ui
