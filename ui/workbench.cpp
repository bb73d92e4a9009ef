#include "workbench.h"

#include "main_window.h"
#include "model_manifest.h"
#include "phone_photos.h"
#include "photo_list_model.h"
#include "photo_result.h"
#include "history_page.h"
#include "photo_strip.h"
#include "result_panel.h"
#include "throughput_page.h"
#include "statistics.h"
#include "version.h"
#include "workbench_settings.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTextStream>
#include <QTableView>
#include <QTimer>

namespace listinglens::ui {

namespace {

bool haveDisplay()
{
#ifdef Q_OS_LINUX
    if (qEnvironmentVariableIsEmpty("DISPLAY") && qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY")
        && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) {
        QTextStream(stderr) << "listinglens: no display to open the window on.\n"
                               "  Classify from the command line instead: listinglens classify PHOTO_OR_FOLDER...\n"
                               "  (listinglens --help lists the commands), run under Xvfb, or set QT_QPA_PLATFORM=offscreen."
                            << Qt::endl;
        return false;
    }
#endif
    return true;
}

void setUpApplication()
{
    QApplication::setApplicationName(QStringLiteral("ListingLens"));
    QApplication::setOrganizationName(QStringLiteral("ListingLens"));
    QApplication::setApplicationVersion(versionString());
    qRegisterMetaType<listinglens::PhotoResult>();
}

// Runs the event loop until the signal fires or the timeout passes; false on timeout.
template <typename Signal>
bool waitFor(MainWindow &w, Signal signal, int timeoutMs)
{
    QEventLoop loop;
    QTimer::singleShot(timeoutMs, &loop, [&] { loop.exit(1); });
    QObject::connect(&w, signal, &loop, [&] { loop.exit(0); });
    return loop.exec() == 0;
}

void settle(int ms)
{
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}


int selectByName(MainWindow &w, const QString &name)
{
    for (int r = 0; r < w.photos()->rowCount(); ++r) {
        if (w.photos()->item(r)->name == name) {
            w.strip()->setCurrentIndex(w.photos()->index(r));
            return r;
        }
    }
    return -1;
}

} // namespace

int runWorkbench(int &argc, char **argv)
{
    if (!haveDisplay())
        return 2;
    QApplication app(argc, argv);
    setUpApplication();
    MainWindow window;
    window.show();
    return app.exec();
}

int runScreenshots(int &argc, char **argv, const QString &outDir)
{
    if (!haveDisplay())
        return 2;
    QApplication app(argc, argv);
    setUpApplication();
    QTextStream err(stderr);
    if (!QDir().mkpath(outDir)) {
        err << "listinglens: cannot create " << outDir << Qt::endl;
        return 2;
    }
    auto made = makePhonePhotos(defaultSamplesDir(), defaultBenchPhotosDir());
    if (!made) {
        err << "listinglens: " << made.error().message << Qt::endl;
        return 2;
    }
    // A database of the run's own, so the console pages show this run.
    QTemporaryDir databaseDir;
    qputenv("LISTINGLENS_DB", (QStringLiteral("sqlite:") + databaseDir.filePath(QStringLiteral("screenshots.sqlite"))).toUtf8());
    MainWindow w;
    w.resize(1280, 800);
    w.show();
    if (!w.isModelReady() && !waitFor(w, &MainWindow::modelReady, 60000)) {
        err << "listinglens: the model did not load" << Qt::endl;
        return 1;
    }
    auto shoot = [&](const char *name) {
        settle(300);
        const QString path = QDir(outDir).filePath(QString::fromLatin1(name));
        const bool ok = w.grab().save(path);
        err << (ok ? "saved " : "could not save ") << path << Qt::endl;
        return ok;
    };

    // 1. The sample photos, one result shown.
    w.addPaths({defaultSamplesDir()});
    waitFor(w, &MainWindow::idle, 120000);
    selectByName(w, QStringLiteral("reflex_camera.jpg"));
    bool ok = shoot("workbench.png");

    // 2. An unreadable photo: its error in plain words.
    QTemporaryDir tmp;
    const QString broken = tmp.filePath(QStringLiteral("listing-photo-7.jpg"));
    QFile f(broken);
    f.open(QIODevice::WriteOnly);
    f.write(QByteArray("\xFF\xD8\xFF\xE0\x00\x10JFIF\x00", 11)); // a JPEG cut off in its header
    f.close();
    w.addPaths({broken});
    waitFor(w, &MainWindow::idle, 30000);
    selectByName(w, QStringLiteral("listing-photo-7.jpg"));
    ok = shoot("error.png") && ok;

    // 3. A batch of phone-sized photos in progress.
    QStringList batch;
    for (int i = 0; i < 8; ++i)
        batch << made.value();
    w.addPaths(batch);
    settle(1500);
    selectByName(w, QStringLiteral("sports_car.jpg"));
    ok = shoot("batch.png") && ok;
    w.cancelBatch();
    waitFor(w, &MainWindow::idle, 60000);

    // 4. Presentation mode.
    selectByName(w, QStringLiteral("rocking_chair.jpg"));
    w.setPresentation(true);
    settle(500);
    ok = shoot("presentation.png") && ok;
    w.setPresentation(false);

    // 5. The console, after a moderator has gone through the sample photos.
    for (int r = 0; r < 24 && r < w.photos()->rowCount(); ++r) {
        if (w.photos()->item(r)->state != PhotoState::Done)
            continue;
        w.strip()->setCurrentIndex(w.photos()->index(r));
        if (r % 5 == 3)
            w.resultPanel()->selectChoice(1);
        w.acceptCurrent();
    }
    settle(1000);
    w.showPage(1);
    settle(1500);
    w.historyPage()->table()->selectRow(0);
    settle(800);
    ok = shoot("history.png") && ok;
    w.showPage(2);
    settle(1500);
    ok = shoot("quality.png") && ok;
    w.showPage(3);
    w.throughputPage()->setRange(0);
    settle(1500);
    ok = shoot("throughput.png") && ok;

    // 8. Settings with a PostgreSQL URL: the password masked, and where it is kept.
    WorkbenchSettings example = WorkbenchSettings::load();
    example.databaseUrl = QStringLiteral("postgresql://moderator:s3cret@db.internal:5432/listinglens");
    SettingsDialog dialog(example, &w);
    dialog.show();
    settle(500);
    const QString settingsPath = QDir(outDir).filePath(QStringLiteral("settings.png"));
    const bool saved = dialog.grab().save(settingsPath);
    err << (saved ? "saved " : "could not save ") << settingsPath << Qt::endl;
    return ok && saved ? 0 : 1;
}

int runGuiBench(int &argc, char **argv, const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "The longest GUI-thread stall while the workbench processes phone-sized photos.\n"
        "A 5 ms heartbeat timer runs on the GUI thread; a stall is how late a beat comes."));
    parser.addHelpOption();
    const QCommandLineOption count(QStringLiteral("count"), QStringLiteral("Photos (default: 200)."), QStringLiteral("N"), QStringLiteral("200"));
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Print one JSON object."));
    parser.addOptions({count, json});
    if (!parser.parse(args)) {
        QTextStream(stderr) << "listinglens: " << parser.errorText() << Qt::endl;
        return 2;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        QTextStream(stdout) << parser.helpText();
        return 0;
    }
    bool okCount = false;
    const int n = parser.value(count).toInt(&okCount);
    if (!okCount || n < 1 || n > 100000) {
        QTextStream(stderr) << "listinglens: --count must be a whole number from 1 to 100000" << Qt::endl;
        return 2;
    }
    if (!haveDisplay())
        return 2;
    QApplication app(argc, argv);
    setUpApplication();
    auto made = makePhonePhotos(defaultSamplesDir(), defaultBenchPhotosDir());
    if (!made) {
        QTextStream(stderr) << "listinglens: " << made.error().message << Qt::endl;
        return 2;
    }
    MainWindow w;
    w.show();
    if (!w.isModelReady() && !waitFor(w, &MainWindow::modelReady, 60000))
        return 1;
    QStringList files;
    for (int i = 0; i < n; ++i)
        files << made.value()[i % made.value().size()];

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
    if (parser.isSet(json)) {
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

} // namespace listinglens::ui
