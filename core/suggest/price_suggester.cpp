#include "price_suggester.h"

#include "statistics.h"

#include <algorithm>
#include <cmath>

namespace listinglens {

namespace {

// A neighbour's weight in the price range: its similarity to this power, so
// that the closest listings decide. Chosen on the tune split of the
// marketplace set: the range holds about half of the true prices and is
// narrower than with plain similarity weights (docs/user/suggestions.md).
constexpr double kNeighbourSharpness = 4;

} // namespace

double PriceSuggester::rangeLevel(int n)
{
    // Between order statistics r < s of n prices lies, on average, (s - r) / (n + 1)
    // of the next listing's price. Half of it: r = (n + 1) / 4, which linear
    // interpolation (position 1 + (n - 1) p) reaches at p = (n - 3) / (4 (n - 1)).
    if (n <= 3)
        return 0.0;
    return std::min(0.25, double(n - 3) / (4.0 * (n - 1)));
}

PriceSuggestion PriceSuggester::suggest(const Category &category, const PriceEvidence &evidence)
{
    PriceSuggestion s;
    s.currency = evidence.currency.isEmpty() ? category.prior.currency : evidence.currency;
    if (int(evidence.neighbours.size()) >= kMinNeighbours) {
        std::vector<std::pair<double, double>> vw;
        for (const auto &n : evidence.neighbours)
            vw.emplace_back(n.price, std::pow(std::max(0.0, n.similarity), kNeighbourSharpness));
        s.basis = PriceBasis::Neighbours;
        s.neighbours = int(evidence.neighbours.size());
        const double level = rangeLevel(s.neighbours);
        s.low = weightedQuantile(vw, level);
        s.point = weightedQuantile(vw, 0.5);
        s.high = weightedQuantile(vw, 1.0 - level);
        return s;
    }
    if (int(evidence.categoryPrices.size()) >= kMinCategoryPrices) {
        s.basis = PriceBasis::Category;
        s.neighbours = int(evidence.categoryPrices.size());
        const double level = rangeLevel(s.neighbours);
        s.low = quantile(evidence.categoryPrices, level);
        s.point = quantile(evidence.categoryPrices, 0.5);
        s.high = quantile(evidence.categoryPrices, 1.0 - level);
        return s;
    }
    if (!evidence.currency.isEmpty() && evidence.currency != category.prior.currency) {
        s.basis = PriceBasis::None; // the sample prices are in another currency: no figure rather than a mixed one
        s.neighbours = int(evidence.categoryPrices.size()); // confirmed in the category, too few to rest a figure on
        return s;
    }
    s.basis = PriceBasis::Prior;
    s.currency = category.prior.currency;
    s.low = category.prior.p25;
    s.point = category.prior.median;
    s.high = category.prior.p75;
    return s;
}

} // namespace listinglens
