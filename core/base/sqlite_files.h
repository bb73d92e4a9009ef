#pragma once

#include <QString>

namespace listinglens {

// The SQLite databases this process has open, so that nothing else in the
// process opens their files.
//
// SQLite locks its files with POSIX advisory locks, which belong to the
// process: closing *any* descriptor of the file, even one opened only to read
// a few bytes, drops every lock the process holds on it ("How To Corrupt An
// SQLite Database File", 2.2). Another process (the command line on the same
// file) then believes it is the last connection, checkpoints and deletes
// -wal/-shm under us, and later writes corrupt the database. The workbench
// did exactly that whenever a file dialog listed the database's folder (its
// file-type column read each file's first bytes) or a photo path named one
// of these files.
//
// PredictionStore registers each SQLite file it opens; the image loader and
// the history export refuse these files (and their -wal, -shm and -journal)
// by identity (device and inode) before opening them.
void registerSqliteDatabase(const QString &path);
// True when path is, or is a link to, an open database's file or its companions.
bool isOpenSqliteFile(const QString &path);

} // namespace listinglens
