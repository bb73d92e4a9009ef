#pragma once

#include "database_url.h"
#include "error.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QString>
#include <QStringList>

#include <memory>

namespace listinglens {

// The one way a failed statement becomes an error value: what was being done,
// and the driver's words.
Error databaseError(const QString &what, const QSqlError &error);

// Qt SQL connections to one database: one per thread (and role), never shared
// across threads, as Qt requires. Each connection is named after its store and
// a serial number of its thread that is never reused, and is removed when its
// thread ends or when this object goes, whichever is first: each thread keeps
// a thread_local record of what it opened, holding this object's names weakly.
// (QThreadStorage cannot do that: it leaks, and warns, for a thread that
// outlives the storage, and it reuses a destroyed storage's slot.) Thread-safe.
class DbConnections {
public:
    explicit DbConnections(DatabaseUrl url);
    ~DbConnections();
    DbConnections(const DbConnections &) = delete;
    DbConnections &operator=(const DbConnections &) = delete;

    const DatabaseUrl &url() const { return m_url; }
    // This thread's connection, opened on first use (and reopened after drop()).
    // A role gives the thread a second connection of its own (a LISTEN connection, say).
    Result<QSqlDatabase> get(const QString &role = {});
    // Closes this thread's connection; the next get() opens a fresh one.
    void drop(const QString &role = {});
    // The connection names open now, of every thread (for tests and diagnostics).
    QStringList names() const;

private:
    struct Names; // every open name, held weakly by the threads that opened them
    QString nameFor(const QString &role) const;

    DatabaseUrl m_url;
    QString m_prefix;
    std::shared_ptr<Names> m_names;
};

} // namespace listinglens
