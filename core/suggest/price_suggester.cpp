#include "price_suggester.h"

#include "statistics.h"

#include <algorithm>

namespace listinglens {

QString priceBasisName(PriceBasis basis)
{
    switch (basis) {
    case PriceBasis::Neighbours: return QStringLiteral("neighbours");
    case PriceBasis::Category: return QStringLiteral("category");
    case PriceBasis::Prior: return QStringLiteral("prior");
    }
    return QStringLiteral("prior");
}

PriceBasis priceBasisFromName(const QString &name)
{
    for (PriceBasis b : {PriceBasis::Neighbours, PriceBasis::Category})
        if (name == priceBasisName(b))
            return b;
    return PriceBasis::Prior;
}

PriceSuggestion PriceSuggester::suggest(const Category &category, const PriceEvidence &evidence)
{
    PriceSuggestion s;
    s.currency = category.prior.currency;
    if (int(evidence.neighbours.size()) >= kMinNeighbours) {
        std::vector<std::pair<double, double>> vw;
        for (const auto &n : evidence.neighbours)
            vw.emplace_back(n.price, std::max(0.0, n.similarity));
        s.basis = PriceBasis::Neighbours;
        s.neighbours = int(evidence.neighbours.size());
        s.low = weightedQuantile(vw, 0.25);
        s.point = weightedQuantile(vw, 0.5);
        s.high = weightedQuantile(vw, 0.75);
        return s;
    }
    if (int(evidence.categoryPrices.size()) >= kMinCategoryPrices) {
        s.basis = PriceBasis::Category;
        s.neighbours = int(evidence.categoryPrices.size());
        s.low = quantile(evidence.categoryPrices, 0.25);
        s.point = quantile(evidence.categoryPrices, 0.5);
        s.high = quantile(evidence.categoryPrices, 0.75);
        return s;
    }
    s.basis = PriceBasis::Prior;
    s.low = category.prior.p25;
    s.point = category.prior.median;
    s.high = category.prior.p75;
    return s;
}

} // namespace listinglens
