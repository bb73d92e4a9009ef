#pragma once

// Torch in the interface: included only by translation units that include LibTorch already.
#include <torch/torch.h>

#include "category_head.h"
#include "head_trainer.h"

#include <vector>

namespace listinglens {

// The embeddings of examples[which[i]], one row each.
torch::Tensor embeddingRows(const std::vector<TrainingExample> &examples, const std::vector<int> &which, int dim);

// Mean negative log-likelihood of the labels y under the rows of p.
double meanNll(const torch::Tensor &p, const torch::Tensor &y);

// The validation listings' closest confirmed listings, from which the
// neighbours' votes (domain/neighbour_votes.h) are fitted: what the product
// finds in its listing index for a new photo, which holds every confirmed
// listing. Here every listing of both sides but the validation listing itself
// and its near-duplicates (`excluded`), so that the votes are fitted on as
// many neighbours as the product will have, and never on the listing's own label.
struct NeighbourPool {
    static constexpr int kMaxNeighbours = 40;
    torch::Tensor similarity; // validation rows x up to kMaxNeighbours, most similar first
    torch::Tensor category;   // their categories (int64), same shape
    int categories = 0;

    // excluded: validation rows x pool rows, true where a pool listing may not vote for the row (undefined: none).
    static NeighbourPool of(const torch::Tensor &xPool, const torch::Tensor &yPool, const torch::Tensor &xVal, int categories,
                            const torch::Tensor &excluded = {});
    // Of examples[validation[i]] among examples[train] and examples[validation]: every listing
    // but itself and those whose perceptual hashes are within maxHamming bits of its own.
    static NeighbourPool ofListings(const std::vector<TrainingExample> &examples, const std::vector<int> &train,
                                    const std::vector<int> &validation, int categories, int maxHamming);
    int available() const { return similarity.defined() ? int(similarity.size(1)) : 0; }
    // The votes of the k closest per row, weighted by similarity^power and
    // normalised; a row without weight gets `fallback`'s row (as the head stands
    // in for votes when a photo has none).
    torch::Tensor votes(int k, double power, const torch::Tensor &fallback) const;
    // The votes `head` asks for (its count and power) for validation row `row`, as neighbourVotes() gives them.
    std::vector<double> votesFor(const CategoryHead &head, std::size_t row) const;
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
