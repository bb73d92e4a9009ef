#pragma once

#include "error.h"

#include <QString>

namespace listinglens::ui {

// The Settings dialog's Test button: connects to the database at `url` and
// reads its schema version and how many results it holds, without changing
// anything (no migration; a SQLite file that is not there yet is not created).
// Blocks for up to the connection timeout (5 s on PostgreSQL): call it off the
// GUI thread. Both the answer and the error are in plain words.
struct DatabaseCheck {
    QString summary;      // what was found, one or two sentences
    int schemaVersion = 0;
    qint64 results = -1;  // rows in predictions; -1: not read (no schema, no file yet)
    bool usable = true;   // false: reachable, but the window would refuse it (schema missing or newer)
};
Result<DatabaseCheck> checkDatabase(const QString &url);

// A driver's failure to connect, said in plain words where it is a common one
// (refused, timed out, unknown host, wrong password, no such database).
QString plainDatabaseError(const QString &message, const QString &where);

} // namespace listinglens::ui
