#include "blas_core.h"

#include "environment.h"
#include "logging.h"

#include <QByteArray>
#include <QStringList>

#include <cstdlib>

#include <dlfcn.h>
#include <unistd.h>

namespace listinglens {

namespace {

// The cores OpenBLAS falls back to when it does not know an x86 processor.
bool isGenericCore(const QString &core)
{
    static const QStringList generic = {QStringLiteral("Prescott"), QStringLiteral("Core2"), QStringLiteral("Penryn"),
                                        QStringLiteral("Dunnington"), QStringLiteral("Nehalem"), QStringLiteral("Katmai"),
                                        QStringLiteral("Coppermine"), QStringLiteral("Northwood"), QStringLiteral("Banias"),
                                        QStringLiteral("Atom")};
    return generic.contains(core, Qt::CaseInsensitive);
}

// The best OpenBLAS core this processor can run.
QString coreForThisCpu()
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq")
        && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512cd"))
        return QStringLiteral("SkylakeX");
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        return QStringLiteral("Haswell");
    if (__builtin_cpu_supports("avx"))
        return QStringLiteral("Sandybridge");
#endif
    return {};
}

} // namespace

QString blasCoreName()
{
    using CoreName = char *(*)();
    auto name = reinterpret_cast<CoreName>(dlsym(RTLD_DEFAULT, "openblas_get_corename"));
    if (!name)
        return {};
    const char *core = name();
    return core ? QString::fromLatin1(core).trimmed() : QString();
}

QString betterBlasCore()
{
    if (const BlasCoreEnvironment env = blasCoreEnvironment(); !env.coreType.isEmpty() || env.restarted)
        return {};
    const QString core = blasCoreName();
    if (core.isEmpty() || !isGenericCore(core))
        return {};
    const QString better = coreForThisCpu();
    return better.compare(core, Qt::CaseInsensitive) == 0 ? QString() : better;
}

void restartWithBetterBlasCore(char **argv)
{
    const QString better = betterBlasCore();
    if (better.isEmpty())
        return;
    // Reported by blasCoreReport() afterwards (--version, bench, About, the engine's load line).
    qCDebug(lcModel).noquote() << QStringLiteral("OpenBLAS chose its generic %1 kernels for this processor; starting again with OPENBLAS_CORETYPE=%2")
                                      .arg(blasCoreName(), better);
    setBlasCoreEnvironment(better);
    ::execv("/proc/self/exe", argv);
    // exec failed (no /proc): carry on with the generic kernels; oneDNN does the convolutions anyway.
}

QString blasCoreReport()
{
    const QString core = blasCoreName();
    if (core.isEmpty())
        return QStringLiteral("BLAS: not OpenBLAS");
    const BlasCoreEnvironment env = blasCoreEnvironment();
    if (env.restarted && !env.coreType.isEmpty())
        return QStringLiteral("OpenBLAS core: %1 (set by ListingLens: OpenBLAS did not know this processor)").arg(core);
    if (!env.coreType.isEmpty())
        return QStringLiteral("OpenBLAS core: %1 (OPENBLAS_CORETYPE=%2)").arg(core, env.coreType);
    if (const QString better = betterBlasCore(); !better.isEmpty())
        return QStringLiteral("OpenBLAS core: %1 (generic: OpenBLAS does not know this processor; oneDNN runs the "
                              "convolutions, and --plain-torchscript starts again with OPENBLAS_CORETYPE=%2)").arg(core, better);
    return QStringLiteral("OpenBLAS core: %1").arg(core);
}

} // namespace listinglens
