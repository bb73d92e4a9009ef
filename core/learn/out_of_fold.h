#pragma once

// Torch in the interface: included only by translation units that include LibTorch already.
#include <torch/torch.h>

#include "neighbour_mix.h"

#include <functional>
#include <utility>
#include <vector>

namespace listinglens {

// Every confirmed listing answered by a head that never saw it: the listings
// dealt into folds (foldsByListing), each fold answered by a head fitted on the
// others. The mixture's temperatures fitted on these rows are fitted on every
// listing instead of on the validation split alone, whose few hundred listings
// leave the temperature following their draw.
struct OutOfFold {
    std::vector<int> rows; // example indices, fold by fold
    torch::Tensor head;    // rows x categories: the softmax of the head that did not see the row
    torch::Tensor gate;    // rows x 1: that head's gate share for the row (undefined: no gate)
    NeighbourPool pool;    // each row's closest listings: every listing but itself and its near-duplicates, as the index holds them
    int folds = 0;         // the folds that answered
};

// What the head fitted on `train` gives the `held` listings: their softmax and their gate shares (undefined: no gate).
// An undefined softmax, non-finite answers or a throw skip the fold.
using FoldHead = std::function<std::pair<torch::Tensor, torch::Tensor>(const std::vector<int> &train, const std::vector<int> &held)>;

// fold[i] in [0, folds), or -1 for a listing that only trains the fold heads;
// a fold with no listings, or whose head cannot answer, is skipped.
OutOfFold outOfFold(const std::vector<TrainingExample> &examples, const std::vector<int> &fold, int folds, int categories, int maxHamming,
                    const FoldHead &headOf);

// The rows the mixture's temperatures are fitted on: the head's
// softmax, the built-in mapping's distribution, the truth, the gate's share
// (undefined: no gate) and each row's closest listings.
struct CalibrationRows {
    torch::Tensor head, builtin, y, gate;
    NeighbourPool pool;
    int folds = 0; // the folds that answered (a fold whose head cannot answer is skipped)
};

// At most about this many listings are answered out of fold (whole groups,
// drawn by the seed): each row's votes come from every listing, so the vote
// pool grows with rows x listings, and 5,000 rows already hold the temperature.
constexpr int kMaxOutOfFoldListings = 5000;

// Every listing (at most about kMaxOutOfFoldListings) answered out of fold by a linear layer of the chosen weight
// decay (and its own gate), one fold per validation share (5 at 0.2): each fold
// head learns from as many listings as the head itself.
CalibrationRows outOfFoldRows(const std::vector<TrainingExample> &examples, const TrainingOptions &options, int categories, int dim,
                              double weightDecay, bool haveBuiltin);

} // namespace listinglens
