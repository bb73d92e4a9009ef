#pragma once

#include "category_head.h"
#include "head_trainer.h"

#include <QJsonObject>

#include <vector>

namespace listinglens {

// Where a category head may speak: anchors (k-means centres of each learned
// category's training embeddings) and the similarity thresholds of the gate
// (CategoryHead::gate). Plain C++: a few thousand dot products.
struct SupportGate {
    std::vector<float> anchors;        // count x dimension, unit length
    std::vector<int> anchorCategory;   // the category each anchor stands for
    double none = 0, full = 0;         // CategoryHead::supportNone / supportFull
    // What the fit saw (validation side), for the report.
    double inMarketMedian = 0;         // support of validation photos
    double unseenMedian = 0;           // support of validation photos with their own category's anchors left out
    double inMarketOpen = 0;           // share of validation photos the head answers fully
    double unseenClosed = 0;           // share of the unseen stand-ins it leaves wholly to the mapping

    QJsonObject json() const;          // for the training report
};

class SupportGateFitter {
public:
    static constexpr int kAnchorsPerCategory = 16;
    static constexpr int kIterations = 12;
    static constexpr double kNarrowest = 0.05;

    // anchors() then fitThresholds().
    static SupportGate fit(const std::vector<TrainingExample> &examples, const std::vector<int> &train, const std::vector<int> &validation,
                           const std::vector<bool> &learned, int dimension);
    // Anchors for the categories marked learned, from the examples in `train`.
    static SupportGate anchors(const std::vector<TrainingExample> &examples, const std::vector<int> &train,
                               const std::vector<bool> &learned, int dimension);
    // The thresholds: the head answers fully for 90 % of the market's
    // validation photos, and not at all for photos as unlike its categories
    // as 90 % of the photos of a category it never learned (stand-ins:
    // validation photos measured against the other categories' anchors only).
    static void fitThresholds(SupportGate &gate, const std::vector<TrainingExample> &examples, const std::vector<int> &validation,
                              const std::vector<bool> &learned, int dimension);
    // Largest cosine similarity to an anchor, optionally ignoring one category's anchors.
    static double support(const SupportGate &gate, const float *embedding, int dimension, int excludeCategory = -1);
};

// The gate on a head: its anchors and thresholds (the rest of the head untouched).
void withGate(CategoryHead &head, const SupportGate &gate);

// The gate's share per row of examples[which[i]]: 1 where the photo is like the
// head's training photos, 0 where the built-in mapping answers alone. Plain
// floats, so that the gate stays out of LibTorch's translation units.
std::vector<float> gateShares(const CategoryHead &head, const std::vector<TrainingExample> &examples, const std::vector<int> &which);

} // namespace listinglens
