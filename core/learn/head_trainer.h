#pragma once

#include "calibration.h"
#include "category_head.h"
#include "error.h"
#include "taxonomy.h"
#include "validation_outcome.h"

#include <QJsonObject>

#include <cstdint>
#include <vector>

namespace listinglens {

// One confirmed listing, as training sees it.
struct TrainingExample {
    qint64 id = 0;
    int category = -1;             // index into the taxonomy's categories
    double price = 0;              // the confirmed price (<= 0: none)
    std::uint64_t phash = 0;
    std::vector<float> embedding;  // unit length
    std::vector<double> builtin;   // the built-in mapping's calibrated distribution; empty when unknown
    QString title;                 // the confirmed title (WordTrainer learns its words); may be empty
    QStringList readKeys;          // the words read on its photo (readWordKeys); empty when none or not read
};

struct TrainingOptions {
    double validationShare = 0.2;
    std::uint64_t seed = 1;
    int duplicateMaxHamming = 6;   // photos this alike stay on one side of the split
    bool gate = true;              // false: no support gate (measuring what the gate buys)
    bool neighbours = true;        // false: no neighbours' votes in the mixture (measuring what they buy)
    bool crossFit = true;          // false: the mixture's temperatures fitted on the validation split alone (measuring what the folds buy)
    int folds = 0;                 // folds answered out of fold, 2 to HeadTrainer::kMaxFolds; 0: one per validation share (measuring how the fold heads' size moves the temperature)
    QString modelName, modelVersion;
};

// What one training run measured, on its validation split.
struct SplitScores {
    int n = 0;
    double top1 = 0, top3 = 0, ece = 0;
    QJsonObject json() const;
};

struct TrainedHead {
    CategoryHead head;             // version 0 until stored
    SplitScores validation;
    SplitScores builtin;           // the built-in mapping alone, same split
    std::optional<SplitScores> active; // the head in use before, same split (when it fits)
    ValidationOutcome outcome;     // top-1 answers per validation listing
    double priceInsideRange = 0;   // share of validation prices inside the suggested [low, high]
    double seconds = 0;
    QJsonObject report;            // everything above, as `model train --json` prints it (no "version"/"activated")
};

// Learns a category head (see CategoryHead) from confirmed listings:
//  - split by listing into training and validation, with photos whose
//    perceptual hashes match kept on one side;
//  - a linear layer on the embeddings, class-balanced (square-root inverse
//    frequency), L2-regularised, fitted by LBFGS from zeros (deterministic),
//    its weight decay chosen on the validation split;
//  - categories with fewer than kMinPerCategory training examples are left
//    to the built-in mapping;
//  - the head's temperature, its mixture with the built-in mapping and with
//    the votes of the closest confirmed listings (their count, the power of
//    their similarity that weights them, and their share) chosen by negative
//    log-likelihood on the validation split; the mixture's temperatures there
//    too or, where the votes are fitted (kMinValidationForVotes), on every
//    listing answered out of fold (OutOfFold: one head per fold of the same size);
//  - a gate (SupportGate) that gives photos unlike every learned category's
//    training photos the built-in mapping's answer.
// Refuses: no listings, one category, too few examples, categories the taxonomy lacks,
// a validation share or a number of folds out of range.
class HeadTrainer {
public:
    static constexpr int kMinExamples = 40;
    static constexpr int kMinValidation = 10;
    static constexpr int kMinPerCategory = 5;
    // Fewer validation listings than this choose no neighbours' votes: three more
    // choices (count, power, share) on a handful of listings follow their draw (a
    // 139-listing market's 28, crops of a few photos, chose the largest share).
    static constexpr int kMinValidationForVotes = 100;
    static constexpr int kCalibrationBins = 15;
    // Each fold trains a head: past this many, training costs more than a
    // fold's few listings can tell (TrainingOptions::folds).
    static constexpr int kMaxFolds = 20;

    static Result<TrainedHead> train(const std::vector<TrainingExample> &examples, const Taxonomy &taxonomy,
                                     const CategoryHead *active, const TrainingOptions &options);

    // The built-in mapping's temperature (Taxonomy::temperature), fitted on the
    // training side of the same split and measured on the validation side.
    // The examples' builtin distributions are those of `currentTemperature`.
    struct BuiltinCalibration {
        double temperature = 1;
        SplitScores before;  // validation side, at temperature 1
        SplitScores after;   // validation side, at the fitted temperature
        int fittedOn = 0;
    };
    static Result<BuiltinCalibration> calibrateBuiltin(const std::vector<TrainingExample> &examples, double currentTemperature,
                                                       const TrainingOptions &options);

    // The split train() uses: true for validation. By listing, deterministic for
    // a seed; listings whose photos' perceptual hashes are within
    // options.duplicateMaxHamming bits are on the same side.
    static std::vector<bool> validationSplit(const std::vector<TrainingExample> &examples, const TrainingOptions &options);

private:
    static Result<TrainedHead> trainUnguarded(const std::vector<TrainingExample> &examples, const Taxonomy &taxonomy,
                                              const CategoryHead *active, const TrainingOptions &options);

public:
    // Top-1 confidences in `bins` equal-width bins, (b/bins, (b+1)/bins] each:
    // how many answers, the sum of their confidences, how many were right.
    // An answer whose confidence is not finite is in no bin.
    using ReliabilityBin = listinglens::ReliabilityBin;
    static std::vector<ReliabilityBin> reliability(const std::vector<double> &confidence, const std::vector<bool> &correct,
                                                   int bins = kCalibrationBins);
    // Expected calibration error of top-1 confidences over kCalibrationBins
    // equal-width bins, weighed by the answers binned (finite confidences only);
    // NaN where answers were given and none has a finite confidence.
    static double expectedCalibrationError(const std::vector<double> &confidence, const std::vector<bool> &correct);
    // What a perfectly calibrated model with these confidences scores: each
    // answer right with probability its confidence, `draws` times (seeded);
    // the mean ECE and its 90th percentile. The ECE of a few hundred answers is
    // never 0: this is the level below which a figure says nothing.
    struct CalibratedEce {
        double mean = 0, p90 = 0;
    };
    static CalibratedEce eceIfCalibrated(const std::vector<double> &confidence, int draws = 1000, std::uint64_t seed = 1);
};

} // namespace listinglens
