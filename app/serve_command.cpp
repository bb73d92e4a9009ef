#include "commands.h"

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
        "Workers (`listinglens worker`, or --workers N in this process) do the classification.\n"
        "Endpoints: /v1/jobs, /v1/jobs/{id}[?wait=S], /v1/jobs/{id}/feedback, /healthz, /readyz, /metrics, /openapi.json."));
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
    parser.addOptions({listenOption, workersOption, maxQueue, maxWait});
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
    const auto workerCount = intOption(parser, workersOption, 0, 64);
    const auto queueBound = intOption(parser, maxQueue, 1, 10'000'000);
    const auto waitBound = intOption(parser, maxWait, 0, 3600);
    if (!workerCount || !queueBound || !waitBound)
        return ExitUsage;
    auto store = openQueueStore(parser);
    if (!store)
        return ExitUsage;
    auto metrics = std::make_shared<Metrics>();
    auto workers = createWorkers(parser, model, worker, *workerCount, store, metrics);
    if (!workers)
        return ExitUsage;
    auto pusher = influxPusher(parser, worker, metrics, QStringLiteral("api"));
    if (!pusher)
        return ExitUsage;

    JobApiOptions options;
    options.maxQueued = *queueBound;
    options.maxWaitS = *waitBound;
    JobApi api(store, metrics, options);
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
    printError(QStringLiteral("serving http://%1:%2 with %3 embedded workers, queue in %4")
                   .arg(address.value().first.toString()).arg(port.value()).arg(workers->size()).arg(store->maskedUrl()));
    const int rc = QCoreApplication::exec();
    for (auto &w : *workers)
        w->stop();
    return rc;
}

} // namespace listinglens::cli
