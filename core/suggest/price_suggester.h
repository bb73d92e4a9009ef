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
};

class PriceSuggester {
public:
    static constexpr int kMinNeighbours = 3;
    static constexpr int kMinCategoryPrices = 5;

    // neighbours basis when at least kMinNeighbours neighbours, else category
    // basis when at least kMinCategoryPrices prices, else the prior.
    static PriceSuggestion suggest(const Category &category, const PriceEvidence &evidence = {});
};

} // namespace listinglens
