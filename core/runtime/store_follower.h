#pragma once

#include "classifier.h"
#include "head_follower.h"
#include "model_follower.h"
#include "prediction_store.h"

#include <QElapsedTimer>

namespace listinglens {

// Keeps a classifier current with its database while it runs, one small
// query at a time: the category head activated anywhere (HeadFollower), when
// asked the model version activated anywhere (ModelFollower, before the head:
// the active head may be one trained for it), and, when asked, the listings
// other processes stored that its model embedded, added to the classifier's
// listing index (similar listings and duplicates across a fleet of workers).
// poll() does what is due; call it between two photos or batches, from the
// thread that runs the classifier's forward passes.
class StoreFollower {
public:
    struct Intervals {
        int headMs = 5'000;
        int indexMs = 0; // 0: the index is not refreshed (a window is the only writer it needs to see)
        bool model = false; // the active model version is followed too (a head given as a file pins it)
    };

    StoreFollower(PredictionStore &store, Classifier &classifier, Intervals intervals);

    // The head at once when `headNotified` (a NOTIFY came), else when due;
    // the index when due. True when the head was checked.
    bool poll(bool headNotified = false);
    // Checks the head now; its refresh's answer (true: it changed).
    Result<bool> checkHead();

private:
    PredictionStore &m_store;
    Classifier &m_classifier;
    Intervals m_intervals;
    HeadFollower m_heads;
    ModelFollower m_models;
    QElapsedTimer m_sinceHead, m_sinceIndex;
    qint64 m_indexAfter = 0;
};

} // namespace listinglens
