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
    // Why 5 titles and 400 words: words of 4 titles, or of 3 with a cap of 800
    // (learning from all listings, or from 400 or 800 drawn ones), changed
    // recall and precision within the noise, every 95 % interval holding zero
    // (docs/user/suggestions.md, "Where the seller's words are lost").
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
