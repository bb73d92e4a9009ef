#pragma once

#include "error.h"
#include "text_evidence.h"

#include <QString>
#include <QStringList>

#include <vector>

namespace listinglens {

// Builds a market's TextEvidence table from its confirmed listings' titles,
// and fits its weight, caps and temperature on photos whose text was read.
namespace TextEvidenceTrainer {

struct Listing {
    int category = -1;   // index into the head's categories
    QString title;       // its words are the evidence (title_words.h keys)
};

constexpr int kMinSellers = 5;      // a word fewer sellers write says nothing reliable
constexpr double kSmoothing = 10.0; // pseudo-listings of the prior in p(c | w)

// The table (weighting.lambda 0: it changes nothing until fitted). Refused when no word
// is written by kMinSellers sellers.
Result<TextEvidence> build(const std::vector<Listing> &listings, int categories, int minSellers = kMinSellers,
                           double smoothing = kSmoothing);

// A photo held out of the listings a table was built from: its distribution
// as the product gives it without the text, the rows of that table for the
// words read on it (TextEvidence::known; empty: none known) and its true category.
struct Held {
    std::vector<double> p;
    std::vector<const float *> rows;
    int truth = -1;
};

// lambda and the caps chosen on a grid for the least negative log-likelihood
// of the held photos (of one table or of several, one per validation fold),
// then the temperature of the photos the text moved refitted the same way.
// `report` gets what the fit measured (photos, those with known words, NLL
// before and after). lambda 0 where no weighting lowers the NLL.
TextEvidence::Weighting fit(const std::vector<Held> &held, QJsonObject &report);

} // namespace TextEvidenceTrainer

} // namespace listinglens
