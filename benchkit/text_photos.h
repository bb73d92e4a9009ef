#pragma once

#include "contact_samples.h"
#include "error.h"

#include <QRect>
#include <QString>
#include <QStringList>

#include <vector>

namespace listinglens {

// The text benchmark's photos: contact details and stock-photo marks written
// onto real marketplace photos as sellers write them (contact_samples.h,
// text_layouts.h). Two families that share no font, layout or number form:
// the one the reading is tuned on, and the unseen one it is measured on.
// The same seed makes the same set.
struct TextPhoto {
    QString path;     // the JPEG written
    QString source;   // the photo it was drawn on
    QString kind;     // phone, email, handle, url or stock
    QString text;     // what was drawn
    QString expected; // what a reader should find: E.164, the address, @handle, the link, the mark
    QString layout;   // text_layouts.h
    QString font;
    QRect box;        // where the text is, in the photo's pixels
    double angle = 0; // degrees it was turned by
    int letterHeight = 0;   // its capitals' height, photo pixels
    bool lightText = false; // lighter than the ground about it
};

// One photo per source, the kinds in turn (contacts four times in five,
// phones twice); written to outDir (emptied of earlier JPEGs first) with
// labels.csv beside them. The unseen and wide families are also drawn on
// the photo scaled up to phone sizes (a long side of 1600 or 3000 px) half
// the time.
Result<std::vector<TextPhoto>> makeTextPhotos(const QStringList &sources, const QString &outDir, SampleFamily family, quint32 seed = 16);

// Where bench-text keeps the set it makes.
QString defaultTextPhotosDir();

} // namespace listinglens
