#pragma once

#include <QList>
#include <QString>
#include <QStringList>
#include <QUrl>

namespace listinglens {

// Which files are photos, found by extension: folders walked, dropped URLs turned into paths.

bool hasPhotoExtension(const QString &path);
// Image files (by extension) in a folder and its subfolders, sorted.
QStringList findPhotos(const QString &dir);
// Files as given, folders walked for photos; folders with none are added to emptyFolders.
QStringList expandPhotoPaths(const QStringList &paths, QStringList *emptyFolders = nullptr);
// The local files among dropped or pasted URLs, in order; anything else (http:, data:) is skipped.
QStringList localPathsFromUrls(const QList<QUrl> &urls);

} // namespace listinglens
