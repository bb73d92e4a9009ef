#pragma once

#include "title_builder.h"

#include <map>
#include <vector>

namespace listinglens {

// One score per word a seller of this photo's item may write, then as many
// words as the evidence supports. A word's likelihood is
//   max(0, share of the closest confirmed listings whose titles have it - kLoneTitle)
//   + kCategoryWeight x sum over the categories the photo may be in of
//     P(category) x share of the category's confirmed titles that have it;
// the listings' share is, over the categories the photo may be in (a photo put
// in the wrong category still finds its kind in the second; the catch-all's
// listings too, not its words), the share of the category's closest listings,
// each weighing its similarity to the kSharpness-th power, times the category's
// weight (kCategorySharpness) and the share of the kListings places its listings
// fill; where no category has listings or a probability, no listing votes. A
// moderator's category (TitleEvidence::suggested false): its closest listings
// alone. A word at least kLikely likely is kept, the most likely first, at
// most kMaxWords, whole (a number alone is a fragment of a run, never a word),
// one form of each word ("box" or "boxes"), in the order sellers write them
// (before the words that the titles having both write after it; by its mean
// place in the listings' and the categories' titles where none has both).
class WordVote {
public:
    static constexpr int kListings = 10;          // the closest confirmed listings that vote
    static constexpr double kSharpness = 8;       // a listing's vote: similarity to this power
    // A listing less alike than this does not vote: shares are relative, so
    // with few confirmed listings the only one there would otherwise decide
    // the title of every photo, however unlike it.
    static constexpr double kMinSimilarity = 0.5;
    // As suggested, each category the photo may be in has its own kListings
    // closest listings vote (CategoryWords::nearby), weighing its probability to
    // this power, normalised over the categories given (the catch-all's too): chosen by cross-validation
    // within the training listings against the closest listings of any
    // category and the power 1 (docs/user/suggestions.md).
    static constexpr double kCategorySharpness = 2;
    // Chosen on the tune split of the marketplace set (docs/user/suggestions.md).
    static constexpr double kLoneTitle = 0.05;     // a word of one title of many is rarely the seller's
    static constexpr double kCategoryWeight = 0.6; // the categories' share of a word's likelihood
    static constexpr double kLikely = 0.2;         // a word at least this likely is written
    // At most this many, as with the word model (kMaxLearnedWords): past five
    // the words are mostly of other items than the photo's.
    static constexpr int kMaxWords = 5;
    static constexpr int kCategoryWords = 30;      // each category's most used words that vote
    // With the market's word model (TitleEvidence::learnedWords), a word's likelihood is
    //   kLearnedWeight x its probability + (1 - kLearnedWeight) x the likelihood above,
    // which reads as the probability that the seller writes it (on cross-validation
    // folds of the marketplace set's training listings, words 0.2 to 0.3 likely were
    // the seller's 21 % of the time, 0.4 to 0.6: 50 %). The title is then decided
    // per photo, not by one threshold: of the words at least kCandidate likely, the
    // k most likely that maximise
    //   sum(likely) + kPrecisionWeight x mean(likely),
    // the expected number of the seller's words the title holds plus a weight on
    // its expected precision. One sure word stays alone rather than diluted with
    // doubtful ones; where every word is doubtful, a few of them say more than one.
    // kPrecisionWeight and kCandidate chosen by cross-validation within the training
    // listings (docs/user/suggestions.md).
    static constexpr double kLearnedWeight = 0.5;
    static constexpr double kCandidate = 0.03;
    static constexpr double kPrecisionWeight = 4;
    // At most this many of them: past five, the words the closest listings add
    // are mostly of other items than the photo's ("Dewalt SS CRICKET BRAND BATS
    // NEW drill"), the title reads as a list, and it lost 0.014 of precision
    // for 0.012 of recall on the folds (docs/user/suggestions.md).
    static constexpr int kMaxLearnedWords = 5;
    // How many of `likely` (most likely first) the title takes, as above (0 when none).
    static int expectedBest(const std::vector<double> &likely);

    // A candidate word, its likelihood and what it rests on.
    struct Scored {
        QString word;          // as most of the sellers spell it
        double listings = 0;   // its part from the closest listings
        double categories = 0; // its part from the categories' titles
        double learned = 0;    // its part from the word model
        double likely = 0;
        // The evidence before it is weighed: the closest listings' share, the
        // categories' probability-weighted share, the word model's probability.
        double listingShare = 0, categoryShare = 0, probability = 0;
        double place = 1;      // where sellers write it (0 first .. 1 last)
        double closest = 0;    // the most alike listing whose title has it (0: none)
        std::map<int, int> at; // voting title (each category's in turn, the closest first) -> the word's index in it
    };
    // A category's word that may stand in a title: it names something, it is a
    // whole word, more than one of the category's titles has it (on a market of
    // a few listings, one seller's word has a third of the category's say), and
    // it is not mostly written just after a number ("cm" of "50 cm").
    static bool sellersWord(const MarketWord &word);
    // Every candidate, most likely first.
    static std::vector<Scored> scored(const TitleEvidence &evidence);
    static QVector<TitleWord> words(const TitleEvidence &evidence);
};

} // namespace listinglens
