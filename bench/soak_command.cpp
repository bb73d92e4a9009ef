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


// The run: its settings, its children and what its clients saw.
struct Soak {
    QString url;
    int jobs = 0;
    int workers = 0;
    int clients = 0;
    int leaseS = 0;
    QString pgData, pgBin;
    QStringList modelArgs;
    std::shared_ptr<PredictionStore> store;
    std::unique_ptr<ServiceProcess> serve;
    quint16 port = 0;
    std::vector<std::unique_ptr<ServiceProcess>> children;
    int started = 0; // workers started so far, the killed one included
    Traffic traffic;
    QElapsedTimer clock;

    std::unique_ptr<ServiceProcess> startOneWorker()
    {
        return startWorker(url, QStringList{QStringLiteral("--name"), QStringLiteral("soak-w%1").arg(started++), QStringLiteral("--lease"),
                                            QString::number(leaseS)} + modelArgs);
    }
};

// Children: serve in queue mode, and the workers.
bool startServices(Soak &soak)
{
    soak.serve = startServe(soak.url, QStringList{QStringLiteral("--name"), QStringLiteral("soak")} + soak.modelArgs, &soak.port);
    if (!soak.serve)
        return false;
    for (int i = 0; i < soak.workers; ++i) {
        if (!soak.children.emplace_back(soak.startOneWorker()))
            return false;
    }
    return true;
}

// The faults, while the clients run: a worker SIGKILLed at 30 % of the jobs
// (and another started), PostgreSQL restarted at 60 %.
QJsonArray injectFaults(Soak &soak, const std::atomic_int &running)
{
    QJsonArray faults;
    QElapsedTimer took;
    int afterJobs = 0;
    auto fault = [&](const QString &kind, bool injected, const QString &detail) {
        const double tookS = took.elapsed() / 1000.0;
        const double atS = soak.clock.elapsed() / 1000.0 - tookS;
        faults.append(QJsonObject{{QStringLiteral("kind"), kind}, {QStringLiteral("injected"), injected}, {QStringLiteral("at_s"), atS},
                                  {QStringLiteral("after_jobs"), afterJobs}, {QStringLiteral("took_s"), tookS}, {QStringLiteral("detail"), detail}});
        QTextStream(stderr) << QStringLiteral("soak: %1 s, after %2 jobs: %3 (%4 s)").arg(atS, 0, 'f', 1).arg(afterJobs).arg(detail).arg(tookS, 0, 'f', 1)
                            << Qt::endl;
    };
    bool killed = false, restarted = false;
    while (running > 0) {
        QThread::msleep(50);
        soak.serve->drain();
        for (auto &w : soak.children)
            w->drain();
        if (!soak.serve->running())
            soak.traffic.abandon = true;
        if (!killed && soak.traffic.ended * 10 >= soak.jobs * 3) {
            killed = true;
            afterJobs = soak.traffic.ended;
            took.start();
            const QString victim = QStringLiteral("soak-w%1").arg(soak.started - soak.workers);
            const qint64 held = heldBy(*soak.store, victim);
            soak.children.front()->killHard();
            soak.children.erase(soak.children.begin());
            auto replacement = soak.startOneWorker();
            const bool ok = replacement != nullptr;
            if (ok)
                soak.children.push_back(std::move(replacement));
            fault(QStringLiteral("worker_sigkill"), true,
                  QStringLiteral("%1 killed with SIGKILL holding %2 running jobs; replacement %3").arg(victim).arg(held)
                      .arg(ok ? QStringLiteral("started") : QStringLiteral("did NOT start")));
        }
        if (!restarted && soak.traffic.ended * 10 >= soak.jobs * 6) {
            restarted = true;
            afterJobs = soak.traffic.ended;
            took.start();
            const QString failure = soak.pgData.isEmpty() ? QStringLiteral("skipped: no --pg-data") : restartPostgres(soak.pgData, soak.pgBin);
            fault(QStringLiteral("postgres_restart"), failure.isEmpty(), failure.isEmpty() ? QStringLiteral("PostgreSQL restarted with pg_ctl restart -m fast") : failure);
        }
    }
    return faults;
}

// The clients, each sending one job after another, while the faults are injected.
QJsonArray sendJobs(Soak &soak, const QString &run, const std::vector<QByteArray> &photos, std::vector<Outcome> &outcomes)
{
    std::atomic_int next{0}, running{soak.clients};
    std::vector<std::thread> clients;
    for (int c = 0; c < soak.clients; ++c)
        clients.emplace_back([&] {
            QTcpSocket socket;
            for (int i; (i = next++) < soak.jobs; ++soak.traffic.ended)
                outcomes[std::size_t(i)] = runJob(soak.port, QStringLiteral("%1-%2").arg(run).arg(i), photos[std::size_t(i) % photos.size()],
                                                  soak.traffic, socket);
            --running;
        });
    const QJsonArray faults = injectFaults(soak, running);
    for (auto &t : clients)
        t.join();
    return faults;
}

QString reasonsText(const std::map<QString, int> &by)
{
    QStringList parts;
    for (const auto &[why, count] : by)
        parts << QStringLiteral("%1 %2").arg(count).arg(why);
    return parts.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(parts.join(QStringLiteral(", ")));
}

