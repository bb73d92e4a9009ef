#pragma once

#include "classifier.h"
#include "error.h"
#include "head_trainer.h"
#include "photo_result.h"

#include <QString>

#include <memory>
#include <optional>
#include <vector>

// What `listinglens-bench titles` measures on: marketplace listings (the
// columns of `listinglens import`), a split that never changes, and each
// photo as the product sees it (its suggestion without similar listings, and
// what the moderation lane reads on it), kept in a cache file between runs.

namespace listinglens::cli {

struct BenchListing {
    QString photo;       // absolute path
    QString categoryId;
    double price = 0;
    QString title;
    int part = 0;        // 0..9 from a hash of the photo's name: 0-1 test, 2 tune, 3-9 train
};

Result<std::vector<BenchListing>> readBenchListings(const QString &csvPath);

// The listings of `csvPath` (the shared marketplace set's when empty) and a
// classifier made with `options`: what the marketplace benches start from.
struct MarketplaceBench {
    std::vector<BenchListing> listings;
    std::unique_ptr<Classifier> classifier;
};
Result<MarketplaceBench> openMarketplaceBench(const QString &csvPath, const ClassifierOptions &options);

// The photo as suggested with no earlier listings (embedding, labels, colour,
// quality) and as read by the moderation lane (when `read`).
struct SeenPhoto {
    bool ok = false;
    PhotoResult result;
    bool read = false;
    PhotoText text;
};

// Every listing's photo seen (cached in `cachePath` when given: only the
// photos not in it are classified or read). `readText[i]`: read listing i's text.
Result<std::vector<SeenPhoto>> seePhotos(Classifier &classifier, const std::vector<BenchListing> &listings,
                                         const std::vector<bool> &readText, const QString &cachePath);

// Listing `id` - 1 as the titles and cattext benches learn from it: its
// photo's embedding, built-in probabilities and hash, its category, price and
// title. None when its photo was not seen or its category is not in the
// classifier's taxonomy.
std::optional<TrainingExample> trainingExample(const Classifier &classifier, const BenchListing &listing, const SeenPhoto &seen, qint64 id);

} // namespace listinglens::cli
