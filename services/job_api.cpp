#include "job_api.h"

#include "api_input.h"
#include "api_keys.h"
#include "logging.h"
#include "sha256.h"

#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QThread>
#include <QUuid>
#include <cmath>
#include <future>

namespace listinglens {

namespace {

constexpr int kMaxIdempotencyKey = 200;

QJsonValue isoTime(qint64 ms)
{
    if (ms <= 0)
        return QJsonValue::Null;
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs);
}

// A file name from a client: its last path component, printable, bounded.
QString cleanFileName(QString name)
{
    name = QFileInfo(name.replace(QLatin1Char('\\'), QLatin1Char('/'))).fileName();
    name.remove(QRegularExpression(QStringLiteral("[\\x00-\\x1f\\x7f]")));
    name = name.left(255);
    return name.isEmpty() ? QStringLiteral("upload") : name;
}

QString headerParameter(const QByteArray &header, const QByteArray &parameter)
{
    const QRegularExpression re(QStringLiteral("(?:^|;)\\s*%1=(?:\"([^\"]*)\"|([^;\\s]*))").arg(QString::fromLatin1(parameter)),
                                QRegularExpression::CaseInsensitiveOption);
    const auto m = re.match(QString::fromUtf8(header));
    if (!m.hasMatch())
        return {};
    return m.captured(1).isEmpty() ? m.captured(2) : m.captured(1);
}

struct Upload {
    QByteArray bytes;
    QString fileName;
    QString contentType;
};

// The `photo` part of a multipart/form-data body (RFC 7578).
Result<Upload> photoPart(const QByteArray &body, const QByteArray &contentType)
{
    const QString boundary = headerParameter(contentType, "boundary");
    if (boundary.isEmpty())
        return Error{ErrorCode::InvalidArgument, QStringLiteral("multipart/form-data without a boundary")};
    const QByteArray delimiter = "--" + boundary.toUtf8();
    qsizetype pos = body.indexOf(delimiter);
    while (pos >= 0) {
        pos += delimiter.size();
        if (body.mid(pos, 2) == "--")
            break; // the closing delimiter
        const qsizetype headEnd = body.indexOf("\r\n\r\n", pos);
        const qsizetype next = body.indexOf("\r\n" + delimiter, pos);
        if (headEnd < 0 || next < 0 || next < headEnd)
            break;
        Upload part;
        QByteArray disposition;
        for (const QByteArray &line : body.mid(pos, headEnd - pos).split('\n')) {
            const qsizetype colon = line.indexOf(':');
            const QByteArray name = line.left(colon).trimmed().toLower();
            const QByteArray value = line.mid(colon + 1).trimmed();
            if (name == "content-disposition")
                disposition = value;
            else if (name == "content-type")
                part.contentType = QString::fromLatin1(value).toLower();
        }
        if (headerParameter(disposition, "name") == QLatin1String("photo")) {
            part.bytes = body.mid(headEnd + 4, next - headEnd - 4);
            part.fileName = headerParameter(disposition, "filename");
            return part;
        }
        pos = next + 2;
    }
    return Error{ErrorCode::InvalidArgument, QStringLiteral("the form has no \"photo\" field")};
}

int statusForError(ErrorCode code)
{
    switch (code) {
    case ErrorCode::TooLarge: return 413;
    case ErrorCode::UnsupportedFormat: return 415;
    default: return 400;
    }
}

// 503 with Retry-After. What went wrong inside (SQL, hosts, users) goes to
// the server log under the request id; the client gets the id, not the detail.
HttpResponse unavailable(const QByteArray &requestId, const Error &error, int retryAfterS)
{
    qCWarning(lcHttp).noquote() << "request" << requestId << "unavailable:" << error.codeName() << error.message;
    const QString message = error.code == ErrorCode::Busy
                                ? error.message
                                : QStringLiteral("the service cannot reach its database right now; try again (request %1)")
                                      .arg(QString::fromLatin1(requestId));
    HttpResponse r = HttpResponse::json(503, {{QStringLiteral("error"), QJsonObject{{QStringLiteral("code"), error.codeName()},
                                                                                     {QStringLiteral("message"), message},
                                                                                     {QStringLiteral("request_id"), QString::fromLatin1(requestId)}}}});
    return r.withHeader("Retry-After", QByteArray::number(retryAfterS));
}

HttpResponse invalid(const Error &error)
{
    return HttpResponse::error(statusForError(error.code), error.codeName(), error.message);
}

QJsonObject jobJson(const JobView &v)
{
    QJsonObject o{{QStringLiteral("id"), v.id},
                  {QStringLiteral("status"), jobStatusName(v.status)},
                  {QStringLiteral("created_at"), isoTime(v.createdMs)},
                  {QStringLiteral("finished_at"), isoTime(v.finishedMs)},
                  {QStringLiteral("attempts"), v.attempts}};
    if (v.status == JobStatus::Done)
        o.insert(QStringLiteral("result"), v.result);
    if (v.status == JobStatus::Failed)
        o.insert(QStringLiteral("error"), QJsonObject{{QStringLiteral("code"), v.errorCode}, {QStringLiteral("message"), v.errorMessage}});
    return o;
}

// The route a path matches, for metrics (bounded label values) and 405s.
QString routeOf(const QString &path)
{
    static const QRegularExpression job(QStringLiteral("^/v1/jobs/[^/]+$"));
    static const QRegularExpression feedback(QStringLiteral("^/v1/jobs/[^/]+/feedback$"));
    if (path == QLatin1String("/v1/jobs") || path == QLatin1String("/healthz") || path == QLatin1String("/readyz")
        || path == QLatin1String("/metrics") || path == QLatin1String("/openapi.json"))
        return path;
    if (job.match(path).hasMatch())
        return QStringLiteral("/v1/jobs/{id}");
    if (feedback.match(path).hasMatch())
        return QStringLiteral("/v1/jobs/{id}/feedback");
    return QStringLiteral("other");
}

// The photo of a POST /v1/jobs and its idempotency key, or the answer that refuses the request.
std::optional<HttpResponse> readUpload(const HttpRequest &request, Upload *upload, QString *key)
{
    const QByteArray contentType = request.header("content-type").toLower();
    if (contentType.startsWith("multipart/form-data")) {
        auto part = photoPart(request.body, request.header("content-type"));
        if (!part)
            return HttpResponse::error(400, part.error().codeName(), part.error().message);
        *upload = std::move(part).value();
        if (!upload->contentType.isEmpty() && !upload->contentType.startsWith(QLatin1String("image/"))
            && upload->contentType != QLatin1String("application/octet-stream"))
            return HttpResponse::error(415, QStringLiteral("unsupported_format"),
                                       QStringLiteral("the photo field is %1; send an image (JPEG, PNG, WebP, BMP or TIFF)").arg(upload->contentType));
    } else if (contentType.startsWith("image/")) {
        upload->bytes = request.body;
        upload->contentType = QString::fromLatin1(contentType.split(';').value(0).trimmed());
        upload->fileName = headerParameter(request.header("content-disposition"), "filename");
    } else {
        return HttpResponse::error(415, QStringLiteral("unsupported_format"),
                                   QStringLiteral("send the photo as the body with Content-Type image/..., or as the \"photo\" field of multipart/form-data (got %1)")
                                       .arg(contentType.isEmpty() ? QStringLiteral("no Content-Type") : QString::fromLatin1(contentType)));
    }
    upload->fileName = cleanFileName(upload->fileName);
    if (upload->contentType.isEmpty())
        upload->contentType = QStringLiteral("application/octet-stream");
    auto checked = checkedText(request.header("idempotency-key"), QStringLiteral("Idempotency-Key"), kMaxIdempotencyKey);
    if (!checked)
        return invalid(checked.error());
    *key = checked.value();
    return std::nullopt;
}

HttpResponse refusedPhoto(const Error &refusal)
{
    return HttpResponse::error(statusForError(refusal.code), refusal.codeName(),
                               QStringLiteral("%1. %2").arg(refusal.message, errorAdvice(refusal.code)));
}

// An idempotency key names one upload: the same key with another photo is a client bug.
std::optional<HttpResponse> keyReusedElsewhere(const Submitted &earlier, const QString &payloadSha256)
{
    if (!earlier.existing || earlier.payloadSha256.isEmpty() || earlier.payloadSha256 == payloadSha256)
        return std::nullopt;
    return HttpResponse::error(422, QStringLiteral("idempotency_key_reused"),
                               QStringLiteral("this Idempotency-Key was used for another photo (job %1); use a new key for each upload").arg(earlier.id));
}

HttpResponse accepted(const Submitted &s)
{
    HttpResponse r = HttpResponse::json(202, {{QStringLiteral("id"), s.id}, {QStringLiteral("status"), jobStatusName(s.status)}});
    r.withHeader("Location", "/v1/jobs/" + s.id.toLatin1());
    if (s.existing)
        r.withHeader("Idempotent-Replayed", "true");
    return r;
}

} // namespace

