#pragma once

#include "classifier.h"
#include "head_follower.h"
#include "prediction_store.h"

#include <QElapsedTimer>

namespace listinglens {

// Keeps a classifier current with its database while it runs, one small
// query at a time: the category head activated anywhere (HeadFollower) and,
// when asked, the listings other processes stored, added to the classifier's
// listing index (similar listings and duplicates across a fleet of workers).
// poll() does what is due; call it between two photos or batches, from the
// thread that runs the classifier's forward passes.
class StoreFollower {
public:
    struct Intervals {
        int headMs = 5'000;
        int indexMs = 0; // 0: the index is not refreshed (a window is the only writer it needs to see)
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
    QElapsedTimer m_sinceHead, m_sinceIndex;
    qint64 m_indexAfter = 0;
};

} // namespace listinglens
