#pragma once

#include <QCommandLineParser>
#include <QLatin1StringView>
#include <QStringList>

#include <functional>
#include <span>

namespace listinglens::cli {

// A subcommand: its name and the function that runs it with the arguments
// starting at the name (argument 0 reads "PROGRAM NAME" for its parser).
struct Command {
    QLatin1StringView name;
    int (*run)(const QStringList &args);
};

// The commands both executables have: classify, history, stats, import, db, apikey, model, bench.
std::span<const Command> sharedCommands();

// An action of a command that has several (db migrate, apikey revoke ID,
// model export VERSION FILE): its name, the names of the arguments that follow
// it (for the usage message), and what runs it with those arguments.
struct Action {
    QLatin1StringView name;
    QStringList arguments;
    std::function<int(const QStringList &arguments)> run;
};

// Runs the action that the parser's first positional argument names, with
// the rest. A usage error (message on stderr, ExitUsage) when none is named,
// it is not one of `actions`, or it is given too few or too many arguments.
int runAction(const QString &command, const QCommandLineParser &parser, std::span<const Action> actions);

// Keeps freed memory for reuse by the next photo (see command_line.cpp); the
// first thing each main() does.
void tuneAllocator();

// Whether this command line is worth starting again for an OpenBLAS core that
// fits (model/blas_core.h): it runs the model in this process as plain
// TorchScript (--plain-torchscript), whose 1x1 convolutions go through the
// BLAS. The default, oneDNN path does not use the BLAS for convolutions, and
// measured no faster with the corrected core, so it does not pay the 0.4 s.
bool wantsBlasCore(int argc, char **argv);

// Runs the command named by argv[1] from `commands` in a QCoreApplication;
// answers --version and --help (with `usage`) itself. Returns the exit status.
int runCommandLine(int argc, char **argv, const QString &program, std::span<const Command> commands, const char *usage);

} // namespace listinglens::cli
