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
    if (!n || !nSingle || !nInFlight || !options || !pipeOptions)
        return ExitUsage;
    QList<int> workerCounts;
    for (const QString &part : parser.value(workers).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        bool ok = false;
        const int w = part.trimmed().toInt(&ok);
        if (!ok || w < 1 || w > 16) {
            printError(QStringLiteral("--workers takes worker counts from 1 to 16, such as 1,2"));
            return ExitUsage;
        }
        workerCounts << w;
    }
    QList<bool> placements; // embedded?
    const QString where = parser.value(placement);
    if (where == QLatin1String("processes") || where == QLatin1String("both"))
        placements << false;
    if (where == QLatin1String("embedded") || where == QLatin1String("both"))
        placements << true;
    if (placements.isEmpty()) {
        printError(QStringLiteral("--placement takes processes, embedded or both"));
        return ExitUsage;
    }
    const QString url = databaseUrl(parser, {});
    if (!url.startsWith(QLatin1String("postgres"))) {
        printError(QStringLiteral("http needs --db postgresql://... (the queue lives in PostgreSQL)"));
        return ExitUsage;
    }
    if (!openStore(url)) // the schema must be current before processes start
        return ExitUsage;

    QTextStream out(stdout), err(stderr);
    const auto made = phoneSizedBenchPhotos();
    const auto read = made ? readPhotos(*made) : std::nullopt;
    if (!read)
        return ExitUsage;
    const std::vector<QByteArray> &photos = *read;
    qint64 bytes = 0;
    for (const QByteArray &photo : photos)
        bytes += photo.size();

    // The baseline: the same photos through the classifier in this process.
    Figures classify;
    {
        auto classifier = Classifier::create(*options);
        if (!classifier) {
            printError(classifier.error().message);
            return ExitUsage;
        }
        std::vector<PhotoSource> sources;
        for (int i = 0; i < *n; ++i)
            sources.push_back(PhotoSource::fromBytes(QStringLiteral("bench"), photos[std::size_t(i) % photos.size()]));
        err << "classify in this process: " << *n << " photos ..." << Qt::endl;
        classify = measured(*n, [&] {
            QElapsedTimer timer;
            timer.start();
            Route(*classifier.value(), RouteOptions{*pipeOptions}).run(sources);
            return Figures{*n / (timer.nsecsElapsed() / 1e9), {}, 0, 0};
        });
        Route single(*classifier.value(), RouteOptions{*pipeOptions});
        for (int i = 0; i < *nSingle; ++i) {
            QElapsedTimer one;
            one.start();
            if (single.classifyOne(sources[std::size_t(i) % sources.size()]))
                classify.latencyMs.push_back(one.nsecsElapsed() / 1e6);
        }
    }

    const QStringList modelArgs = modelArguments(parser, model);
    QJsonObject report{{QStringLiteral("classify"), QJsonObject{{QStringLiteral("photos_per_second"), classify.perSecond},
                                                                {QStringLiteral("cpu_ms_per_photo"), classify.cpuMsPerJob},
                                                                {QStringLiteral("latency_p50_ms"), quantile(classify.latencyMs, 0.5)},
                                                                {QStringLiteral("latency_p95_ms"), quantile(classify.latencyMs, 0.95)}}}};
    out << QStringLiteral("%1 phone-sized photos (%2 MB on average), %3 jobs, %4 in flight\n")
               .arg(photos.size()).arg(bytes / 1e6 / double(photos.size()), 0, 'f', 2).arg(*n).arg(*nInFlight);
    out << QStringLiteral("%1 %2 photos/s, CPU %3 ms each            one at a time: %4\n")
               .arg(QStringLiteral("classify (in process)"), -24).arg(classify.perSecond, 5, 'f', 1).arg(classify.cpuMsPerJob, 4, 'f', 1)
               .arg(percentiles(classify.latencyMs));
    for (const bool embedded : placements) {
        for (const int w : std::as_const(workerCounts)) {
            QString port;
            ServiceProcess serve(QStringList{QStringLiteral("serve"), QStringLiteral("--db"), url, QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                                    QStringLiteral("--max-queue"), QString::number(*n + 10), QStringLiteral("--name"), QStringLiteral("bench"),
                                    QStringLiteral("--workers"), QString::number(embedded ? w : 0), QStringLiteral("--no-auth")}
                                     + modelArgs,
                        QStringLiteral("serving http://[^:]+:(\\d+)"), &port);
            if (!serve.ready()) {
                printError(QStringLiteral("serve did not start:\n") + serve.log());
                return ExitSomeFailed;
            }
            std::vector<std::unique_ptr<ServiceProcess>> children;
            for (int i = 0; i < (embedded ? 0 : w); ++i) {
                children.push_back(std::make_unique<ServiceProcess>(QStringList{QStringLiteral("worker"), QStringLiteral("--db"), url,
                                                                       QStringLiteral("--name"), QStringLiteral("bench-%1").arg(i)} + modelArgs,
                                                           QStringLiteral("taking jobs")));
                if (!children.back()->ready()) {
                    printError(QStringLiteral("a worker did not start:\n") + children.back()->log());
                    return ExitSomeFailed;
                }
            }
            const QString label = embedded ? QStringLiteral("%1 worker%2 in serve").arg(w).arg(w > 1 ? "s" : "")
                                           : QStringLiteral("%1 worker process%2").arg(w).arg(w > 1 ? "es" : "");
            err << label << ": " << *nSingle << " jobs one at a time, then " << *n << " with " << *nInFlight << " clients ..." << Qt::endl;
            const Figures latency = runJobs(quint16(port.toUInt()), photos, *nSingle, 1);
            const Figures throughput = measured(*n, [&] { return runJobs(quint16(port.toUInt()), photos, *n, *nInFlight); });
            const double added = quantile(latency.latencyMs, 0.5) - quantile(classify.latencyMs, 0.5);
            out << QStringLiteral("API, %1 %2 jobs/s (%3%), CPU %4 ms each (client %5)   one at a time: %6   (+%7 ms p50 over classify)%8\n")
                       .arg(label, -19).arg(throughput.perSecond, 5, 'f', 1).arg(100 * throughput.perSecond / classify.perSecond, 3, 'f', 0)
                       .arg(throughput.cpuMsPerJob, 4, 'f', 1).arg(throughput.clientCpuMsPerJob, 3, 'f', 1)
                       .arg(percentiles(latency.latencyMs)).arg(added, 0, 'f', 1)
                       .arg(latency.failed + throughput.failed ? QStringLiteral("   %1 FAILED").arg(latency.failed + throughput.failed) : QString());
            out.flush();
            report.insert(QStringLiteral("%1_workers_%2").arg(embedded ? "embedded" : "processes").arg(w),
                          QJsonObject{{QStringLiteral("jobs_per_second"), throughput.perSecond},
                                      {QStringLiteral("cpu_ms_per_job"), throughput.cpuMsPerJob},
                                      {QStringLiteral("client_cpu_ms_per_job"), throughput.clientCpuMsPerJob},
                                      {QStringLiteral("latency_p50_ms"), quantile(latency.latencyMs, 0.5)},
                                      {QStringLiteral("latency_p95_ms"), quantile(latency.latencyMs, 0.95)},
                                      {QStringLiteral("loaded_latency_p50_ms"), quantile(throughput.latencyMs, 0.5)},
                                      {QStringLiteral("failed"), latency.failed + throughput.failed}});
        }
    }
    err << QJsonDocument(report).toJson(QJsonDocument::Compact) << Qt::endl;
    return ExitOk;
}

} // namespace listinglens::cli
