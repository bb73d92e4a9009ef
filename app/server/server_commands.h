#pragma once

#include <QStringList>

namespace listinglens::cli {

// The commands only listinglens-server has; each takes the arguments starting
// with the subcommand's name and returns the exit status.
int runServe(const QStringList &args);
int runWorker(const QStringList &args);

} // namespace listinglens::cli
