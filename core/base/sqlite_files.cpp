#include "sqlite_files.h"

#include <QFile>
#include <QFileInfo>
#include <QMutex>
#include <QStringList>

#include <sys/stat.h>

namespace listinglens {

namespace {

QMutex g_mutex;
QStringList g_databases; // absolute paths, guarded by g_mutex

bool sameFile(const struct stat &a, const QString &path)
{
    struct stat b {};
    return ::stat(QFile::encodeName(path).constData(), &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

} // namespace

void registerSqliteDatabase(const QString &path)
{
    const QString absolute = QFileInfo(path).absoluteFilePath();
    QMutexLocker lock(&g_mutex);
    if (!g_databases.contains(absolute))
        g_databases << absolute;
}

bool isOpenSqliteFile(const QString &path)
{
    struct stat candidate {};
    if (::stat(QFile::encodeName(path).constData(), &candidate) != 0)
        return false;
    QMutexLocker lock(&g_mutex);
    for (const QString &db : std::as_const(g_databases)) {
        for (const char *suffix : {"", "-wal", "-shm", "-journal"}) {
            if (sameFile(candidate, db + QLatin1String(suffix)))
                return true;
        }
    }
    return false;
}

} // namespace listinglens
