#include "bench_commands.h"

#include "environment.h"
#include "phone_photos.h"
#include "window_driver.h"
#include "workbench.h"
#include "history_model.h"
#include "history_page.h"
#include "presentation_view.h"
#include "result_panel.h"
#include "throughput_page.h"
#include "settings_dialog.h"

#include <QApplication>
#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTextStream>

#include <functional>

namespace listinglens::desktop {

using namespace listinglens::ui;

namespace {

// The phone upload page as a phone shows it, by headless Chromium (its
// window a phone's size). The server answers on this thread: the event loop
// runs meanwhile.
bool shootPhonePage(const QUrl &url, const QString &path, QTextStream &err)
{
    const QString chromium = QStandardPaths::findExecutable(QStringLiteral("chromium"));
    if (url.isEmpty()) {
        err << "could not save " << path << ": the phone page did not start" << Qt::endl;
        return false;
    }
    if (chromium.isEmpty()) {
        err << "skipped " << path << ": chromium is not installed (scripts/setup.sh installs it)" << Qt::endl;
        return true; // the window's own shots still count
    }
    QTemporaryDir profile;
    QProcess p;
    p.start(chromium, {QStringLiteral("--headless"), QStringLiteral("--no-sandbox"), QStringLiteral("--disable-gpu"),
                       QStringLiteral("--hide-scrollbars"), QStringLiteral("--no-first-run"),
                       QStringLiteral("--user-data-dir=") + profile.path(), QStringLiteral("--window-size=390,760"),
                       QStringLiteral("--screenshot=") + path, url.toString()});
    QEventLoop loop;
    QObject::connect(&p, &QProcess::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(60000, &loop, &QEventLoop::quit);
    if (p.waitForStarted(10000))
        loop.exec();
    if (p.state() != QProcess::NotRunning) {
        p.kill();
        p.waitForFinished();
    }
    const bool ok = p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0 && QFile::exists(path);
    err << (ok ? "saved " : "could not save ") << path << Qt::endl;
    return ok;
}

// Saves the window as NAME in the output folder, once what it shows has settled.
using Shoot = std::function<bool(const char *name)>;

// The workbench: the sample photos with one result shown, an unreadable photo,
// a batch of phone-sized photos in progress (then cancelled).
bool shootWorkbench(MainWindow &w, const Shoot &shoot, const QStringList &phonePhotos)
{
    // The sample photos, one result shown.
    w.addPaths({defaultSamplesDir()});
    waitFor(w, &MainWindow::idle, 120000);
    // ... and their text read: the panel shows what the lane found.
    auto reading = [&w] {
        for (int r = 0; r < w.photos()->rowCount(); ++r) {
            if (w.photos()->item(r)->result.moderation.state == PhotoModeration::State::Pending)
                return true;
        }
        return false;
    };
    for (int waited = 0; waited < 60000 && reading(); waited += 250)
        settle(250);
    selectByName(w, QStringLiteral("reflex_camera.jpg"));
    bool ok = shoot("workbench.png");

    // An unreadable photo: its error in plain words.
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

    // A batch of phone-sized photos in progress.
    QStringList batch;
    for (int i = 0; i < 8; ++i)
        batch << phonePhotos;
    w.addPaths(batch);
    settle(1500);
    selectByName(w, QStringLiteral("sports_car.jpg"));
    ok = shoot("batch.png") && ok;
    w.cancelBatch();
    waitFor(w, &MainWindow::idle, 60000);
    return ok;
}

bool shootPresentation(MainWindow &w, const Shoot &shoot, const QString &outDir, QTextStream &err)
{
    // Presentation mode: the suggestion built up beside the photo, then the
    // listing as a buyer sees it; and the phone page its QR code opens.
    selectByName(w, QStringLiteral("rocking_chair.jpg"));
    w.setPresentation(true);
    PresentationView *view = w.presentationView();
    settle(PresentationView::kStageMs * PresentationView::TitleStage + 300);
    bool ok = shoot("presentation.png");
    view->finishSequence();
    ok = shoot("presentation-listing.png") && ok;
    ok = shootPhonePage(view->phoneUrl(), QDir(outDir).filePath(QStringLiteral("phone.png")), err) && ok;
    w.setPresentation(false);
    return ok;
}

bool shootConsole(MainWindow &w, const Shoot &shoot)
{
    // The console, after a moderator has gone through the sample photos.
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
    // The rows of the cancelled batch get their photos once the lane has read them.
    for (int waited = 0; waited < 60000 && !w.historyPage()->model()->awaitingThumbnails(0, 1).isEmpty(); waited += 500)
        settle(500);
    w.historyPage()->table()->selectRow(0);
    settle(800);
    bool ok = shoot("history.png");
    w.showPage(2);
    settle(1500);
    ok = shoot("quality.png") && ok;
    w.showPage(3);
    w.throughputPage()->setRange(0);
    settle(1500);
    ok = shoot("throughput.png") && ok;
    return ok;
}

bool shootSettings(MainWindow &w, const QString &outDir, QTextStream &err)
{
    // Settings with a PostgreSQL URL: the password masked, and where it is kept.
    WorkbenchSettings example = WorkbenchSettings::load();
    example.databaseUrl = QStringLiteral("postgresql://moderator:s3cret@db.internal:5432/listinglens");
    SettingsDialog dialog(example, &w);
    dialog.show();
    settle(500);
    const QString settingsPath = QDir(outDir).filePath(QStringLiteral("settings.png"));
    const bool saved = dialog.grab().save(settingsPath);
    err << (saved ? "saved " : "could not save ") << settingsPath << Qt::endl;
    return saved;
}

} // namespace

int runScreenshots(int &argc, char **argv, const QString &outDir, QSize windowSize)
{
    if (!haveDisplay())
        return 2;
    QApplication app(argc, argv);
    setUpApplication();
    QTextStream err(stderr);
    if (!QDir().mkpath(outDir)) {
        err << "listinglens-bench: cannot create " << outDir << Qt::endl;
        return 2;
    }
    auto made = makePhonePhotos(defaultSamplesDir(), defaultBenchPhotosDir());
    if (!made) {
        err << "listinglens-bench: " << made.error().message << Qt::endl;
        return 2;
    }
    // A database of the run's own, so the console pages show this run.
    QTemporaryDir databaseDir;
    qputenv("LISTINGLENS_DB", (QStringLiteral("sqlite:") + databaseDir.filePath(QStringLiteral("screenshots.sqlite"))).toUtf8());
    MainWindow w;
    w.resize(windowSize);
    w.show();
    if (!w.isModelReady() && !waitFor(w, &MainWindow::modelReady, 60000)) {
        err << "listinglens-bench: the model did not load" << Qt::endl;
        return 1;
    }
    auto shoot = [&](const char *name) {
        settle(300);
        const QString path = QDir(outDir).filePath(QString::fromLatin1(name));
        const bool ok = w.grab().save(path);
        err << (ok ? "saved " : "could not save ") << path << Qt::endl;
        return ok;
    };

    // Presentation mode before any photo: the story and the QR code.
    w.setPresentation(true);
    bool ok = shoot("presentation-start.png");
    w.setPresentation(false);
    ok = shootWorkbench(w, shoot, made.value()) && ok;
    ok = shootPresentation(w, shoot, outDir, err) && ok;
    ok = shootConsole(w, shoot) && ok;
    return shootSettings(w, outDir, err) && ok ? 0 : 1;
}

} // namespace listinglens::desktop
