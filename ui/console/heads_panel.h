#pragma once

#include "head_summary.h"

#include <QWidget>

class QLabel;
class QPushButton;
class QTableWidget;

namespace listinglens::ui {

class ConsoleWorker;

// The market's category heads on the quality page, as `model list` shows
// them, with Activate (the selected head, or the built-in mapping) and Roll
// back. The reads, the privilege check and the writes run on the console
// worker's thread; a role that may not write heads is told why, and its
// buttons stay disabled.
class HeadsPanel : public QWidget {
    Q_OBJECT
public:
    explicit HeadsPanel(ConsoleWorker *worker, QWidget *parent = nullptr);
    void refresh();
    void activateSelected();
    void rollBack();

    QTableWidget *table() const { return m_table; }
    QPushButton *activateButton() const { return m_activate; }
    QPushButton *rollbackButton() const { return m_rollback; }
    QString message() const;

private:
    enum Column { Version, Created, Examples, Top1, Top3, Ece, Active, ColumnCount };

    void show(const QList<HeadSummary> &heads, const QString &writeRefusal);
    void showMessage(const QString &text, bool error);
    void updateButtons();

    ConsoleWorker *m_worker;
    QTableWidget *m_table;
    QPushButton *m_activate;
    QPushButton *m_rollback;
    QLabel *m_message;
    QString m_writeRefusal = tr("reading the heads…");
    bool m_changing = false;
    int m_request = 0;
    int m_changeRequest = 0;
};

} // namespace listinglens::ui
