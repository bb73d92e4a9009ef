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

// Who may use the admin listener at `address`: anyone on loopback; elsewhere,
// callers with an admin key, or anyone with --admin-open (said loudly).
std::optional<JobApi::AdminAccess> adminAccess(const QString &given, const QHostAddress &address, bool open, bool keys)
{
    if (address.isLoopback())
        return JobApi::AdminAccess::Open;
    if (open) {
        printError(QStringLiteral("warning: --admin-open: /metrics and /readyz's details on %1 are served without a key "
                                  "to anyone who can reach that address")
                       .arg(given));
        return JobApi::AdminAccess::Open;
    }
    if (!keys) {
        printError(QStringLiteral("--admin-listen %1 is not a loopback address and --no-auth leaves no admin key to ask for; "
                                  "listen on 127.0.0.1, or add --admin-open to serve it to anyone who can reach it")
                       .arg(given));
        return std::nullopt;
    }
    return JobApi::AdminAccess::AdminKey;
}

// Says why serve cannot start; an empty answer for the caller to return.
std::nullopt_t cannot(const QString &why)
{
    printError(why);
    return std::nullopt;
}

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
                                   QStringLiteral("A second address for /metrics and /readyz's details (keep it private; "
                                                  "on a non-loopback address they need an admin API key)."),
                                   QStringLiteral("HOST:PORT")};
    QCommandLineOption adminOpen{QStringLiteral("admin-open"),
                                 QStringLiteral("Serve --admin-listen on a non-loopback address without a key, to anyone who reaches it.")};
    QCommandLineOption tlsCert{QStringLiteral("tls-cert"), QStringLiteral("TLS certificate chain (PEM) for the API's listener."), QStringLiteral("FILE")};
    QCommandLineOption tlsKey{QStringLiteral("tls-key"), QStringLiteral("TLS private key (PEM) for --tls-cert."), QStringLiteral("FILE")};
    ModelOptions model;
    WorkerOptions worker;

    void addTo(QCommandLineParser &parser) const
    {
        parser.addOption(databaseOption(QString()));
        parser.addOptions({listen, workers, maxQueue, maxWait, noAuth, adminListen, adminOpen, tlsCert, tlsKey});
        model.addTo(parser);
        worker.addTo(parser);
    }
};

// What serve's options say, checked.
struct ServeSetup {
    QPair<QHostAddress, quint16> address;
    std::optional<QPair<QHostAddress, quint16>> admin;
    JobApi::AdminAccess adminAccess = JobApi::AdminAccess::Open;
    JobApiOptions api;
    int workers = 0;
    HttpTls tls;
};

// The setup, or nullopt once the reason is printed.
std::optional<ServeSetup> readSetup(const QCommandLineParser &parser, const ServeOptions &o)
{
    ServeSetup setup;
    const auto address = parseListenAddress(parser.value(o.listen));
    if (!address)
        return cannot(address.error().message);
    setup.address = address.value();
    setup.api.authenticate = !parser.isSet(o.noAuth);
    if (!setup.api.authenticate && !setup.address.first.isLoopback())
        return cannot(QStringLiteral("--no-auth is allowed only on a loopback address (127.0.0.1, [::1]); this would serve %1 to anyone")
                          .arg(parser.value(o.listen)));
    if (!setup.api.authenticate)
        printError(QStringLiteral("warning: --no-auth: /v1 is served without API keys (loopback only)"));
    if (parser.isSet(o.tlsCert) != parser.isSet(o.tlsKey))
        return cannot(QStringLiteral("--tls-cert and --tls-key go together"));
    setup.tls = {parser.value(o.tlsCert), parser.value(o.tlsKey)};
    if (parser.isSet(o.adminListen)) {
        const auto admin = parseListenAddress(parser.value(o.adminListen));
        if (!admin)
            return cannot(admin.error().message);
        setup.admin = admin.value();
        const auto access = adminAccess(parser.value(o.adminListen), admin.value().first, parser.isSet(o.adminOpen), setup.api.authenticate);
        if (!access)
            return std::nullopt;
        setup.adminAccess = *access;
    }
    const auto workers = intOption(parser, o.workers, 0, 64);
    const auto queueBound = intOption(parser, o.maxQueue, 1, 10'000'000);
    const auto waitBound = intOption(parser, o.maxWait, 0, 3600);
    if (!workers || !queueBound || !waitBound)
        return std::nullopt;
    setup.workers = *workers;
    setup.api.maxQueued = *queueBound;
    setup.api.maxWaitS = *waitBound;
    return setup;
}

// Workers in this process answer the API's long polls as they end jobs, and
// the API is ready while they run.
void joinWorkers(JobApi &api, const std::vector<std::unique_ptr<JobWorker>> &workers)
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

// TLS, the API's listener and the admin one; the API's port, or nullopt once the reason is printed.
std::optional<quint16> listenAll(JobApi &api, const ServeSetup &setup)
{
    if (auto tls = api.setTls(setup.tls); !tls)
        return cannot(tls.error().message);
    const auto port = api.listen(setup.address.first, setup.address.second);
    if (!port)
        return cannot(port.error().message);
    if (!setup.admin)
        return port.value();
    const auto adminPort = api.listenAdmin(setup.admin->first, setup.admin->second, setup.adminAccess);
    if (!adminPort)
        return cannot(adminPort.error().message);
    printError(QStringLiteral("admin (metrics, readiness) on http://%1:%2%3")
                   .arg(setup.admin->first.toString()).arg(adminPort.value())
                   .arg(setup.adminAccess == JobApi::AdminAccess::AdminKey ? QStringLiteral(", with an admin API key") : QString()));
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
    const auto setup = readSetup(parser, o);
    if (!setup)
        return ExitUsage;
    const auto queue = openQueue(parser);
    if (!queue)
        return ExitUsage;
    auto metrics = std::make_shared<Metrics>();
    auto workers = createWorkers(parser, o.model, o.worker, setup->workers, queue, metrics);
    if (!workers)
        return ExitUsage;
    auto pusher = influxPusher(parser, o.worker, metrics, QStringLiteral("api"));
    if (!pusher)
        return ExitUsage;
    JobApi api(queue, metrics, setup->api);
    joinWorkers(api, *workers);
    const auto port = listenAll(api, *setup);
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
                   .arg(setup->tls.enabled() ? QStringLiteral("https") : QStringLiteral("http"))
                   .arg(setup->address.first.toString()).arg(*port).arg(workers->size()).arg(queue->store().maskedUrl()));
    const int rc = QCoreApplication::exec();
    for (auto &w : *workers)
        w->stop();
    return rc;
}

} // namespace listinglens::cli
