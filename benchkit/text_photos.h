#pragma once

#include "error.h"

#include <QString>
#include <QStringList>

#include <vector>

namespace listinglens {

// The evaluation set of text on photos: text drawn onto real marketplace photos,
// as sellers write it: phone numbers in national and international formats
// of several countries, e-mail addresses, messenger handles and links, and
// stock-photo marks; in six fonts, at several sizes, colours and angles,
// with and without a box behind. The same seed makes the same set.
struct TextPhoto {
    QString path;     // the JPEG written
    QString source;   // the photo it was drawn on
    QString kind;     // phone, email, handle, url or stock
    QString text;     // what was drawn
    QString expected; // what a reader should find: E.164, the address, @handle, the link, the mark
};

// One photo per source, the kinds in turn; written to outDir (emptied of
// earlier JPEGs first) with labels.csv beside them.
Result<std::vector<TextPhoto>> makeTextPhotos(const QStringList &sources, const QString &outDir, quint32 seed = 16);

// Where bench-text keeps the set it makes.
QString defaultTextPhotosDir();

} // namespace listinglens
