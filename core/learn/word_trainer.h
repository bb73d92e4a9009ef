#pragma once

#include "error.h"
#include "head_trainer.h"
#include "word_model.h"

#include <vector>

namespace listinglens {

// Learns a WordModel from confirmed listings' embeddings and titles, on the
// category head's own split (HeadTrainer::validationSplit):
//  - the vocabulary: the words (wordKey) of at least kMinSellers training
//    titles that can stand in a title alone, the kMaxWords most used;
//  - one logistic output per word on the embedding, L2-regularised (kDecay,
//    chosen on the tune split of the marketplace set), fitted together by
//    LBFGS from zeros and the words' base rates (deterministic);
//  - one scale and shift for all words, fitted on the validation split
//    (log-loss), so that p reads as a probability on listings it did not learn from.
// Refuses too few titled listings or words; the head is then stored without one.
class WordTrainer {
public:
    // Words of 3 or 4 titles, or a cap of 800, added nothing measurable at 400,
    // 800 or 1,591 listings of the marketplace set: a word of so few titles is
    // rarely likely enough to be a candidate (docs/user/suggestions.md).
    static constexpr int kMinSellers = 5;
    static constexpr int kMaxWords = 400;
    static constexpr int kMinExamples = 40;
    static constexpr double kDecay = 1e-4;   // validation log-loss 0.0396 against 0.0438 at 1e-3 (tune split)
    static constexpr int kIterations = 100;
    // The report's titles from the model alone take its words as the product
    // takes a photo's words, by expected value (WordVote::expectedBest).

    static Result<WordModel> train(const std::vector<TrainingExample> &examples, const TrainingOptions &options);
};

} // namespace listinglens
