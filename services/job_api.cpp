// The JobApi: set-up, listeners, who is calling, and routing each request
// to the file that answers it (_submit, _jobs, _feedback, _health).
#include "job_api.h"
#include "job_api_p.h"

#include "api_input.h"
#include "api_keys.h"
#include "logging.h"

#include <QThread>

namespace listinglens {

using namespace api_detail;

JobApi::JobApi(std::shared_ptr<JobQueue> queue, std::shared_ptr<Metrics> metrics, JobApiOptions options, QObject *parent)
    : QObject(parent), m_queue(std::move(queue)), m_store(m_queue->sharedStore()), m_metrics(std::move(metrics)), m_options(options),
      m_validator([&] {
          LoadLimits l = options.limits;
          l.targetShortSide = 32; // a check, not a model input: the smallest decode that still reads every byte
          return l;
      }()),
      m_taxonomy(Taxonomy::builtIn()),
      m_listener(m_store, QStringLiteral("-api-listen"), QString::fromLatin1(kJobsEndedChannel),
                 [this](const QString &id) { jobEnded(id); })
{
    HttpLimits limits;
    limits.maxBodyBytes = m_options.limits.maxFileBytes + 64 * 1024; // room for multipart framing
    if (m_options.authenticate)
        m_keys = std::make_shared<ApiKeys>(m_store);
    m_server = new HttpServer([this](const HttpRequest &r, const HttpResponder &responder) { handle(r, responder, false); }, limits, this);
    m_server->setHeadCheck([this](const HttpRequest &head, const HttpServer::Admit &admit) { admitHead(head, admit, false); });
    m_server->onAnswered = [this](const HttpRequest &r, int status, double ms) {
        const MetricLabels labels{{QStringLiteral("route"), routeOf(r.path)},
                                  {QStringLiteral("method"), r.method.isEmpty() ? QStringLiteral("-") : methodLabel(r.method)},
                                  {QStringLiteral("status"), QString::number(status)}};
        m_metrics->add(QStringLiteral("listinglens_http_requests_total"), labels);
        m_metrics->observe(QStringLiteral("listinglens_http_request_duration_ms"), labels.mid(0, 1), ms);
    };
    m_metrics->describe(QStringLiteral("listinglens_http_requests_total"), Metrics::Type::Counter,
                        QStringLiteral("HTTP requests answered, by route, method and status."));
    m_metrics->describe(QStringLiteral("listinglens_http_request_duration_ms"), Metrics::Type::Histogram,
                        QStringLiteral("Time to answer, by route (long polls included), ms."), Metrics::latencyBucketsMs());
    m_metrics->describe(QStringLiteral("listinglens_jobs"), Metrics::Type::Gauge,
                        QStringLiteral("Jobs in the queue table, by status."));
    m_metrics->describe(QStringLiteral("listinglens_queue_depth"), Metrics::Type::Gauge,
                        QStringLiteral("Jobs waiting for a worker."));
    m_metrics->describe(QStringLiteral("listinglens_queue_oldest_age_seconds"), Metrics::Type::Gauge,
                        QStringLiteral("Age of the oldest waiting job, s."));
    m_metrics->describe(QStringLiteral("listinglens_jobs_ended_by_worker"), Metrics::Type::Gauge,
                        QStringLiteral("Jobs ended (done or failed) by each worker, from the queue table (every machine)."));
    m_metrics->describe(QStringLiteral("listinglens_database_up"), Metrics::Type::Gauge,
                        QStringLiteral("1 when the database answered the last scrape."));
    // Database work blocks; it gets threads of its own, each with its own connection for good.
    m_pool.setMaxThreadCount(8);
    m_pool.setExpiryTimeout(-1);
    // Upload checks (decoding) never wait on anything, so pool threads may wait on them.
    m_checkPool.setMaxThreadCount(std::max(2, QThread::idealThreadCount()));
    m_sweep.setInterval(1'000);
    connect(&m_sweep, &QTimer::timeout, this, [this] { sweepWaiters(); });
    m_sweep.start();
}

JobApi::~JobApi()
{
    // The listeners go first: their network threads start pool work (key
    // lookups). Then the pools: an upload's pool task starts its check, whose
    // task starts the queueing on the pool again.
    delete m_admin;
    delete m_server;
    m_pool.waitForDone();
    m_checkPool.waitForDone();
    m_pool.waitForDone();
}

Result<bool> JobApi::setTls(const HttpTls &tls)
{
    return m_server->setTls(tls);
}

Result<quint16> JobApi::listen(const QHostAddress &address, quint16 port)
{
    m_listener.check();
    return m_server->listen(address, port);
}

Result<quint16> JobApi::listenAdmin(const QHostAddress &address, quint16 port, AdminAccess access)
{
    if (access == AdminAccess::AdminKey && !m_keys)
        return Error{ErrorCode::InvalidArgument, QStringLiteral("the admin listener cannot ask for an admin key: API keys are off (--no-auth)")};
    m_adminNeedsKey = access == AdminAccess::AdminKey;
    m_admin = new HttpServer([this](const HttpRequest &r, const HttpResponder &responder) { handle(r, responder, true); }, {}, this);
    m_admin->setHeadCheck([this](const HttpRequest &head, const HttpServer::Admit &admit) { admitHead(head, admit, true); });
    auto listening = m_admin->listen(address, port);
    if (listening)
        m_adminListening = true;
    return listening;
}

std::variant<JobApi::Caller, HttpResponse> JobApi::authorize(const HttpRequest &request, const QByteArray &requestId, int scope)
{
    if (!m_keys)
        return Caller{0, true};
    const QByteArray header = request.header("authorization");
    const auto refused = [](int status, const char *code, const QString &message) {
        return HttpResponse::error(status, QString::fromLatin1(code), message)
            .withHeader("WWW-Authenticate", status == 401 ? "Bearer realm=\"listinglens\"" : "Bearer realm=\"listinglens\", error=\"insufficient_scope\"");
    };
    const auto token = bearerToken(header);
    if (!token)
        return refused(401, "unauthorized", QStringLiteral("send an API key: Authorization: Bearer <key> (listinglens apikey create)"));
    auto key = m_keys->verify(*token);
    if (!key)
        return key.error().code == ErrorCode::DatabaseError ? unavailable(requestId, key.error(), m_options.retryAfterS)
                                                            : refused(401, "unauthorized", QStringLiteral("the API key is not valid"));
    if (!key.value().allows(ApiScope(scope)))
        return refused(403, "forbidden", QStringLiteral("this API key may not do that (its scopes: %1)").arg(apiScopesText(key.value().scopes)));
    return Caller{key.value().id, key.value().allows(ApiScope::Admin)};
}

// HttpResponder::send is thread-safe: answered from whichever thread has the answer.
void JobApi::answer(const HttpResponder &responder, const HttpResponse &response)
{
    responder.send(response);
}

// What a request's route asks of it, from its head: the API key scope its
// caller needs (0: none), or the answer that refuses it (404, 405). The API's
// listener serves /v1 to API keys and health to anyone; the admin listener
// serves /metrics, /readyz and /healthz, with an admin key when it asks for one.
std::variant<int, HttpResponse> JobApi::gate(const HttpRequest &head, bool admin) const
{
    const QString route = routeOf(head.path);
    const auto only = [&](const QByteArray &allowed, int scope) -> std::variant<int, HttpResponse> {
        if (head.method == allowed)
            return scope;
        return HttpResponse::error(405, QStringLiteral("method_not_allowed"),
                                   QStringLiteral("%1 does not take %2").arg(route, QString::fromLatin1(head.method)))
            .withHeader("Allow", allowed);
    };
    const auto notFound = [](const QString &message) { return HttpResponse::error(404, QStringLiteral("not_found"), message); };
    if (admin) {
        if (route == QLatin1String("/healthz"))
            return only("GET", 0);
        if (route == QLatin1String("/metrics") || route == QLatin1String("/readyz"))
            return only("GET", m_adminNeedsKey ? int(ApiScope::Admin) : 0);
        return notFound(QStringLiteral("the admin listener serves /metrics, /readyz and /healthz"));
    }
    if (route == QLatin1String("/healthz") || route == QLatin1String("/openapi.json") || route == QLatin1String("/readyz"))
        return only("GET", 0);
    if (route == QLatin1String("/metrics")) {
        if (m_adminListening)
            return notFound(QStringLiteral("metrics are served on the admin listener"));
        return only("GET", int(ApiScope::Admin));
    }
    if (route == QLatin1String("/v1/jobs"))
        return only("POST", int(ApiScope::Submit));
    if (route == QLatin1String("/v1/jobs/{id}"))
        return only("GET", int(ApiScope::Read));
    if (route == QLatin1String("/v1/jobs/{id}/feedback"))
        return only("POST", int(ApiScope::Feedback));
    return notFound(QStringLiteral("no such endpoint: %1 (see /openapi.json)").arg(head.path));
}

// Network thread: the route, then the key, before any of the body is read.
// A key the cache does not hold is looked up on the pool; a request without
// one is answered here.
void JobApi::admitHead(const HttpRequest &head, const HttpServer::Admit &admit, bool admin)
{
    auto gated = gate(head, admin);
    if (auto *refusal = std::get_if<HttpResponse>(&gated))
        return admit({*refusal, {}});
    const int scope = std::get<int>(gated);
    const QByteArray header = head.header("authorization");
    const auto token = bearerToken(header);
    if (scope == 0 || !m_keys || !token || !ApiKeys::isWellFormed(*token)) {
        auto caller = scope == 0 ? Caller{} : authorize(head, head.id, scope); // no database asked
        if (auto *refusal = std::get_if<HttpResponse>(&caller))
            return admit({*refusal, {}});
        return admit({{}, std::get<Caller>(caller)});
    }
    m_pool.start([this, head, admit, scope] {
        auto caller = authorize(head, head.id, scope);
        if (auto *refusal = std::get_if<HttpResponse>(&caller))
            return admit({*refusal, {}});
        admit({{}, std::get<Caller>(caller)});
    });
}

// A request its head check let on, with its caller: routed to the file that answers it.
void JobApi::handle(const HttpRequest &request, const HttpResponder &responder, bool admin)
{
    const QString route = routeOf(request.path);
    const Caller *admitted = std::any_cast<Caller>(&request.admitted);
    const Caller caller = admitted ? *admitted : Caller{};
    auto onPool = [this, responder](std::function<HttpResponse()> work) {
        m_pool.start([this, responder, work = std::move(work)] { answer(responder, work()); });
    };
    if (route == QLatin1String("/healthz")) {
        responder.send(HttpResponse::json(200, {{QStringLiteral("status"), QStringLiteral("ok")}}));
    } else if (route == QLatin1String("/openapi.json")) {
        auto doc = openApiDocument();
        responder.send(doc ? HttpResponse::json(200, doc.value()) : HttpResponse::error(500, doc.error().codeName(), doc.error().message));
    } else if (route == QLatin1String("/readyz")) {
        // Readiness reasons (database hosts, driver errors) only for operators, never the API's clients.
        onPool([this, admin] { return ready(admin); });
    } else if (route == QLatin1String("/metrics")) {
        onPool([this] { return metrics(); });
    } else if (route == QLatin1String("/v1/jobs")) {
        m_pool.start([this, request, responder, caller] { submit(request, responder, caller); });
    } else if (route == QLatin1String("/v1/jobs/{id}")) {
        const auto wait = waitSeconds(request.query.queryItemValue(QStringLiteral("wait")), m_options.maxWaitS);
        if (!wait)
            return responder.send(invalid(wait.error()));
        const QString raw = request.path.section(QLatin1Char('/'), 3, 3);
        const QString id = normalizedJobId(raw).value_or(raw); // waiters are keyed by the stored form
        const qint64 deadline = QDateTime::currentMSecsSinceEpoch() + qint64(wait.value() * 1000);
        m_pool.start([this, id, wait = wait.value(), deadline, responder, caller] {
            bool parked = false;
            HttpResponse r = jobStatus(id, caller, responder.requestId(), int(std::ceil(wait)), &parked);
            if (!parked)
                answer(responder, r);
            else
                QMetaObject::invokeMethod(this, [this, id, caller, responder, deadline] { park(id, caller, responder, deadline); },
                                          Qt::QueuedConnection);
        });
    } else if (route == QLatin1String("/v1/jobs/{id}/feedback")) {
        const QString id = request.path.section(QLatin1Char('/'), 3, 3);
        m_pool.start([this, id, request, responder, caller] { answer(responder, feedback(id, caller, request, responder.requestId())); });
    } else { // the head check refuses every other route
        responder.send(HttpResponse::error(404, QStringLiteral("not_found"), QStringLiteral("no such endpoint: %1").arg(request.path)));
    }
}

} // namespace listinglens
