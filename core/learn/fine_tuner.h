#pragma once

#include "error.h"
#include "head_trainer.h"
#include "image_loader.h"
#include "preprocessor.h"
#include "taxonomy.h"

#include <QJsonObject>
#include <QString>

#include <functional>
#include <vector>

namespace listinglens {

// One confirmed listing whose photo fine-tuning reads.
struct FineTuneExample {
    qint64 id = 0;
    int category = -1;
    std::uint64_t phash = 0;
    QString photo;  // a file the loader can read
};

struct FineTuneOptions {
    int views = 2;               // augmented views per listing, besides the centre view
    int epochs = 6;              // of the one-cycle schedule; the last is kept
    int tailBlocks = 2;          // the last inverted-residual blocks trained (with the 1x1 convolution)
    int batch = 64;
    double backboneLearningRate = 1e-4;
    double headLearningRate = 1e-3;
    double weightDecay = 1e-4;
    int threads = 0;             // intra-op threads while training; 0: one per core
    TrainingOptions split;       // validation share, seed and duplicate distance: the head's split
    PreprocessSpec preprocess;
    LoadLimits limits;
    std::function<void(const QString &)> progress; // one line per stage and epoch (may be empty)
};

// What fine-tuning gives: the same listings with the base model's and the
// fine-tuned model's embeddings (centre view; unit length, with the built-in
// mapping's distribution through the unchanged ImageNet classifier), ready
// for HeadTrainer, and the fine-tuned model written as TorchScript.
struct FineTuned {
    std::vector<TrainingExample> base;
    std::vector<TrainingExample> tuned;
    int unreadable = 0;          // listings whose photo could not be read (left out)
    double seconds = 0;
    QJsonObject report;          // views, epochs (loss and validation top-1 each), seconds, cache size
};

// Fine-tunes the top of the shipped MobileNetV2 on confirmed listings:
//  - the frozen part's output is computed once per listing for the centre
//    view and `views` augmented ones (TrainingViews) and cached in fp16;
//  - the last blocks, the 1x1 convolution and a linear head (initialised from
//    a linear probe on the base embeddings) are trained with AdamW under a
//    one-cycle schedule, each step on one random view per listing,
//    class-balanced like the head (square-root inverse frequency);
//  - the last epoch is kept (the validation split, the head's, is measured
//    each epoch but chooses nothing) and written to `outModel` (the base
//    TorchScript with the new weights, checked against the trained network).
class FineTuner {
public:
    static constexpr int kMinExamples = HeadTrainer::kMinExamples;

    static Result<FineTuned> run(const std::vector<FineTuneExample> &examples, const Taxonomy &taxonomy, const QString &baseModel,
                                 const QString &outModel, const FineTuneOptions &options);
};

} // namespace listinglens
