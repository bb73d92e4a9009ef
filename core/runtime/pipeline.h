#pragma once

#include "classifier.h"
#include "photo_source.h"
#include "preparer.h"
#include "routed_photo.h"

#include <functional>
#include <stop_token>
#include <vector>

namespace listinglens {

struct PipelineOptions {
    int batchSize = 8;       // most photos per forward pass
    int prepareThreads = 0;  // decode/preprocess threads; 0 = the cores inference leaves free
};

// The route's first half, prepare and infer, for many photos: several threads
// prepare while the calling thread batches whatever is ready into forward
// passes, and, when nothing is ready, prepares a photo itself (so the split
// of the cores follows whichever stage is slower on this machine). Every
// source gets exactly one outcome, reported in input order on the calling
// thread; after a cancel the ones not started are reported as
// ErrorCode::Cancelled.
class Pipeline {
public:
    // Called when a source starts to be processed, on the thread that prepares
    // it: a decode thread, or the calling thread.
    using Started = std::function<void(int index)>;
    // The photo inferred (outcome set), in input order, on the calling thread; it may be moved from.
    using Inferred = std::function<void(RoutedPhoto &photo)>;

    Pipeline(Classifier &classifier, const Preparer &preparer, PipelineOptions options);

    void run(const std::vector<PhotoSource> &sources, const Inferred &onInferred, std::stop_token cancel = {},
             const Started &onStarted = {});
    // Photos prepared elsewhere (an upload the API decoded while it checked
    // it): inferred in batches, reported in their order.
    void runPrepared(std::vector<RoutedPhoto> photos, const Inferred &onInferred);

    const PipelineOptions &options() const { return m_options; }

private:
    void infer(std::vector<RoutedPhoto> &batch);

    Classifier &m_classifier;
    const Preparer &m_preparer;
    PipelineOptions m_options;
};

} // namespace listinglens
