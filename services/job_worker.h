#pragma once

#include "classifier.h"
#include "job_queue.h"
#include "metrics.h"
#include "moderation_lane.h"
#include "notification_listener.h"
#include "route.h"
#include "store_follower.h"
#include "task_threads.h"
#include "work_queue.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>

namespace listinglens {

struct JobWorkerOptions {
    QString name;              // shown in the jobs table and metrics; empty: host:pid[:n]
    int batch = 8;             // most jobs taken at once (one run of the route, forward passes of up to this many)
    int leaseMs = 30'000;      // a job not renewed for this long is taken over by another worker
    int maxAttempts = 3;       // attempts before a job whose workers keep vanishing ends failed
    int pollMs = 2'000;        // look for jobs this often even without a notification
    int indexRefreshMs = 5'000; // read other workers' new listings into the similarity index this often
    int headCheckMs = 5'000;    // look for a newly activated model version or category head this often (one small query; on PostgreSQL a head's NOTIFY comes first)
    // The moderation lane (may be shared by the workers of one process). Each
    // result is stored first with moderation "pending", and its row completed
    // when the lane has read the photo; a photo the lane has no room for is
    // stored marked not moderated, for review. Null: no text is read.
    std::shared_ptr<ModerationLane> lane;
};

// Takes jobs from the PostgreSQL queue, and uploads from the API of its own
// process, and sends each photo down its Route (core/runtime) with its own
// Classifier (one model per worker). Its jobs, one file each:
//   job_worker.cpp          starting and stopping
//   job_worker_claims.cpp   the claim loop: jobs from the queue, a batch at a time
//   job_worker_intake.cpp   uploads handed over by the API (serve --workers N)
//   job_worker_writer.cpp   the route's record stage: each job ended in the transaction that stores its prediction
//   job_worker_upkeep.cpp   the lease heartbeat, the lane's holds and the stale sweep
//   job_worker_metrics.cpp  what it counts
// Threads: the caller's (an event loop: LISTEN for new jobs and heads, the
// heartbeat), the "claims" thread (claims, follows the head and the index,
// runs the route: decode and inference), the "writer" thread (ends each job
// in the transaction that stores its prediction, so that processing never
// waits on the database, then hands the photo on to the lane), and the
// lane's threads (complete the stored row).
class JobWorker : public QObject {
    Q_OBJECT
public:
    JobWorker(std::shared_ptr<JobQueue> queue, std::unique_ptr<Classifier> classifier,
              JobWorkerOptions options, std::shared_ptr<Metrics> metrics, QObject *parent = nullptr);
    ~JobWorker() override;

    const QString &name() const { return m_options.name; }
    static QString defaultName(int ordinal = -1);
    // Declares the metrics workers write (call once per registry).
    static void describeMetrics(Metrics &metrics);

    void start();
    // Graceful: finishes the batch in hand, writes its results, waits for the
    // lane to read what it holds, puts back what it could not finish, then returns.
    void stop();
    bool isRunning() const { return m_running; }
    const Classifier &classifier() const { return *m_classifier; }
    // The photo's route: the API prepares an upload with it (Route::prepare, thread-safe).
    const Route &route() const { return *m_route; }

    // In-process intake (serve --workers N). The API prepares an upload with
    // this worker's route() while it checks it, and hands both here: the
    // photo is decoded once and never written to the database. The job gets
    // its row only with its result (JobQueue::storeDirect), and `stored` is
    // called on the writer thread once that committed, or with the error that
    // kept it out of the database: the API answers the upload then. Nothing is
    // acknowledged before it is stored, so a crash loses no accepted job; its
    // client got no answer and sends the photo again (safely, with an
    // Idempotency-Key). Uploads not yet processed when the worker stops get
    // the error too.
    using Stored = std::function<void(const Result<Submitted> &)>;
    // True while the worker runs and has fewer than kHandedBatches batches
    // waiting (at batch 8: 64 photos, about 45 MB and a second of work). Past
    // that, uploads go to the queue for any worker.
    static constexpr int kHandedBatches = 8;
    bool hasRoom() const;
    // False when the worker stopped in between (`stored` is not called).
    bool takeUpload(DirectJob job, RoutedPhoto photo, std::chrono::steady_clock::time_point received, Stored stored);

Q_SIGNALS:
    // A job this worker ended, as GET /v1/jobs/{id} shows it.
    void jobEnded(const listinglens::JobView &job);

private:
    class Recorder;
    struct Upload {
        DirectJob job;
        RoutedPhoto photo;
        std::chrono::steady_clock::time_point received;
        Stored stored;
    };
    // A job or upload between its claim (or hand-over) and its end, by the tag its photo carries.
    struct InFlight {
        ClaimedJob job;              // for an upload: its id and name
        std::optional<Upload> upload; // a direct job (its photo moved down the route)
        std::chrono::steady_clock::time_point started;
    };
    struct Completion {
        RoutedPhoto photo;
        RecordStage::Resume resume;
    };

    // job_worker_claims.cpp
    void processLoop(std::stop_token stop);
    void processBatch(std::vector<ClaimedJob> jobs);
    void waitForWork(int ms);
    // job_worker_intake.cpp
    void processUploads(std::vector<Upload> uploads);
    qint64 hold(InFlight flight);
    // job_worker_writer.cpp
    void ended(RoutedPhoto photo, RecordStage::Resume resume);
    void writeLoop(std::stop_token stop);
    void write(Completion &c);
    std::optional<qint64> writeCompletion(const InFlight &flight, const PredictionRecord &record, double inferenceMs, JobView &view);
    std::optional<qint64> writeUpload(InFlight &flight, const PredictionRecord &record, double inferenceMs, JobView &view);
    // job_worker_upkeep.cpp
    void heartbeat();
    // job_worker_metrics.cpp
    void count(const ClaimedJob &job, bool ok, double inferenceMs, double processMs);

    void wake();

    std::shared_ptr<JobQueue> m_queue; // every thread's (each call uses that thread's connection)
    std::shared_ptr<PredictionStore> m_store;
    std::unique_ptr<Classifier> m_classifier;
    JobWorkerOptions m_options;
    std::shared_ptr<Metrics> m_metrics;
    std::unique_ptr<Recorder> m_recorder;
    std::unique_ptr<Route> m_route;          // after what its stages use, so destroyed before them
    std::unique_ptr<StoreFollower> m_follower; // the claims thread's

    TaskThreads m_processor, m_writer;
    std::atomic_bool m_running{false}, m_stopping{false};
    std::atomic<quint64> m_processed{0};
    WorkQueue<Upload> m_handed;          // takeUpload(), not yet processed
    WorkQueue<Completion> m_completions; // the record stage's, for the writer
    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_woken = false;                // under m_mutex
    std::map<qint64, InFlight> m_inFlight; // under m_mutex
    qint64 m_nextTag = 0;                // under m_mutex

    NotificationListener m_listener; // new jobs
    NotificationListener m_headListener; // a newly activated category head (PostgreSQL)
    std::atomic_bool m_headNotified{false};
    QTimer m_heartbeat;
    QElapsedTimer m_moderationSwept;
    QTimer m_listenCheck;
};

} // namespace listinglens
