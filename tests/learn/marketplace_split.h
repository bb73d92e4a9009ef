#pragma once

// What the tests that learn on the shared marketplace listings share: the
// 2,000 listings split as every learning test splits them (photos sorted by
// name, every fourth held out), the scores of results against their listings,
// classifying listings, and running the listinglens command.

#include "classifier.h"
#include "prediction_store.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <vector>

namespace listinglens::test {

struct Listing {
    QString photo;
    QString category;
    double price = 0;
    QString title;
};

struct MarketplaceSplit {
    std::vector<Listing> train, test; // 1,500 and 500
    QString error;                    // why there is none
};

// The listings of ../shared/testdata/marketplace/listings.csv, split.
MarketplaceSplit marketplaceSplit();

struct Scores {
    double top1 = 0, top3 = 0, ece = 0;
    int n = 0;
};

// Top-1, top-3 and the calibration error of results[i] against truth[i].
Scores scoresOf(const std::vector<Listing> &truth, const std::vector<PhotoResult> &results);

std::vector<PhotoResult> classifyListings(Classifier &classifier, const std::vector<Listing> &items);

// The listing stored with its result and confirmed in `category` at `price`
// (GBP), as `listinglens import` does; false on failure.
bool confirmListing(PredictionStore &store, const Listing &listing, const PhotoResult &result, const QString &category, double price);

struct CliRun {
    int exitCode = -1; // -1: it crashed or did not finish
    QByteArray out, err;
};

// The listinglens command with `args`, waited for up to `timeoutMs`.
CliRun runCli(const QStringList &args, int timeoutMs);

} // namespace listinglens::test
