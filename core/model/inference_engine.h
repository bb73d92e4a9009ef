#pragma once

#include "error.h"
#include "model_manifest.h"

#include <QString>

#include <memory>
#include <vector>

namespace listinglens {

struct EngineOptions {
    QString device = QStringLiteral("auto"); // "auto", "cpu", "cuda" or "cuda:N"
    int threads = 0;                         // intra-op threads; 0 = defaultInferenceThreads()
    bool warmUp = true;
};

struct EngineInfo {
    QString device;      // "cpu" or "cuda:0"
    QString deviceName;  // "CPU, 2 threads" or the GPU's name
    int threads = 1;
    int embeddingDim = 0; // 0 when the model has no embedding output
};

struct EngineOutput {
    int count = 0;
    int classes = 0;
    int embeddingDim = 0;                // 0 when the model has no embedding
    std::vector<float> probabilities;    // count x classes, softmax
    std::vector<float> embeddings;       // count x embeddingDim, L2-normalised
};

// Owns one loaded TorchScript model. run() may be called from any thread;
// calls are serialised (each forward already uses every intra-op thread).
class InferenceEngine {
public:
    static Result<std::unique_ptr<InferenceEngine>> load(const ModelManifest &manifest, const EngineOptions &options);
    ~InferenceEngine();

    // input: count x 3 x size x size floats, as preprocess() writes them.
    Result<EngineOutput> run(const float *input, int count);

    const EngineInfo &info() const;
    const ModelManifest &manifest() const;

    // Half the cores: the other half decode photos (Pipeline). Measured on 2
    // cores: 1 + 1 gives about 70 photos/s, 2 inference threads about 45.
    static int defaultInferenceThreads();
    static QString torchVersion();
    static bool cudaAvailable();

private:
    struct Impl;
    explicit InferenceEngine(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> d;
};

} // namespace listinglens
