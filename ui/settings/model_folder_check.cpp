#include "model_folder_check.h"

#include "inference_engine.h"
#include "model_manifest.h"

#include <QDir>
#include <QFileInfo>
#include <QObject>
#include <QRegularExpression>

namespace listinglens::ui {

namespace {

Error refused(const QString &message)
{
    return Error{ErrorCode::ModelError, message};
}

} // namespace

QString plainModelError(const QString &message)
{
    static const QRegularExpression advice(QStringLiteral("\\s*\\((set|use) --model-dir[^)]*\\)"));
    QString plain = message;
    plain.remove(advice);
    return plain;
}

Result<ModelFolder> checkModelFolder(const QString &dir, const QString &device, int threads)
{
    const QFileInfo info(dir);
    if (dir.trimmed().isEmpty())
        return refused(QObject::tr("No model folder is given."));
    if (!info.exists())
        return refused(QObject::tr("The folder %1 does not exist.").arg(dir));
    if (!info.isDir())
        return refused(QObject::tr("%1 is a file, not a folder: choose the folder that holds the model.").arg(dir));
    if (!info.isReadable())
        return refused(QObject::tr("The folder %1 cannot be read (permissions).").arg(dir));

    const bool ownManifest = QFileInfo::exists(QDir(dir).filePath(QString::fromLatin1(kManifestFileName)));
    auto manifest = ModelManifest::forModelDir(dir);
    if (!manifest) {
        if (ownManifest)
            return refused(QObject::tr("The model description %1 in %2 cannot be used: %3.")
                               .arg(QString::fromLatin1(kManifestFileName), dir, plainModelError(manifest.error().message)));
        const QString detail = plainModelError(manifest.error().message);
        QString text = QObject::tr("%1 holds no model ListingLens can use: it needs either a model description (%2) "
                                   "or the default model's files (mobilenet_v2_imagenet.pt and imagenet_classes.txt).")
                           .arg(dir, QString::fromLatin1(kManifestFileName));
        if (!detail.startsWith(QLatin1String("model file not found")))
            text += QLatin1Char(' ') + QObject::tr("The default model's files there cannot be used: %1.").arg(detail);
        return refused(text);
    }
    const QString wanted = device.trimmed().toLower();
    if (wanted.startsWith(QLatin1String("cuda")) && !InferenceEngine::cudaAvailable())
        return refused(QObject::tr("The device %1 is not available here: there is no CUDA GPU this LibTorch build can use "
                                   "(choose auto or cpu).")
                           .arg(device));
    // Loaded next to the live engine, which may be classifying: on the CPU, and
    // without touching LibTorch's process-wide thread count or the BLAS's.
    EngineOptions options;
    options.device = QStringLiteral("cpu");
    options.threads = threads;
    options.configureThreads = false;
    options.warmUp = false;
    options.optimize = false;
    auto engine = InferenceEngine::load(manifest.value(), options);
    if (!engine && engine.error().message.contains(QLatin1String("does not match its manifest")))
        return refused(QObject::tr("The model file %1 is not the one its description expects (its checksum differs): "
                                   "it is damaged, or another file was put in its place.")
                           .arg(manifest.value().modelFile));
    if (!engine)
        return refused(QObject::tr("The model in %1 cannot be loaded: %2.").arg(dir, plainModelError(engine.error().message)));
    ModelFolder folder;
    folder.name = manifest.value().name;
    folder.version = manifest.value().version;
    folder.categories = int(manifest.value().labels.size());
    return folder;
}

} // namespace listinglens::ui
