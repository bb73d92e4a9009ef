#include "model_manifest.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace listinglens {

namespace {

Error manifestError(const QString &what)
{
    return {ErrorCode::ModelError, QStringLiteral("model manifest: %1").arg(what)};
}

Result<QStringList> readLabels(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        return Error{ErrorCode::ModelError, QStringLiteral("cannot read the label file %1: %2").arg(path, file.errorString())};
    QStringList labels;
    while (!file.atEnd()) {
        const QString line = QString::fromUtf8(file.readLine()).trimmed();
        if (line.isEmpty())
            continue;
        // "cellular telephone, cellular phone, ..." -> the first synonym is the display name.
        labels << line.section(QStringLiteral(", "), 0, 0);
    }
    if (labels.isEmpty())
        return Error{ErrorCode::ModelError, QStringLiteral("the label file %1 is empty").arg(path)};
    return labels;
}

bool readTriple(const QJsonValue &v, std::array<float, 3> &out)
{
    const QJsonArray a = v.toArray();
    if (a.size() != 3)
        return false;
    for (int i = 0; i < 3; ++i) {
        if (!a[i].isDouble())
            return false;
        out[i] = float(a[i].toDouble());
    }
    return true;
}

} // namespace

Result<ModelManifest> ModelManifest::fromJson(const QByteArray &json, const QString &modelDir)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (doc.isNull() || !doc.isObject())
        return manifestError(QStringLiteral("not valid JSON (%1)").arg(parseError.errorString()));
    const QJsonObject o = doc.object();
    ModelManifest m;
    m.name = o.value(QStringLiteral("name")).toString();
    m.version = o.value(QStringLiteral("version")).toString();
    const QString file = o.value(QStringLiteral("file")).toString();
    const QString labels = o.value(QStringLiteral("labels")).toString();
    if (m.name.isEmpty() || m.version.isEmpty() || file.isEmpty() || labels.isEmpty())
        return manifestError(QStringLiteral("\"name\", \"version\", \"file\" and \"labels\" are required"));
    const QDir dir(modelDir);
    m.modelFile = QFileInfo(dir, file).absoluteFilePath();
    m.labelsFile = QFileInfo(dir, labels).absoluteFilePath();
    m.sha256 = o.value(QStringLiteral("sha256")).toString();

    const QJsonObject input = o.value(QStringLiteral("input")).toObject();
    m.preprocess.resizeShorter = input.value(QStringLiteral("resize_shorter")).toInt(256);
    m.preprocess.cropSize = input.value(QStringLiteral("size")).toInt(224);
    if (input.value(QStringLiteral("colour")).toString(QStringLiteral("rgb")) != QLatin1String("rgb"))
        return manifestError(QStringLiteral("only \"colour\": \"rgb\" input is supported"));
    if (!readTriple(input.value(QStringLiteral("mean")), m.preprocess.mean)
        || !readTriple(input.value(QStringLiteral("std")), m.preprocess.std))
        return manifestError(QStringLiteral("\"input.mean\" and \"input.std\" need three numbers each"));
    if (m.preprocess.cropSize < 16 || m.preprocess.resizeShorter < m.preprocess.cropSize)
        return manifestError(QStringLiteral("\"input.size\" must be at least 16 and no larger than \"input.resize_shorter\""));
    for (float s : m.preprocess.std) {
        if (s <= 0.0f)
            return manifestError(QStringLiteral("\"input.std\" must be positive"));
    }

    const QJsonObject outputs = o.value(QStringLiteral("outputs")).toObject();
    m.logitsOutput = outputs.value(QStringLiteral("logits")).toInt(0);
    m.embeddingOutput = outputs.value(QStringLiteral("embedding")).toInt(-1);
    m.maxBatch = o.value(QStringLiteral("max_batch")).toInt(0);

    if (!QFileInfo::exists(m.modelFile))
        return Error{ErrorCode::ModelError, QStringLiteral("model file not found: %1 (set --model-dir or LISTINGLENS_MODEL_DIR)").arg(m.modelFile)};
    auto labelList = readLabels(m.labelsFile);
    if (!labelList)
        return labelList.error();
    m.labels = std::move(labelList).value();
    return m;
}

Result<ModelManifest> ModelManifest::fromFile(const QString &manifestPath, const QString &modelDir)
{
    QFile file(manifestPath);
    if (!file.open(QIODevice::ReadOnly))
        return Error{ErrorCode::ModelError, QStringLiteral("cannot read the model manifest %1: %2").arg(manifestPath, file.errorString())};
    const QString dir = modelDir.isEmpty() ? QFileInfo(manifestPath).absolutePath() : modelDir;
    return fromJson(file.readAll(), dir);
}

Result<ModelManifest> ModelManifest::forModelDir(const QString &modelDir)
{
    if (!QFileInfo(modelDir).isDir())
        return Error{ErrorCode::ModelError, QStringLiteral("model directory not found: %1 (set --model-dir or LISTINGLENS_MODEL_DIR)").arg(modelDir)};
    const QString own = QDir(modelDir).filePath(QString::fromLatin1(kManifestFileName));
    if (QFileInfo::exists(own))
        return fromFile(own, modelDir);
    return fromFile(QStringLiteral(":/listinglens/models/mobilenet_v2_imagenet.json"), modelDir);
}

} // namespace listinglens
