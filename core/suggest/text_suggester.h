#pragma once

#include "photo_result.h"
#include "taxonomy.h"
#include "title_builder.h"

#include <QVector>

namespace listinglens {

struct SuggestedText {
    QString title;
    QString titleBasis;            // TitleBuilder::basisOf the words
    QVector<TitleWord> titleWords; // each word and its evidence
    QString description;           // buyer-facing listing text
    QStringList hints;             // what the seller should add or fix
};

// Plain, editable listing text from what the model, the photo and the
// market's confirmed listings actually support (TitleBuilder): it never
// states brand, model, size or condition that neither a photo nor a close
// listing shows. The photo's text comes later (applyPhotoText), when the
// moderation lane has read it.
class TextSuggester {
public:
    static constexpr double kColourShare = 0.3; // a colour worth reporting at all

    struct Input {
        const Category *category = nullptr;
        LabelScore topLabel;
        LabelScore itemLabel; // the most probable label of a category that is not the catch-all
        bool labelInCategory = false;
        QString colour;
        double colourShare = 0;
        PhotoQuality quality;
        QVector<NeighbourTitle> neighbours; // confirmed, same category, most similar first
        QVector<NeighbourTitle> nearby;     // the voters when a moderator chose the category (TitleEvidence)
        bool suggested = false;             // TitleEvidence::suggested
        QVector<MarketWord> marketWords;    // the category's, most used first
        QVector<CategoryWords> categoryWords; // the categories the photo may be in (TitleEvidence)
        QVector<MarketWord> learnedWords;     // the market's word model's (TitleEvidence)
    };
    static SuggestedText suggest(const Input &in);
};

} // namespace listinglens
