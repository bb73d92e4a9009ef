#pragma once

#include "category_head.h"
#include "error.h"
#include "head_trainer.h"
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

constexpr int kMinSellers = 2;      // a word one seller wrote is that seller's, not the market's
constexpr double kSmoothing = 3.0;  // pseudo-listings of the prior in p(c | w)

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

// The table a trained head carries (CategoryHead::textEvidence): built from
// the titles of the training side of the head's own split, weighted on the
// photos of its validation side whose read words it knows (their distribution
// as `head` gives it, with the votes of their closest listings), then built
// again from every listing with that weighting. Refused where fewer than
// kMinHeld validation photos have words it knows, or no weighting helps them:
// the head then goes without, as before.
constexpr int kMinHeld = 20;
Result<TextEvidence> train(const std::vector<TrainingExample> &examples, const CategoryHead &head, const TrainingOptions &options);

} // namespace TextEvidenceTrainer

} // namespace listinglens
