// listinglens-server: the production services (HTTP API, queue workers) and
// the commands an operator needs beside them. Links no Qt
// Widgets or Charts, so a server or container installs no GUI libraries.
#include "blas_core.h"
#include "cli_common.h"
#include "command_line.h"
#include "server_commands.h"

#include <vector>

namespace {

constexpr const char *kUsage =
    "Usage: listinglens-server COMMAND [OPTIONS]\n"
    "\n"
    "The ListingLens services: photos in over HTTP, suggestions out, jobs in PostgreSQL.\n"
    "\n"
    "Commands:\n"
    "  serve      HTTP API: queue photos in PostgreSQL, answer results (--workers N)\n"
    "  worker     take jobs from the PostgreSQL queue (any number, on any machine)\n"
    "  db         database maintenance: migrate, version\n"
    "  model      category heads learned from confirmed listings: train, list, show, activate, rollback, export, calibrate\n"
    "  apikey     API keys of the HTTP API: create, list, revoke\n"
    "  classify   classify photos or folders (table or --json Lines); --db stores them\n"
    "  history    prediction history from the database\n"
    "  stats      throughput, latency, failures and acceptance from the database\n"
    "  import     seed history from a catalogue CSV of confirmed listings\n"
    "  bench      end-to-end throughput and latency on this machine, on phone-sized photos or yours\n"
    "\n"
    "  listinglens-server COMMAND --help   options of a command\n"
    "  listinglens-server --version        versions of ListingLens, Qt, LibTorch and OpenCV\n"
    "\n"
    "Environment: LISTINGLENS_MODEL_DIR (model directory), LISTINGLENS_DB (database URL when\n"
    "neither --db nor --db-file is given), LISTINGLENS_INFLUX_TOKEN (token for --influx).\n";

} // namespace

int main(int argc, char *argv[])
{
    using namespace listinglens::cli;
    if (listinglens::cli::wantsBlasCore(argc, argv))
        listinglens::restartWithBetterBlasCore(argv); // before anything else: the process may start again
    tuneAllocator();
    std::vector<Command> commands = {
        {QLatin1StringView("serve"), runServe},
        {QLatin1StringView("worker"), runWorker},
    };
    for (const Command &c : sharedCommands())
        commands.push_back(c);
    return runCommandLine(argc, argv, QStringLiteral("listinglens-server"), commands, kUsage);
}
