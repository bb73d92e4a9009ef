#pragma once

#include "classifier.h"
#include "moderation_lane.h"
#include "job_queue.h"
#include "metrics.h"
#include "notification_listener.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <atomic>
#include <chrono>
#include <functional>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

namespace listinglens {

struct JobWorkerOptions {
    QString name;              // shown in the jobs table and metrics; empty: host:pid[:n]
    int batch = 8;             // most jobs taken at once (one pipeline run, forward passes of up to this many)
    int leaseMs = 30'000;      // a job not renewed for this long is taken over by another worker
    int maxAttempts = 3;       // attempts before a job whose workers keep vanishing ends failed
    int pollMs = 2'000;        // look for jobs this often even without a notification
    int indexRefreshMs = 5'000; // read other workers' new listings into the similarity index this often
    int headCheckMs = 5'000;    // look for a newly activated category head this often (one small query; on PostgreSQL a NOTIFY comes first)
    // The moderation lane (may be shared by the workers of one process; the
    // classifier must keep what it reads: ClassifierOptions::moderation).
    // Each result is stored first with moderation "pending", and its row
    // completed when the lane has read the photo. Null: no text is read.
    std::shared_ptr<ModerationLane> lane;
};

// Takes jobs from the PostgreSQL queue and processes them with its own
// Classifier (one model per worker). Three threads: the caller's (an event
// loop: LISTEN for new jobs, lease heartbeat), a processing thread (claim,
// decode, infer), and a writer thread that ends each job in the transaction
// that stores its prediction, so that processing never waits on the database.
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
    // Graceful: finishes the batch in hand, writes its results, puts back what
    // it could not finish, then returns.
    void stop();
    bool isRunning() const { return m_running; }
    const Classifier &classifier() const { return *m_classifier; }

    // In-process intake (serve --workers N). The API prepares an upload with
    // this worker's classifier() while it checks it, and hands both here: the
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
    bool takeUpload(DirectJob job, PreparedPhoto photo, std::chrono::steady_clock::time_point received, Stored stored);

Q_SIGNALS:
    // A job this worker ended, as GET /v1/jobs/{id} shows it.
    void jobEnded(const listinglens::JobView &job);

private:
    struct Upload {
        DirectJob job;
        PreparedPhoto photo;
        std::chrono::steady_clock::time_point received;
        Stored stored;
    };
    struct Completion {
        ClaimedJob job;
        PredictionRecord record;
        double inferenceMs = 0;
        double processMs = 0;
        std::optional<Upload> upload; // a direct job (its photo already moved out)
    };

    void processLoop();
    void writeLoop();
    void processBatch(std::vector<ClaimedJob> jobs);
    void processUploads(std::vector<Upload> uploads);
    void ended(ClaimedJob &job, const Result<PhotoResult> &outcome, double processMs, std::optional<Upload> upload = {});
    bool writeCompletion(Completion &c);
    void writeUpload(Completion &c);
    void recorded(const Completion &c, const JobView &view); // after a commit: index, counters, metrics, jobEnded
    void wake();
    void heartbeat();
    // The two halves of a moderated job meet here, in either order: the
    // lane's completed result (any lane thread) and its stored row (writer).
    void moderated(const QString &jobId, PhotoResult result);
    void rowStored(const QString &jobId, qint64 predictionId);
    void writeModeration(qint64 predictionId, const PhotoResult &result);

    std::shared_ptr<JobQueue> m_queue; // every thread's (each call uses that thread's connection)
    std::shared_ptr<PredictionStore> m_store;
    std::unique_ptr<Classifier> m_classifier;
    JobWorkerOptions m_options;
    std::shared_ptr<Metrics> m_metrics;

    std::thread m_processor, m_writer;
    std::atomic_bool m_running{false}, m_stopping{false};
    std::atomic<quint64> m_processed{0};
    mutable std::mutex m_mutex;
    std::condition_variable m_wake, m_written;
    bool m_woken = false;
    std::deque<Completion> m_completions;
    bool m_processorDone = false;
    std::set<QString> m_held; // claimed and not yet ended
    std::deque<Upload> m_handed; // takeUpload(), not yet processed
    struct ModerationMeeting {
        qint64 predictionId = 0;
        std::optional<PhotoResult> result;
    };
    std::map<QString, ModerationMeeting> m_moderating; // by job id, under m_mutex

    NotificationListener m_listener; // new jobs
    NotificationListener m_headListener; // a newly activated category head (PostgreSQL)
    std::atomic_bool m_headNotified{false};
    QTimer m_heartbeat;
    QElapsedTimer m_moderationSwept;
    QTimer m_listenCheck;
};

} // namespace listinglens
