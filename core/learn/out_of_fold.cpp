#include "out_of_fold.h"

#include "linear_fit.h"
#include "listing_split.h"
#include "support_gate.h"

#include <algorithm>
#include <exception>

namespace listinglens {

OutOfFold outOfFold(const std::vector<TrainingExample> &examples, const std::vector<int> &fold, int folds, int categories, int maxHamming,
                    const FoldHead &headOf)
{
    OutOfFold out;
    std::vector<torch::Tensor> head, gate;
    for (int f = 0; f < folds; ++f) {
        std::vector<int> train, held;
        for (int i = 0; i < int(examples.size()); ++i)
            (fold[std::size_t(i)] == f ? held : train).push_back(i);
        if (held.empty() || train.empty())
            continue;
        // A fold head that cannot answer (too few learned categories, a fit that
        // throws, non-finite answers) is skipped: its rows would feed NaN or
        // nothing to the temperature fit, and the other folds still answer.
        std::pair<torch::Tensor, torch::Tensor> answered;
        try {
            answered = headOf(train, held);
        } catch (const std::exception &) {
            continue;
        }
        const auto &[p, g] = answered;
        if (!p.defined() || p.size(0) != std::int64_t(held.size()) || !torch::isfinite(p).all().item<bool>())
            continue;
        if (g.defined() && (g.size(0) != std::int64_t(held.size()) || !torch::isfinite(g).all().item<bool>()))
            continue;
        head.push_back(p);
        gate.push_back(g);
        out.rows.insert(out.rows.end(), held.begin(), held.end());
        ++out.folds;
    }
    if (out.rows.empty())
        return out;
    out.head = torch::cat(head);
    if (std::all_of(gate.begin(), gate.end(), [](const torch::Tensor &g) { return g.defined(); }))
        out.gate = torch::cat(gate);
    // Every listing but the row itself votes: the index the product asks holds them all.
    out.pool = NeighbourPool::ofListings(examples, {}, out.rows, categories, maxHamming);
    return out;
}

CalibrationRows outOfFoldRows(const std::vector<TrainingExample> &examples, const TrainingOptions &options, int categories, int dim,
                              double weightDecay, bool haveBuiltin)
{
    const bool gated = haveBuiltin && options.gate;
    // HeadTrainer::train refuses other numbers of folds; bounded here too, as each fold trains a head.
    const int folds = std::clamp(options.folds > 1 ? options.folds : int(std::lround(1.0 / options.validationShare)), 2, HeadTrainer::kMaxFolds);
    const FoldHead headOf = [&](const std::vector<int> &train, const std::vector<int> &held) {
        const torch::Tensor y = labelsOf(examples, train);
        const LearnedCategories learned = learnedCategories(y, categories);
        if (learned.number() < 2) // the final head refuses such a market; this fold is skipped
            return std::pair{torch::Tensor(), torch::Tensor()};
        Fitted f;
        {
            torch::AutoGradMode grad(true);
            f = fitLinear(embeddingRows(examples, train, dim), y, learned.classWeight, learned.learned, weightDecay);
        }
        const torch::Tensor p = torch::softmax(embeddingRows(examples, held, dim).mm(f.weight) + f.bias, 1);
        if (!gated)
            return std::pair{p, torch::Tensor()};
        CategoryHead foldHead; // only its gate: anchors and thresholds
        foldHead.dimension = dim;
        withGate(foldHead, SupportGateFitter::fit(examples, train, held, learned.flags(), dim));
        return std::pair{p, columnOf(gateShares(foldHead, examples, held))};
    };
    OutOfFold oof = outOfFold(examples, foldsByListing(examples, options, folds, kMaxOutOfFoldListings), folds, categories, options.duplicateMaxHamming, headOf);
    return {oof.head, haveBuiltin ? builtinOf(examples, oof.rows, categories) : torch::Tensor(), labelsOf(examples, oof.rows), oof.gate,
            std::move(oof.pool), oof.folds};
}

} // namespace listinglens
