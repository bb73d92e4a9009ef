#pragma once

#include "photo_result.h"
#include "taxonomy.h"

#include <vector>

namespace listinglens {

// Confirmed prices that a suggestion may rest on (ListingIndex gathers them
// from stored listings). Empty evidence gives the taxonomy prior.
struct PriceEvidence {
    struct Neighbour {
        double price = 0;
        double similarity = 0; // cosine similarity to the photo, used as weight
    };
    std::vector<Neighbour> neighbours;     // confirmed similar listings in the category
    std::vector<double> categoryPrices;    // confirmed prices in the category
    QString currency;                      // of those prices (empty: the prior's)
};

class PriceSuggester {
public:
    static constexpr int kMinNeighbours = 3;
    static constexpr int kMinCategoryPrices = 5;

    // neighbours basis when at least kMinNeighbours neighbours, else category
    // basis when at least kMinCategoryPrices prices, else the prior.
    // The range is [quantile(level), quantile(1 - level)] of the prices it
    // rests on, level = rangeLevel(count): a range that holds half of the next
    // listing's price (an interquartile range of n prices holds less than half
    // of a new one when n is small: 41 % at n = 10).
    static PriceSuggestion suggest(const Category &category, const PriceEvidence &evidence = {});
    static double rangeLevel(int n);
};

} // namespace listinglens
