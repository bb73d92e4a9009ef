#include "service_common.h"

#include <QCoreApplication>
#include <QHostInfo>
#include <QSocketNotifier>

#include <csignal>
#include <sys/socket.h>
#include <unistd.h>

namespace listinglens::cli {

namespace {

int g_signalPipe[2] = {-1, -1};

void writeSignal(int)
{
    const char c = 1;
    [[maybe_unused]] const auto n = ::write(g_signalPipe[0], &c, 1); // async-signal-safe
}

} // namespace

void WorkerOptions::addTo(QCommandLineParser &parser) const
{
    parser.addOptions({name, lease, maxAttempts, poll, influx, influxInterval});
    ModerationCliOptions().addTo(parser);
}

std::shared_ptr<JobQueue> openQueue(const QCommandLineParser &parser)
{
    const QString url = databaseUrl(parser, {});
    if (url.isEmpty()) {
        printError(QStringLiteral("the job queue needs a PostgreSQL database: $LISTINGLENS_DB, --db-file FILE or --db postgresql://user@host/dbname"));
        return nullptr;
    }
    auto store = openStore(url);
    if (!store)
        return nullptr;
    auto queue = JobQueue::create(store);
    if (!queue) {
        printError(queue.error().message);
        return nullptr;
    }
    return std::move(queue).value();
}

std::optional<std::vector<std::unique_ptr<JobWorker>>> createWorkers(const QCommandLineParser &parser, const ModelOptions &model,
                                                                    const WorkerOptions &w, int count,
                                                                    const std::shared_ptr<JobQueue> &queue,
                                                                    const std::shared_ptr<Metrics> &metrics)
{
    auto classifierOpts = classifierOptions(parser, model);
    const ModerationCliOptions moderationCli;
    const auto moderation = moderationOptions(parser, moderationCli);
    if (!moderation)
        return std::nullopt;
    std::shared_ptr<ModerationLane> lane;
    if (moderation->enabled) {
        // Under more load than the lane reads, the main lane keeps its speed:
        // each worker's route offers photos to the lane, which takes API keys
        // in turn, and a photo it has no room for is stored for review.
        lane = openModerationLane(moderation->options);
        if (!lane)
            return std::nullopt;
    }
    const auto batch = intOption(parser, model.batch, 1, 256);
    const auto lease = intOption(parser, w.lease, 1, 3600);
    const auto attempts = intOption(parser, w.maxAttempts, 1, 100);
    const auto poll = intOption(parser, w.poll, 50, 600'000);
    if (!classifierOpts || !batch || !lease || !attempts || !poll)
        return std::nullopt;
    JobWorker::describeMetrics(*metrics);
    std::vector<std::unique_ptr<JobWorker>> workers;
    for (int i = 0; i < count; ++i) {
        auto classifier = Classifier::create(*classifierOpts);
        if (!classifier) {
            printError(classifier.error().message);
            return std::nullopt;
        }
        if (!attachStore(*classifier.value(), queue->store()))
            return std::nullopt;
        JobWorkerOptions options;
        const QString base = parser.value(w.name);
        options.name = base.isEmpty() ? JobWorker::defaultName(count > 1 ? i : -1)
                                      : count > 1 ? QStringLiteral("%1:%2").arg(base).arg(i) : base;
        options.batch = *batch;
        options.leaseMs = *lease * 1000;
        options.maxAttempts = *attempts;
        options.pollMs = *poll;
        options.lane = lane;
        workers.push_back(std::make_unique<JobWorker>(queue, std::move(classifier).value(), options, metrics));
    }
    return workers;
}

std::optional<std::unique_ptr<InfluxPusher>> influxPusher(const QCommandLineParser &parser, const WorkerOptions &w,
                                                          const std::shared_ptr<Metrics> &metrics, const QString &service)
{
    if (!parser.isSet(w.influx))
        return std::unique_ptr<InfluxPusher>();
    const QUrl url(parser.value(w.influx), QUrl::StrictMode);
    if (!url.isValid() || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https")) || url.host().isEmpty()) {
        printError(QStringLiteral("--influx needs an http(s) write URL such as http://influx:8086/api/v2/write?org=o&bucket=b"));
        return std::nullopt;
    }
    const auto interval = intOption(parser, w.influxInterval, 1, 3600);
    if (!interval)
        return std::nullopt;
    auto pusher = std::make_unique<InfluxPusher>(url, metrics,
                                                 MetricLabels{{QStringLiteral("service"), service},
                                                              {QStringLiteral("host"), QHostInfo::localHostName()}},
                                                 *interval * 1000);
    pusher->start();
    return pusher;
}

void onTermination(std::function<void()> onSignal)
{
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, g_signalPipe) != 0)
        return;
    auto *notifier = new QSocketNotifier(g_signalPipe[1], QSocketNotifier::Read, QCoreApplication::instance());
    QObject::connect(notifier, &QSocketNotifier::activated, notifier, [onSignal = std::move(onSignal)] {
        char c = 0;
        [[maybe_unused]] const auto n = ::read(g_signalPipe[1], &c, 1);
        onSignal();
    });
    struct sigaction action = {};
    action.sa_handler = writeSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    sigaction(SIGTERM, &action, nullptr);
    sigaction(SIGINT, &action, nullptr);
}

} // namespace listinglens::cli
