#include "server_commands.h"

#include "job_api.h"
#include "service_common.h"

#include <QCoreApplication>
#include <QTimer>

namespace listinglens::cli {

namespace {

constexpr const char *kDescription =
    "The HTTP API: POST /v1/jobs queues a photo in PostgreSQL, GET /v1/jobs/{id} answers the result.\n"
    "Workers (`listinglens-server worker`, or --workers N in this process) do the classification.\n"
    "Endpoints: /v1/jobs, /v1/jobs/{id}[?wait=S], /v1/jobs/{id}/feedback, /healthz, /readyz, /metrics, /openapi.json.\n"
    "Every /v1 route needs Authorization: Bearer <key> with its scope (listinglens apikey create).";

// The options of `serve`, beside the model's and the workers'.
struct ServeOptions {
    QCommandLineOption listen{QStringLiteral("listen"), QStringLiteral("Address to listen on (default: 127.0.0.1:8080)."),
                              QStringLiteral("HOST:PORT"), QStringLiteral("127.0.0.1:8080")};
    QCommandLineOption workers{QStringLiteral("workers"), QStringLiteral("Workers inside this process, each with its own model (default: 0)."),
                               QStringLiteral("N"), QStringLiteral("0")};
    QCommandLineOption maxQueue{QStringLiteral("max-queue"), QStringLiteral("Waiting jobs over which POST answers 503 (default: 1000)."),
                                QStringLiteral("N"), QStringLiteral("1000")};
    QCommandLineOption maxWait{QStringLiteral("max-wait"), QStringLiteral("Longest ?wait= a client may ask for, s (default: 60)."),
                               QStringLiteral("S"), QStringLiteral("60")};
    QCommandLineOption noAuth{QStringLiteral("no-auth"), QStringLiteral("Serve /v1 without API keys: allowed only when listening on loopback.")};
    QCommandLineOption adminListen{QStringLiteral("admin-listen"),
                                   QStringLiteral("A second address for /metrics and /readyz's details (keep it private)."),
                                   QStringLiteral("HOST:PORT")};
    QCommandLineOption tlsCert{QStringLiteral("tls-cert"), QStringLiteral("TLS certificate chain (PEM) for the API's listener."),
                               QStringLiteral("FILE")};
    QCommandLineOption tlsKey{QStringLiteral("tls-key"), QStringLiteral("TLS private key (PEM) for --tls-cert."), QStringLiteral("FILE")};
    ModelOptions model;
    WorkerOptions worker;

