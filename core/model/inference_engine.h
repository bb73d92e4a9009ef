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
    // On the CPU: freeze the module and let LibTorch's optimize_for_inference
    // put every convolution on oneDNN. Unfrozen, LibTorch runs a 1x1
    // convolution of a batch under 16 on one thread through the BLAS
    // (slow_conv2d and sgemm), which is slow wherever OpenBLAS does not know
    // the processor. Falls back to plain TorchScript, logged, if optimising
    // fails or its answers differ from the plain module's.
    bool optimize = true;
    // Set LibTorch's intra-op thread count (process-wide) to `threads` and keep
    // OpenBLAS single-threaded. False for a load that only checks a model next
    // to the live engine (the Settings check): it leaves both as they are and
    // reports the count in use.
    bool configureThreads = true;
};

struct EngineInfo {
    QString device;      // "cpu" or "cuda:0"
    QString deviceName;  // "CPU, 2 threads" or the GPU's name
    int threads = 1;
    int embeddingDim = 0; // 0 when the model has no embedding output
    QString path;         // kOneDnnPath, or "TorchScript" (and ", CUDA")
    double optimizedDifference = 0; // oneDNN: the largest difference from the plain module on the load-time probe
};

inline constexpr const char *kOneDnnPath = "oneDNN (frozen, optimize_for_inference)";

struct EngineOutput {
    int count = 0;
    int classes = 0;
    int embeddingDim = 0;                // 0 when the model has no embedding
    std::vector<float> probabilities;    // count x classes, softmax
    std::vector<float> embeddings;       // count x embeddingDim, L2-normalised
    std::vector<float> embeddingNorms;   // count: each embedding's length before normalising
};

// The model's last layer, logits = weight * embedding + bias, read from the
// TorchScript graph (a frozen module keeps it as constants) and checked
// against the model's own answer on the load-time probe. With it, the class
// probabilities of a stored embedding can be computed again without the
// photo, which is what training a category head on stored listings needs.
struct ClassifierLayer {
    int classes = 0;            // 0: the model's last layer is not a linear one on the embedding
    int dimension = 0;
    std::vector<float> weight;  // classes x dimension
    std::vector<float> bias;    // classes

    bool valid() const { return classes > 0; }
    // Softmax probabilities over the classes for an embedding of the given length.
    std::vector<float> probabilities(const float *unitEmbedding, double norm) const;
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
    const ClassifierLayer &classifierLayer() const;

    // Half the cores: the other half decode photos, and the inference thread
    // prepares one itself when none is ready (Pipeline). Measured on 2 cores:
    // 1 + 1 gives about 70 photos/s, 2 inference threads about 45.
    static int defaultInferenceThreads();
    static QString torchVersion();
    static bool cudaAvailable();

    // The most an optimised module's probabilities or embedding may differ
    // from the plain module's on the load-time probe before it is refused.
    static constexpr double kOptimizedTolerance = 1e-4;

private:
    struct Impl;
    explicit InferenceEngine(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> d;
};

} // namespace listinglens
