#pragma once

#include "classifier.h"
#include "error.h"
#include "fine_tuner.h"
#include "market_training.h"
#include "model_store.h"
#include "prediction_store.h"

#include <QJsonObject>
#include <QStringList>

namespace listinglens {

// `model train --fine-tune`: the top of the backbone fine-tuned on the
// confirmed listings' photos, stored as a new model version with a head
// trained for it, and judged against the linear head on the same validation
// listings. With --activate, the fine-tuned model and its head are activated
// only when they measurably beat the linear head there (higher top-1, and an
// exact one-sided sign test on the listings only one of them gets right at
// p < kBeatsLevel); otherwise the linear head alone is trained and activated
// as `model train --activate` does, and the outcome says why.
struct ModelTraining {
    MarketTraining market;      // split, activate, force
    FineTuneOptions fineTune;   // views, epochs, ... (its split is market.options')
    QString workDir;            // where the fine-tuned TorchScript is written before it is stored
};

struct ModelTrainingOutcome {
    qint64 model = 0;            // stored model version (m3)
    qint64 modelHead = 0;        // the head trained for it
    SplitScores linear, tuned;   // validation: the linear head on the base model, the fine-tuned model's head
    double p = 1;                // sign test, fine-tuned better
    bool beats = false;
    bool activated = false;      // the fine-tuned model and its head
    std::optional<MarketTrainingOutcome> headAlone; // --activate when it does not beat the linear head
    QString refusal;
    QStringList notes;
    QJsonObject report;
};

inline constexpr double kBeatsLevel = 0.1;

Result<ModelTrainingOutcome> fineTuneMarket(PredictionStore &store, const Classifier &classifier, const ModelTraining &request);

} // namespace listinglens
