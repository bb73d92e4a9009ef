#pragma once

#include "error.h"
#include "model_manifest.h"
#include "prediction_store.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <limits>

#include <vector>

namespace listinglens {

// Fine-tuned models in the database (schema v11: model_versions,
// model_activations): the TorchScript file, its manifest name and version
// (what every prediction and head records), provenance, and which one is
// active, shared by every process on the database like category heads.

inline constexpr const char *kModelChannel = "listinglens_models"; // NOTIFY on PostgreSQL when the active model changes

struct ModelVersion {
    qint64 version = 0;            // "m3"; 0 until stored
    qint64 createdMs = 0;
    QString modelName, modelVersion;   // the manifest's, e.g. "mobilenet_v2_imagenet" "1.0+ft-3f2a9c01d4"
    QString baseName, baseVersion;     // the model it was fine-tuned from
    QString sha256;                    // of weights
    int examples = 0;
    double top1 = 0, top3 = 0;          // its head's, on the validation split
    double ece = std::numeric_limits<double>::quiet_NaN(); // NaN: not measured (eceText, eceJson)
    QJsonObject provenance;            // training report, options, listings
    QByteArray weights;                // the TorchScript file (empty in listModelVersions)
    bool active = false;

    QString label() const { return QStringLiteral("m%1").arg(version); }
};

// The newest model activation: 0 is the shipped model.
struct ActiveModel {
    qint64 version = 0;
    qint64 stamp = 0;
};

Result<qint64> saveModelVersion(PredictionStore &store, const ModelVersion &model);
Result<std::vector<ModelVersion>> listModelVersions(PredictionStore &store); // newest first, without weights
Result<ModelVersion> loadModelVersion(PredictionStore &store, qint64 version);
Result<ActiveModel> activeModel(PredictionStore &store);
// reason: "activate", "force" or "rollback"; NOTIFYs kModelChannel on PostgreSQL.
Result<bool> activateModel(PredictionStore &store, qint64 version, const QString &reason);
// What was active before the newest activation (0: the shipped model).
Result<qint64> rollbackModel(PredictionStore &store);

// The manifest file that loads a stored model version (ClassifierOptions::
// manifestPath): the base manifest with the version's name, version and
// checksum, written with the TorchScript file (once, checked by its SHA-256)
// into `cacheDir`. Refused when the version was fine-tuned from another
// model than `base`.
Result<QString> materialise(const ModelVersion &model, const ModelManifest &base, const QString &cacheDir);
// Where materialise() writes by default: LISTINGLENS_MODEL_CACHE, else the user's cache folder.
QString defaultModelCacheDir();

} // namespace listinglens
