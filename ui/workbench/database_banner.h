#pragma once

#include <QDateTime>
#include <QFrame>

class QLabel;
class QPushButton;
class QTimer;

namespace listinglens::ui {

class Session;

// The bar above every page while the session's database is unreachable: which
// database, since when, what the pages show meanwhile (figures from before
// then), how many results wait in memory to be written when it is back, and
// when the next try is; Retry tries at once. Hidden while the database is
// reachable. GUI thread only: it follows the Session's signals and reads its
// counters once a second while shown.
class DatabaseBanner : public QFrame {
    Q_OBJECT
public:
    explicit DatabaseBanner(Session *session, QWidget *parent = nullptr);

    QString text() const;
    QPushButton *retryButton() const { return m_retry; }

private:
    void lost(const QString &message);
    void refresh();

    Session *m_session;
    QLabel *m_text;
    QPushButton *m_retry;
    QTimer *m_tick;
    QString m_reason; // the driver's words, in the tooltip
    bool m_connecting = false;
};

} // namespace listinglens::ui
