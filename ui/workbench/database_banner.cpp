#include "database_banner.h"

#include "database_url.h"
#include "session.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QTimer>

namespace listinglens::ui {

namespace {

// "PostgreSQL at host:5432" or "The database file /path/x.sqlite".
QString whichDatabase(const QString &url)
{
    const auto parsed = DatabaseUrl::parse(url);
    if (!parsed)
        return QObject::tr("The database");
    const DatabaseUrl &db = parsed.value();
    if (db.isPostgres())
        return QObject::tr("PostgreSQL at %1:%2 (%3)").arg(db.host).arg(db.port).arg(db.database);
    return QObject::tr("The database file %1").arg(db.path);
}

} // namespace

DatabaseBanner::DatabaseBanner(Session *session, QWidget *parent)
    : QFrame(parent), m_session(session), m_text(new QLabel), m_retry(new QPushButton(tr("Retry now"))), m_tick(new QTimer(this))
{
    setObjectName(QStringLiteral("databaseBanner"));
    // Amber on dark text in either theme: a warning, readable on light and dark palettes.
    setStyleSheet(QStringLiteral("#databaseBanner { background: #ffe08a; border-bottom: 1px solid #c79a00; }"
                                 "#databaseBanner QLabel { color: #3a2a00; }"));
    m_text->setWordWrap(true);
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_retry->setObjectName(QStringLiteral("databaseRetry"));
    auto *row = new QHBoxLayout(this);
    row->setContentsMargins(10, 6, 10, 6);
    row->addWidget(m_text, 1);
    row->addWidget(m_retry);
    hide();

    m_tick->setInterval(1000);
    connect(m_tick, &QTimer::timeout, this, &DatabaseBanner::refresh);
    connect(m_retry, &QPushButton::clicked, this, [this] {
        m_connecting = true;
        refresh();
        m_session->retryDatabase();
    });
    connect(session, &Session::databaseUnavailable, this, [this](const QString &message, int) { lost(message); });
    connect(session, &Session::resultNotStored, this, [this](const QString &message) { lost(message); });
    connect(session, &Session::databaseConnecting, this, [this] {
        m_connecting = true;
        refresh();
    });
    connect(session, &Session::databaseOpened, this, [this] {
        m_connecting = false;
        m_tick->stop();
        hide();
    });
}

QString DatabaseBanner::text() const
{
    return m_text->text();
}

void DatabaseBanner::lost(const QString &message)
{
    m_reason = message;
    m_connecting = false;
    m_tick->start();
    refresh();
    show();
}

void DatabaseBanner::refresh()
{
    const QDateTime since = m_session->databaseLostSince();
    if (!since.isValid()) {
        // Not lost (any more), or another database is being opened: nothing stale to say.
        if (!m_connecting || isHidden()) {
            m_tick->stop();
            hide();
        }
        return;
    }
    const QString when = since.date() == QDate::currentDate() ? QLocale().toString(since.time(), QLocale::ShortFormat)
                                                              : QLocale().toString(since, QLocale::ShortFormat);
    const int waiting = m_session->resultsWaiting();
    QString text = tr("%1 is unreachable since %2. History, Quality and Throughput cannot be read: "
                      "what they show is from before then.")
                       .arg(whichDatabase(m_session->databaseUrl()), when);
    text += QLatin1Char(' ');
    text += waiting == 0 ? tr("Results made meanwhile are kept and written when it is back.")
            : waiting == 1 ? tr("1 result made since is kept and will be written when it is back.")
                           : tr("%1 results made since are kept and will be written when it is back.").arg(waiting);
    text += QLatin1Char(' ');
    const int seconds = m_session->secondsToRetry();
    text += m_connecting || seconds == 0 ? tr("Trying to connect…") : tr("Retrying in %1 s.").arg(seconds);
    m_text->setText(text);
    m_text->setToolTip(m_reason);
    m_retry->setEnabled(!m_connecting);
}

} // namespace listinglens::ui
