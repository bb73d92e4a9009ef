#include "process_cost.h"

#include <QCoreApplication>
#include <QFile>
#include <QJsonDocument>
#include <QProcess>
#include <QTextStream>

#include <sys/resource.h>

namespace listinglens::test {

qint64 peakResidentKb()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n'))
        if (line.startsWith("VmHWM:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong();
    return -1;
}

double cpuMs()
{
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1000.0 + double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1000.0;
}

int printCost(const std::function<QJsonObject()> &work)
{
    const qint64 before = peakResidentKb();
    const double cpu = cpuMs();
    QJsonObject cost = work();
    cost.insert(QStringLiteral("grown_kb"), double(peakResidentKb() - before));
    cost.insert(QStringLiteral("cpu_ms"), cpuMs() - cpu);
    QTextStream(stdout) << QJsonDocument(cost).toJson(QJsonDocument::Compact) << Qt::endl;
    return 0;
}

QJsonObject runCostProbe(const QStringList &args, QString *error)
{
    QProcess child;
    child.start(QCoreApplication::applicationFilePath(), args);
    if (!child.waitForFinished(300'000)) {
        *error = QStringLiteral("the probe did not finish: %1").arg(child.errorString());
        child.kill();
        child.waitForFinished();
        return {};
    }
    const QJsonObject cost = QJsonDocument::fromJson(child.readAllStandardOutput().trimmed()).object();
    if (cost.isEmpty())
        *error = QStringLiteral("the probe printed nothing (exit %1): %2")
                     .arg(child.exitCode())
                     .arg(QString::fromLocal8Bit(child.readAllStandardError().right(2000)));
    return cost;
}

} // namespace listinglens::test
