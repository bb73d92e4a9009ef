#include "route.h"

#include "moderated_result.h"

namespace listinglens {

Route::Route(Classifier &classifier, RouteOptions options) : m_classifier(classifier), m_options(std::move(options))
{
    rebuildPreparer();
}

Route::~Route()
{
    std::unique_lock lock(m_mutex);
    m_settled.wait(lock, [&] { return m_inLane == 0; });
}

void Route::plugLane(ModerationLane *lane)
{
    m_lane = lane;
    rebuildPreparer();
}

void Route::plugRecorder(RecordStage *recorder, RecordAt at)
{
    m_recorder = recorder;
    m_recordAt = at;
    if (recorder) {
        m_options.fingerprint = true; // what history needs of each result
        m_options.thumbnails = true;
    }
    rebuildPreparer();
}

void Route::rebuildPreparer()
{
    PrepareOptions prepare;
    prepare.limits = m_options.limits;
    prepare.previewSide = m_options.previewSide;
    prepare.thumbnailSide = m_options.thumbnails ? kThumbnailSide : 0;
    prepare.fingerprint = m_options.fingerprint;
    prepare.forLane = m_lane != nullptr;
    m_preparer = std::make_unique<Preparer>(m_classifier, prepare);
}

void Route::run(const std::vector<PhotoSource> &sources, std::stop_token cancel)
{
    const qint64 first = m_sequence;
    m_sequence += qint64(sources.size());
    Pipeline pipeline(m_classifier, *m_preparer, m_options.pipeline);
    pipeline.run(
        sources,
        [&](RoutedPhoto &photo) {
            photo.sequence = first + photo.index;
            suggest(std::move(photo));
        },
        cancel, [&](int index) {
            if (m_reports.started)
                m_reports.started(index, sources[std::size_t(index)].tag);
        });
}

void Route::runPrepared(std::vector<RoutedPhoto> photos)
{
    const qint64 first = m_sequence;
    m_sequence += qint64(photos.size());
    Pipeline(m_classifier, *m_preparer, m_options.pipeline).runPrepared(std::move(photos), [&](RoutedPhoto &photo) {
        photo.sequence = first + photo.index;
        suggest(std::move(photo));
    });
}

Result<PhotoResult> Route::classifyOne(const PhotoSource &source)
{
    std::vector<RoutedPhoto> one;
    one.push_back(m_preparer->prepare(source));
    Result<PhotoResult> outcome = Error{};
    Pipeline(m_classifier, *m_preparer, m_options.pipeline).runPrepared(std::move(one), [&](RoutedPhoto &photo) {
        outcome = std::move(photo.outcome);
    });
    return outcome;
}

// A photo never processed (cancelled) is not history.
bool Route::records(const RoutedPhoto &photo) const
{
    return m_recorder && (photo.ok() || photo.outcome.error().code != ErrorCode::Cancelled);
}

// Inferred, on the calling thread in input order.
void Route::suggest(RoutedPhoto photo)
{
    const bool toRead = m_lane && photo.ok() && !photo.lane.decoded.bgr.empty();
    if (toRead)
        photo.result().moderation.state = PhotoModeration::State::Pending;
    else
        photo.lane = {};
    if (records(photo) && m_recordAt == RecordAt::Suggested) {
        m_recorder->record(std::move(photo), [this](RoutedPhoto recorded) { suggested(std::move(recorded)); });
        return;
    }
    suggested(std::move(photo));
}

// Suggested (and recorded, when that is now): reported, then read.
void Route::suggested(RoutedPhoto photo)
{
    if (m_reports.suggested)
        m_reports.suggested(photo);
    photo.preview = cv::Mat(); // shown by now
    if (photo.notRecorded && !photo.lane.decoded.bgr.empty()) {
        photo.lane = {}; // no row to complete: not read
        photo.result().moderation.state = PhotoModeration::State::Off;
    }
    if (photo.lane.decoded.bgr.empty()) {
        complete(std::move(photo), false);
        return;
    }
    toLane(std::move(photo));
}

void Route::toLane(RoutedPhoto photo)
{
    ModerationInput input = std::move(photo.lane);
    photo.lane = {};
    input.key = photo.key;
    {
        std::lock_guard lock(m_mutex);
        ++m_inLane;
        if (photo.predictionId > 0)
            m_rowsInLane.insert(photo.predictionId);
    }
    // The photo waits in the closure, moved, not copied.
    auto waiting = std::make_shared<RoutedPhoto>(std::move(photo));
    ModerationLane::Done done = [this, waiting](ModerationFindings found, bool ok) {
        RoutedPhoto read = std::move(*waiting);
        // What the words read say of the category first, so the findings complete the result as it now stands.
        if (ok)
            m_classifier.weighPhotoText(read.result(), found.text, read.predictionId);
        completeModeration(read.result(), std::move(found), ok, m_classifier.sellersSpelling(), m_classifier.isCatchAll());
        complete(std::move(read), true);
        std::lock_guard lock(m_mutex);
        --m_inLane;
        m_settled.notify_all();
    };
    if (m_options.admission == LaneAdmission::Wait)
        m_lane->submit(std::move(input), std::move(done));
    else
        m_lane->offer(std::move(input), std::move(done));
}

// The lane has read it (`read`), or there was nothing to read.
void Route::complete(RoutedPhoto photo, bool read)
{
    if (read && photo.predictionId > 0) {
        std::lock_guard lock(m_mutex);
        if (const auto it = m_rowsInLane.find(photo.predictionId); it != m_rowsInLane.end())
            m_rowsInLane.erase(it);
    }
    if (read && records(photo) && m_recordAt == RecordAt::Suggested)
        m_recorder->complete(photo);
    if (!m_options.completeInOrder)
        return finish(std::move(photo));
    // In input order: what is ready waits for the photos before it.
    std::unique_lock lock(m_mutex);
    m_ready.emplace(photo.sequence, std::move(photo));
    if (m_reporting)
        return; // the thread reporting now reports this one too, in its turn
    m_reporting = true;
    for (auto it = m_ready.find(m_nextReport); it != m_ready.end(); it = m_ready.find(m_nextReport)) {
        RoutedPhoto next = std::move(it->second);
        m_ready.erase(it);
        ++m_nextReport;
        lock.unlock();
        finish(std::move(next));
        lock.lock();
    }
    m_reporting = false;
}

// Stored now when it is stored complete (in input order with completeInOrder), then reported.
void Route::finish(RoutedPhoto photo)
{
    if (records(photo) && m_recordAt == RecordAt::Completed) {
        m_recorder->record(std::move(photo), [this](RoutedPhoto recorded) {
            if (m_reports.completed)
                m_reports.completed(recorded);
        });
        return;
    }
    if (m_reports.completed)
        m_reports.completed(photo);
}

void Route::waitForLane()
{
    if (m_lane)
        m_lane->helpUntilIdle();
    std::unique_lock lock(m_mutex);
    m_settled.wait(lock, [&] { return m_inLane == 0; });
}

void Route::holdRows()
{
    if (m_recorder)
        m_recorder->hold(rowsInLane());
}

std::vector<qint64> Route::rowsInLane() const
{
    std::lock_guard lock(m_mutex);
    return {m_rowsInLane.begin(), m_rowsInLane.end()};
}

int Route::inLane() const
{
    std::lock_guard lock(m_mutex);
    return m_inLane;
}

} // namespace listinglens
