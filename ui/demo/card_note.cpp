#include "card_note.h"

#include <QCoreApplication>
#include <QStringList>

namespace listinglens::ui {

QString cardNote(const PhotoResult &r)
{
    QStringList notes;
    if (r.review.reasons.contains(QLatin1String("duplicate")) || r.quality.flags.contains(QLatin1String("duplicate")))
        notes << QCoreApplication::translate("PresentationView", "Already listed: this photo duplicates a stored listing, for review");
    if (r.titleBasis == QLatin1String("similar"))
        notes << QCoreApplication::translate("PresentationView", "Title from a similar listing, in its seller's words, not written from this photo");
    return notes.join(QLatin1Char('\n'));
}

} // namespace listinglens::ui
