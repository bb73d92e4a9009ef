#include "neighbour_mix.h"

#include "neighbour_votes.h"

#include <algorithm>
#include <bit>

namespace listinglens {

double meanNll(const torch::Tensor &p, const torch::Tensor &y)
{
    return -torch::log(p.gather(1, y.unsqueeze(1)).clamp_min(1e-12)).mean().item<double>();
}

NeighbourPool NeighbourPool::of(const torch::Tensor &xPool, const torch::Tensor &yPool, const torch::Tensor &xVal, int categories,
                                const torch::Tensor &excluded)
{
    NeighbourPool pool;
    pool.categories = categories;
    const int64_t k = std::min<int64_t>(kMaxNeighbours, xPool.size(0));
    if (k == 0 || xVal.size(0) == 0)
        return pool;
    torch::Tensor similarity = xVal.mm(xPool.t());
    if (excluded.defined())
        similarity.masked_fill_(excluded, -1.0); // votes nothing (a weight needs a positive similarity)
    auto [top, index] = similarity.topk(k, 1);
    pool.similarity = top;
    pool.category = yPool.index({index});
    return pool;
}

torch::Tensor embeddingRows(const std::vector<TrainingExample> &examples, const std::vector<int> &which, int dim)
{
    torch::Tensor t = torch::empty({int64_t(which.size()), dim});
    float *out = t.data_ptr<float>();
    for (std::size_t i = 0; i < which.size(); ++i)
        std::copy_n(examples[std::size_t(which[i])].embedding.data(), dim, out + i * std::size_t(dim));
    return t;
}

NeighbourPool NeighbourPool::ofListings(const std::vector<TrainingExample> &examples, const std::vector<int> &train,
                                        const std::vector<int> &validation, int categories, int maxHamming)
{
    std::vector<int> all = train;
    all.insert(all.end(), validation.begin(), validation.end());
    if (all.empty() || validation.empty())
        return {};
    const int dim = int(examples.front().embedding.size());
    const torch::Tensor xAll = embeddingRows(examples, all, dim);
    std::vector<int64_t> labels;
    for (int i : all)
        labels.push_back(examples[std::size_t(i)].category);
    const torch::Tensor yAll = torch::tensor(labels, torch::kInt64);
    // 256 validation listings at a time: their similarities to every listing at
    // once would not fit in memory at 100,000 listings.
    constexpr std::size_t kChunk = 256;
    std::vector<torch::Tensor> similarity, category;
    for (std::size_t from = 0; from < validation.size(); from += kChunk) {
        const std::vector<int> rows(validation.begin() + std::ptrdiff_t(from),
                                    validation.begin() + std::ptrdiff_t(std::min(validation.size(), from + kChunk)));
        std::vector<std::uint8_t> excluded(rows.size() * all.size(), 0);
        for (std::size_t i = 0; i < rows.size(); ++i) {
            const std::uint64_t h = examples[std::size_t(rows[i])].phash;
            for (std::size_t j = 0; j < all.size(); ++j) {
                const std::uint64_t o = examples[std::size_t(all[j])].phash;
                excluded[i * all.size() + j] = all[j] == rows[i] || (h != 0 && o != 0 && std::popcount(h ^ o) <= maxHamming);
            }
        }
        const torch::Tensor mask = torch::from_blob(excluded.data(), {int64_t(rows.size()), int64_t(all.size())}, torch::kUInt8).to(torch::kBool);
        const NeighbourPool part = of(xAll, yAll, embeddingRows(examples, rows, dim), categories, mask);
        similarity.push_back(part.similarity);
        category.push_back(part.category);
    }
    NeighbourPool pool;
    pool.categories = categories;
    pool.similarity = torch::cat(similarity);
    pool.category = torch::cat(category);
    return pool;
}

std::vector<double> NeighbourPool::votesFor(const CategoryHead &head, std::size_t row) const
{
    if (!head.usesNeighbours() || available() == 0)
        return {};
    const int k = std::min(head.neighbourK, available());
    const torch::Tensor sim = similarity[int64_t(row)].narrow(0, 0, k).contiguous();
    const torch::Tensor cat = category[int64_t(row)].narrow(0, 0, k).contiguous();
    std::vector<NeighbourVote> near;
    for (int j = 0; j < k; ++j)
        near.push_back({int(cat.data_ptr<int64_t>()[j]), double(sim.data_ptr<float>()[j])});
    return neighbourVotes(near, head.categories(), head.neighbourPower);
}

torch::Tensor NeighbourPool::votes(int k, double power, const torch::Tensor &fallback) const
{
    const int64_t take = std::min<int64_t>(k, available());
    const torch::Tensor weight = similarity.narrow(1, 0, take).clamp_min(0).pow(power);
    const torch::Tensor v = torch::zeros({similarity.size(0), categories}).scatter_add_(1, category.narrow(1, 0, take), weight);
    const torch::Tensor total = v.sum(1, true);
    return torch::where(total > 0, v / total.clamp_min(1e-30), fallback);
}

torch::Tensor NeighbourMix::of(const torch::Tensor &headCal, const torch::Tensor &builtin) const
{
    torch::Tensor mixed = (1 - builtinShare - share) * headCal;
    if (builtin.defined())
        mixed = mixed + builtinShare * builtin;
    return votes.defined() ? mixed + share * votes : mixed + share * headCal;
}

NeighbourMix fitMixture(const torch::Tensor &headCal, const torch::Tensor &builtin, const torch::Tensor &y, bool leftOut,
                        const NeighbourPool *pool)
{
    NeighbourMix best;
    double bestLoss = 1e300;
    const auto tryShares = [&](int k, double power, const torch::Tensor &votes) {
        for (double b = builtin.defined() && leftOut ? 0.05 : 0.0; b <= (builtin.defined() ? 0.5001 : 0.0); b += 0.05) {
            for (double s = votes.defined() ? 0.05 : 0.0; s <= (votes.defined() ? 0.6001 : 0.0); s += 0.05) {
                NeighbourMix m{b, votes.defined() ? k : 0, power, votes.defined() ? s : 0.0, votes};
                const double loss = meanNll(m.of(headCal, builtin), y);
                if (loss < bestLoss) {
                    bestLoss = loss;
                    best = m;
                }
            }
        }
    };
    tryShares(0, 1, {});
    if (pool && pool->available() > 0) {
        for (int k : {5, 10, 20, 40}) {
            if (k > pool->available() && k != 5)
                break;
            for (double power : {1.0, 4.0, 16.0})
                tryShares(k, power, pool->votes(k, power, headCal));
        }
    }
    if (best.share == 0)
        best.votes = torch::Tensor();
    return best;
}

} // namespace listinglens
