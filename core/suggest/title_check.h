#pragma once

#include "classifier.h"
#include "listing_index.h"
#include "photo_result.h"
#include "taxonomy.h"

#include <QJsonObject>

#include <map>

namespace listinglens {

// Suggested titles against sellers' own, in content words (title_words.h):
// recall (share of the seller's words the suggestion has), precision (share of
// the suggestion's words in the seller's title), the share with a word in
// common, and the share that are a bare colour + noun template.
struct TitleScores {
    int listings = 0, sharing = 0, colourNoun = 0;
    double recall = 0, precision = 0;
    std::map<QString, int> basis;

    void add(const QString &suggested, const QVector<TitleWord> &words, const QString &basisName, const QString &sellers);
    QJsonObject json() const;
};

// Each of up to `limit` confirmed listings (spread over the index) given the
// title the product would suggest were its confirmed category the photo's one
// category (Classifier::voters and categoryWords: the category's closest other
// confirmed listings and its words; it is left out of its own evidence),
// against its confirmed title. Voted as suggested (TitleEvidence::suggested):
// a sparse category's listings, fewer than WordVote::kListings, have their
// share scaled by the places they fill here too, as in a suggestion. What a market's own listings support, without
// the photo's text, label or colour.
TitleScores leaveOneOutTitles(const ListingIndex &index, const Classifier &classifier, int limit);

} // namespace listinglens
