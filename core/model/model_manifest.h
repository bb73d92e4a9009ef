#pragma once

#include "environment.h" // defaultModelDir(), which every caller of forModelDir() wants
#include "error.h"
#include "preprocessor.h"

#include <QString>
#include <QStringList>

namespace listinglens {

// Describes a model bundle: which TorchScript file, how to feed it, what it
// returns. See resources/models/*.json and docs/user/models.md.
struct ModelManifest {
    QString name;
    QString version;
    QString modelFile;        // absolute path after resolution
    QString labelsFile;       // absolute path after resolution
    QString sha256;           // expected checksum of modelFile; empty = unchecked
    PreprocessSpec preprocess;
    int logitsOutput = 0;     // index in the output tuple (or 0 for a plain tensor)
    int embeddingOutput = -1; // -1 when the model has no embedding output
    int maxBatch = 0;         // 0 = any batch size
    QStringList labels;       // display names, one per class

    // Parses a manifest; relative file names resolve against modelDir.
    static Result<ModelManifest> fromJson(const QByteArray &json, const QString &modelDir);
    static Result<ModelManifest> fromFile(const QString &manifestPath, const QString &modelDir = {});

    // The manifest to use for a model directory: DIR/listinglens-model.json when
    // the directory has one, otherwise the built-in manifest of the default model.
    static Result<ModelManifest> forModelDir(const QString &modelDir);
};

inline constexpr const char *kManifestFileName = "listinglens-model.json";

} // namespace listinglens
