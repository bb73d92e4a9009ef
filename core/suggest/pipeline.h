#pragma once

#include "classifier.h"
#include "moderation_lane.h"

#include <atomic>
#include <functional>
#include <vector>

namespace listinglens {

struct PipelineOptions {
    int batchSize = 8;       // most photos per forward pass
    int prepareThreads = 0;  // decode/preprocess threads; 0 = the cores inference leaves free
};

// Runs many photos through a Classifier: several threads decode and
// preprocess while the calling thread batches whatever is ready into forward
// passes, and, when nothing is ready, prepares a photo itself (so the split
// of the cores follows whichever stage is slower on this machine). Every source gets exactly one outcome, reported in input order on
// the calling thread; after a cancel the ones not started are reported as
// ErrorCode::Cancelled.
class Pipeline {
public:
    using ResultCallback = std::function<void(int index, const Result<PhotoResult> &result)>;
    // Called when a source starts to be processed, on the thread that prepares
    // it: a decode thread, or the calling thread.
    using StartCallback = std::function<void(int index)>;

    Pipeline(Classifier &classifier, PipelineOptions options);

    void run(const std::vector<PhotoSource> &sources, const ResultCallback &onResult,
             const std::atomic_bool *cancel = nullptr, const StartCallback &onStarted = {});

    // The moderation lane (the classifier must keep what it reads:
    // ClassifierOptions::moderation). Each result is reported first with
    // moderation Pending; once the lane has read the photo, `onModerated`
    // gets the completed result, on a lane thread, after its onResult.
    // run() does not wait for the lane: ModerationLane::waitIdle() does.
    using ModeratedCallback = std::function<void(int index, PhotoResult result)>;
    void setModeration(ModerationLane *lane, ModeratedCallback onModerated);

    const PipelineOptions &options() const { return m_options; }

private:
    Classifier &m_classifier;
    PipelineOptions m_options;
    ModerationLane *m_lane = nullptr;
    ModeratedCallback m_onModerated;
};

} // namespace listinglens
