#include "environment.h"

#include <QFile>

#include <QtGlobal>

namespace listinglens {

QString modelDirFromEnvironment()
{
    return qEnvironmentVariable("LISTINGLENS_MODEL_DIR");
}

QString defaultModelDir()
{
    const QString env = modelDirFromEnvironment();
    return env.isEmpty() ? QStringLiteral(LISTINGLENS_SHARED_DIR "/models") : env;
}

QString defaultSamplesDir()
{
    const QString env = qEnvironmentVariable("LISTINGLENS_SAMPLES_DIR");
    return env.isEmpty() ? QStringLiteral(LISTINGLENS_SHARED_DIR "/testdata/photos") : env;
}

QString databaseUrlFromEnvironment()
{
    return qEnvironmentVariable("LISTINGLENS_DB");
}

QByteArray influxTokenFromEnvironment()
{
    return qgetenv("LISTINGLENS_INFLUX_TOKEN");
}

QString moderatorFromEnvironment()
{
    return qEnvironmentVariable("USER", QStringLiteral("moderator"));
}

bool keyringDisabledByEnvironment()
{
    return !qEnvironmentVariableIsEmpty("LISTINGLENS_NO_KEYRING");
}

BlasCoreEnvironment blasCoreEnvironment()
{
    const bool restarted = !qEnvironmentVariableIsEmpty("LISTINGLENS_BLAS_RESTARTED");
    return {qEnvironmentVariable("OPENBLAS_CORETYPE"), restarted};
}

void setBlasCoreEnvironment(const QString &coreType)
{
    qputenv("OPENBLAS_CORETYPE", coreType.toLatin1());
    qputenv("LISTINGLENS_BLAS_RESTARTED", "1");
}

QString processorModel()
{
    QFile f(QStringLiteral("/proc/cpuinfo"));
    if (f.open(QIODevice::ReadOnly))
        for (QByteArray line; !(line = f.readLine()).isEmpty();)
            if (line.startsWith("model name"))
                return QString::fromUtf8(line.mid(line.indexOf(':') + 1).trimmed());
    return QStringLiteral("unknown");
}

} // namespace listinglens
