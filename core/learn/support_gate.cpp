#include "support_gate.h"

#include <algorithm>
#include <cmath>

namespace listinglens {

namespace {

double dot(const float *a, const float *b, int n)
{
    double s = 0;
    for (int i = 0; i < n; ++i)
        s += double(a[i]) * b[i];
    return s;
}

void normalise(float *v, int n)
{
    const double length = std::sqrt(dot(v, v, n));
    if (length > 1e-12) {
        for (int i = 0; i < n; ++i)
            v[i] = float(v[i] / length);
    }
}

// Spherical k-means of the given embeddings: k unit-length centres. Started
// from evenly spaced members (deterministic), a fixed number of rounds.
std::vector<float> centres(const std::vector<const float *> &members, int k, int dim)
{
    std::vector<float> c(std::size_t(k) * std::size_t(dim));
    for (int j = 0; j < k; ++j)
        std::copy_n(members[std::size_t(j) * members.size() / std::size_t(k)], dim, c.data() + std::size_t(j) * std::size_t(dim));
    std::vector<int> owner(members.size(), 0);
    for (int round = 0; round < SupportGateFitter::kIterations; ++round) {
        for (std::size_t m = 0; m < members.size(); ++m) {
            double best = -2;
            for (int j = 0; j < k; ++j) {
                const double s = dot(members[m], c.data() + std::size_t(j) * std::size_t(dim), dim);
                if (s > best) {
                    best = s;
                    owner[m] = j;
                }
            }
        }
        std::vector<float> sum(c.size(), 0.0f);
        std::vector<int> count(std::size_t(k), 0);
        for (std::size_t m = 0; m < members.size(); ++m) {
            float *s = sum.data() + std::size_t(owner[m]) * std::size_t(dim);
            for (int i = 0; i < dim; ++i)
                s[i] += members[m][i];
            ++count[std::size_t(owner[m])];
        }
        for (int j = 0; j < k; ++j) {
            if (count[std::size_t(j)] == 0)
                continue; // an empty centre keeps its place
            std::copy_n(sum.data() + std::size_t(j) * std::size_t(dim), dim, c.data() + std::size_t(j) * std::size_t(dim));
            normalise(c.data() + std::size_t(j) * std::size_t(dim), dim);
        }
    }
    return c;
}

double quantile(std::vector<double> v, double q)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    const double at = q * double(v.size() - 1);
    const std::size_t lo = std::size_t(std::floor(at)), hi = std::min(v.size() - 1, lo + 1);
    return v[lo] + (at - double(lo)) * (v[hi] - v[lo]);
}

} // namespace

SupportGate SupportGateFitter::anchors(const std::vector<TrainingExample> &examples, const std::vector<int> &train,
                                       const std::vector<bool> &learned, int dimension)
{
    SupportGate gate;
    for (int category = 0; category < int(learned.size()); ++category) {
        if (!learned[std::size_t(category)])
            continue;
        std::vector<const float *> members;
        for (int i : train)
            if (examples[std::size_t(i)].category == category)
                members.push_back(examples[std::size_t(i)].embedding.data());
        if (members.empty())
            continue;
        const int k = std::min(kAnchorsPerCategory, int(members.size()));
        const std::vector<float> c = centres(members, k, dimension);
        gate.anchors.insert(gate.anchors.end(), c.begin(), c.end());
        gate.anchorCategory.insert(gate.anchorCategory.end(), std::size_t(k), category);
    }
    return gate;
}

SupportGate SupportGateFitter::fit(const std::vector<TrainingExample> &examples, const std::vector<int> &train,
                                   const std::vector<int> &validation, const std::vector<bool> &learned, int dimension)
{
    SupportGate gate = anchors(examples, train, learned, dimension);
    fitThresholds(gate, examples, validation, learned, dimension);
    return gate;
}

QJsonObject SupportGate::json() const
{
    const auto r = [](double v) { return std::round(v * 10000.0) / 10000.0; };
    return {{QStringLiteral("anchors"), int(anchorCategory.size())}, {QStringLiteral("none"), r(none)}, {QStringLiteral("full"), r(full)},
            {QStringLiteral("market_median"), r(inMarketMedian)}, {QStringLiteral("unseen_median"), r(unseenMedian)},
            {QStringLiteral("market_open"), r(inMarketOpen)}, {QStringLiteral("unseen_closed"), r(unseenClosed)}};
}

double SupportGateFitter::support(const SupportGate &gate, const float *embedding, int dimension, int excludeCategory)
{
    double best = -1;
    for (std::size_t a = 0; a < gate.anchorCategory.size(); ++a) {
        if (gate.anchorCategory[a] != excludeCategory)
            best = std::max(best, dot(gate.anchors.data() + a * std::size_t(dimension), embedding, dimension));
    }
    return best;
}

void SupportGateFitter::fitThresholds(SupportGate &gate, const std::vector<TrainingExample> &examples, const std::vector<int> &validation,
                                      const std::vector<bool> &learned, int dimension)
{
    std::vector<double> inMarket, unseen;
    for (int i : validation) {
        const TrainingExample &e = examples[std::size_t(i)];
        if (!learned[std::size_t(e.category)])
            continue;
        inMarket.push_back(support(gate, e.embedding.data(), dimension));
        unseen.push_back(support(gate, e.embedding.data(), dimension, e.category));
    }
    // Fully the head's for 90 % of the market's own photos; wholly the
    // mapping's below what 90 % of the unseen stand-ins reach. Where the two
    // overlap (a market whose categories all look alike), the market wins:
    // the blend is kept narrow, just below the head's threshold.
    gate.full = std::clamp(quantile(inMarket, 0.10), -0.9 + kNarrowest, 1.0);
    gate.none = std::min(quantile(unseen, 0.90), gate.full - kNarrowest);
    gate.inMarketMedian = quantile(inMarket, 0.5);
    gate.unseenMedian = quantile(unseen, 0.5);
    gate.inMarketOpen = inMarket.empty() ? 0 : double(std::count_if(inMarket.begin(), inMarket.end(), [&](double s) { return s >= gate.full; })) / double(inMarket.size());
    gate.unseenClosed = unseen.empty() ? 0 : double(std::count_if(unseen.begin(), unseen.end(), [&](double s) { return s <= gate.none; })) / double(unseen.size());
}

void withGate(CategoryHead &head, const SupportGate &gate)
{
    head.anchors = gate.anchors;
    head.supportNone = gate.none;
    head.supportFull = gate.full;
}

std::vector<float> gateShares(const CategoryHead &head, const std::vector<TrainingExample> &examples, const std::vector<int> &which)
{
    std::vector<float> share(which.size());
    for (std::size_t i = 0; i < which.size(); ++i)
        share[i] = float(head.gate(head.support(examples[std::size_t(which[i])].embedding.data())));
    return share;
}

} // namespace listinglens
