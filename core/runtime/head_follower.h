#pragma once

#include "classifier.h"
#include "error.h"
#include "head_store.h"
#include "prediction_store.h"

namespace listinglens {

// Keeps a classifier on the database's active head: refresh() costs one small
// query and loads a head only when the activation stamp moved. A head that
// does not fit the classifier (another taxonomy or model) is refused, logged,
// and the classifier keeps the built-in mapping. A head given as a file
// (Classifier::headPinned) is left alone.
class HeadFollower {
public:
    HeadFollower(PredictionStore &store, Classifier &classifier) : m_store(store), m_classifier(classifier) {}
    Result<bool> refresh(); // true when the head changed
    qint64 stamp() const { return m_stamp; }
    void forget() { m_stamp = -1; } // the next refresh() loads the active head again (the model changed)

private:
    PredictionStore &m_store;
    Classifier &m_classifier;
    qint64 m_stamp = -1;
};

} // namespace listinglens
