#pragma once

// Torch in the interface: included only by translation units that include LibTorch already.
#include <torch/torch.h>

namespace listinglens {

// Mean negative log-likelihood of the labels y under the rows of p.
double meanNll(const torch::Tensor &p, const torch::Tensor &y);

// The validation listings' closest training listings, from which the
// neighbours' votes (domain/neighbour_votes.h) are fitted: what the product
// finds in its listing index for a new photo, here from the training side of
// the split only, so that a validation listing never votes for itself.
struct NeighbourPool {
    static constexpr int kMaxNeighbours = 40;
    torch::Tensor similarity; // validation rows x up to kMaxNeighbours, most similar first
    torch::Tensor category;   // their categories (int64), same shape
    int categories = 0;

    static NeighbourPool of(const torch::Tensor &xTrain, const torch::Tensor &yTrain, const torch::Tensor &xVal, int categories);
    int available() const { return similarity.defined() ? int(similarity.size(1)) : 0; }
    // The votes of the k closest per row, weighted by similarity^power and
    // normalised; a row without weight gets `fallback`'s row (as the head stands
    // in for votes when a photo has none).
    torch::Tensor votes(int k, double power, const torch::Tensor &fallback) const;
};

// The head's calibrated distribution mixed with the built-in mapping's and the neighbours' votes.
struct NeighbourMix {
    double builtinShare = 0;
    int k = 0;           // 0: no votes
    double power = 1;
    double share = 0;    // the votes' share
    torch::Tensor votes; // validation rows x categories for k and power (undefined without votes)

    torch::Tensor of(const torch::Tensor &headCal, const torch::Tensor &builtin) const;
};

// The shares that minimise the validation NLL: the built-in mapping's in steps
// of 0.05 up to 0.5 (at least 0.05 when categories are left to it, or they
// could never be suggested), and, with a pool, the votes' up to 0.6 for k of
// 5, 10, 20 or 40 neighbours and powers 1, 4 or 16 of their similarity.
// Without the built-in mapping (undefined `builtin`) its share stays 0.
NeighbourMix fitMixture(const torch::Tensor &headCal, const torch::Tensor &builtin, const torch::Tensor &y, bool leftOut,
                        const NeighbourPool *pool);

} // namespace listinglens
