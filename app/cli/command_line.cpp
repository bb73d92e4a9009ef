#include "command_line.h"

#include "cli_common.h"
#include "commands.h"
#include "version.h"

#include <QCoreApplication>
#include <QTextStream>

#include <malloc.h>

#include <algorithm>
#include <string_view>

namespace listinglens::cli {

std::span<const Command> sharedCommands()
{
    static const Command commands[] = {
        {QLatin1StringView("classify"), runClassify}, {QLatin1StringView("history"), runHistory},
        {QLatin1StringView("stats"), runStats},       {QLatin1StringView("import"), runImport},
        {QLatin1StringView("db"), runDb},             {QLatin1StringView("apikey"), runApiKey},
        {QLatin1StringView("model"), runModel},       {QLatin1StringView("bench"), runBench},
    };
    return commands;
}

int runAction(const QString &command, const QCommandLineParser &parser, std::span<const Action> actions)
{
    const QStringList positional = parser.positionalArguments();
    const QString name = positional.value(0);
    const auto action = std::find_if(actions.begin(), actions.end(), [&](const Action &a) { return name == a.name; });
    if (action == actions.end()) {
        QStringList names;
        for (const Action &a : actions)
            names << QString(a.name);
        const QString last = names.takeLast();
        printError(QStringLiteral("%1 needs an action: %2 or %3 (see --help)").arg(command, names.join(QLatin1String(", ")), last));
        return ExitUsage;
    }
    const QStringList arguments = positional.mid(1);
    if (arguments.size() != action->arguments.size()) {
        const QString usage = (QStringList{QString(action->name)} + action->arguments).join(QLatin1Char(' '));
        printError(QStringLiteral("usage: %1 %2 %3 (see --help)").arg(QCoreApplication::applicationName(), command, usage));
        return ExitUsage;
    }
    return action->run(arguments);
}

void tuneAllocator()
{
    // Every photo allocates megabytes (the upload, decoded pixels, the model's
    // activations) and frees them again. With glibc's defaults most of that is
    // handed back to the kernel and faulted in again for the next photo: a
    // fifth of the services' CPU went to page faults. Keeping up to 256 MB of
    // freed memory for reuse cut their CPU per photo by about 15 %
    // (docs/performance.md, "What makes it fast").
    mallopt(M_MMAP_THRESHOLD, 64 * 1024 * 1024);
    mallopt(M_TRIM_THRESHOLD, 256 * 1024 * 1024);
    // Threads other than the main one allocate from heaps of at most 64 MB,
    // and glibc unmaps a whole heap once it is free whatever the trim
    // threshold, unless the top pad covers it. A service worker's inference
    // thread lost a seventh of its time to that (batch of 8: about 2 ms a photo).
    mallopt(M_TOP_PAD, 64 * 1024 * 1024);
}

bool wantsBlasCore(int argc, char **argv)
{
    static const std::string_view model[] = {"classify", "bench", "serve", "worker", "http" /* listinglens-bench */};
    if (argc < 2 || std::find(std::begin(model), std::end(model), std::string_view(argv[1])) == std::end(model))
        return false;
    return std::any_of(argv + 2, argv + argc, [](const char *a) { return std::string_view(a) == "--plain-torchscript"; });
}

int runCommandLine(int argc, char **argv, const QString &program, std::span<const Command> commands, const char *usage)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(program);
    QCoreApplication::setApplicationVersion(versionString());
    QStringList args = QCoreApplication::arguments();
    args.removeFirst();
    if (args.isEmpty()) {
        printError(QString::fromLatin1(usage));
        return ExitUsage;
    }
    const QString command = args.constFirst();
    // Each subcommand's parser sees "PROGRAM COMMAND" as its program name.
    args[0] = program + QLatin1Char(' ') + command;

    if (command == QLatin1String("--version") || command == QLatin1String("-v")) {
        QTextStream(stdout) << versionReport() << Qt::endl;
        return ExitOk;
    }
    if (command == QLatin1String("--help") || command == QLatin1String("-h") || command == QLatin1String("help")) {
        QTextStream(stdout) << usage;
        return ExitOk;
    }
    for (const Command &c : commands)
        if (command == c.name)
            return c.run(args);
    printError(QStringLiteral("unknown command \"%1\"\n").arg(command) + QString::fromLatin1(usage));
    return ExitUsage;
}

} // namespace listinglens::cli
