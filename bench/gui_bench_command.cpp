#include "bench_commands.h"

#include "environment.h"
#include "phone_photos.h"
#include "window_driver.h"
#include "workbench.h"
#include "statistics.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

#include <QFile>

#include <algorithm>
#include <vector>

#include <time.h>
#include <unistd.h>

namespace listinglens::desktop {

using namespace listinglens::ui;

namespace {

// Seconds since the kernel started this process (exec), from /proc: the
// dynamic loader and every library's static initialisers are included, as a
// user waiting for the window sees them. Negative where /proc cannot say.
double secondsSinceProcessStart()
{
    QFile stat(QStringLiteral("/proc/self/stat"));
    if (!stat.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray line = stat.readAll();
    // Field 22, counted after the ")" that ends the command name (which may hold spaces).
    const QList<QByteArray> fields = line.mid(line.lastIndexOf(')') + 2).split(' ');
    timespec boot{};
    if (fields.size() < 20 || clock_gettime(CLOCK_BOOTTIME, &boot) != 0)
        return -1;
    const double started = fields[19].toDouble() / double(sysconf(_SC_CLK_TCK));
    return double(boot.tv_sec) + double(boot.tv_nsec) / 1e9 - started;
}

// Start to first result: the window is shown and one phone-sized photo added
// at once, as `listinglens photo.jpg` or a drop right after start would.
int runStartup(const QString &photo, bool json)
{
    const double atMain = secondsSinceProcessStart();
    MainWindow w;
    w.show();
    w.addPaths({photo});
    QCoreApplication::processEvents();
    const double shown = secondsSinceProcessStart();
    double modelReady = -1;
    QObject::connect(&w, &MainWindow::modelReady, [&] { modelReady = secondsSinceProcessStart(); });
    const bool finished = waitFor(w, &MainWindow::idle, 60000);
    QCoreApplication::processEvents(); // the result painted
    const double first = secondsSinceProcessStart();
    const bool done = w.photos()->count(PhotoState::Done) == 1;
    if (modelReady < 0) // ready before the connection
        modelReady = shown;
    if (json) {
        QTextStream(stdout) << QJsonDocument(QJsonObject{{QStringLiteral("main_s"), atMain},
                                                         {QStringLiteral("window_shown_s"), shown},
                                                         {QStringLiteral("model_ready_s"), modelReady},
                                                         {QStringLiteral("first_result_s"), first},
                                                         {QStringLiteral("done"), done}})
                                   .toJson(QJsonDocument::Compact)
                            << Qt::endl;
    } else {
        QTextStream(stdout) << QStringLiteral("seconds since the process started: main() %1, window shown %2, "
                                              "model ready %3, first result %4%5\n")
                                   .arg(atMain, 0, 'f', 2).arg(shown, 0, 'f', 2).arg(modelReady, 0, 'f', 2)
                                   .arg(first, 0, 'f', 2).arg(done ? "" : " (the photo failed)");
    }
    return finished && done ? 0 : 1;
}

// Adds `files` to the window with a 5 ms heartbeat on the GUI thread, and
// reports how late beats came until the window is idle again.
int measureStalls(MainWindow &w, const QStringList &files, bool json)
{
    const int n = int(files.size());
    constexpr int kBeatMs = 5;
    std::vector<double> lateness;
    QElapsedTimer sinceBeat, total;
    QTimer heartbeat;
    heartbeat.setTimerType(Qt::PreciseTimer);
    QObject::connect(&heartbeat, &QTimer::timeout, [&] {
        lateness.push_back(std::max(0.0, sinceBeat.nsecsElapsed() / 1e6 - kBeatMs));
        sinceBeat.restart();
    });
    sinceBeat.start();
    total.start();
    heartbeat.start(kBeatMs);
    w.addPaths(files);
    const bool finished = waitFor(w, &MainWindow::idle, 600000);
    heartbeat.stop();
    const double seconds = total.nsecsElapsed() / 1e9;
    const double worst = lateness.empty() ? 0 : *std::max_element(lateness.begin(), lateness.end());
    const int done = w.photos()->count(PhotoState::Done);
    if (json) {
        QTextStream(stdout) << QJsonDocument(QJsonObject{{QStringLiteral("photos"), n}, {QStringLiteral("done"), done},
                                                         {QStringLiteral("seconds"), seconds},
                                                         {QStringLiteral("photos_per_second"), n / seconds},
                                                         {QStringLiteral("max_stall_ms"), worst},
                                                         {QStringLiteral("p99_stall_ms"), quantile(lateness, 0.99)},
                                                         {QStringLiteral("heartbeats"), int(lateness.size())}})
                                   .toJson(QJsonDocument::Compact)
                            << Qt::endl;
    } else {
        QTextStream(stdout) << QStringLiteral("%1 phone-sized photos in %2 s (%3 photos/s), %4 done\n"
                                              "GUI thread: longest stall %5 ms, p99 %6 ms over %7 heartbeats of %8 ms\n")
                                   .arg(n).arg(seconds, 0, 'f', 2).arg(n / seconds, 0, 'f', 1).arg(done)
                                   .arg(worst, 0, 'f', 1).arg(quantile(lateness, 0.99), 0, 'f', 1)
                                   .arg(lateness.size()).arg(kBeatMs);
    }
    return finished && done == n ? 0 : 1;
}


} // namespace

int runGuiBench(int &argc, char **argv, const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "The longest GUI-thread stall while the workbench processes phone-sized photos.\n"
        "A 5 ms heartbeat timer runs on the GUI thread; a stall is how late a beat comes."));
    parser.addHelpOption();
    const QCommandLineOption count(QStringLiteral("count"), QStringLiteral("Photos (default: 200)."), QStringLiteral("N"), QStringLiteral("200"));
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Print one JSON object."));
    const QCommandLineOption startup(QStringLiteral("startup"),
                                     QStringLiteral("Instead: seconds from process start to the window, the model and the "
                                                    "first result of one phone-sized photo added at start."));
    parser.addOptions({count, json, startup});
    if (!parser.parse(args)) {
        QTextStream(stderr) << "listinglens-bench: " << parser.errorText() << Qt::endl;
        return 2;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        QTextStream(stdout) << parser.helpText();
        return 0;
    }
    bool okCount = false;
    const int n = parser.value(count).toInt(&okCount);
    if (!okCount || n < 1 || n > 100000) {
        QTextStream(stderr) << "listinglens-bench: --count must be a whole number from 1 to 100000" << Qt::endl;
        return 2;
    }
    if (!haveDisplay())
        return 2;
    QApplication app(argc, argv);
    setUpApplication();
    auto made = makePhonePhotos(defaultSamplesDir(), defaultBenchPhotosDir());
    if (!made) {
        QTextStream(stderr) << "listinglens-bench: " << made.error().message << Qt::endl;
        return 2;
    }
    if (parser.isSet(startup))
        return runStartup(made.value().front(), parser.isSet(json));
    MainWindow w;
    w.show();
    if (!w.isModelReady() && !waitFor(w, &MainWindow::modelReady, 60000))
        return 1;
    QStringList files;
    for (int i = 0; i < n; ++i)
        files << made.value()[i % made.value().size()];
    return measureStalls(w, files, parser.isSet(json));
}

} // namespace listinglens::desktop