    void addTo(QCommandLineParser &parser) const
    {
        parser.addOption(databaseOption(QString()));
        parser.addOptions({listen, workers, maxQueue, maxWait, noAuth, adminListen, tlsCert, tlsKey});
        model.addTo(parser);
        worker.addTo(parser);
    }
};

// What the command line asks of `serve`, checked.
struct ServeSettings {
    QPair<QHostAddress, quint16> address;
    std::optional<QPair<QHostAddress, quint16>> admin;
    int workers = 0;
    JobApiOptions api;
    HttpTls tls;
};

// The settings; a usage error on stderr and nullopt when they do not hold together.
std::optional<ServeSettings> serveSettings(const QCommandLineParser &parser, const ServeOptions &o)
{
    ServeSettings s;
    const auto address = parseListenAddress(parser.value(o.listen));
    if (!address) {
        printError(address.error().message);
        return std::nullopt;
    }
    s.address = address.value();
    if (parser.isSet(o.noAuth) && !s.address.first.isLoopback()) {
        printError(QStringLiteral("--no-auth is allowed only on a loopback address (127.0.0.1, [::1]); this would serve %1 to anyone")
                       .arg(parser.value(o.listen)));
        return std::nullopt;
    }
    if (parser.isSet(o.tlsCert) != parser.isSet(o.tlsKey)) {
        printError(QStringLiteral("--tls-cert and --tls-key go together"));
        return std::nullopt;
    }
    s.tls = {parser.value(o.tlsCert), parser.value(o.tlsKey)};
    if (parser.isSet(o.adminListen)) {
        auto admin = parseListenAddress(parser.value(o.adminListen));
        if (!admin) {
            printError(admin.error().message);
            return std::nullopt;
        }
        s.admin = admin.value();
    }
    const auto workers = intOption(parser, o.workers, 0, 64);
    const auto queueBound = intOption(parser, o.maxQueue, 1, 10'000'000);
    const auto waitBound = intOption(parser, o.maxWait, 0, 3600);
    if (!workers || !queueBound || !waitBound)
        return std::nullopt;
    s.workers = *workers;
    s.api.maxQueued = *queueBound;
    s.api.maxWaitS = *waitBound;
    s.api.authenticate = !parser.isSet(o.noAuth);
    return s;
}

// The embedded workers take uploads from `api` and answer its long polls; it is ready while they all run.
void attachWorkers(JobApi &api, const std::vector<std::unique_ptr<JobWorker>> &workers)
{
    if (workers.empty())
        return;
    std::vector<JobWorker *> embedded;
    for (const auto &w : workers) {
        embedded.push_back(w.get());
        QObject::connect(w.get(), &JobWorker::jobEnded, &api, &JobApi::answerWaiters);
    }
    api.setLocalWorkers(embedded);
    api.setReadinessCheck([embedded] {
        for (const JobWorker *w : embedded)
            if (!w->isRunning())
                return QStringLiteral("worker %1 is not running").arg(w->name());
        return QString();
    });
}

// Listens on the API's address and the admin one; the API's port, or nullopt (error printed).
std::optional<quint16> listen(JobApi &api, const ServeSettings &s)
{
    auto port = api.listen(s.address.first, s.address.second);
    if (!port) {
        printError(port.error().message);
        return std::nullopt;
    }
    if (s.admin) {
        auto adminPort = api.listenAdmin(s.admin->first, s.admin->second);
        if (!adminPort) {
            printError(adminPort.error().message);
            return std::nullopt;
        }
        printError(QStringLiteral("admin (metrics, readiness) on http://%1:%2").arg(s.admin->first.toString()).arg(adminPort.value()));
    }
    return port.value();
}

} // namespace

int runServe(const QStringList &args)
{
    QCommandLineParser parser;
    const ServeOptions o;
    int exitCode = ExitOk;
    if (!parseCommand(parser, QString::fromLatin1(kDescription), args, exitCode, o))
        return exitCode;
    const auto settings = serveSettings(parser, o);
    if (!settings)
        return ExitUsage;
    const auto queue = openQueue(parser);
    if (!queue)
        return ExitUsage;
    auto metrics = std::make_shared<Metrics>();
    auto workers = createWorkers(parser, o.model, o.worker, settings->workers, queue, metrics);
    if (!workers)
        return ExitUsage;
    auto pusher = influxPusher(parser, o.worker, metrics, QStringLiteral("api"));
    if (!pusher)
        return ExitUsage;
    if (!settings->api.authenticate)
        printError(QStringLiteral("warning: --no-auth: /v1 is served without API keys (loopback only)"));
    JobApi api(queue, metrics, settings->api);
    if (auto tls = api.setTls(settings->tls); !tls) {
        printError(tls.error().message);
        return ExitUsage;
    }
    attachWorkers(api, *workers);
    const auto port = listen(api, *settings);
    if (!port)
        return ExitUsage;
    onTermination([&] {
        printError(QStringLiteral("stopping: finishing the jobs in hand"));
        for (auto &w : *workers)
            w->stop();
        // The uploads the workers just stored (or gave up) are answered on this
        // thread: let those answers go out before the sockets close.
        QTimer::singleShot(250, qApp, &QCoreApplication::quit);
    });
    for (auto &w : *workers)
        w->start();
    // Tests and scripts read the port from this line (useful with port 0).
    printError(QStringLiteral("serving %1://%2:%3 with %4 embedded workers, queue in %5")
                   .arg(settings->tls.enabled() ? QStringLiteral("https") : QStringLiteral("http"))
                   .arg(settings->address.first.toString()).arg(*port).arg(workers->size()).arg(queue->store().maskedUrl()));
    const int rc = QCoreApplication::exec();
    for (auto &w : *workers)
        w->stop();
    return rc;
}

} // namespace listinglens::cli
