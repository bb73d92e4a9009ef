#pragma once

#include "classifier.h"
#include "error.h"
#include "head_store.h"
#include "head_trainer.h"
#include "prediction_store.h"

#include <QJsonObject>
#include <QStringList>

#include <vector>

namespace listinglens {

// Training a head from a database: the one flow `model train`, the tests and
// any other caller share.

// Every confirmed listing the classifier's model can use, with the built-in
// mapping's distribution computed again from each stored embedding (the
// classifier's taxonomy). Refuses listings in categories the taxonomy lacks;
// listings of another model are left out (said in `notes`).
Result<std::vector<TrainingExample>> confirmedExamples(PredictionStore &store, const Classifier &classifier, QStringList &notes);

struct MarketTraining {
    TrainingOptions options;   // modelName/modelVersion are filled from the classifier
    bool activate = false;     // when its validation top-1 is at least the active head's (or the built-in mapping's)
    bool force = false;        // activate even when worse
};

struct MarketTrainingOutcome {
    TrainedHead trained;
    qint64 version = 0;        // stored as
    bool activated = false;
    QString refusal;           // why --activate did not activate it (empty otherwise)
    QStringList notes;
    QJsonObject report;        // the `model train --json` object
};

// Reads, trains, stores the head and (if asked and it is good enough) activates it.
Result<MarketTrainingOutcome> trainMarketHead(PredictionStore &store, const Classifier &classifier, const MarketTraining &request);

} // namespace listinglens
