#pragma once

#include <QStringList>

namespace listinglens::cli {

// Each takes the arguments starting with the subcommand's name and returns the exit status.
int runClassify(const QStringList &args);
int runBench(const QStringList &args);
int runDb(const QStringList &args);
int runApiKey(const QStringList &args);
int runHistory(const QStringList &args);
int runStats(const QStringList &args);
int runImport(const QStringList &args);
int runBenchDb(const QStringList &args);
int runServe(const QStringList &args);
int runWorker(const QStringList &args);
int runBenchHttp(const QStringList &args);
int runSoak(const QStringList &args);

} // namespace listinglens::cli
