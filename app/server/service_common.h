#pragma once

#include "cli_common.h"
#include "influx_pusher.h"
#include "job_worker.h"

#include <QCommandLineParser>

#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace listinglens::cli {

// Options shared by `serve` (embedded workers) and `worker`.
struct WorkerOptions {
    QCommandLineOption name{QStringLiteral("name"), QStringLiteral("Worker name in the jobs table and metrics (default: host:pid)."),
                            QStringLiteral("NAME")};
    QCommandLineOption lease{QStringLiteral("lease"), QStringLiteral("Seconds a job stays with a worker without a heartbeat before another takes it (default: 30)."),
                             QStringLiteral("S"), QStringLiteral("30")};
    QCommandLineOption maxAttempts{QStringLiteral("max-attempts"),
                                   QStringLiteral("Attempts before a job whose workers keep vanishing ends failed (default: 3)."),
                                   QStringLiteral("N"), QStringLiteral("3")};
    QCommandLineOption poll{QStringLiteral("poll"), QStringLiteral("Look for jobs at least this often, ms, besides LISTEN/NOTIFY (default: 2000)."),
                            QStringLiteral("MS"), QStringLiteral("2000")};
    QCommandLineOption influx{QStringLiteral("influx"),
                              QStringLiteral("Also push metrics to this InfluxDB write URL in line protocol (token: $LISTINGLENS_INFLUX_TOKEN)."),
                              QStringLiteral("URL")};
    QCommandLineOption influxInterval{QStringLiteral("influx-interval"), QStringLiteral("Seconds between pushes (default: 10)."),
                                      QStringLiteral("S"), QStringLiteral("10")};

    void addTo(QCommandLineParser &parser) const;
};

// The job queue: its store PostgreSQL, schema current; prints the error and returns null otherwise.
std::shared_ptr<JobQueue> openQueue(const QCommandLineParser &parser);

// Creates `count` workers, each with its own model (named NAME or host:pid[:n]).
std::optional<std::vector<std::unique_ptr<JobWorker>>> createWorkers(const QCommandLineParser &parser, const ModelOptions &model,
                                                                    const WorkerOptions &worker, int count,
                                                                    const std::shared_ptr<JobQueue> &queue,
                                                                    const std::shared_ptr<Metrics> &metrics);
// --influx: a started pusher, or null when not asked for; nullopt on a bad URL.
std::optional<std::unique_ptr<InfluxPusher>> influxPusher(const QCommandLineParser &parser, const WorkerOptions &worker,
                                                          const std::shared_ptr<Metrics> &metrics, const QString &service);

// Calls `onSignal` on the event loop when SIGTERM or SIGINT arrives.
void onTermination(std::function<void()> onSignal);

} // namespace listinglens::cli
