// `listinglens-bench soak`: many jobs through `serve` and `worker` processes while a
// worker is SIGKILLed and PostgreSQL restarted, then a check in the database
// that every job ended exactly once. Threads: the main thread owns the child
// processes, injects the faults and checks the database; `--concurrency`
// client threads (blocking sockets, as `http`'s) each send one job after
// another and write only their own slots of the outcomes.
#include "backoff.h"
#include "bench_commands.h"

#include "service_client.h"
#include "soak_check.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTextStream>
#include <QThread>
#include <QUuid>

#include <atomic>
#include <map>
#include <thread>
#include <unistd.h>

namespace listinglens::cli {

namespace {

constexpr int kJobDeadlineMs = 300'000; // a client gives up on a job after this long

struct Traffic {
    std::atomic_int ended{0}, unavailable{0}, connectionErrors{0};
    std::atomic_bool abandon{false}; // serve is gone: stop retrying
};

// Sends a request until the answer is not a 503, reconnecting after a
// connection error and backing off, as a client of the API should; *status 0
// or 503 when the deadline passed first.
QJsonObject persist(QTcpSocket &socket, quint16 port, const QByteArray &head, const QByteArray &body,
                    const QDeadlineTimer &deadline, Traffic &traffic, int *status)
{
    for (Backoff backoff(backoff::kApiClient);;) {
        if (socket.state() != QAbstractSocket::ConnectedState) {
            socket.abort();
            socket.connectToHost(QHostAddress::LocalHost, port);
            socket.waitForConnected(5'000);
        }
        const QJsonObject json = httpExchange(socket, head, body, status);
        if (*status != 0 && *status != 503)
            return json;
        ++(*status ? traffic.unavailable : traffic.connectionErrors);
        if (!*status)
            socket.abort();
        if (deadline.hasExpired() || traffic.abandon)
            return {};
        std::this_thread::sleep_for(std::chrono::milliseconds(backoff.next()));
    }
}

// One job from upload to its end, with its idempotency key `key`.
Outcome runJob(quint16 port, const QString &key, const QByteArray &photo, Traffic &traffic, QTcpSocket &socket)
{
    const QDeadlineTimer deadline(kJobDeadlineMs);
    const QByteArray k = key.toLatin1();
    int status = 0;
    QJsonObject job = persist(socket, port, "POST /v1/jobs HTTP/1.1\r\nHost: soak\r\nContent-Type: image/jpeg\r\nIdempotency-Key: " + k
                                                + "\r\nContent-Disposition: attachment; filename=\"" + k + ".jpg\"\r\n",
                              photo, deadline, traffic, &status);
    auto reason = [&] {
        const QString code = job.value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString();
        return status ? QStringLiteral("http_%1%2").arg(status).arg(code.isEmpty() ? QString() : QLatin1Char(' ') + code)
                      : QStringLiteral("unreachable");
    };
    if (status != 202)
        return {{}, QStringLiteral("not_accepted"), reason()};
    Outcome o{job.value(QStringLiteral("id")).toString(), job.value(QStringLiteral("status")).toString(), {}};
    while (o.status != QLatin1String("done") && o.status != QLatin1String("failed")) {
        job = persist(socket, port, "GET /v1/jobs/" + o.id.toLatin1() + "?wait=30 HTTP/1.1\r\nHost: soak\r\n", {}, deadline, traffic, &status);
        if (status != 200)
            return {o.id, status == 404 ? QStringLiteral("not_found") : QStringLiteral("unfinished"), reason()};
        o.status = job.value(QStringLiteral("status")).toString();
    }
    o.reason = job.value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString();
    return o;
}

// pg_ctl restart -m fast on the server in `data` (as the postgres user when
// root); the error text, empty on success.
QString restartPostgres(const QString &data, const QString &bin)
{
    QStringList args{bin.isEmpty() ? QStringLiteral("pg_ctl") : bin + QStringLiteral("/pg_ctl"), QStringLiteral("-D"), data,
                     QStringLiteral("restart"), QStringLiteral("-m"), QStringLiteral("fast"), QStringLiteral("-w"),
                     QStringLiteral("-t"), QStringLiteral("60")};
    QProcess p;
    // The server keeps logging to the log beside its data (scripts/with-postgres.sh's
    // layout); else its output, which would otherwise go to pg_ctl's, is dropped.
    const QString log = QDir(data).absoluteFilePath(QStringLiteral("../server.log"));
    if (QFileInfo::exists(log))
        args << QStringLiteral("-l") << log;
    else
        p.setStandardErrorFile(QProcess::nullDevice());
    p.setStandardOutputFile(QProcess::nullDevice());
    if (geteuid() == 0)
        args = QStringList{QStringLiteral("runuser"), QStringLiteral("-u"), QStringLiteral("postgres"), QStringLiteral("--")} + args;
    p.start(args.takeFirst(), args);
    if (!p.waitForFinished(90'000) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
        return QStringLiteral("pg_ctl restart failed: %1 %2").arg(p.errorString(), QString::fromLocal8Bit(p.readAllStandardError()).trimmed());
    return {};
}

QJsonObject countsObject(const std::map<QString, int> &counts)
{
    QJsonObject o;
    for (const auto &[name, n] : counts)
        o.insert(name, n);
    return o;
}

} // namespace

int runSoak(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Fault-injection soak: posts --jobs photos to its own `serve` (queue mode) and `worker` processes with an\n"
        "Idempotency-Key each, retrying on 503 and connection errors; SIGKILLs a worker (and starts another) at\n"
        "30 % and restarts PostgreSQL at 60 %; then checks in the database that every job ended exactly once.\n"
        "Exit status 0 only when no job was lost, duplicated or failed. Migrates and fills the database: use a scratch one."));
    parser.addHelpOption();
    parser.addOption(databaseOption(QString()));
    const QCommandLineOption jobs(QStringLiteral("jobs"), QStringLiteral("Jobs to send (default: 1000)."), QStringLiteral("N"), QStringLiteral("1000"));
    const QCommandLineOption photosDir(QStringLiteral("photos"), QStringLiteral("Make the phone-sized photos from these (default: the sample photos)."),
                                       QStringLiteral("DIR"));
    const QCommandLineOption workers(QStringLiteral("workers"), QStringLiteral("Worker processes (default: 2)."), QStringLiteral("N"), QStringLiteral("2"));
    const QCommandLineOption concurrency(QStringLiteral("concurrency"), QStringLiteral("Jobs in flight (default: 8)."), QStringLiteral("N"), QStringLiteral("8"));
    const QCommandLineOption lease(QStringLiteral("lease"), QStringLiteral("The workers' --lease, s (default: 10)."), QStringLiteral("S"), QStringLiteral("10"));
    const QCommandLineOption pgData(QStringLiteral("pg-data"), QStringLiteral("PostgreSQL data directory to restart (default: $LISTINGLENS_TEST_PG_DATA)."),
                                    QStringLiteral("DIR"), qEnvironmentVariable("LISTINGLENS_TEST_PG_DATA"));
    const QCommandLineOption pgBin(QStringLiteral("pg-bin"), QStringLiteral("Folder of pg_ctl (default: $LISTINGLENS_TEST_PG_BIN, else PATH)."),
                                   QStringLiteral("DIR"), qEnvironmentVariable("LISTINGLENS_TEST_PG_BIN"));
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Print one JSON object."));
    parser.addOptions({jobs, photosDir, workers, concurrency, lease, pgData, pgBin, json});
    const ModelOptions model;
    model.addTo(parser);
    int exitCode = ExitOk;
    if (!parseOrExit(parser, args, exitCode))
        return exitCode;
    const auto n = intOption(parser, jobs, 1, 10'000'000);
    const auto nWorkers = intOption(parser, workers, 1, 16);
    const auto nClients = intOption(parser, concurrency, 1, 256);
    const auto leaseS = intOption(parser, lease, 1, 3600);
    if (!n || !nWorkers || !nClients || !leaseS)
        return ExitUsage;
    const QString url = databaseUrl(parser, {});
    if (!url.startsWith(QLatin1String("postgres"))) {
        printError(QStringLiteral("soak needs --db postgresql://... (the queue lives in PostgreSQL)"));
        return ExitUsage;
    }
    auto store = openStore(url, /*migrate=*/true);
    const auto made = store ? phoneSizedBenchPhotos(parser.value(photosDir)) : std::nullopt;
    const auto photos = made ? readPhotos(*made) : std::nullopt;
    if (!photos)
        return ExitUsage;
    QTextStream err(stderr);
    const QString pgDataDir = parser.value(pgData);
    if (pgDataDir.isEmpty())
        err << "soak: no --pg-data (nor $LISTINGLENS_TEST_PG_DATA): skipping the PostgreSQL restart" << Qt::endl;

    // Children: serve in queue mode, and the workers.
    const QStringList modelArgs = modelArguments(parser, model);
    QString port;
    ServiceProcess serve(QStringList{QStringLiteral("serve"), QStringLiteral("--db"), url, QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                                     QStringLiteral("--name"), QStringLiteral("soak"), QStringLiteral("--no-auth")} // loopback
                             + modelArgs,
                         QStringLiteral("serving http://[^:]+:(\\d+)"), &port);
    if (!serve.ready()) {
        printError(QStringLiteral("serve did not start:\n") + serve.log());
        return ExitSomeFailed;
    }
    int started = 0;
    auto startWorker = [&] {
        auto w = std::make_unique<ServiceProcess>(QStringList{QStringLiteral("worker"), QStringLiteral("--db"), url, QStringLiteral("--name"),
                                                              QStringLiteral("soak-w%1").arg(started++), QStringLiteral("--lease"),
                                                              QString::number(*leaseS)} + modelArgs,
                                                  QStringLiteral("taking jobs"));
        if (!w->ready())
            printError(QStringLiteral("a worker did not start:\n") + w->log());
        return w->ready() ? std::move(w) : nullptr;
    };
    std::vector<std::unique_ptr<ServiceProcess>> children;
    for (int i = 0; i < *nWorkers; ++i)
        if (!children.emplace_back(startWorker()))
            return ExitSomeFailed;

    // The clients.
    const QString run = QStringLiteral("soak-") + QUuid::createUuid().toString(QUuid::Id128).left(12);
    std::vector<Outcome> outcomes(static_cast<std::size_t>(*n));
    Traffic traffic;
    std::atomic_int next{0}, running{*nClients};
    const qint64 startedMs = QDateTime::currentMSecsSinceEpoch();
    QElapsedTimer clock;
    clock.start();
    err << "soak: " << *n << " jobs, " << *nClients << " in flight, " << *nWorkers << " worker process" << (*nWorkers > 1 ? "es" : "") << " ..." << Qt::endl;
    std::vector<std::thread> clients;
    for (int c = 0; c < *nClients; ++c)
        clients.emplace_back([&] {
            QTcpSocket socket;
            for (int i; (i = next++) < *n; ++traffic.ended)
                outcomes[std::size_t(i)] = runJob(quint16(port.toUInt()), QStringLiteral("%1-%2").arg(run).arg(i),
                                                  (*photos)[std::size_t(i) % photos->size()], traffic, socket);
            --running;
        });

    // The faults, while the clients run.
    QJsonArray faults;
    QElapsedTimer took;
    int afterJobs = 0;
    auto fault = [&](const QString &kind, bool injected, const QString &detail) {
        const double tookS = took.elapsed() / 1000.0;
        faults.append(QJsonObject{{QStringLiteral("kind"), kind}, {QStringLiteral("injected"), injected},
                                  {QStringLiteral("at_s"), clock.elapsed() / 1000.0 - tookS}, {QStringLiteral("after_jobs"), afterJobs},
                                  {QStringLiteral("took_s"), tookS}, {QStringLiteral("detail"), detail}});
        err << QStringLiteral("soak: %1 s, after %2 jobs: %3 (%4 s)").arg(clock.elapsed() / 1000.0 - tookS, 0, 'f', 1).arg(afterJobs)
                   .arg(detail).arg(tookS, 0, 'f', 1) << Qt::endl;
    };
    bool killed = false, restarted = false;
    while (running > 0) {
        QThread::msleep(50);
        serve.drain();
        for (auto &w : children)
            w->drain();
        if (!serve.running())
            traffic.abandon = true;
        if (!killed && traffic.ended * 10 >= *n * 3) {
            killed = true;
            afterJobs = traffic.ended;
            took.start();
            const QString victim = QStringLiteral("soak-w%1").arg(started - *nWorkers);
            const qint64 held = heldBy(*store, victim);
            children.front()->killHard();
            children.erase(children.begin());
            auto replacement = startWorker();
            const bool ok = replacement != nullptr;
            if (ok)
                children.push_back(std::move(replacement));
            fault(QStringLiteral("worker_sigkill"), true,
                  QStringLiteral("%1 killed with SIGKILL holding %2 running jobs; replacement %3").arg(victim).arg(held)
                      .arg(ok ? QStringLiteral("started") : QStringLiteral("did NOT start")));
        }
        if (!restarted && traffic.ended * 10 >= *n * 6) {
            restarted = true;
            afterJobs = traffic.ended;
            took.start();
            const QString failure = pgDataDir.isEmpty() ? QStringLiteral("skipped: no --pg-data") : restartPostgres(pgDataDir, parser.value(pgBin));
            fault(QStringLiteral("postgres_restart"), failure.isEmpty(), failure.isEmpty() ? QStringLiteral("PostgreSQL restarted with pg_ctl restart -m fast") : failure);
        }
    }
    for (auto &t : clients)
        t.join();
    const double wallS = clock.elapsed() / 1000.0;
    children.clear(); // SIGTERM: the workers finish what they hold (nothing by now)

    // The check, in the database.
    const auto tally = checkInDatabase(*store, run, outcomes, startedMs - 1000);
    if (!tally) {
        printError(tally.error().message);
        return ExitSomeFailed;
    }
    const Tally &t = tally.value();
    const QString cpu = processorModel();
    if (parser.isSet(json)) {
        const QJsonObject report{
            {QStringLiteral("jobs"), *n}, {QStringLiteral("submitted"), t.submitted}, {QStringLiteral("done"), t.done},
            {QStringLiteral("failed"), t.failed}, {QStringLiteral("failed_reasons"), countsObject(t.failedBy)},
            {QStringLiteral("lost"), t.lost}, {QStringLiteral("lost_reasons"), countsObject(t.lostBy)},
            {QStringLiteral("duplicated"), t.duplicated}, {QStringLiteral("duplicated_reasons"), countsObject(t.duplicatedBy)},
            {QStringLiteral("jobs_per_second"), t.done / wallS}, {QStringLiteral("wall_s"), wallS},
            {QStringLiteral("answers_503"), traffic.unavailable.load()}, {QStringLiteral("connection_errors"), traffic.connectionErrors.load()},
            {QStringLiteral("faults"), faults}, {QStringLiteral("workers"), *nWorkers}, {QStringLiteral("concurrency"), *nClients},
            {QStringLiteral("serve_survived"), serve.running()}, {QStringLiteral("processor"), cpu}};
        QTextStream(stdout) << QJsonDocument(report).toJson(QJsonDocument::Compact) << Qt::endl;
    } else {
        QTextStream out(stdout);
        auto reasons = [](const std::map<QString, int> &by) {
            QStringList parts;
            for (const auto &[why, count] : by)
                parts << QStringLiteral("%1 %2").arg(count).arg(why);
            return parts.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(parts.join(QStringLiteral(", ")));
        };
        out << QStringLiteral("%1 jobs, %2 in flight, %3 worker processes, on %4\n").arg(*n).arg(*nClients).arg(*nWorkers).arg(cpu)
            << QStringLiteral("submitted %1, done %2, failed %3%4, lost %5%6, duplicated %7%8\n")
                   .arg(t.submitted).arg(t.done).arg(t.failed).arg(reasons(t.failedBy)).arg(t.lost).arg(reasons(t.lostBy))
                   .arg(t.duplicated).arg(reasons(t.duplicatedBy))
            << QStringLiteral("%1 s, %2 jobs/s; clients saw %3 answers 503 and %4 connection errors, and retried\n")
                   .arg(wallS, 0, 'f', 1).arg(t.done / wallS, 0, 'f', 1).arg(traffic.unavailable.load()).arg(traffic.connectionErrors.load());
        for (const QJsonValue &f : std::as_const(faults)) {
            const QJsonObject o = f.toObject();
            out << QStringLiteral("fault at %1 s, after %2 jobs: %3 (%4 s)\n").arg(o.value(QStringLiteral("at_s")).toDouble(), 0, 'f', 1)
                       .arg(o.value(QStringLiteral("after_jobs")).toInt()).arg(o.value(QStringLiteral("detail")).toString())
                       .arg(o.value(QStringLiteral("took_s")).toDouble(), 0, 'f', 1);
        }
    }
    return t.lost == 0 && t.duplicated == 0 && t.failed == 0 ? ExitOk : ExitSomeFailed;
}

} // namespace listinglens::cli