JobApi::JobApi(std::shared_ptr<PredictionStore> store, std::shared_ptr<Metrics> metrics, JobApiOptions options, QObject *parent)
    : QObject(parent), m_store(std::move(store)), m_metrics(std::move(metrics)), m_options(options),
      m_validator([&] {
          LoadLimits l = options.limits;
          l.targetShortSide = 32; // a check, not a model input: the smallest decode that still reads every byte
          return l;
      }()),
      m_taxonomy(Taxonomy::builtIn().value()),
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

Result<QJsonObject> JobApi::openApiDocument()
{
    QFile f(QStringLiteral(":/listinglens/openapi.json"));
    if (!f.open(QIODevice::ReadOnly))
        return Error{ErrorCode::Internal, QStringLiteral("the OpenAPI document is missing from the build")};
    return QJsonDocument::fromJson(f.readAll()).object();
}

JobQueue &JobApi::queue()
{
    // One queue per pool thread: each uses its thread's connection.
    if (!m_queues.hasLocalData())
        m_queues.setLocalData(JobQueue::create(m_store).value().release());
    return *m_queues.localData();
}

JobWorker *JobApi::localWorkerWithRoom()
{
    for (std::size_t tried = 0; tried < m_local.size(); ++tried) {
        JobWorker *w = m_local[m_nextLocal++ % m_local.size()];
        if (w->hasRoom())
            return w;
    }
    return nullptr;
}

