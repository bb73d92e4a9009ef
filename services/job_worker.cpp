// Starting and stopping a queue worker; the rest of its work is in the
// job_worker_*.cpp files (job_worker.h lists them).
#include "job_worker.h"
#include "job_worker_p.h"

#include "logging.h"
#include "store_recorder.h"

#include <QCoreApplication>
#include <QHostInfo>

namespace listinglens {

using namespace job_worker;

JobWorker::JobWorker(std::shared_ptr<JobQueue> queue, std::unique_ptr<Classifier> classifier, JobWorkerOptions options,
                     std::shared_ptr<Metrics> metrics, QObject *parent)
    : QObject(parent), m_queue(std::move(queue)), m_store(m_queue->sharedStore()), m_classifier(std::move(classifier)),
      m_options(std::move(options)), m_metrics(std::move(metrics)),
      m_handed(QueueLimits{std::size_t(2 * kHandedBatches * std::max(1, m_options.batch)), kQueuedBytes}),
      m_completions(QueueLimits{std::size_t(kHandedBatches * std::max(1, m_options.batch)), kQueuedBytes}),
      m_listener(m_store, QStringLiteral("-listen"), QString::fromLatin1(kJobsQueuedChannel), [this](const QString &) { wake(); }),
      m_headListener(m_store, QStringLiteral("-listen-heads"), QString::fromLatin1(kHeadChannel), [this](const QString &) {
          m_headNotified = true;
          wake();
      })
{
    m_listener.onSubscribed = [this] { wake(); }; // jobs may have arrived while nobody listened
    if (m_options.name.isEmpty())
        m_options.name = defaultName();
    m_options.batch = std::max(1, m_options.batch);
    // The route: stored first (the job ends with its result), then read by the
    // lane, which never makes the main lane wait (LaneAdmission::Offer).
    RouteOptions route;
    route.pipeline = PipelineOptions{m_options.batch, 0};
    route.admission = LaneAdmission::Offer;
    m_recorder = std::make_unique<Recorder>(*this);
    m_route = std::make_unique<Route>(*m_classifier, route);
    m_route->plugLane(m_options.lane.get());
    m_route->plugRecorder(m_recorder.get(), RecordAt::Suggested);
    m_heartbeat.setInterval(std::max(100, m_options.leaseMs / 3));
    connect(&m_heartbeat, &QTimer::timeout, this, [this] { heartbeat(); });
    m_listenCheck.setInterval(2'000);
    connect(&m_listenCheck, &QTimer::timeout, this, [this] {
        m_listener.check();
        if (m_store->url().isPostgres())
            m_headListener.check();
    });
}

JobWorker::~JobWorker()
{
    stop();
}

QString JobWorker::defaultName(int ordinal)
{
    QString name = QStringLiteral("%1:%2").arg(QHostInfo::localHostName()).arg(QCoreApplication::applicationPid());
    if (ordinal >= 0)
        name += QStringLiteral(":%1").arg(ordinal);
    return name;
}

void JobWorker::start()
{
    if (m_running)
        return;
    m_running = true;
    m_stopping = false;
    m_handed.reopen();
    m_completions.reopen();
    m_follower = std::make_unique<StoreFollower>(*m_store, *m_classifier, StoreFollower::Intervals{m_options.headCheckMs, m_options.indexRefreshMs, true});
    m_listener.check();
    if (m_store->url().isPostgres())
        m_headListener.check();
    m_listenCheck.start();
    m_heartbeat.start();
    m_writer.start(QStringLiteral("writer"), 1, [this](std::stop_token stop, int) { writeLoop(stop); });
    m_processor.start(QStringLiteral("claims"), 1, [this](std::stop_token stop, int) { processLoop(stop); });
    qCInfo(lcPipeline).noquote() << QStringLiteral("worker %1 started (batch %2, lease %3 ms)")
                                        .arg(m_options.name).arg(m_options.batch).arg(m_options.leaseMs);
}

void JobWorker::stop()
{
    if (!m_running)
        return;
    {
        std::lock_guard lock(m_mutex); // takeUpload() sees it under the same lock
        m_stopping = true;
    }
    wake();
    m_processor.stop();
    // The writer ends what was processed, then the lane reads what it holds
    // (its reports use this worker's store).
    m_completions.close();
    m_writer.join();
    m_route->waitForLane();
    m_heartbeat.stop();
    m_listenCheck.stop();
    QStringList left;
    m_handed.close(); // takeUpload() refuses from now on
    std::vector<Upload> unprocessed = m_handed.drain();
    {
        std::lock_guard lock(m_mutex);
        for (const auto &[tag, flight] : m_inFlight) {
            if (!flight.upload)
                left << flight.job.id;
        }
        m_inFlight.clear();
    }
    for (const Upload &u : unprocessed)
        u.stored(Error{ErrorCode::Busy, QStringLiteral("the server is shutting down")});
    if (!left.isEmpty()) {
        auto released = m_queue->release(left, m_options.name);
        if (!released)
            qCWarning(lcPipeline).noquote() << QStringLiteral("could not put %1 jobs back (their lease will expire): %2")
                                                   .arg(left.size()).arg(released.error().message);
    }
    m_listener.close();
    m_headListener.close();
    m_running = false;
    qCInfo(lcPipeline).noquote() << QStringLiteral("worker %1 stopped after %2 jobs").arg(m_options.name).arg(m_processed);
}

void JobWorker::wake()
{
    {
        std::lock_guard lock(m_mutex);
        m_woken = true;
    }
    m_wake.notify_all();
}

} // namespace listinglens
