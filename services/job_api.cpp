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
    m_pool.waitForDone();
    m_checkPool.waitForDone();
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

Result<quint16> JobApi::listenAdmin(const QHostAddress &address, quint16 port)
{
    m_admin = new HttpServer([this](const HttpRequest &r, const HttpResponder &responder) { handle(r, responder, true); }, {}, this);
    return m_admin->listen(address, port);
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
    if (!header.startsWith("Bearer "))
        return refused(401, "unauthorized", QStringLiteral("send an API key: Authorization: Bearer <key> (listinglens apikey create)"));
    auto key = m_keys->verify(header.mid(7).trimmed());
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

// The API's listener serves /v1 to API keys and health to anyone; with an
// admin listener, /metrics and /readyz's details are only there.
void JobApi::handle(const HttpRequest &request, const HttpResponder &responder, bool admin)
{
    const QString route = routeOf(request.path);
    const QByteArray &method = request.method;
    auto allow = [&](const QByteArray &allowed) {
        return HttpResponse::error(405, QStringLiteral("method_not_allowed"),
                                   QStringLiteral("%1 does not take %2").arg(route, QString::fromLatin1(method)))
            .withHeader("Allow", allowed);
    };
    auto onPool = [this, responder](std::function<HttpResponse()> work) {
        m_pool.start([this, responder, work = std::move(work)] { answer(responder, work()); });
    };
    // A /v1 route's work on the pool, once the caller's key allows `scope`.
    auto authorized = [this, request, responder](int scope, std::function<void(const Caller &)> work) {
        m_pool.start([this, request, responder, scope, work = std::move(work)] {
            auto caller = authorize(request, responder.requestId(), scope);
            if (auto *refusal = std::get_if<HttpResponse>(&caller))
                return answer(responder, *refusal);
            work(std::get<Caller>(caller));
        });
    };
    if (admin && route != QLatin1String("/metrics") && route != QLatin1String("/readyz") && route != QLatin1String("/healthz"))
        return responder.send(HttpResponse::error(404, QStringLiteral("not_found"), QStringLiteral("the admin listener serves /metrics, /readyz and /healthz")));
    if (route == QLatin1String("/healthz")) {
        responder.send(method == "GET" ? HttpResponse::json(200, {{QStringLiteral("status"), QStringLiteral("ok")}}) : allow("GET"));
    } else if (route == QLatin1String("/openapi.json")) {
        auto doc = openApiDocument();
        responder.send(method != "GET" ? allow("GET")
                       : doc         ? HttpResponse::json(200, doc.value())
                                     : HttpResponse::error(500, doc.error().codeName(), doc.error().message));
    } else if (route == QLatin1String("/readyz")) {
        // Readiness reasons (database hosts, driver errors) only for operators, never the API's clients.
        method == "GET" ? onPool([this, admin] { return ready(admin); }) : responder.send(allow("GET"));
    } else if (route == QLatin1String("/metrics")) {
        if (method != "GET")
            return responder.send(allow("GET"));
        if (admin)
            return onPool([this] { return metrics(); });
        if (m_admin)
            return responder.send(HttpResponse::error(404, QStringLiteral("not_found"), QStringLiteral("metrics are served on the admin listener")));
        authorized(int(ApiScope::Admin), [this, responder](const Caller &) { answer(responder, metrics()); });
    } else if (route == QLatin1String("/v1/jobs")) {
        if (method != "POST")
            return responder.send(allow("POST"));
        authorized(int(ApiScope::Submit), [this, request, responder](const Caller &caller) { submit(request, responder, caller); });
    } else if (route == QLatin1String("/v1/jobs/{id}")) {
        if (method != "GET")
            return responder.send(allow("GET"));
        const auto wait = waitSeconds(request.query.queryItemValue(QStringLiteral("wait")), m_options.maxWaitS);
        if (!wait)
            return responder.send(invalid(wait.error()));
        const QString raw = request.path.section(QLatin1Char('/'), 3, 3);
        const QString id = normalizedJobId(raw).value_or(raw); // waiters are keyed by the stored form
        const qint64 deadline = QDateTime::currentMSecsSinceEpoch() + qint64(wait.value() * 1000);
        authorized(int(ApiScope::Read), [this, id, wait = wait.value(), deadline, responder](const Caller &caller) {
            bool parked = false;
            HttpResponse r = jobStatus(id, caller, responder.requestId(), int(std::ceil(wait)), &parked);
            if (!parked)
                answer(responder, r);
            else
                QMetaObject::invokeMethod(this, [this, id, caller, responder, deadline] { park(id, caller, responder, deadline); },
                                          Qt::QueuedConnection);
        });
    } else if (route == QLatin1String("/v1/jobs/{id}/feedback")) {
        if (method != "POST")
            return responder.send(allow("POST"));
        const QString id = request.path.section(QLatin1Char('/'), 3, 3);
        authorized(int(ApiScope::Feedback), [this, id, request, responder](const Caller &caller) {
            answer(responder, feedback(id, caller, request, responder.requestId()));
        });
    } else {
        responder.send(HttpResponse::error(404, QStringLiteral("not_found"),
                                           QStringLiteral("no such endpoint: %1 (see /openapi.json)").arg(request.path)));
    }
}

} // namespace listinglens