void JobApi::answer(const HttpResponder &responder, const HttpResponse &response)
{
    QMetaObject::invokeMethod(this, [responder, response] { responder.send(response); }, Qt::QueuedConnection);
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

// POST /v1/jobs. A refusal or a queued job is answered at once; an upload a
// worker of this process takes, once its result is stored.
void JobApi::submit(const HttpRequest &request, const HttpResponder &responder, const Caller &caller)
{
    const auto received = std::chrono::steady_clock::now();
    Upload upload;
    QString key;
    if (auto refusal = readUpload(request, &upload, &key))
        return answer(responder, *refusal);
    const JobOwner owner{caller.apiKeyId, key.isEmpty() ? QString() : sha256Hex(upload.bytes)};
    if (JobWorker *local = localWorkerWithRoom())
        return submitToWorker(*local, upload.bytes, upload.fileName, upload.contentType, key, owner, received, responder);
    // The whole photo is decoded so that a damaged upload is refused here and
    // never reaches the queue, at the smallest scale. The check runs on its
    // own pool while this thread writes the photo into the queue, in a
    // transaction that commits only when the photo passed.
    auto task = std::make_shared<std::packaged_task<std::optional<Error>()>>([this, bytes = upload.bytes]() -> std::optional<Error> {
        if (auto loaded = m_validator.loadBytes(bytes); !loaded)
            return loaded.error();
        return std::nullopt;
    });
    std::future<std::optional<Error>> pending = task->get_future();
    m_checkPool.start([task] { (*task)(); });
    std::optional<std::optional<Error>> check;
    auto checked = [&]() -> const std::optional<Error> & {
        if (!check)
            check = pending.get();
        return *check;
    };
    auto submitted = queue().enqueue({upload.bytes, upload.fileName, upload.contentType, key, owner}, m_options.maxQueued,
                                     [&] { return checked(); });
    if (const auto &refusal = checked()) // before a full queue or an unreachable database
        return answer(responder, refusedPhoto(*refusal));
    if (!submitted)
        return answer(responder, unavailable(responder.requestId(), submitted.error(), m_options.retryAfterS));
    if (auto reused = keyReusedElsewhere(submitted.value(), owner.payloadSha256))
        return answer(responder, *reused);
    answer(responder, accepted(submitted.value()));
}

// The upload is decoded straight into `worker`'s model input (which checks
// it), and the worker answers it once the job and its result are stored:
// the photo never goes to the database.
void JobApi::submitToWorker(JobWorker &worker, const QByteArray &bytes, const QString &fileName, const QString &contentType,
                            const QString &key, const JobOwner &owner, std::chrono::steady_clock::time_point received,
                            const HttpResponder &responder)
{
    if (!key.isEmpty()) {
        auto earlier = queue().byIdempotencyKey(key, owner.apiKeyId);
        if (!earlier)
            return answer(responder, unavailable(responder.requestId(), earlier.error(), m_options.retryAfterS));
        if (earlier.value()) {
            const auto reused = keyReusedElsewhere(*earlier.value(), owner.payloadSha256);
            return answer(responder, reused ? *reused : accepted(*earlier.value()));
        }
    }
    m_checkPool.start([this, &worker, bytes, fileName, contentType, key, owner, received, responder] {
        PreparedPhoto prepared = worker.classifier().prepare(PhotoSource::fromBytes(fileName, bytes));
        // An internal failure is not the upload's fault: the worker ends the job failed, with the reason.
        if (prepared.error && prepared.error->code != ErrorCode::Internal)
            return answer(responder, refusedPhoto(*prepared.error));
        DirectJob job{QUuid::createUuid().toString(QUuid::WithoutBraces), fileName, contentType, bytes.size(), key, owner, 0};
        const QString sha = owner.payloadSha256;
        const bool taken = worker.takeUpload(std::move(job), std::move(prepared), received, [this, responder, sha](const Result<Submitted> &s) {
            if (!s)
                return answer(responder, unavailable(responder.requestId(), s.error(), m_options.retryAfterS));
            const auto reused = keyReusedElsewhere(s.value(), sha); // a race for the key, lost to another photo
            answer(responder, reused ? *reused : accepted(s.value()));
        });
        if (!taken)
            answer(responder, unavailable(responder.requestId(), Error{ErrorCode::Busy, QStringLiteral("the server is shutting down")},
                                          m_options.retryAfterS));
    });
}

std::optional<JobView> JobApi::findJob(const QString &text, const Caller &caller, const QByteArray &requestId, HttpResponse *refusal)
{
    const auto notFound = [&] {
        *refusal = HttpResponse::error(404, QStringLiteral("not_found"), QStringLiteral("there is no job %1").arg(text.left(64)));
        return std::nullopt;
    };
    const std::optional<QString> id = normalizedJobId(text);
    if (!id)
        return notFound();
    auto view = queue().job(*id);
    if (!view) {
        *refusal = unavailable(requestId, view.error(), m_options.retryAfterS);
        return std::nullopt;
    }
    // Another key's job is not found rather than forbidden: ids are not to be probed.
    if (!view.value() || (!caller.admin && view.value()->apiKeyId != caller.apiKeyId))
        return notFound();
    return view.value();
}

HttpResponse JobApi::jobStatus(const QString &id, const Caller &caller, const QByteArray &requestId, int waitS, bool *parked)
{
    HttpResponse refusal;
    const std::optional<JobView> view = findJob(id, caller, requestId, &refusal);
    if (!view)
        return refusal;
    const JobView &v = *view;
    if (waitS > 0 && (v.status == JobStatus::Queued || v.status == JobStatus::Running)) {
        *parked = true;
        return {};
    }
    return HttpResponse::json(200, jobJson(v));
}

void JobApi::park(const QString &id, const Caller &caller, const HttpResponder &responder, qint64 deadlineMs)
{
    m_waiters.insert(id, Waiter{responder, caller, deadlineMs});
    recheck({id}); // it may have ended between the read and now
}

void JobApi::answerWaiters(const JobView &job)
{
    if (!m_waiters.contains(job.id))
        return;
    const HttpResponse r = HttpResponse::json(200, jobJson(job));
    for (const Waiter &w : m_waiters.values(job.id))
        w.responder.send(r);
    m_waiters.remove(job.id);
}

void JobApi::jobEnded(const QString &id)
{
    if (m_waiters.contains(id))
        recheck({id});
}

// Answers the waiters of jobs that ended; the rest keep waiting.
void JobApi::recheck(const QStringList &ids)
{
    m_pool.start([this, ids] {
        for (const QString &id : ids) {
            auto view = queue().job(id);
            if (!view || !view.value())
                continue; // the sweep answers them at their deadline
            const JobView v = *view.value();
            if (v.status != JobStatus::Done && v.status != JobStatus::Failed)
                continue;
            QMetaObject::invokeMethod(this, [this, v] { answerWaiters(v); }, Qt::QueuedConnection);
        }
    });
}

// Every second: answer waiters at their deadline with the job as it is, drop
// the ones whose client left, look again at the rest when notifications may
// have been missed, and keep the LISTEN connection alive.
void JobApi::sweepWaiters()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    QStringList due, waiting;
    for (auto it = m_waiters.begin(); it != m_waiters.end();) {
        if (!it->responder.isOpen()) {
            it = m_waiters.erase(it);
            continue;
        }
        if (it->deadlineMs <= now)
            due << it.key();
        else if (!waiting.contains(it.key()))
            waiting << it.key();
        ++it;
    }
    for (const QString &id : std::as_const(due)) {
        for (auto it = m_waiters.find(id); it != m_waiters.end() && it.key() == id;) {
            if (it->deadlineMs > now) {
                ++it;
                continue;
            }
            const HttpResponder responder = it->responder;
            const Caller caller = it->caller;
            it = m_waiters.erase(it);
            m_pool.start([this, id, caller, responder] {
                bool parked = false;
                answer(responder, jobStatus(id, caller, responder.requestId(), 0, &parked));
            });
        }
    }
    if (!waiting.isEmpty() && (!m_listener.listening() || ++m_sweeps % 5 == 0))
        recheck(waiting);
    m_listener.check();
}

