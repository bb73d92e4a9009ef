#pragma once

#include "classifier.h"
#include "moderation_lane.h"
#include "pipeline.h"
#include "preparer.h"
#include "record_stage.h"
#include "routed_photo.h"

#include <algorithm>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <stop_token>
#include <vector>

namespace listinglens {

// The stored thumbnail's longest side: what history shows.
inline constexpr int kThumbnailSide = 256;

// When the record stage stores a photo.
enum class RecordAt {
    Suggested, // as soon as it is suggested; the lane's reading completes the row (the window, import, the services)
    Completed, // once it is complete, in one write (classify)
};

// How photos are given to the moderation lane.
enum class LaneAdmission {
    Wait,  // the route waits for room: every photo is read (the window, classify)
    Offer, // never waits: the lane makes room fairly across keys, and a photo
           // it cannot take is stored marked not moderated, for review (the services)
};

struct RouteOptions {
    PipelineOptions pipeline{};
    LoadLimits limits{};
    int previewSide = 0;          // > 0: photos carry a preview at most this long (pixels, for a window)
    bool fingerprint = false;     // results carry the SHA-256 of the photo's bytes (a record stage implies it)
    bool thumbnails = false;      // results carry the stored thumbnail, kThumbnailSide (a record stage implies it)
    LaneAdmission admission = LaneAdmission::Wait;
    bool completeInOrder = false; // `completed` reports come in input order (classify prints them so)
};

// A photo's route: prepare -> infer -> suggest -> record -> lane -> complete,
// one for every caller (the window, classify, import, serve's workers and
// `worker`). Each caller plugs in what it needs, as digiKam's FacePipeline
// plugs its database writer: a moderation lane (shared by the routes of a
// process, or none) and a record stage (or none), and is told about each
// photo twice:
//   started    it is being prepared (a decode thread, or the calling thread);
//   suggested  its suggestion is out: inferred, and stored when the record
//              stage stores at RecordAt::Suggested (predictionId set). On the
//              calling thread in input order, or on the record stage's thread
//              when it records later. The lane has not read it yet
//              (moderation Pending) when it goes to one.
//   completed  the lane has read it and the stored row is completed (or
//              there is no lane), or, RecordAt::Completed, it is stored now.
//              On a lane thread, or the calling thread without a lane; in
//              input order when RouteOptions::completeInOrder.
// The photo's row id and the lane's findings meet in the photo itself, which
// carries one to the other: there is no other join.
//
// Threads: run() and runPrepared() on one thread at a time (the calling
// thread batches the forward passes); prepare() from any thread; plug*()
// before the first run. A photo the lane could not read (it failed, or had no
// room with LaneAdmission::Offer) completes marked not moderated, asking for
// review, never as if read.
class Route {
public:
    // Set once, before the first run: the lane's threads call them.
    struct Reports {
        std::function<void(int index, qint64 tag)> started;
        std::function<void(RoutedPhoto &photo)> suggested;
        std::function<void(RoutedPhoto &photo)> completed;
    };

    Route(Classifier &classifier, RouteOptions options);
    // Waits until the lane has reported every photo of this route.
    ~Route();

    // The moderation lane reads each successful photo after its suggestion (null: none).
    void plugLane(ModerationLane *lane);
    // Stores every photo (cancelled ones excepted); implies fingerprints and thumbnails.
    void plugRecorder(RecordStage *recorder, RecordAt at = RecordAt::Suggested);
    void setReports(Reports reports) { m_reports = std::move(reports); }
    // Forward passes of up to this many, from the next run on.
    void setBatchSize(int batch) { m_options.pipeline.batchSize = std::max(1, batch); }

    // The photos down the route; returns once each is suggested (the lane may still be reading).
    void run(const std::vector<PhotoSource> &sources, std::stop_token cancel = {});
    // Photos prepare() made elsewhere (an upload checked while it was decoded).
    void runPrepared(std::vector<RoutedPhoto> photos);
    // The route's first stage alone, for a caller that prepares while it checks (thread-safe).
    RoutedPhoto prepare(const PhotoSource &source) const { return m_preparer->prepare(source); }
    // One photo's suggestion on the calling thread: prepared and inferred; not recorded, not read by the lane.
    Result<PhotoResult> classifyOne(const PhotoSource &source);

    // Blocks until every photo of this route has completed, helping the lane
    // read meanwhile (ModerationLane::helpUntilIdle).
    void waitForLane();
    // The stored rows the lane still holds, handed to the record stage to keep
    // them from the stale sweep (call it more often than kModerationHoldMs).
    void holdRows();
    std::vector<qint64> rowsInLane() const;
    // Photos handed to the lane and not yet completed.
    int inLane() const;

    Classifier &classifier() const { return m_classifier; }
    ModerationLane *lane() const { return m_lane; }
    const Preparer &preparer() const { return *m_preparer; }
    const RouteOptions &options() const { return m_options; }

private:
    void suggest(RoutedPhoto photo);
    void suggested(RoutedPhoto photo);
    void toLane(RoutedPhoto photo);
    void complete(RoutedPhoto photo, bool read);
    void finish(RoutedPhoto photo);
    void rebuildPreparer();
    bool records(const RoutedPhoto &photo) const;

    Classifier &m_classifier;
    RouteOptions m_options;
    ModerationLane *m_lane = nullptr;
    RecordStage *m_recorder = nullptr;
    RecordAt m_recordAt = RecordAt::Suggested;
    std::unique_ptr<Preparer> m_preparer;
    Reports m_reports;
    qint64 m_sequence = 0; // photos taken so far (run()'s thread)

    mutable std::mutex m_mutex;
    std::condition_variable m_settled;
    int m_inLane = 0;                     // under m_mutex
    std::multiset<qint64> m_rowsInLane;   // under m_mutex
    std::map<qint64, RoutedPhoto> m_ready; // completed out of order, by sequence (completeInOrder), under m_mutex
    qint64 m_nextReport = 0;              // under m_mutex
    bool m_reporting = false;             // a thread is reporting in order, under m_mutex
};

} // namespace listinglens
