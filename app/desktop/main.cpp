// listinglens: the desktop application. The moderator workbench and console,
// and the commands that need no server (classify, history, stats, import, db,
// apikey, bench, bench-db). The service commands live in listinglens-server,
// which needs no GUI library; asked for here, they are handed to it.
#include "blas_core.h"
#include "cli_common.h"
#include "command_line.h"
#include "desktop_commands.h"
#include "workbench.h"

#include <QTextStream>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include <unistd.h>

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
    "  model      category heads learned from confirmed listings: train, list, show, activate, rollback, export, calibrate\n"
    "  apikey     API keys of the HTTP API: create, list, revoke\n"
    "  bench      end-to-end throughput and latency on phone-sized photos\n"
    "  bench-gui  longest GUI-thread stall while the window processes photos\n"
    "  bench-db   fill a database with synthetic predictions and time queries\n"
    "  bench-train  time and memory of training a category head on 10,000 listings\n"
    "  bench-text   text on photos: contact-detail recall, false positives, time\n"
    "  bench-brands brands read on hand-checked marketplace photos (benchkit/brand_photos.csv)\n"
    "  screenshots [DIR]  save screenshots of the real window (default docs/screenshots)\n"
    "\n"
    "Services (run by listinglens-server, which needs no GUI libraries):\n"
    "  serve, worker, bench-http, soak   listinglens-server --help\n"
    "\n"
    "  listinglens COMMAND --help   options of a command\n"
    "  listinglens --version        versions of ListingLens, Qt, LibTorch and OpenCV\n"
    "\n"
    "Environment: LISTINGLENS_MODEL_DIR (model directory), LISTINGLENS_SAMPLES_DIR (sample photos),\n"
    "LISTINGLENS_DB (database URL when neither --db nor --db-file is given).\n";

bool isServiceCommand(const std::string &command)
{
    return command == "serve" || command == "worker" || command == "bench-http" || command == "soak";
}

// Runs listinglens-server in this process (same PID, same arguments): the one
// beside this executable, else the one on PATH. Returns only on failure.
int execServer(int argc, char **argv)
{
    std::error_code ec;
    const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
    const std::string beside = ec ? std::string() : (self.parent_path() / "listinglens-server").string();
    std::vector<char *> args(argv, argv + argc);
    args.push_back(nullptr);
    if (!beside.empty() && ::access(beside.c_str(), X_OK) == 0) {
        args[0] = const_cast<char *>(beside.c_str());
        ::execv(beside.c_str(), args.data());
    } else {
        args[0] = const_cast<char *>("listinglens-server");
        ::execvp("listinglens-server", args.data());
    }
    QTextStream(stderr) << "listinglens: " << argv[1] << " is run by listinglens-server, which could not be started ("
                        << std::strerror(errno) << ").\n  Install it (the listinglens-server package) or build it "
                        << "(cmake --build build --target listinglens-server)." << Qt::endl;
    return listinglens::cli::ExitUsage;
}

} // namespace

int main(int argc, char *argv[])
{
    const std::string first = argc > 1 ? argv[1] : "";
    if (isServiceCommand(first))
        return execServer(argc, argv); // which starts again itself if its BLAS core needs it
    if (listinglens::cli::wantsBlasCore(argc, argv))
        listinglens::restartWithBetterBlasCore(argv); // before anything else: the process may start again
    listinglens::cli::tuneAllocator();
    if (first.empty() || first.starts_with("-platform"))
        return listinglens::ui::runWorkbench(argc, argv);
    // Commands that need the window run their own QApplication.
    if (first == "screenshots") {
        const QString dir = argc > 2 ? QString::fromLocal8Bit(argv[2]) : QStringLiteral("docs/screenshots");
        if (dir.startsWith(QLatin1Char('-'))) {
            const bool help = dir == QLatin1String("--help") || dir == QLatin1String("-h");
            QTextStream(help ? stdout : stderr)
                << "Usage: listinglens screenshots [DIR]\n"
                   "Opens the real window, loads the sample photos and saves workbench.png, batch.png,\n"
                   "error.png, presentation-start.png, presentation.png, presentation-listing.png,\n"
                   "phone.png (the phone upload page in headless chromium), the console pages and\n"
                   "settings.png to DIR (default docs/screenshots). Needs a display (Xvfb).\n";
            return help ? 0 : listinglens::cli::ExitUsage;
        }
        return listinglens::desktop::runScreenshots(argc, argv, dir);
    }
    if (first == "bench-gui") {
        QStringList args;
        for (int i = 1; i < argc; ++i)
            args << QString::fromLocal8Bit(argv[i]);
        args[0] = QStringLiteral("listinglens bench-gui");
        return listinglens::desktop::runGuiBench(argc, argv, args);
    }
    return listinglens::cli::runCommandLine(argc, argv, QStringLiteral("listinglens"), listinglens::cli::sharedCommands(), kUsage);
}
