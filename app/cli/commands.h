#pragma once

#include <QStringList>

namespace listinglens::cli {

// The commands both executables have (command_line.h lists them).
// Each takes the arguments starting with the subcommand's name and returns the exit status.
int runClassify(const QStringList &args);
int runBench(const QStringList &args);
int runDb(const QStringList &args);
int runApiKey(const QStringList &args);
int runHistory(const QStringList &args);
int runStats(const QStringList &args);
int runImport(const QStringList &args);
int runModel(const QStringList &args);

} // namespace listinglens::cli
