#include "pipeline.h"

#include "moderated_result.h"

#include <condition_variable>
#include <deque>
#include <iterator>
#include <map>
#include <mutex>
#include <thread>

namespace listinglens {

namespace {

struct Prepared {
    int index = 0;
    PreparedPhoto photo;
};

// Bounded so that decoding never runs far ahead of inference (memory stays flat).
class PreparedQueue {
public:
    explicit PreparedQueue(std::size_t capacity) : m_capacity(capacity) {}

    void push(Prepared item)
    {
        std::unique_lock lock(m_mutex);
        m_notFull.wait(lock, [&] { return m_items.size() < m_capacity; });
        m_items.push_back(std::move(item));
        m_notEmpty.notify_one();
    }

    void producerDone()
    {
        std::lock_guard lock(m_mutex);
        --m_producers;
        m_notEmpty.notify_all();
    }

    void setProducers(int n) { m_producers = n; }

    std::size_t ready()
    {
        std::lock_guard lock(m_mutex);
        return m_items.size();
    }

    // Blocks for the first item (unless `wait` is false), then takes whatever
    // else is ready, up to max. Empty when every producer is done and nothing
    // is left, or, not waiting, when nothing is ready.
    std::vector<Prepared> popBatch(std::size_t max, bool wait = true)
    {
        std::unique_lock lock(m_mutex);
        if (wait)
            m_notEmpty.wait(lock, [&] { return !m_items.empty() || m_producers == 0; });
        std::vector<Prepared> batch;
        while (!m_items.empty() && batch.size() < max) {
            batch.push_back(std::move(m_items.front()));
            m_items.pop_front();
        }
        m_notFull.notify_all();
        return batch;
    }

private:
    std::mutex m_mutex;
    std::condition_variable m_notEmpty, m_notFull;
    std::deque<Prepared> m_items;
    std::size_t m_capacity;
    int m_producers = 0;
};

} // namespace

Pipeline::Pipeline(Classifier &classifier, PipelineOptions options) : m_classifier(classifier), m_options(options)
{
    if (m_options.batchSize < 1)
        m_options.batchSize = 1;
    if (m_options.prepareThreads < 1) {
        const int cores = int(std::max(1u, std::thread::hardware_concurrency()));
        m_options.prepareThreads = std::max(1, cores - InferenceEngine::defaultInferenceThreads());
    }
}

void Pipeline::setModeration(ModerationLane *lane, ModeratedCallback onModerated)
{
    m_lane = lane;
    m_onModerated = std::move(onModerated);
}

void Pipeline::run(const std::vector<PhotoSource> &sources, const ResultCallback &onResult, const std::atomic_bool *cancel,
                   const StartCallback &onStarted)
{
    const int n = int(sources.size());
    const int threads = std::min(m_options.prepareThreads, std::max(1, n));
    const auto batchSize = std::size_t(m_options.batchSize);
    // One batch waiting while one runs keeps inference busy without photos
    // queueing longer than that.
    PreparedQueue queue(batchSize + std::size_t(threads));
    queue.setProducers(threads);
    std::atomic_int next{0};

    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
        workers.emplace_back([&] {
            for (int i; !(cancel && cancel->load()) && (i = next.fetch_add(1)) < n;) {
                if (onStarted)
                    onStarted(i);
                queue.push({i, m_classifier.prepare(sources[std::size_t(i)])});
            }
            queue.producerDone();
        });
    }

    std::map<int, Result<PhotoResult>> pending;
    std::map<int, ModerationInput> toModerate;
    int emitNext = 0;
    auto emitReady = [&] {
        for (auto it = pending.begin(); it != pending.end() && it->first == emitNext; it = pending.erase(it), ++emitNext) {
            auto input = toModerate.find(it->first);
            const bool moderated = m_lane && it->second && input != toModerate.end();
            if (moderated)
                it->second.value().moderation.state = PhotoModeration::State::Pending;
            onResult(it->first, it->second);
            if (moderated) {
                m_lane->submit(std::move(input->second), [index = it->first, result = it->second.value(), done = m_onModerated](ModerationFindings found, bool ok) mutable {
                    completeModeration(result, std::move(found), ok);
                    if (done)
                        done(index, std::move(result));
                });
            }
            if (input != toModerate.end())
                toModerate.erase(input);
        }
    };
    // The stages balance themselves: when nothing is ready to infer and some
    // photos are not started yet, decoding is the slower stage, and this
    // thread prepares one itself rather than wait. Where inference is the
    // slower stage photos are always ready, and it never does.
    auto nextBatch = [&] {
        std::vector<Prepared> batch;
        if (queue.ready() == 0 && !(cancel && cancel->load())) {
            if (const int i = next.fetch_add(1); i < n) {
                if (onStarted)
                    onStarted(i);
                batch.push_back({i, m_classifier.prepare(sources[std::size_t(i)])});
            }
        }
        auto ready = queue.popBatch(batchSize - batch.size(), /*wait=*/batch.empty());
        std::move(ready.begin(), ready.end(), std::back_inserter(batch));
        return batch;
    };
    for (auto batch = nextBatch(); !batch.empty(); batch = nextBatch()) {
        std::vector<PreparedPhoto> photos;
        photos.reserve(batch.size());
        for (auto &item : batch) {
            if (m_lane && !item.photo.error && !item.photo.decoded.bgr.empty())
                toModerate[item.index] = moderationInput(std::move(item.photo.decoded), std::move(item.photo.bytes), m_classifier.thumbnailSide());
            photos.push_back(std::move(item.photo));
        }
        auto results = m_classifier.finish(std::move(photos));
        for (std::size_t k = 0; k < batch.size(); ++k)
            pending.emplace(batch[k].index, std::move(results[k]));
        emitReady();
    }
    for (auto &w : workers)
        w.join();
    emitReady();
    // Sources never started because of a cancel.
    for (int i = emitNext; i < n; ++i)
        onResult(i, Error{ErrorCode::Cancelled, QStringLiteral("cancelled before it was processed")});
}

} // namespace listinglens
