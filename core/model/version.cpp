#include "version.h"

#include "blas_core.h"
#include "inference_engine.h"

#include <opencv2/core/version.hpp>

namespace listinglens {

QString versionString()
{
    return QStringLiteral(LISTINGLENS_VERSION);
}

QString versionReport()
{
    return QStringLiteral("listinglens %1\nQt %2\nLibTorch %3 (CUDA %4)\n%5\nOpenCV %6")
        .arg(versionString(), QString::fromLatin1(qVersion()), InferenceEngine::torchVersion(),
             InferenceEngine::cudaAvailable() ? QStringLiteral("available") : QStringLiteral("not available"),
             blasCoreReport(), QStringLiteral(CV_VERSION));
}

} // namespace listinglens
