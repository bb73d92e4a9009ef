#include "photo_files.h"

#include <QDir>
#include <QDirIterator>
#include <QFileInfo>

#include <algorithm>

namespace listinglens {

bool hasPhotoExtension(const QString &path)
{
    static const QStringList extensions = {QStringLiteral("jpg"), QStringLiteral("jpeg"), QStringLiteral("png"),
                                           QStringLiteral("webp"), QStringLiteral("bmp"), QStringLiteral("tif"),
                                           QStringLiteral("tiff")};
    return extensions.contains(QFileInfo(path).suffix().toLower());
}

QStringList findPhotos(const QString &dir)
{
    QStringList files;
    QDirIterator it(dir, QDir::Files | QDir::Readable, QDirIterator::Subdirectories | QDirIterator::FollowSymlinks);
    while (it.hasNext()) {
        const QString path = it.next();
        if (hasPhotoExtension(path))
            files << path;
    }
    std::sort(files.begin(), files.end());
    return files;
}

QStringList expandPhotoPaths(const QStringList &paths, QStringList *emptyFolders)
{
    QStringList files;
    for (const QString &p : paths) {
        if (!QFileInfo(p).isDir()) {
            files << p;
            continue;
        }
        const QStringList found = findPhotos(p);
        if (found.isEmpty() && emptyFolders)
            *emptyFolders << p;
        files << found;
    }
    return files;
}

QStringList localPathsFromUrls(const QList<QUrl> &urls)
{
    QStringList paths;
    for (const QUrl &url : urls)
        if (url.isLocalFile())
            paths << url.toLocalFile();
    return paths;
}

} // namespace listinglens
