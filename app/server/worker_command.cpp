#include "server_commands.h"

#include "http_server.h"
#include "service_common.h"

#include <QCoreApplication>

namespace listinglens::cli {

namespace {

constexpr const char *kDescription =
    "Take photo jobs from the PostgreSQL queue that `listinglens-server serve` fills, and store each result.\n"
    "Run any number of workers on any number of machines against the same database. SIGTERM finishes\n"
    "the batch in hand and puts back anything not finished.";

// The options of `worker`, beside the model's and the workers'.
struct WorkerCommandOptions {
    QCommandLineOption db = databaseOption(QString());
    QCommandLineOption metricsListen{QStringLiteral("metrics-listen"), QStringLiteral("Serve /metrics and /healthz for this worker on HOST:PORT."),
                                     QStringLiteral("HOST:PORT")};

    void addTo(QCommandLineParser &parser) const { parser.addOptions({db, metricsListen}); }
};

// --metrics-listen: a server of this worker's /metrics and /healthz, or null
// when not asked for; nullopt (error printed) when it cannot listen.
std::optional<std::unique_ptr<HttpServer>> serveMetrics(const QCommandLineParser &parser, const QCommandLineOption &listen,
                                                        const std::shared_ptr<Metrics> &metrics)
{
    if (!parser.isSet(listen))
        return std::unique_ptr<HttpServer>();
    auto address = parseListenAddress(parser.value(listen));
    if (!address) {
        printError(address.error().message);
        return std::nullopt;
    }
    auto server = std::make_unique<HttpServer>([metrics](const HttpRequest &r, const HttpResponder &responder) {
        if (r.path == QLatin1String("/metrics"))
            responder.send(HttpResponse::text(200, metrics->prometheusText(), "text/plain; version=0.0.4; charset=utf-8"));
        else if (r.path == QLatin1String("/healthz"))
            responder.send(HttpResponse::json(200, {{QStringLiteral("status"), QStringLiteral("ok")}}));
        else
            responder.send(HttpResponse::error(404, QStringLiteral("not_found"), QStringLiteral("a worker serves /metrics and /healthz")));
    });
    if (auto port = server->listen(address.value().first, address.value().second); !port) {
        printError(port.error().message);
        return std::nullopt;
    }
    return server;
}

} // namespace

int runWorker(const QStringList &args)
{
    QCommandLineParser parser;
    const WorkerCommandOptions o;
    const ModelOptions model;
    const WorkerOptions worker;
    int exitCode = ExitOk;
    if (!parseCommand(parser, QString::fromLatin1(kDescription), args, exitCode, o, model, worker))
        return exitCode;
    const auto queue = openQueue(parser);
    if (!queue)
        return ExitUsage;
    auto metrics = std::make_shared<Metrics>();
    auto workers = createWorkers(parser, model, worker, 1, queue, metrics);
    if (!workers)
        return ExitUsage;
    auto pusher = influxPusher(parser, worker, metrics, QStringLiteral("worker"));
    if (!pusher)
        return ExitUsage;
    JobWorker &w = *workers->front();

    auto metricsServer = serveMetrics(parser, o.metricsListen, metrics);
    if (!metricsServer)
        return ExitUsage;
    onTermination([&] {
        printError(QStringLiteral("stopping: finishing the jobs in hand"));
        w.stop();
        QCoreApplication::quit();
    });
    w.start();
    printError(QStringLiteral("worker %1 taking jobs from %2 (model %3 on %4)")
                   .arg(w.name(), queue->store().maskedUrl(), w.classifier().modelInfo().version, w.classifier().engineInfo().device));
    const int rc = QCoreApplication::exec();
    w.stop();
    return rc;
}

} // namespace listinglens::cli