HttpResponse JobApi::feedback(const QString &id, const Caller &caller, const HttpRequest &request, const QByteArray &requestId)
{
    HttpResponse refusal;
    const std::optional<JobView> view = findJob(id, caller, requestId, &refusal);
    if (!view)
        return refusal;
    const JobView &job = *view;
    auto parsed = parseFeedback(request.header("content-type"), request.body, job.result);
    if (!parsed)
        return invalid(parsed.error());
    if (job.status != JobStatus::Done)
        return HttpResponse::error(409, QStringLiteral("conflict"),
                                   QStringLiteral("job %1 is %2; feedback needs a finished result").arg(job.id, jobStatusName(job.status)));
    const FeedbackRecord &f = parsed.value();
    if (!m_taxonomy.find(f.categoryId))
        return HttpResponse::error(400, QStringLiteral("invalid_argument"), QStringLiteral("unknown category_id \"%1\"").arg(f.categoryId));
    auto stored = m_store->addFeedback(job.predictionId, f);
    if (!stored)
        return stored.error().code == ErrorCode::DatabaseError ? unavailable(requestId, stored.error(), m_options.retryAfterS)
                                                               : HttpResponse::error(400, stored.error().codeName(), stored.error().message);
    return HttpResponse::json(201, {{QStringLiteral("id"), stored.value()},
                                    {QStringLiteral("job_id"), job.id},
                                    {QStringLiteral("prediction_id"), job.predictionId},
                                    {QStringLiteral("decision"), f.corrected ? QStringLiteral("corrected") : QStringLiteral("accepted")},
                                    {QStringLiteral("category_id"), f.categoryId},
                                    {QStringLiteral("price"), f.price}});
}

