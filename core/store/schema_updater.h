#pragma once

#include "db_connections.h"
#include "error.h"

namespace listinglens {

// The schema's version as stored in the database (0: no ListingLens schema yet).
Result<int> schemaVersionOf(DbConnections &connections);

// Brings the schema to schema::latestVersion(), one step per transaction, and
// returns the version reached. Several processes may migrate at once: each
// step reads the version inside its transaction, so none is applied twice.
Result<int> migrateSchema(DbConnections &connections);

} // namespace listinglens
