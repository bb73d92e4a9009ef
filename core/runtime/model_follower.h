#pragma once

#include "classifier.h"
#include "error.h"
#include "head_follower.h"
#include "model_manifest.h"
#include "prediction_store.h"

namespace listinglens {

// Keeps a classifier on the database's active model version, as HeadFollower
// keeps it on the active head: refresh() costs one small query and loads a
// model only when the activation stamp moved (the stored TorchScript is
// written once into the model cache, checked by its SHA-256). After a change
// the head follower is told to load the active head again, so that a head
// trained for the new model follows it; a head for another model is refused
// by the classifier. A version that cannot be loaded leaves the model in use
// and is reported.
class ModelFollower {
public:
    ModelFollower(PredictionStore &store, Classifier &classifier, HeadFollower *heads = nullptr);
    Result<bool> refresh(); // true when the model changed
    qint64 version() const { return m_version; }

private:
    PredictionStore &m_store;
    Classifier &m_classifier;
    HeadFollower *m_heads;
    ModelManifest m_shipped;   // the model the classifier was made with
    EngineOptions m_engine;
    qint64 m_stamp = -1;
    qint64 m_version = 0;
};

} // namespace listinglens
