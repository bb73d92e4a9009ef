#include "server_commands.h"

#include "job_api.h"
#include "service_common.h"

#include <QCoreApplication>
#include <QTimer>

namespace listinglens::cli {

int runServe(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "The HTTP API: POST /v1/jobs queues a photo in PostgreSQL, GET /v1/jobs/{id} answers the result.\n"
        "Workers (`listinglens-server worker`, or --workers N in this process) do the classification.\n"
        "Endpoints: /v1/jobs, /v1/jobs/{id}[?wait=S], /v1/jobs/{id}/feedback, /healthz, /readyz, /metrics, /openapi.json.\n"
        "Every /v1 route needs Authorization: Bearer <key> with its scope (listinglens apikey create)."));
    parser.addHelpOption();
    parser.addOption(databaseOption(QString()));
    const QCommandLineOption listenOption(QStringLiteral("listen"), QStringLiteral("Address to listen on (default: 127.0.0.1:8080)."),
                                          QStringLiteral("HOST:PORT"), QStringLiteral("127.0.0.1:8080"));
    const QCommandLineOption workersOption(QStringLiteral("workers"), QStringLiteral("Workers inside this process, each with its own model (default: 0)."),
                                           QStringLiteral("N"), QStringLiteral("0"));
    const QCommandLineOption maxQueue(QStringLiteral("max-queue"), QStringLiteral("Waiting jobs over which POST answers 503 (default: 1000)."),
                                      QStringLiteral("N"), QStringLiteral("1000"));
    const QCommandLineOption maxWait(QStringLiteral("max-wait"), QStringLiteral("Longest ?wait= a client may ask for, s (default: 60)."),
                                     QStringLiteral("S"), QStringLiteral("60"));
    const QCommandLineOption noAuth(QStringLiteral("no-auth"),
                                    QStringLiteral("Serve /v1 without API keys: allowed only when listening on loopback."));
    const QCommandLineOption adminListen(QStringLiteral("admin-listen"),
                                         QStringLiteral("A second address for /metrics and /readyz's details (keep it private)."),
                                         QStringLiteral("HOST:PORT"));
    const QCommandLineOption tlsCert(QStringLiteral("tls-cert"), QStringLiteral("TLS certificate chain (PEM) for the API's listener."),
                                     QStringLiteral("FILE"));
    const QCommandLineOption tlsKey(QStringLiteral("tls-key"), QStringLiteral("TLS private key (PEM) for --tls-cert."), QStringLiteral("FILE"));
    parser.addOptions({listenOption, workersOption, maxQueue, maxWait, noAuth, adminListen, tlsCert, tlsKey});
    const ModelOptions model;
    model.addTo(parser);
    const WorkerOptions worker;
    worker.addTo(parser);
    int exitCode = ExitOk;
    if (!parseOrExit(parser, args, exitCode))
        return exitCode;
    const auto address = parseListenAddress(parser.value(listenOption));
    if (!address) {
        printError(address.error().message);
        return ExitUsage;
    }
    if (parser.isSet(noAuth) && !address.value().first.isLoopback()) {
        printError(QStringLiteral("--no-auth is allowed only on a loopback address (127.0.0.1, [::1]); this would serve %1 to anyone")
                       .arg(parser.value(listenOption)));
        return ExitUsage;
    }
    if (parser.isSet(tlsCert) != parser.isSet(tlsKey)) {
        printError(QStringLiteral("--tls-cert and --tls-key go together"));
        return ExitUsage;
    }
    std::optional<QPair<QHostAddress, quint16>> admin;
    if (parser.isSet(adminListen)) {
        auto parsed = parseListenAddress(parser.value(adminListen));
        if (!parsed) {
            printError(parsed.error().message);
            return ExitUsage;
        }
        admin = parsed.value();
    }
    const auto workerCount = intOption(parser, workersOption, 0, 64);
    const auto queueBound = intOption(parser, maxQueue, 1, 10'000'000);
    const auto waitBound = intOption(parser, maxWait, 0, 3600);
    if (!workerCount || !queueBound || !waitBound)
        return ExitUsage;
    const auto queue = openQueue(parser);
    if (!queue)
        return ExitUsage;
    auto metrics = std::make_shared<Metrics>();
    auto workers = createWorkers(parser, model, worker, *workerCount, queue, metrics);
    if (!workers)
        return ExitUsage;
    auto pusher = influxPusher(parser, worker, metrics, QStringLiteral("api"));
    if (!pusher)
        return ExitUsage;

    JobApiOptions options;
    options.maxQueued = *queueBound;
    options.maxWaitS = *waitBound;
    options.authenticate = !parser.isSet(noAuth);
    if (!options.authenticate)
        printError(QStringLiteral("warning: --no-auth: /v1 is served without API keys (loopback only)"));
    JobApi api(queue, metrics, options);
    if (auto tls = api.setTls({parser.value(tlsCert), parser.value(tlsKey)}); !tls) {
        printError(tls.error().message);
        return ExitUsage;
    }
    if (!workers->empty()) {
        std::vector<JobWorker *> embedded;
        for (auto &w : *workers) {
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
    auto port = api.listen(address.value().first, address.value().second);
    if (!port) {
        printError(port.error().message);
        return ExitUsage;
    }
    if (admin) {
        auto adminPort = api.listenAdmin(admin->first, admin->second);
        if (!adminPort) {
            printError(adminPort.error().message);
            return ExitUsage;
        }
        printError(QStringLiteral("admin (metrics, readiness) on http://%1:%2").arg(admin->first.toString()).arg(adminPort.value()));
    }
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
                   .arg(parser.isSet(tlsCert) ? QStringLiteral("https") : QStringLiteral("http"))
                   .arg(address.value().first.toString()).arg(port.value()).arg(workers->size()).arg(queue->store().maskedUrl()));
    const int rc = QCoreApplication::exec();
    for (auto &w : *workers)
        w->stop();
    return rc;
}

} // namespace listinglens::cli
