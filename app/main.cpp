#include "commands.h"
#include "cli_common.h"
#include "version.h"
#include "workbench.h"

#include <QCoreApplication>
#include <QTextStream>

#include <malloc.h>

namespace {

constexpr const char *kUsage =
    "Usage: listinglens [COMMAND] [OPTIONS]\n"
    "\n"
    "Photo in, listing suggestions out: category, price, title and description.\n"
    "\n"
    "Commands:\n"
    "  (none)     open the moderator workbench window\n"
    "  classify   classify photos or folders (table or --json Lines); --db stores them\n"
    "  history    prediction history from the database\n"
    "  stats      throughput, latency, failures and acceptance from the database\n"
    "  import     seed history from a catalogue CSV of confirmed listings\n"
    "  db         database maintenance: migrate, version\n"
    "  apikey     API keys of the HTTP API: create, list, revoke\n"
    "  bench      end-to-end throughput and latency on phone-sized photos\n"
    "  bench-gui  longest GUI-thread stall while the window processes photos\n"
    "  bench-db   fill a database with synthetic predictions and time queries\n"
    "  serve      HTTP API: queue photos in PostgreSQL, answer results (--workers N)\n"
    "  worker     take jobs from the PostgreSQL queue (any number, on any machine)\n"
    "  bench-http jobs/s and submit-to-done latency through the API, 1 and 2 workers\n"
    "  soak       jobs through the API while a worker is killed and PostgreSQL restarts\n"
    "  screenshots [DIR]  save screenshots of the real window (default docs/screenshots)\n"
    "\n"
    "  listinglens COMMAND --help   options of a command\n"
    "  listinglens --version        versions of ListingLens, Qt, LibTorch and OpenCV\n"
    "\n"
    "Environment: LISTINGLENS_MODEL_DIR (model directory), LISTINGLENS_SAMPLES_DIR (sample photos),\n"
    "LISTINGLENS_DB (database URL when neither --db nor --db-file is given), LISTINGLENS_INFLUX_TOKEN (token for --influx).\n";

} // namespace

int main(int argc, char *argv[])
{
    // Every photo allocates megabytes (the upload, decoded pixels, the model's
    // activations) and frees them again. With glibc's defaults most of that is
    // handed back to the kernel and faulted in again for the next photo: a
    // fifth of the services' CPU went to page faults. Keeping up to 256 MB of
    // freed memory for reuse cut their CPU per photo by about 15 %
    // (README, "Benchmark").
    mallopt(M_MMAP_THRESHOLD, 64 * 1024 * 1024);
    mallopt(M_TRIM_THRESHOLD, 256 * 1024 * 1024);
    // Threads other than the main one allocate from heaps of at most 64 MB,
    // and glibc unmaps a whole heap once it is free whatever the trim
    // threshold, unless the top pad covers it. A service worker's inference
    // thread lost a seventh of its time to that (batch of 8: about 2 ms a photo).
    mallopt(M_TOP_PAD, 64 * 1024 * 1024);
    const QString first = argc > 1 ? QString::fromLocal8Bit(argv[1]) : QString();
    if (first.isEmpty() || first.startsWith(QLatin1String("-platform")))
        return listinglens::ui::runWorkbench(argc, argv);
    // Commands that need the window run their own QApplication.
    if (first == QLatin1String("screenshots")) {
        const QString dir = argc > 2 ? QString::fromLocal8Bit(argv[2]) : QStringLiteral("docs/screenshots");
        if (dir.startsWith(QLatin1Char('-'))) {
            const bool help = dir == QLatin1String("--help") || dir == QLatin1String("-h");
            QTextStream(help ? stdout : stderr)
                << "Usage: listinglens screenshots [DIR]\n"
                   "Opens the real window, loads the sample photos and saves workbench.png, batch.png,\n"
                   "error.png and presentation.png to DIR (default docs/screenshots). Needs a display (Xvfb).\n";
            return help ? 0 : listinglens::cli::ExitUsage;
        }
        return listinglens::ui::runScreenshots(argc, argv, dir);
    }
    if (first == QLatin1String("bench-gui")) {
        QStringList args;
        for (int i = 1; i < argc; ++i)
            args << QString::fromLocal8Bit(argv[i]);
        args[0] = QStringLiteral("listinglens bench-gui");
        return listinglens::ui::runGuiBench(argc, argv, args);
    }

    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("listinglens"));
    QCoreApplication::setApplicationVersion(listinglens::versionString());
    QStringList args = QCoreApplication::arguments();
    args.removeFirst();
    const QString command = args.constFirst();
    // Each subcommand's parser sees "listinglens COMMAND" as its program name.
    args[0] = QStringLiteral("listinglens ") + command;

    if (command == QLatin1String("--version") || command == QLatin1String("-v")) {
        QTextStream(stdout) << listinglens::versionReport() << Qt::endl;
        return 0;
    }
    if (command == QLatin1String("--help") || command == QLatin1String("-h") || command == QLatin1String("help")) {
        QTextStream(stdout) << kUsage;
        return 0;
    }
    if (command == QLatin1String("classify"))
        return listinglens::cli::runClassify(args);
    if (command == QLatin1String("bench"))
        return listinglens::cli::runBench(args);
    if (command == QLatin1String("db"))
        return listinglens::cli::runDb(args);
    if (command == QLatin1String("apikey"))
        return listinglens::cli::runApiKey(args);
    if (command == QLatin1String("history"))
        return listinglens::cli::runHistory(args);
    if (command == QLatin1String("stats"))
        return listinglens::cli::runStats(args);
    if (command == QLatin1String("import"))
        return listinglens::cli::runImport(args);
    if (command == QLatin1String("bench-db"))
        return listinglens::cli::runBenchDb(args);
    if (command == QLatin1String("serve"))
        return listinglens::cli::runServe(args);
    if (command == QLatin1String("worker"))
        return listinglens::cli::runWorker(args);
    if (command == QLatin1String("bench-http"))
        return listinglens::cli::runBenchHttp(args);
    if (command == QLatin1String("soak"))
        return listinglens::cli::runSoak(args);
    listinglens::cli::printError(QStringLiteral("unknown command \"%1\"\n").arg(command) + QString::fromLatin1(kUsage));
    return listinglens::cli::ExitUsage;
}
