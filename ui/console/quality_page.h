#pragma once

#include "prediction_store.h"
#include "stats_reads.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QTableWidget;

namespace listinglens::ui {

class ConsoleWorker;

// How suggestions fare against moderators: the confusion between suggested
// and confirmed categories (click a cell for its rows), acceptance per
// category and the price error, over a period and model version.
class QualityPage : public QWidget {
    Q_OBJECT
public:
    QualityPage(ConsoleWorker *worker, QWidget *parent = nullptr);
    void refresh();
    QTableWidget *matrix() const { return m_matrix; }

Q_SIGNALS:
    void pairChosen(const QString &suggested, const QString &confirmed);

private:
    void show(const QualityReport &report);

    ConsoleWorker *m_worker;
    QComboBox *m_period;
    QLineEdit *m_modelVersion;
    QLabel *m_summary;
    QTableWidget *m_matrix;
    QTableWidget *m_acceptance;
    int m_request = 0;
};

} // namespace listinglens::ui
