#pragma once

// Torch in the interface: included only by translation units that include LibTorch already.
#include <torch/torch.h>

#include "category_head.h"
#include "head_trainer.h"

#include <functional>
#include <vector>

namespace listinglens {

// The category head's linear layer and the rows it is fitted and judged on,
// shared by the head's own fit (HeadTrainer) and the heads that answer the
// listings out of fold (out_of_fold.h).
struct Fitted {
    torch::Tensor weight; // D x C
    torch::Tensor bias;   // C
};

// Weighted cross-entropy with L2 on the weights by LBFGS; categories not
// `learned` get CategoryHead::kLeftOut as their bias.
Fitted fitLinear(const torch::Tensor &x, const torch::Tensor &y, const torch::Tensor &classWeight, const torch::Tensor &learned,
                 double weightDecay);

// The categories a head learns from its training labels: those with at least
// HeadTrainer::kMinPerCategory examples, and the class weights of its fit.
struct LearnedCategories {
    torch::Tensor counts;      // examples per category (float)
    torch::Tensor learned;     // bool: counts >= kMinPerCategory
    torch::Tensor classWeight; // square-root inverse frequency, 0 where not learned
    int number() const;        // how many are learned
    std::vector<bool> flags() const;
};
LearnedCategories learnedCategories(const torch::Tensor &trainLabels, int categories);

// The class weights of a fit: square-root inverse frequency of `counts` (float,
// examples per category) where `weighed`, 0 elsewhere. Rare categories count
// more without letting a handful of examples dominate. The head weighs the
// categories it learns (learnedCategories); the fine tuner every category with
// a training example (fine_tuner.cpp says why).
torch::Tensor sqrtInverseFrequency(const torch::Tensor &counts, const torch::Tensor &weighed);

// Rows of per-category values as a float tensor, filled in one pass (indexing
// a tensor element by element costs a dispatch per element).
torch::Tensor rowsOfValues(std::size_t rows, int categories, const std::function<const std::vector<double> &(std::size_t)> &row);

// One value a row as an n x 1 float tensor (the gate's shares, gateShares).
torch::Tensor columnOf(const std::vector<float> &values);

// The built-in mapping's distributions of examples[which[i]], one row each.
torch::Tensor builtinOf(const std::vector<TrainingExample> &examples, const std::vector<int> &which, int categories);

// The confirmed categories of examples[which[i]] (int64).
torch::Tensor labelsOf(const std::vector<TrainingExample> &examples, const std::vector<int> &which);

} // namespace listinglens
