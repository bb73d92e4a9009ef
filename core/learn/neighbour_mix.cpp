#include "neighbour_mix.h"

#include <algorithm>

namespace listinglens {

double meanNll(const torch::Tensor &p, const torch::Tensor &y)
{
    return -torch::log(p.gather(1, y.unsqueeze(1)).clamp_min(1e-12)).mean().item<double>();
}

NeighbourPool NeighbourPool::of(const torch::Tensor &xTrain, const torch::Tensor &yTrain, const torch::Tensor &xVal, int categories)
{
    NeighbourPool pool;
    pool.categories = categories;
    const int64_t k = std::min<int64_t>(kMaxNeighbours, xTrain.size(0));
    if (k == 0 || xVal.size(0) == 0)
        return pool;
    auto [similarity, index] = xVal.mm(xTrain.t()).topk(k, 1);
    pool.similarity = similarity;
    pool.category = yTrain.index({index});
    return pool;
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
