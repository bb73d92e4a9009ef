#pragma once

#include "photo_result.h"
#include "taxonomy.h"

#include <QVector>

namespace listinglens {

// A confirmed listing close to the photo, whose title may name it.
struct NeighbourTitle {
    QString title;
    double similarity = 0; // cosine
};

struct SuggestedText {
    QString title;
    QString titleBasis;    // "similar", "label" or "category"
    QString description;   // buyer-facing listing text
    QStringList hints;     // what the seller should add or fix
};

// Plain, editable listing text from what the model, the photo and the
// market's confirmed listings actually support. It never states brand, model,
// size or condition that neither a photo nor a close listing shows.
//
// Title, in order:
//  - the nearest confirmed listing's title, when it is very close (a near copy);
//  - the words the close confirmed listings' titles share;
//  - the model's label, when it is confident and belongs to the category;
//  - the category's noun.
class TextSuggester {
public:
    static constexpr double kConfidentLabel = 0.5;  // name the label
    static constexpr double kColourShare = 0.3;     // colour worth naming
    static constexpr double kNearCopy = 0.92;       // the nearest listing's title as it is
    static constexpr double kCloseListing = 0.75;   // a listing whose title words count
    static constexpr int kMinCloseListings = 2;

    struct Input {
        const Category *category = nullptr;
        LabelScore topLabel;
        bool labelInCategory = false;
        QString colour;
        double colourShare = 0;
        PhotoQuality quality;
        QVector<NeighbourTitle> neighbours; // confirmed, same category, most similar first
    };
    static SuggestedText suggest(const Input &in);

    // The words (in the first title's order) that at least half of the titles share.
    static QString sharedWords(const QStringList &titles);
};

} // namespace listinglens
