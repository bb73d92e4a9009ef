#include "bench_commands.h"

#include "cli_common.h"
#include "route.h"
#include "service_client.h"
#include "statistics.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpSocket>
#include <QTextStream>
#include <QTimer>

#include <atomic>
#include <mutex>
#include <thread>
#include <sys/resource.h>
#include <unistd.h>

namespace listinglens::cli {

namespace {

struct Figures {
    double perSecond = 0;
    std::vector<double> latencyMs;
    int failed = 0;
    double cpuMsPerJob = 0;    // the whole machine's busy CPU time over the run, per job
    double clientCpuMsPerJob = 0; // of which this process (the client)
};

double ownCpuMs()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    auto ms = [](const timeval &t) { return double(t.tv_sec) * 1000.0 + double(t.tv_usec) / 1000.0; };
    return ms(usage.ru_utime) + ms(usage.ru_stime);
}

// Busy CPU time of the whole machine so far, ms (every process: API, workers,
// PostgreSQL, the client, the kernel); -1 where /proc/stat cannot be read.
double machineBusyMs()
{
    QFile stat(QStringLiteral("/proc/stat"));
    if (!stat.open(QIODevice::ReadOnly))
        return -1;
    const QList<QByteArray> fields = stat.readLine().simplified().split(' ');
    if (fields.size() < 6 || fields[0] != "cpu")
        return -1;
    qint64 busy = 0;
    for (qsizetype i = 1; i < fields.size(); ++i)
        if (i != 4 && i != 5) // idle, iowait
            busy += fields[i].toLongLong();
    return double(busy) * 1000.0 / double(sysconf(_SC_CLK_TCK));
}

// Times `run` (which processes `count` jobs) with the machine's CPU use per job.
template <typename Run>
Figures measured(int count, Run run)
{
    const double before = machineBusyMs(), ownBefore = ownCpuMs();
    Figures f = run();
    const double after = machineBusyMs();
    f.cpuMsPerJob = before >= 0 && after >= 0 ? (after - before) / count : 0;
    f.clientCpuMsPerJob = (ownCpuMs() - ownBefore) / count;
    return f;
}

// `clients` connections, each sending jobs one after another (POST, then GET
// ?wait until done), `count` jobs in all; submit-to-done per job. One client
// per thread, blocking: lean, so that what is measured is the service, not
// the client (QNetworkAccessManager took tens of milliseconds of CPU per 1 MB
// upload, on the same two cores as the service).
Figures runJobs(quint16 port, const std::vector<QByteArray> &photos, int count, int clients)
{
    Figures f;
    std::mutex mutex;
    std::atomic_int next{0};
    QElapsedTimer clock;
    clock.start();
    std::vector<std::thread> threads;
    for (int c = 0; c < clients; ++c) {
        threads.emplace_back([&] {
            QTcpSocket socket;
            socket.connectToHost(QHostAddress::LocalHost, port);
            const bool connected = socket.waitForConnected(5'000);
            for (int i; (i = next++) < count;) {
                const qint64 started = clock.nsecsElapsed();
                int status = 0;
                const QJsonObject job = connected ? httpExchange(socket, "POST /v1/jobs HTTP/1.1\r\nHost: bench\r\nContent-Type: image/jpeg\r\n",
                                                             photos[std::size_t(i) % photos.size()], &status)
                                                  : QJsonObject();
                const QByteArray id = job.value(QStringLiteral("id")).toString().toLatin1();
                const QJsonObject done = status == 202 ? httpExchange(socket, "GET /v1/jobs/" + id + "?wait=60 HTTP/1.1\r\nHost: bench\r\n", {}, &status)
                                                       : QJsonObject();
                const double ms = (clock.nsecsElapsed() - started) / 1e6;
                std::lock_guard lock(mutex);
                if (done.value(QStringLiteral("status")).toString() == QLatin1String("done"))
                    f.latencyMs.push_back(ms);
                else
                    ++f.failed;
            }
        });
    }
    for (auto &t : threads)
        t.join();
    f.perSecond = count / (clock.nsecsElapsed() / 1e9);
    return f;
}

QString percentiles(const std::vector<double> &v)
{
    return QStringLiteral("p50 %1  p95 %2 ms").arg(quantile(v, 0.5), 6, 'f', 1).arg(quantile(v, 0.95), 6, 'f', 1);
}


// The run's settings, parsed from its command line.
struct HttpBench {
    QString url;
    int count = 0;
    int single = 0;
    int inFlight = 0;
    QList<int> workerCounts;
    QList<bool> placements; // embedded?
    QStringList modelArgs;
};

std::optional<QList<int>> parseWorkerCounts(const QString &value)
{
    QList<int> counts;
    for (const QString &part : value.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        bool ok = false;
        const int w = part.trimmed().toInt(&ok);
        if (!ok || w < 1 || w > 16) {
            printError(QStringLiteral("--workers takes worker counts from 1 to 16, such as 1,2"));
            return std::nullopt;
        }
        counts << w;
    }
    return counts;
}

std::optional<QList<bool>> parsePlacements(const QString &where)
{
    QList<bool> placements;
    if (where == QLatin1String("processes") || where == QLatin1String("both"))
        placements << false;
    if (where == QLatin1String("embedded") || where == QLatin1String("both"))
        placements << true;
    if (placements.isEmpty()) {
        printError(QStringLiteral("--placement takes processes, embedded or both"));
        return std::nullopt;
    }
    return placements;
}

// The baseline: the same photos through the classifier in this process.
std::optional<Figures> classifyBaseline(const HttpBench &bench, const std::vector<QByteArray> &photos, const ClassifierOptions &options,
                                        const PipelineOptions &pipeOptions)
{
    auto classifier = Classifier::create(options);
    if (!classifier) {
        printError(classifier.error().message);
        return std::nullopt;
    }
    std::vector<PhotoSource> sources;
    for (int i = 0; i < bench.count; ++i)
        sources.push_back(PhotoSource::fromBytes(QStringLiteral("bench"), photos[std::size_t(i) % photos.size()]));
    QTextStream(stderr) << "classify in this process: " << bench.count << " photos ..." << Qt::endl;
    Figures classify = measured(bench.count, [&] {
        QElapsedTimer timer;
        timer.start();
        Route(*classifier.value(), RouteOptions{pipeOptions}).run(sources);
        return Figures{bench.count / (timer.nsecsElapsed() / 1e9), {}, 0, 0};
    });
    Route single(*classifier.value(), RouteOptions{pipeOptions});
    for (int i = 0; i < bench.single; ++i) {
        QElapsedTimer one;
        one.start();
        if (single.classifyOne(sources[std::size_t(i) % sources.size()]))
            classify.latencyMs.push_back(one.nsecsElapsed() / 1e6);
    }
    return classify;
}

// One placement of `w` workers: `serve` and, as processes, the workers; then
// jobs one at a time and `count` jobs with `inFlight` clients. False when a
// service did not start.
bool runPlacement(const HttpBench &bench, bool embedded, int w, const std::vector<QByteArray> &photos, const Figures &classify,
                  QJsonObject &report)
{
    quint16 port = 0;
    const auto serve = startServe(bench.url,
                                  QStringList{QStringLiteral("--max-queue"), QString::number(bench.count + 10), QStringLiteral("--name"),
                                              QStringLiteral("bench"), QStringLiteral("--workers"), QString::number(embedded ? w : 0)}
                                      + bench.modelArgs,
                                  &port);
    if (!serve)
        return false;
    std::vector<std::unique_ptr<ServiceProcess>> children;
    for (int i = 0; i < (embedded ? 0 : w); ++i) {
        if (!children.emplace_back(startWorker(bench.url, QStringList{QStringLiteral("--name"), QStringLiteral("bench-%1").arg(i)} + bench.modelArgs)))
            return false;
    }
    const QString label = embedded ? QStringLiteral("%1 worker%2 in serve").arg(w).arg(w > 1 ? "s" : "")
                                   : QStringLiteral("%1 worker process%2").arg(w).arg(w > 1 ? "es" : "");
    QTextStream(stderr) << label << ": " << bench.single << " jobs one at a time, then " << bench.count << " with " << bench.inFlight
                        << " clients ..." << Qt::endl;
    const Figures latency = runJobs(port, photos, bench.single, 1);
    const Figures throughput = measured(bench.count, [&] { return runJobs(port, photos, bench.count, bench.inFlight); });
    const double added = quantile(latency.latencyMs, 0.5) - quantile(classify.latencyMs, 0.5);
    QTextStream(stdout) << QStringLiteral("API, %1 %2 jobs/s (%3%), CPU %4 ms each (client %5)   one at a time: %6   (+%7 ms p50 over classify)%8\n")
                               .arg(label, -19).arg(throughput.perSecond, 5, 'f', 1).arg(100 * throughput.perSecond / classify.perSecond, 3, 'f', 0)
                               .arg(throughput.cpuMsPerJob, 4, 'f', 1).arg(throughput.clientCpuMsPerJob, 3, 'f', 1)
                               .arg(percentiles(latency.latencyMs)).arg(added, 0, 'f', 1)
                               .arg(latency.failed + throughput.failed ? QStringLiteral("   %1 FAILED").arg(latency.failed + throughput.failed) : QString())
                        << Qt::flush;
    report.insert(QStringLiteral("%1_workers_%2").arg(embedded ? "embedded" : "processes").arg(w),
                  QJsonObject{{QStringLiteral("jobs_per_second"), throughput.perSecond},
                              {QStringLiteral("cpu_ms_per_job"), throughput.cpuMsPerJob},
                              {QStringLiteral("client_cpu_ms_per_job"), throughput.clientCpuMsPerJob},
                              {QStringLiteral("latency_p50_ms"), quantile(latency.latencyMs, 0.5)},
                              {QStringLiteral("latency_p95_ms"), quantile(latency.latencyMs, 0.95)},
                              {QStringLiteral("loaded_latency_p50_ms"), quantile(throughput.latencyMs, 0.5)},
                              {QStringLiteral("failed"), latency.failed + throughput.failed}});
    return true;
}

} // namespace

int runBenchHttp(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Jobs per second and submit-to-done latency through the HTTP API and the PostgreSQL queue, with 1 and\n"
        "with 2 workers (as processes beside `serve`, and inside it), on phone-sized photos, against `classify`\n"
        "in this process on the same photos.\n"
        "Starts its own `serve` and `worker` processes. Results are stored: use a scratch database."));
    parser.addHelpOption();
    parser.addOption(databaseOption(QString()));
    const QCommandLineOption count(QStringLiteral("count"), QStringLiteral("Jobs in the throughput run (default: 200)."), QStringLiteral("N"), QStringLiteral("200"));
    const QCommandLineOption single(QStringLiteral("single"), QStringLiteral("Jobs sent one at a time for latency (default: 48)."), QStringLiteral("N"), QStringLiteral("48"));
    const QCommandLineOption workers(QStringLiteral("workers"), QStringLiteral("Worker counts to run (default: 1,2)."), QStringLiteral("LIST"), QStringLiteral("1,2"));
    const QCommandLineOption inFlight(QStringLiteral("in-flight"), QStringLiteral("Clients sending jobs at once in the throughput run (default: 32)."), QStringLiteral("N"), QStringLiteral("32"));
    const QCommandLineOption placement(QStringLiteral("placement"),
                                       QStringLiteral("Where the workers run: processes (`worker` processes beside `serve`), embedded (`serve --workers N`), or both (default)."),
                                       QStringLiteral("WHERE"), QStringLiteral("both"));
    parser.addOptions({count, single, workers, inFlight, placement});
    const ModelOptions model;
    model.addTo(parser);
    int exitCode = ExitOk;
    if (!parseOrExit(parser, args, exitCode))
        return exitCode;
    const auto n = intOption(parser, count, 1, 100'000);
    const auto nSingle = intOption(parser, single, 1, 100'000);
    const auto nInFlight = intOption(parser, inFlight, 1, 1000);
    const auto options = classifierOptions(parser, model);
    const auto pipeOptions = pipelineOptions(parser, model);
    const auto workerCounts = parseWorkerCounts(parser.value(workers));
    const auto placements = parsePlacements(parser.value(placement));
    if (!n || !nSingle || !nInFlight || !options || !pipeOptions || !workerCounts || !placements)
        return ExitUsage;
    const HttpBench bench{queueDatabaseUrl(parser, QStringLiteral("http")), *n, *nSingle, *nInFlight, *workerCounts, *placements,
                          modelArguments(parser, model)};
    if (bench.url.isEmpty() || !openStore(bench.url)) // the schema must be current before processes start
        return ExitUsage;
    const auto made = phoneSizedBenchPhotos();
    const auto read = made ? readPhotos(*made) : std::nullopt;
    if (!read)
        return ExitUsage;
    const std::vector<QByteArray> &photos = *read;
    qint64 bytes = 0;
    for (const QByteArray &photo : photos)
        bytes += photo.size();
    const auto classify = classifyBaseline(bench, photos, *options, *pipeOptions);
    if (!classify)
        return ExitUsage;
    QJsonObject report{{QStringLiteral("classify"), QJsonObject{{QStringLiteral("photos_per_second"), classify->perSecond},
                                                                {QStringLiteral("cpu_ms_per_photo"), classify->cpuMsPerJob},
                                                                {QStringLiteral("latency_p50_ms"), quantile(classify->latencyMs, 0.5)},
                                                                {QStringLiteral("latency_p95_ms"), quantile(classify->latencyMs, 0.95)}}}};
    QTextStream(stdout) << QStringLiteral("%1 phone-sized photos (%2 MB on average), %3 jobs, %4 in flight\n")
                               .arg(photos.size()).arg(bytes / 1e6 / double(photos.size()), 0, 'f', 2).arg(*n).arg(*nInFlight)
                        << QStringLiteral("%1 %2 photos/s, CPU %3 ms each            one at a time: %4\n")
                               .arg(QStringLiteral("classify (in process)"), -24).arg(classify->perSecond, 5, 'f', 1).arg(classify->cpuMsPerJob, 4, 'f', 1)
                               .arg(percentiles(classify->latencyMs))
                        << Qt::flush;
    for (const bool embedded : bench.placements) {
        for (const int w : bench.workerCounts) {
            if (!runPlacement(bench, embedded, w, photos, *classify, report))
                return ExitSomeFailed;
        }
    }
    QTextStream(stderr) << QJsonDocument(report).toJson(QJsonDocument::Compact) << Qt::endl;
    return ExitOk;
}

} // namespace listinglens::cli
