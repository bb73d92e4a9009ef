// listinglens: the desktop application. The moderator workbench and console,
// and the commands that need no server (classify, history, stats, import, db,
// model, apikey, bench). The service commands live in listinglens-server,
// which needs no GUI library; asked for here, they are handed to it.
#include "blas_core.h"
#include "cli_common.h"
#include "command_line.h"
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
    "  bench      end-to-end throughput and latency on this machine, on phone-sized photos or yours\n"
    "\n"
    "Services (run by listinglens-server, which needs no GUI libraries):\n"
    "  serve, worker   listinglens-server --help\n"
    "\n"
    "  listinglens COMMAND --help   options of a command\n"
    "  listinglens --version        versions of ListingLens, Qt, LibTorch and OpenCV\n"
    "\n"
    "Environment: LISTINGLENS_MODEL_DIR (model directory), LISTINGLENS_SAMPLES_DIR (sample photos),\n"
    "LISTINGLENS_DB (database URL when neither --db nor --db-file is given).\n";

bool isServiceCommand(const std::string &command)
{
    return command == "serve" || command == "worker";
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
    return listinglens::cli::runCommandLine(argc, argv, QStringLiteral("listinglens"), listinglens::cli::sharedCommands(), kUsage);
}
