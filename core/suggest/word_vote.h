#pragma once

#include "title_builder.h"

namespace listinglens {

// The words a seller of this photo's item is likely to write, each with how
// likely: the similarity-weighted share of the closest confirmed listings (of
// any category: a photo put in the wrong category still finds its kind) whose
// titles have the word, mixed with the share of the category's confirmed
// titles that have it. A word is kept when it is likely enough, whole (never
// cut from a run of one title), at most TitleBuilder::kMaxWords of them, in
// the order sellers write them (the closest title with most of them orders
// them; the others keep their mean place among the titles).
class WordVote {
public:
    static constexpr int kListings = 10;          // the closest confirmed listings that vote
    static constexpr double kSharpness = 8;       // a listing's vote: similarity to this power
    // A listing less alike than this does not vote: shares are relative, so
    // with few confirmed listings the only one there would otherwise decide
    // the title of every photo, however unlike it.
    static constexpr double kMinSimilarity = 0.5;
    static constexpr double kNeighbourWeight = 0.7; // the listings' share of a word's likelihood; the category's the rest
    // Chosen on the tune split of the marketplace set (docs/user/suggestions.md).
    static constexpr double kLikely = 0.17;       // a word at least this likely is written

    static QVector<TitleWord> words(const TitleEvidence &evidence);
};

} // namespace listinglens
