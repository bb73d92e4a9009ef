#include "model_store.h"

#include "activations_p.h"
#include "sha256.h"
#include "store_sql_p.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QVariant>

namespace listinglens {

namespace {

constexpr const char *kColumns = "version, created_ms, model_name, model_version, base_name, base_version, sha256, examples, top1, top3, ece, provenance";

ModelVersion rowOf(const QSqlQuery &q)
{
    ModelVersion m;
    m.version = q.value(0).toLongLong();
    m.createdMs = q.value(1).toLongLong();
    m.modelName = q.value(2).toString();
    m.modelVersion = q.value(3).toString();
    m.baseName = q.value(4).toString();
    m.baseVersion = q.value(5).toString();
    m.sha256 = q.value(6).toString();
    m.examples = q.value(7).toInt();
    m.top1 = q.value(8).toDouble();
    m.top3 = q.value(9).toDouble();
    m.ece = store_sql::doubleOrNaN(q.value(10));
    m.provenance = QJsonDocument::fromJson(q.value(11).toByteArray()).object();
    return m;
}

} // namespace

Result<qint64> saveModelVersion(PredictionStore &store, const ModelVersion &m)
{
    auto db = store.connection();
    if (!db)
        return db.error();
    if (m.weights.isEmpty() || sha256Hex(m.weights) != m.sha256)
        return Error{ErrorCode::InvalidArgument, QStringLiteral("cannot store the model: its weights do not match their checksum")};
    QSqlQuery q(db.value());
    q.prepare(QStringLiteral("INSERT INTO model_versions (created_ms, model_name, model_version, base_name, base_version, sha256, examples,"
                             " top1, top3, ece, provenance, weights) VALUES (:t, :mn, :mv, :bn, :bv, :sha, :ex, :t1, :t3, :ece, :prov, :w)"
                             " RETURNING version"));
    q.bindValue(QStringLiteral(":t"), m.createdMs > 0 ? m.createdMs : store_sql::nowMs());
    q.bindValue(QStringLiteral(":mn"), m.modelName);
    q.bindValue(QStringLiteral(":mv"), m.modelVersion);
    q.bindValue(QStringLiteral(":bn"), m.baseName);
    q.bindValue(QStringLiteral(":bv"), m.baseVersion);
    q.bindValue(QStringLiteral(":sha"), m.sha256);
    q.bindValue(QStringLiteral(":ex"), m.examples);
    q.bindValue(QStringLiteral(":t1"), m.top1);
    q.bindValue(QStringLiteral(":t3"), m.top3);
    q.bindValue(QStringLiteral(":ece"), store_sql::nullableDouble(m.ece));
    q.bindValue(QStringLiteral(":prov"), QString::fromUtf8(QJsonDocument(m.provenance).toJson(QJsonDocument::Compact)));
    q.bindValue(QStringLiteral(":w"), m.weights);
    if (!q.exec() || !q.next())
        return store_sql::writeError(QStringLiteral("cannot store the model"), q.lastError());
    return q.value(0).toLongLong();
}

Result<ActiveModel> activeModel(PredictionStore &store)
{
    auto newest = store_sql::newestActivation(store, QStringLiteral("model_activations"));
    if (!newest)
        return newest.error();
    return ActiveModel{newest.value().version, newest.value().stamp};
}

Result<std::vector<ModelVersion>> listModelVersions(PredictionStore &store)
{
    return store_sql::listVersions<ModelVersion>(
        store, QStringLiteral("model_activations"),
        QStringLiteral("SELECT %1 FROM model_versions ORDER BY version DESC").arg(QLatin1String(kColumns)), QStringLiteral("models"), rowOf);
}

Result<ModelVersion> loadModelVersion(PredictionStore &store, qint64 version)
{
    const QString label = QStringLiteral("m%1").arg(version);
    auto q = store_sql::versionRow(store, QStringLiteral("SELECT %1, weights FROM model_versions WHERE version = :v").arg(QLatin1String(kColumns)),
                                   version, QStringLiteral("model ") + label,
                                   QStringLiteral("there is no model %1 (see `listinglens model versions`)").arg(label));
    if (!q)
        return q.error();
    ModelVersion m = rowOf(q.value());
    m.weights = q.value().value(12).toByteArray();
    if (sha256Hex(m.weights) != m.sha256)
        return Error{ErrorCode::ModelError, QStringLiteral("model %1 is damaged: its weights do not match their checksum").arg(label)};
    return m;
}

Result<bool> activateModel(PredictionStore &store, qint64 version, const QString &reason)
{
    return store_sql::insertActivation(store, QStringLiteral("model_activations"), QLatin1String(kModelChannel), version, reason,
                                       QStringLiteral("m%1").arg(version));
}

Result<qint64> rollbackModel(PredictionStore &store)
{
    return store_sql::rollbackActivation(store, QStringLiteral("model_activations"), QLatin1String(kModelChannel), QStringLiteral("model version"));
}

QString defaultModelCacheDir()
{
    const QString set = qEnvironmentVariable("LISTINGLENS_MODEL_CACHE");
    if (!set.isEmpty())
        return set;
    return QStandardPaths::writableLocation(QStandardPaths::GenericCacheLocation) + QStringLiteral("/listinglens/models");
}

Result<QString> materialise(const ModelVersion &model, const ModelManifest &base, const QString &cacheDir)
{
    if (model.baseName != base.name || model.baseVersion != base.version)
        return Error{ErrorCode::ModelError, QStringLiteral("model %1 was fine-tuned from %2 %3, not from the model in use (%4 %5)")
                                                .arg(model.label(), model.baseName, model.baseVersion, base.name, base.version)};
    if (!QDir().mkpath(cacheDir))
        return Error{ErrorCode::IoError, QStringLiteral("cannot create the model cache %1").arg(cacheDir)};
    const QString path = QDir(cacheDir).filePath(model.sha256 + QStringLiteral(".pt"));
    QFile existing(path);
    const bool present = existing.open(QIODevice::ReadOnly) && sha256Hex(existing.readAll()) == model.sha256;
    existing.close();
    if (!present) {
        QSaveFile file(path);
        if (!file.open(QIODevice::WriteOnly) || file.write(model.weights) != model.weights.size() || !file.commit())
            return Error{ErrorCode::IoError, QStringLiteral("cannot write %1: %2").arg(path, file.errorString())};
    }
    const PreprocessSpec &p = base.preprocess;
    const auto triple = [](const std::array<float, 3> &v) { return QJsonArray{double(v[0]), double(v[1]), double(v[2])}; };
    const QJsonObject manifest{
        {QStringLiteral("name"), model.modelName}, {QStringLiteral("version"), model.modelVersion},
        {QStringLiteral("file"), path}, {QStringLiteral("labels"), base.labelsFile}, {QStringLiteral("sha256"), model.sha256},
        {QStringLiteral("input"), QJsonObject{{QStringLiteral("resize_shorter"), p.resizeShorter}, {QStringLiteral("size"), p.cropSize},
                                              {QStringLiteral("colour"), QStringLiteral("rgb")}, {QStringLiteral("mean"), triple(p.mean)},
                                              {QStringLiteral("std"), triple(p.std)}}},
        {QStringLiteral("outputs"), QJsonObject{{QStringLiteral("logits"), base.logitsOutput}, {QStringLiteral("embedding"), base.embeddingOutput}}},
        {QStringLiteral("max_batch"), base.maxBatch}};
    const QString manifestPath = QDir(cacheDir).filePath(model.sha256 + QStringLiteral(".json"));
    QSaveFile file(manifestPath);
    if (!file.open(QIODevice::WriteOnly) || file.write(QJsonDocument(manifest).toJson()) < 0 || !file.commit())
        return Error{ErrorCode::IoError, QStringLiteral("cannot write %1: %2").arg(manifestPath, file.errorString())};
    return manifestPath;
}

} // namespace listinglens
