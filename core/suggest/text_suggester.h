#pragma once

#include "photo_result.h"
#include "taxonomy.h"

namespace listinglens {

struct SuggestedText {
    QString title;
    QString description;
};

// Plain, editable listing text from what the model and the photo measurements
// actually support: the more certain the label, the more specific the words.
// It never states brand, model, size or condition, which a photo cannot show.
class TextSuggester {
public:
    static constexpr double kConfidentLabel = 0.5;  // name the label outright
    static constexpr double kLikelyLabel = 0.2;     // name it, "to be confirmed"
    static constexpr double kColourShare = 0.3;     // colour worth naming

    static SuggestedText suggest(const Category &category, const LabelScore &topLabel, bool labelInCategory,
                                 const QString &colour, double colourShare, const PhotoQuality &quality);
};

} // namespace listinglens