// Ready or not, and why; the reasons (database hosts, driver errors) only
// where `details` (the admin listener, or the only listener).
HttpResponse JobApi::ready(bool details)
{
    const auto notReady = [&](const QString &reason, const QString &shown) {
        return HttpResponse::json(503, {{QStringLiteral("status"), QStringLiteral("not_ready")},
                                        {QStringLiteral("reason"), details ? reason : shown}})
            .withHeader("Retry-After", QByteArray::number(m_options.retryAfterS));
    };
    auto counts = queue().counts();
    if (!counts)
        return notReady(counts.error().message, QStringLiteral("the database is not reachable"));
    if (m_notReady) {
        const QString reason = m_notReady();
        if (!reason.isEmpty())
            return notReady(reason, QStringLiteral("a worker is not running"));
    }
    return HttpResponse::json(200, {{QStringLiteral("status"), QStringLiteral("ready")},
                                    {QStringLiteral("queue_depth"), counts.value().queued}});
}

HttpResponse JobApi::metrics()
{
    auto counts = queue().counts();
    m_metrics->set(QStringLiteral("listinglens_database_up"), {}, counts ? 1 : 0);
    if (counts) {
        const QueueCounts &c = counts.value();
        const std::pair<const char *, qint64> byStatus[] = {{"queued", c.queued}, {"running", c.running}, {"done", c.done}, {"failed", c.failed}};
        for (const auto &[status, n] : byStatus)
            m_metrics->set(QStringLiteral("listinglens_jobs"), {{QStringLiteral("status"), QString::fromLatin1(status)}}, double(n));
        m_metrics->set(QStringLiteral("listinglens_queue_depth"), {}, double(c.queued));
        m_metrics->set(QStringLiteral("listinglens_queue_oldest_age_seconds"), {}, c.oldestQueuedAgeS);
        if (auto byWorker = queue().endedByWorker())
            for (const auto &[worker, n] : byWorker.value())
                m_metrics->set(QStringLiteral("listinglens_jobs_ended_by_worker"), {{QStringLiteral("worker"), worker}}, double(n));
    }
    return HttpResponse::text(200, m_metrics->prometheusText(), "text/plain; version=0.0.4; charset=utf-8");
}

} // namespace listinglens
