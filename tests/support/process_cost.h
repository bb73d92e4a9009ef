#pragma once

// What a piece of work costs, measured in a child process so that nothing
// else the test did counts: its peak resident memory's growth and its CPU
// time. A test program runs itself again in a probe mode of its main().

#include <QJsonObject>
#include <QStringList>

#include <functional>

namespace listinglens::test {

// This process's peak resident memory so far (VmHWM), KiB; -1 when unknown.
qint64 peakResidentKb();
// CPU time this process has used (user and system), ms.
double cpuMs();

// In the child: runs `work` and prints one JSON line with what it returned
// plus "grown_kb" (peak resident memory's growth) and "cpu_ms". Returns 0.
int printCost(const std::function<QJsonObject()> &work);

// In the test: runs this program again with `args` (its main() sends them to
// printCost) and returns the child's JSON line; empty with `error` set when
// the child failed.
QJsonObject runCostProbe(const QStringList &args, QString *error);

} // namespace listinglens::test