void printSoak(const Soak &soak, const Tally &t, const QJsonArray &faults, double wallS, bool json)
{
    const QString cpu = processorModel();
    if (json) {
        const QJsonObject report{
            {QStringLiteral("jobs"), soak.jobs}, {QStringLiteral("submitted"), t.submitted}, {QStringLiteral("done"), t.done},
            {QStringLiteral("failed"), t.failed}, {QStringLiteral("failed_reasons"), countsObject(t.failedBy)},
            {QStringLiteral("lost"), t.lost}, {QStringLiteral("lost_reasons"), countsObject(t.lostBy)},
            {QStringLiteral("duplicated"), t.duplicated}, {QStringLiteral("duplicated_reasons"), countsObject(t.duplicatedBy)},
            {QStringLiteral("jobs_per_second"), t.done / wallS}, {QStringLiteral("wall_s"), wallS},
            {QStringLiteral("answers_503"), soak.traffic.unavailable.load()}, {QStringLiteral("connection_errors"), soak.traffic.connectionErrors.load()},
            {QStringLiteral("faults"), faults}, {QStringLiteral("workers"), soak.workers}, {QStringLiteral("concurrency"), soak.clients},
            {QStringLiteral("serve_survived"), soak.serve->running()}, {QStringLiteral("processor"), cpu}};
        QTextStream(stdout) << QJsonDocument(report).toJson(QJsonDocument::Compact) << Qt::endl;
        return;
    }
    QTextStream out(stdout);
    out << QStringLiteral("%1 jobs, %2 in flight, %3 worker processes, on %4\n").arg(soak.jobs).arg(soak.clients).arg(soak.workers).arg(cpu)
        << QStringLiteral("submitted %1, done %2, failed %3%4, lost %5%6, duplicated %7%8\n")
               .arg(t.submitted).arg(t.done).arg(t.failed).arg(reasonsText(t.failedBy)).arg(t.lost).arg(reasonsText(t.lostBy))
               .arg(t.duplicated).arg(reasonsText(t.duplicatedBy))
        << QStringLiteral("%1 s, %2 jobs/s; clients saw %3 answers 503 and %4 connection errors, and retried\n")
               .arg(wallS, 0, 'f', 1).arg(t.done / wallS, 0, 'f', 1).arg(soak.traffic.unavailable.load()).arg(soak.traffic.connectionErrors.load());
    for (const QJsonValue &f : faults) {
        const QJsonObject o = f.toObject();
        out << QStringLiteral("fault at %1 s, after %2 jobs: %3 (%4 s)\n").arg(o.value(QStringLiteral("at_s")).toDouble(), 0, 'f', 1)
                   .arg(o.value(QStringLiteral("after_jobs")).toInt()).arg(o.value(QStringLiteral("detail")).toString())
                   .arg(o.value(QStringLiteral("took_s")).toDouble(), 0, 'f', 1);
    }
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
    Soak soak;
    soak.url = queueDatabaseUrl(parser, QStringLiteral("soak"));
    soak.jobs = *n;
    soak.workers = *nWorkers;
    soak.clients = *nClients;
    soak.leaseS = *leaseS;
    soak.pgData = parser.value(pgData);
    soak.pgBin = parser.value(pgBin);
    soak.modelArgs = modelArguments(parser, model);
    if (soak.url.isEmpty())
        return ExitUsage;
    soak.store = openStore(soak.url, /*migrate=*/true);
    const auto made = soak.store ? phoneSizedBenchPhotos(parser.value(photosDir)) : std::nullopt;
    const auto photos = made ? readPhotos(*made) : std::nullopt;
    if (!photos)
        return ExitUsage;
    QTextStream err(stderr);
    if (soak.pgData.isEmpty())
        err << "soak: no --pg-data (nor $LISTINGLENS_TEST_PG_DATA): skipping the PostgreSQL restart" << Qt::endl;
    if (!startServices(soak))
        return ExitSomeFailed;
    const QString run = QStringLiteral("soak-") + QUuid::createUuid().toString(QUuid::Id128).left(12);
    std::vector<Outcome> outcomes(static_cast<std::size_t>(*n));
    const qint64 startedMs = QDateTime::currentMSecsSinceEpoch();
    soak.clock.start();
    err << "soak: " << *n << " jobs, " << *nClients << " in flight, " << *nWorkers << " worker process" << (*nWorkers > 1 ? "es" : "") << " ..." << Qt::endl;
    const QJsonArray faults = sendJobs(soak, run, *photos, outcomes);
    const double wallS = soak.clock.elapsed() / 1000.0;
    soak.children.clear(); // SIGTERM: the workers finish what they hold (nothing by now)

    // The check, in the database.
    const auto tally = checkInDatabase(*soak.store, run, outcomes, startedMs - 1000);
    if (!tally) {
        printError(tally.error().message);
        return ExitSomeFailed;
    }
    const Tally &t = tally.value();
    printSoak(soak, t, faults, wallS, parser.isSet(json));
    return t.lost == 0 && t.duplicated == 0 && t.failed == 0 ? ExitOk : ExitSomeFailed;
}

} // namespace listinglens::cli
