#pragma once

#include "routed_photo.h"

#include <functional>
#include <vector>

namespace listinglens {

// The route's record stage, plugged in by whoever stores results (the
// digiKam FacePipeline's plugDatabaseWriter): a store for the window, the
// CLI and import (StoreRecorder), the job queue's transaction for a worker.
// The route calls it; the stage never calls the route except through
// `resume`.
class RecordStage {
public:
    // Hands the photo back to the route once recorded.
    using Resume = std::function<void(RoutedPhoto photo)>;

    virtual ~RecordStage() = default;

    // Stores photo.outcome (a result, or the error it ended with) and then
    // calls `resume` once, with photo.predictionId set (or photo.notRecorded
    // saying why it is not stored), on this thread or, later, on any other:
    // the route goes on from there (its report, then the moderation lane).
    virtual void record(RoutedPhoto photo, Resume resume) = 0;
    // The moderation lane completed a photo this stage stored (its
    // predictionId, or none when it could not be stored): what the lane read
    // goes to its row. Called on a lane thread.
    virtual void complete(const RoutedPhoto &photo) = 0;
    // The rows still in the lane: kept from the stale sweep for a while more
    // (Route::holdRows() calls it; see kModerationHoldMs).
    virtual void hold(const std::vector<qint64> &rows) { (void)rows; }
};

} // namespace listinglens
