#include "db_connections.h"

#include "pg_binary.h"
#include "sqlite_files.h"

#include <QSqlQuery>

#include <atomic>
#include <mutex>
#include <utility>
#include <vector>

namespace listinglens {

namespace {

std::atomic<quint64> g_storeSerial{0};
std::atomic<quint64> g_threadSerial{0};

// A number for the calling thread that no later thread gets (thread ids are reused).
quint64 threadSerial()
{
    thread_local const quint64 serial = g_threadSerial.fetch_add(1);
    return serial;
}

} // namespace

Error databaseError(const QString &what, const QSqlError &error)
{
    return {ErrorCode::DatabaseError, QStringLiteral("%1: %2").arg(what, error.text().trimmed())};
}

struct DbConnections::Names {
    std::mutex mutex;
    QStringList open;
    // Removes a connection once, whoever comes first: its thread ending or the owner going.
    void remove(const QString &name)
    {
        std::lock_guard lock(mutex);
        if (open.removeOne(name))
            QSqlDatabase::removeDatabase(name);
    }
};

namespace {

// What this thread opened, of every DbConnections; removed when the thread ends
// (for the main thread: before static objects, Qt's connection registry among them, go).
template <typename Names>
struct ThreadConnections {
    std::vector<std::pair<std::weak_ptr<Names>, QString>> opened;
    ~ThreadConnections()
    {
        for (const auto &[names, name] : opened)
            if (const auto alive = names.lock())
                alive->remove(name);
    }
    void add(const std::shared_ptr<Names> &names, const QString &name)
    {
        std::erase_if(opened, [](const auto &entry) { return entry.first.expired(); }); // stores gone since
        opened.emplace_back(names, name);
    }
};

} // namespace

DbConnections::DbConnections(DatabaseUrl url)
    : m_url(std::move(url)), m_prefix(QStringLiteral("listinglens-%1-").arg(g_storeSerial.fetch_add(1))),
      m_names(std::make_shared<Names>())
{
}

DbConnections::~DbConnections()
{
    std::lock_guard lock(m_names->mutex);
    for (const QString &name : std::as_const(m_names->open))
        QSqlDatabase::removeDatabase(name);
    m_names->open.clear();
}

QString DbConnections::nameFor(const QString &role) const
{
    return m_prefix + QStringLiteral("t%1").arg(threadSerial()) + role;
}

QStringList DbConnections::names() const
{
    std::lock_guard lock(m_names->mutex);
    return m_names->open;
}

Result<QSqlDatabase> DbConnections::get(const QString &role)
{
    const QString name = nameFor(role);
    if (QSqlDatabase::contains(name)) {
        QSqlDatabase db = QSqlDatabase::database(name, false);
        // After a server restart the connection is dead but still looks open:
        // reopened here, the first statement on it succeeds instead of failing.
        // (Not a role's connection: a LISTEN one reads its notifications itself.)
        if (role.isEmpty() && db.isOpen() && pg::serverHungUp(db))
            db.close();
        if (!db.isOpen() && !db.open())
            return databaseError(QStringLiteral("cannot connect to %1").arg(m_url.masked()), db.lastError());
        return db;
    }
    QSqlDatabase db = QSqlDatabase::addDatabase(m_url.driver(), name);
    {
        std::lock_guard lock(m_names->mutex);
        m_names->open << name;
    }
    thread_local ThreadConnections<Names> opened;
    opened.add(m_names, name);
    if (!db.isValid())
        return Error{ErrorCode::DatabaseError, QStringLiteral("the Qt SQL driver %1 is not installed").arg(m_url.driver())};
    if (m_url.isPostgres()) {
        db.setHostName(m_url.host);
        db.setPort(m_url.port);
        db.setUserName(m_url.user);
        db.setPassword(m_url.password);
        db.setDatabaseName(m_url.database);
        db.setConnectOptions(m_url.connectOptions());
    } else {
        registerSqliteDatabase(m_url.path); // before SQLite takes its first lock
        db.setDatabaseName(m_url.path);
        db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=10000"));
    }
    if (!db.open())
        return databaseError(QStringLiteral("cannot connect to %1").arg(m_url.masked()), db.lastError());
    if (!m_url.isPostgres()) {
        QSqlQuery q(db);
        q.exec(QStringLiteral("PRAGMA foreign_keys = ON"));
        q.exec(QStringLiteral("PRAGMA journal_mode = WAL"));
    }
    return db;
}

void DbConnections::drop(const QString &role)
{
    const QString name = nameFor(role);
    if (QSqlDatabase::contains(name))
        QSqlDatabase::database(name, false).close(); // reopened by the next get()
}

} // namespace listinglens
