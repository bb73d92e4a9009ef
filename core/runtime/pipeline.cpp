#include "pipeline.h"

#include "task_threads.h"
#include "work_queue.h"

#include <atomic>
#include <iterator>
#include <map>
#include <thread>

namespace listinglens {

namespace {

// What a prepared photo holds while it waits for inference: its model input,
// preview and what the lane reads.
qint64 heldBytes(const RoutedPhoto &p)
{
    return qint64(p.prepared.tensor.size() * sizeof(float)) + p.lane.byteSize()
           + qint64(p.preview.total() * p.preview.elemSize()) + p.thumbnail.size();
}

// Prepared photos waiting for inference are bounded by bytes as well: a few
// full-size decodes of large photos are the most that wait.
constexpr qint64 kPreparedBytes = 512LL * 1024 * 1024;

} // namespace

Pipeline::Pipeline(Classifier &classifier, const Preparer &preparer, PipelineOptions options)
    : m_classifier(classifier), m_preparer(preparer), m_options(options)
{
    if (m_options.batchSize < 1)
        m_options.batchSize = 1;
    if (m_options.prepareThreads < 1) {
        const int cores = int(std::max(1u, std::thread::hardware_concurrency()));
        m_options.prepareThreads = std::max(1, cores - InferenceEngine::defaultInferenceThreads());
    }
}

void Pipeline::infer(std::vector<RoutedPhoto> &batch)
{
    std::vector<PreparedPhoto> inputs;
    inputs.reserve(batch.size());
    for (RoutedPhoto &p : batch)
        inputs.push_back(std::move(p.prepared));
    auto results = m_classifier.finish(std::move(inputs));
    for (std::size_t k = 0; k < batch.size(); ++k) {
        batch[k].outcome = std::move(results[k]);
        if (batch[k].outcome && !batch[k].thumbnail.isEmpty())
            batch[k].outcome.value().thumbnail = std::move(batch[k].thumbnail);
    }
}

void Pipeline::run(const std::vector<PhotoSource> &sources, const Inferred &onInferred, std::stop_token cancel, const Started &onStarted)
{
    const int n = int(sources.size());
    const int threads = std::min(m_options.prepareThreads, std::max(1, n));
    const auto batchSize = std::size_t(m_options.batchSize);
    // One batch waiting while one runs keeps inference busy without photos
    // queueing longer than that.
    WorkQueue<RoutedPhoto> queue(QueueLimits{batchSize + std::size_t(threads), kPreparedBytes});
    std::atomic_int next{0}, producing{threads};
    auto prepare = [&](int i) {
        if (onStarted)
            onStarted(i);
        RoutedPhoto p = m_preparer.prepare(sources[std::size_t(i)]);
        p.index = i;
        return p;
    };
    TaskThreads decoders;
    decoders.start(QStringLiteral("decode"), threads, [&](std::stop_token, int) {
        for (int i; !cancel.stop_requested() && (i = next.fetch_add(1)) < n;) {
            RoutedPhoto p = prepare(i);
            const qint64 bytes = heldBytes(p);
            queue.push(p, bytes);
        }
        if (--producing == 0)
            queue.close();
    });

    std::map<int, RoutedPhoto> pending;
    int emitNext = 0;
    auto emitReady = [&] {
        for (auto it = pending.begin(); it != pending.end() && it->first == emitNext; it = pending.erase(it), ++emitNext)
            onInferred(it->second);
    };
    // The stages balance themselves: when nothing is ready to infer and some
    // photos are not started yet, decoding is the slower stage, and this
    // thread prepares one itself rather than wait. Where inference is the
    // slower stage photos are always ready, and it never does.
    auto nextBatch = [&] {
        std::vector<RoutedPhoto> batch;
        if (queue.size() == 0 && !cancel.stop_requested()) {
            if (const int i = next.fetch_add(1); i < n)
                batch.push_back(prepare(i));
        }
        auto ready = queue.popUpTo(batchSize - batch.size(), /*wait=*/batch.empty());
        std::move(ready.begin(), ready.end(), std::back_inserter(batch));
        return batch;
    };
    for (auto batch = nextBatch(); !batch.empty(); batch = nextBatch()) {
        infer(batch);
        for (RoutedPhoto &p : batch)
            pending.emplace(p.index, std::move(p));
        emitReady();
    }
    decoders.join();
    emitReady();
    // Sources never started because of a cancel.
    for (int i = emitNext; i < n; ++i) {
        RoutedPhoto cancelled;
        cancelled.index = i;
        cancelled.key = sources[std::size_t(i)].key;
        cancelled.tag = sources[std::size_t(i)].tag;
        cancelled.name = sources[std::size_t(i)].name;
        onInferred(cancelled);
    }
}

void Pipeline::runPrepared(std::vector<RoutedPhoto> photos, const Inferred &onInferred)
{
    const auto batchSize = std::size_t(m_options.batchSize);
    for (std::size_t from = 0; from < photos.size(); from += batchSize) {
        std::vector<RoutedPhoto> batch;
        for (std::size_t i = from; i < std::min(photos.size(), from + batchSize); ++i) {
            photos[i].index = int(i);
            batch.push_back(std::move(photos[i]));
        }
        infer(batch);
        for (RoutedPhoto &p : batch)
            onInferred(p);
    }
}

} // namespace listinglens
