#pragma once

#include "http_server.h"
#include "image_loader.h"
#include "job_queue.h"
#include "job_worker.h"
#include "metrics.h"
#include "notification_listener.h"
#include "taxonomy.h"

#include <QHash>
#include <QObject>
#include <QThreadPool>
#include <QTimer>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <variant>

namespace listinglens {

class ApiKeys;

struct JobApiOptions {
    bool authenticate = true; // every /v1 route needs an API key (serve --no-auth: false, loopback only)
    qint64 maxQueued = 1000;  // over this many waiting jobs, POST answers 503
    int maxWaitS = 60;        // the most ?wait= may ask for
    int retryAfterS = 5;      // Retry-After on 503
    LoadLimits limits;        // what an upload may be (413 / 400 / 415 before queueing)
};

// The HTTP API of `serve`: validates uploads and queues them, answers job
// status (with long polling), takes moderator feedback, and reports health,
// readiness, metrics and its OpenAPI description.
// Threads:
//   HttpServer's network thread  reads and writes connections (http_server.h); checks each
//                                request's route, method and key (admitHead) before its body
//   this object's thread         routes each request (handle()), parks and answers long polls
//   m_pool                       everything that touches the database: queueing, job reads,
//                                feedback, keys the cache does not hold; it never waits on a decode
//   m_checkPool                  the check of an upload (a full decode; or, with embedded workers,
//                                preparing it as one's model input, which JobWorker then classifies)
// The files: job_api.cpp (set-up, routing), job_api_submit.cpp, job_api_jobs.cpp,
// job_api_feedback.cpp, job_api_health.cpp, job_api_answers.cpp (job_api_p.h).
class JobApi : public QObject {
    Q_OBJECT
public:
    JobApi(std::shared_ptr<JobQueue> queue, std::shared_ptr<Metrics> metrics, JobApiOptions options,
           QObject *parent = nullptr);
    ~JobApi() override;

    // TLS on the API's listener (not the admin one); before listen().
    Result<bool> setTls(const HttpTls &tls);
    // Listens; returns the port (useful with port 0).
    Result<quint16> listen(const QHostAddress &address, quint16 port);
    // Who may use the admin listener: anyone who reaches it (a loopback or
    // otherwise private address), or callers with an admin API key.
    enum class AdminAccess { Open, AdminKey };
    // A second listener for operators: /metrics and /readyz with their
    // details, which the API's listener then no longer gives anonymous
    // clients (/healthz needs no key on either).
    Result<quint16> listenAdmin(const QHostAddress &address, quint16 port, AdminAccess access = AdminAccess::Open);
    // Extra readiness condition (embedded workers have their model), called on a
    // pool thread: an empty string means ready.
    void setReadinessCheck(std::function<QString()> notReadyReason) { m_notReady = std::move(notReadyReason); }
    // A job ended in another process (a notification): answer its long polls.
    void jobEnded(const QString &id);
    // A job that ended, as read back or as an embedded worker of this process
    // ended it: answers its long polls with it (server thread).
    void answerWaiters(const JobView &job);
    // Workers in this process (serve --workers N). An upload is then checked by
    // preparing it with the model input of one that has room, and handed to it
    // (JobWorker::takeUpload), which answers it once the job is stored, done;
    // when none has room it is queued for any worker, as without them. Call
    // before listen(); they must outlive the API and stop before it goes.
    void setLocalWorkers(std::vector<JobWorker *> workers) { m_local = std::move(workers); }

    static Result<QJsonObject> openApiDocument();

private:
    // Who sent a request: the API key's id (0 without authentication) and
    // whether it may see every job.
    struct Caller {
        qint64 apiKeyId = 0;
        bool admin = false;
    };
    struct Waiter {
        HttpResponder responder;
        Caller caller;
        qint64 deadlineMs = 0;
    };

    // The route's demands on a request's head: the key scope (0: none), or a refusal.
    std::variant<int, HttpResponse> gate(const HttpRequest &head, bool admin) const;
    // HttpServer's head check (network thread): route, method and key, before the body is read.
    void admitHead(const HttpRequest &head, const HttpServer::Admit &admit, bool admin);
    void handle(const HttpRequest &request, const HttpResponder &responder, bool admin);
    // The caller, or the answer that refuses it (401, 403, or 503 when keys cannot be checked). Pool threads.
    std::variant<Caller, HttpResponse> authorize(const HttpRequest &request, const QByteArray &requestId, int scope);
    void submit(const HttpRequest &request, const HttpResponder &responder, const Caller &caller);
    void submitToWorker(JobWorker &worker, const QByteArray &bytes, const QString &fileName, const QString &contentType,
                        const QString &key, const JobOwner &owner, std::chrono::steady_clock::time_point received,
                        const HttpResponder &responder);
    // The job, or the answer that refuses the request (404, also for another
    // key's job; 503 when the database is away).
    std::optional<JobView> findJob(const QString &id, const Caller &caller, const QByteArray &requestId, HttpResponse *refusal);
    HttpResponse jobStatus(const QString &id, const Caller &caller, const QByteArray &requestId, int waitS, bool *parked);
    HttpResponse feedback(const QString &id, const Caller &caller, const HttpRequest &request, const QByteArray &requestId);
    HttpResponse ready(bool details);
    HttpResponse metrics();
    void answer(const HttpResponder &responder, const HttpResponse &response);
    void park(const QString &id, const Caller &caller, const HttpResponder &responder, qint64 deadlineMs);
    void recheck(const QStringList &ids);
    void sweepWaiters();
    JobQueue &queue() { return *m_queue; }
    JobWorker *localWorkerWithRoom();

    std::shared_ptr<JobQueue> m_queue; // every pool thread's (each call uses that thread's connection)
    std::shared_ptr<PredictionStore> m_store;
    std::shared_ptr<Metrics> m_metrics;
    JobApiOptions m_options;
    ImageLoader m_validator;
    Result<Taxonomy> m_taxonomy; // the categories feedback may name
    HttpServer *m_server = nullptr;
    HttpServer *m_admin = nullptr; // --admin-listen
    std::atomic_bool m_adminListening{false}; // read by the head checks on the network threads
    std::atomic_bool m_adminNeedsKey{false};
    std::shared_ptr<ApiKeys> m_keys; // null: no authentication
    QThreadPool m_pool;
    QThreadPool m_checkPool;
    std::function<QString()> m_notReady;
    QMultiHash<QString, Waiter> m_waiters; // server thread only
    NotificationListener m_listener; // jobs that ended (long polls)
    QTimer m_sweep;
    int m_sweeps = 0;
    std::vector<JobWorker *> m_local;
    std::atomic_uint m_nextLocal{0};
};

} // namespace listinglens
