#pragma once

#include "db_connections.h"
#include "error.h"

namespace listinglens {

// A database looked at before it is used, without changing anything: no
// migration, no table or file created. The window's Settings dialog tests a
// URL with it. Blocks for up to the connection timeout (5 s on PostgreSQL).
struct DatabaseContents {
    int schemaVersion = 0; // 0: no ListingLens schema yet
    qint64 results = -1;   // rows in predictions; -1: not counted (no schema, a newer one, or resultsError)
    QString resultsError;  // why they could not be counted, when that failed
};

// Connects, reads the schema version and, when it is one this program knows,
// counts the stored results. The error: no connection, or no version read.
Result<DatabaseContents> probeDatabase(DbConnections &connections);

} // namespace listinglens
