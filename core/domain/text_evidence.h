#pragma once

#include "error.h"

#include <QJsonObject>
#include <QStringList>

#include <vector>

namespace listinglens {

// What the words read on a photo (a book's cover, a phone's box) say of its
// category, learned from the market's confirmed titles and versioned inside
// the head's document (learn/text_evidence_trainer.h builds it):
//
//   ratio(c, w) = log(p(c | w) / p(c)), p(c | w) smoothed toward the prior p(c),
//                 for the words at least `minSellers` sellers wrote, each
//                 capped to +-wordCap
//   shift(c)    = lambda * sum over the photo's known words of ratio(c, w),
//                 capped to +-totalCap
//   p'(c)       = (p(c) * exp(shift(c)))^(1 / temperature), normalised
//
// A photo none of whose read words the table knows keeps its distribution
// exactly, and so does every photo of a head without a table.
struct TextEvidence {
    static constexpr const char *kFormat = "listinglens-text-evidence/1";

    QStringList keys;             // wordKey (title_words.h) of each word
    int categories = 0;           // the head's categories, in its order
    std::vector<float> ratio;     // words x categories
    int minSellers = 0;
    struct Weighting {
        double lambda = 0, wordCap = 0, totalCap = 0, temperature = 1;
    };
    Weighting weighting;          // lambda 0: the table changes nothing
    QJsonObject report;           // what fitting measured

    int words() const { return int(keys.size()); }
    // The ratio rows of the distinct known words among `readKeys`, in their order.
    std::vector<const float *> known(const QStringList &readKeys) const;
    // p reshaped in place by the read words; false (p untouched) when none is
    // known or p is not over the table's categories. Categories at 0 stay at 0.
    bool apply(std::vector<double> &p, const QStringList &readKeys) const;
    // The same for the known words' rows, with any weighting (what fitting tries).
    static bool reshape(std::vector<double> &p, const std::vector<const float *> &rows, const Weighting &w);

    QJsonObject toJson() const;
    // Refuses a damaged document, or one for another number of categories.
    static Result<TextEvidence> fromJson(const QJsonObject &json, int categories);
};

} // namespace listinglens
