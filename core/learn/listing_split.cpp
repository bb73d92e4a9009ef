#include "listing_split.h"

#include <algorithm>
#include <bit>
#include <limits>
#include <numeric>
#include <unordered_map>

namespace listinglens {

namespace {

std::uint64_t mix(std::uint64_t x)
{
    // splitmix64: a stable hash for the split, the same on every machine.
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

int findRoot(std::vector<int> &parent, int i)
{
    while (parent[std::size_t(i)] != i)
        i = parent[std::size_t(i)] = parent[std::size_t(parent[std::size_t(i)])];
    return i;
}

} // namespace

// true: validation. Listings whose photos' perceptual hashes match (within
// maxHamming bits) form one group, and a group goes to one side only.
// Candidates come from bands of the hash: two hashes within maxHamming bits
// agree exactly on at least one of maxHamming + 1 bands (pigeonhole), so
// only listings sharing a band are compared: about n^2 / 2^10 pairs for
// spread hashes instead of n^2 / 2 (seconds, not an hour, at 200,000 listings).
namespace {

// A uniform draw in [0, 1) per listing, the same for every listing of a group of near-duplicates.
std::vector<double> groupDraws(const std::vector<TrainingExample> &examples, const TrainingOptions &o)
{
    const int n = int(examples.size());
    std::vector<int> parent(std::size_t(n), 0);
    std::iota(parent.begin(), parent.end(), 0);
    const int bands = std::clamp(o.duplicateMaxHamming + 1, 1, 64);
    for (int band = 0; band < bands; ++band) {
        const int from = band * 64 / bands, to = (band + 1) * 64 / bands;
        const std::uint64_t mask = (to - from == 64 ? ~0ULL : ((1ULL << (to - from)) - 1)) << from;
        std::unordered_map<std::uint64_t, std::vector<int>> buckets;
        for (int i = 0; i < n; ++i)
            if (examples[std::size_t(i)].phash != 0)
                buckets[examples[std::size_t(i)].phash & mask].push_back(i);
        for (const auto &[key, members] : buckets) {
            for (std::size_t a = 0; a < members.size(); ++a)
                for (std::size_t b = a + 1; b < members.size(); ++b)
                    if (std::popcount(examples[std::size_t(members[a])].phash ^ examples[std::size_t(members[b])].phash) <= o.duplicateMaxHamming)
                        parent[std::size_t(findRoot(parent, members[b]))] = findRoot(parent, members[a]);
        }
    }
    // A group is named by its smallest listing id: the same whichever member union-find made its root.
    std::vector<qint64> groupId(std::size_t(n), std::numeric_limits<qint64>::max());
    for (int i = 0; i < n; ++i) {
        qint64 &g = groupId[std::size_t(findRoot(parent, i))];
        g = std::min(g, examples[std::size_t(i)].id);
    }
    std::vector<double> draw(std::size_t(n), 0.0);
    for (int i = 0; i < n; ++i) {
        const qint64 group = groupId[std::size_t(findRoot(parent, i))];
        draw[std::size_t(i)] = double(mix(std::uint64_t(group) ^ mix(o.seed)) >> 11) / double(1ULL << 53);
    }
    return draw;
}

} // namespace

std::vector<bool> splitByListing(const std::vector<TrainingExample> &examples, const TrainingOptions &o)
{
    std::vector<bool> validation;
    for (double u : groupDraws(examples, o))
        validation.push_back(u < o.validationShare);
    return validation;
}

std::vector<int> foldsByListing(const std::vector<TrainingExample> &examples, const TrainingOptions &o, int folds, int maxDealt)
{
    // Within a fold, the draw's fraction past the fold's start is uniform and
    // the same for a whole group again: the groups dealt are a seeded draw of
    // whole groups, spread evenly over the folds, without a second hash.
    const double dealtShare = examples.empty() ? 1.0 : std::min(1.0, double(maxDealt) / double(examples.size()));
    std::vector<int> fold;
    for (double u : groupDraws(examples, o)) {
        const int f = std::min(folds - 1, int(u * folds));
        fold.push_back(u * folds - f < dealtShare ? f : -1);
    }
    return fold;
}

} // namespace listinglens
