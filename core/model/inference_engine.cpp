// The only translation unit of the core that includes LibTorch.
#include <torch/script.h>
#include <torch/cuda.h>
#include <torch/version.h>
#include <ATen/Parallel.h>

#include "inference_engine.h"

#include "blas_core.h"
#include "logging.h"

#include <QCryptographicHash>
#include <QFile>

#include <cmath>
#include <mutex>
#include <optional>
#include <thread>

#include <dlfcn.h>

namespace listinglens {

struct InferenceEngine::Impl {
    ModelManifest manifest;
    EngineInfo info;
    torch::Device device{torch::kCPU};
    torch::jit::Module module;
    ClassifierLayer classifier;
    std::mutex mutex;
};

namespace {

// The frozen, oneDNN module of a loaded one. It must be made before the plain
// module ever runs: once TorchScript's profiling executor has run a module,
// optimize_for_inference leaves its convolutions as they were (measured:
// 71 oneDNN primitives a forward instead of 101).
std::optional<torch::jit::Module> optimizedForCpu(torch::jit::Module &module)
{
    try {
        return torch::jit::optimize_for_inference(module);
    } catch (const c10::Error &e) {
        qCWarning(lcModel).noquote() << "optimize_for_inference failed; running plain TorchScript:"
                                     << QString::fromUtf8(e.what_without_backtrace());
    } catch (const std::exception &e) {
        qCWarning(lcModel).noquote() << "optimize_for_inference failed; running plain TorchScript:" << e.what();
    }
    return std::nullopt;
}

double largestDifference(const EngineOutput &a, const EngineOutput &b)
{
    if (a.probabilities.size() != b.probabilities.size() || a.embeddings.size() != b.embeddings.size())
        return 1.0;
    double worst = 0;
    for (std::size_t i = 0; i < a.probabilities.size(); ++i)
        worst = std::max(worst, double(std::abs(a.probabilities[i] - b.probabilities[i])));
    for (std::size_t i = 0; i < a.embeddings.size(); ++i)
        worst = std::max(worst, double(std::abs(a.embeddings[i] - b.embeddings[i])));
    return worst;
}

} // namespace

namespace {

Result<torch::Device> chooseDevice(const QString &requested)
{
    const QString d = requested.trimmed().toLower();
    if (d.isEmpty() || d == QLatin1String("auto"))
        return torch::cuda::is_available() ? torch::Device(torch::kCUDA, 0) : torch::Device(torch::kCPU);
    if (d == QLatin1String("cpu"))
        return torch::Device(torch::kCPU);
    if (d == QLatin1String("cuda") || d.startsWith(QLatin1String("cuda:"))) {
        if (!torch::cuda::is_available())
            return Error{ErrorCode::InvalidArgument,
                         QStringLiteral("device %1 was requested but CUDA is not available (no GPU, or this LibTorch build has no CUDA); use --device auto or cpu").arg(requested)};
        bool ok = true;
        const int index = d.contains(QLatin1Char(':')) ? d.section(QLatin1Char(':'), 1).toInt(&ok) : 0;
        if (!ok || index < 0 || index >= int(torch::cuda::device_count()))
            return Error{ErrorCode::InvalidArgument, QStringLiteral("no CUDA device %1").arg(requested)};
        return torch::Device(torch::kCUDA, c10::DeviceIndex(index));
    }
    return Error{ErrorCode::InvalidArgument, QStringLiteral("unknown device \"%1\" (use auto, cpu or cuda)").arg(requested)};
}

Result<bool> verifyChecksum(const ModelManifest &m)
{
    if (m.sha256.isEmpty())
        return true;
    QFile file(m.modelFile);
    if (!file.open(QIODevice::ReadOnly))
        return Error{ErrorCode::ModelError, QStringLiteral("cannot read %1: %2").arg(m.modelFile, file.errorString())};
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(&file);
    const QString actual = QString::fromLatin1(hash.result().toHex());
    if (actual.compare(m.sha256, Qt::CaseInsensitive) != 0)
        return Error{ErrorCode::ModelError,
                     QStringLiteral("%1 does not match its manifest (sha256 %2, expected %3); point the manifest at the right file or update its checksum")
                         .arg(m.modelFile, actual, m.sha256)};
    return true;
}

// LibTorch parallelises each forward itself; OpenBLAS's own busy-waiting
// thread pool on top of that oversubscribes the cores (about 20% fewer photos
// per second on 2 cores). Torch links the generic libblas.so.3, so the
// OpenBLAS call is looked up at run time and skipped for other BLAS builds.
void keepBlasSingleThreaded()
{
    using SetThreads = void (*)(int);
    if (auto set = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads")))
        set(1);
}

// The last aten::linear of forward() whose weight and bias are constants: a
// frozen module's classifier. Unchecked here; load() checks it on the probe.
ClassifierLayer lastLinearLayer(torch::jit::Module &module)
{
    ClassifierLayer layer;
    try {
        const auto graph = module.get_method("forward").graph();
        for (const torch::jit::Node *node : graph->nodes()) {
            if (node->kind() != c10::Symbol::fromQualString("aten::linear") || node->inputs().size() < 3)
                continue;
            const auto weight = torch::jit::toIValue(node->input(1));
            const auto bias = torch::jit::toIValue(node->input(2));
            if (!weight || !bias || !weight->isTensor() || !bias->isTensor())
                continue;
            const torch::Tensor w = weight->toTensor().to(torch::kCPU, torch::kFloat32).contiguous();
            const torch::Tensor b = bias->toTensor().to(torch::kCPU, torch::kFloat32).contiguous();
            if (w.dim() != 2 || b.dim() != 1 || b.size(0) != w.size(0))
                continue;
            layer.classes = int(w.size(0));
            layer.dimension = int(w.size(1));
            layer.weight.assign(w.data_ptr<float>(), w.data_ptr<float>() + w.numel());
            layer.bias.assign(b.data_ptr<float>(), b.data_ptr<float>() + b.numel());
        }
    } catch (const std::exception &e) {
        qCDebug(lcModel) << "no classifier layer read from the graph:" << e.what();
        return {};
    }
    return layer;
}

// The layer answers as the model does: its probabilities from the probe's
// embedding match the model's own.
bool layerMatches(const ClassifierLayer &layer, const EngineOutput &probe)
{
    if (!layer.valid() || probe.embeddingNorms.empty() || layer.classes != probe.classes || layer.dimension != probe.embeddingDim)
        return false;
    const std::vector<float> p = layer.probabilities(probe.embeddings.data(), probe.embeddingNorms.front());
    double worst = 0;
    for (int c = 0; c < layer.classes; ++c)
        worst = std::max(worst, double(std::abs(p[std::size_t(c)] - probe.probabilities[std::size_t(c)])));
    return worst < 1e-3;
}

QString describe(const c10::Error &e)
{
    return QString::fromUtf8(e.what_without_backtrace());
}

} // namespace

InferenceEngine::InferenceEngine(std::unique_ptr<Impl> impl) : d(std::move(impl)) {}
InferenceEngine::~InferenceEngine() = default;

const EngineInfo &InferenceEngine::info() const { return d->info; }
const ModelManifest &InferenceEngine::manifest() const { return d->manifest; }
const ClassifierLayer &InferenceEngine::classifierLayer() const { return d->classifier; }

std::vector<float> ClassifierLayer::probabilities(const float *unitEmbedding, double norm) const
{
    std::vector<float> p(std::size_t(classes), 0.0f);
    if (!valid())
        return p;
    double top = -1e300;
    std::vector<double> logits(std::size_t(classes), 0.0);
    for (int c = 0; c < classes; ++c) {
        const float *w = weight.data() + std::size_t(c) * std::size_t(dimension);
        double dot = 0;
        for (int i = 0; i < dimension; ++i)
            dot += double(w[i]) * unitEmbedding[i];
        logits[std::size_t(c)] = dot * norm + bias[std::size_t(c)];
        top = std::max(top, logits[std::size_t(c)]);
    }
    double sum = 0;
    for (double &l : logits)
        sum += (l = std::exp(l - top));
    for (int c = 0; c < classes; ++c)
        p[std::size_t(c)] = float(logits[std::size_t(c)] / sum);
    return p;
}

int InferenceEngine::defaultInferenceThreads()
{
    return int(std::max(1u, std::thread::hardware_concurrency() / 2));
}

QString InferenceEngine::torchVersion() { return QStringLiteral(TORCH_VERSION); }

bool InferenceEngine::cudaAvailable() { return torch::cuda::is_available(); }

Result<std::unique_ptr<InferenceEngine>> InferenceEngine::load(const ModelManifest &manifest, const EngineOptions &options)
{
    auto device = chooseDevice(options.device);
    if (!device)
        return device.error();
    if (options.threads < 0 || options.threads > 256)
        return Error{ErrorCode::InvalidArgument, QStringLiteral("--threads must be between 1 and 256 (0 = one per core)")};
    if (auto sum = verifyChecksum(manifest); !sum)
        return sum.error();

    auto impl = std::make_unique<Impl>();
    impl->manifest = manifest;
    impl->device = device.value();
    // Debian's LibTorch starts with one intra-op thread: always set it explicitly.
    int threads = options.threads > 0 ? options.threads : defaultInferenceThreads();
    if (options.configureThreads) {
        at::set_num_threads(threads);
        keepBlasSingleThreaded();
    } else {
        threads = at::get_num_threads();
    }
    impl->info.threads = threads;
    impl->info.device = QString::fromStdString(impl->device.str());
    impl->info.deviceName = impl->device.is_cuda()
                                ? QStringLiteral("CUDA GPU %1").arg(impl->device.index())
                                : QStringLiteral("CPU, %1 thread%2").arg(threads).arg(threads == 1 ? "" : "s");
    std::optional<torch::jit::Module> optimized;
    try {
        impl->module = torch::jit::load(manifest.modelFile.toStdString(), impl->device);
        impl->module.eval();
        impl->classifier = lastLinearLayer(impl->module);
        if (options.optimize && !impl->device.is_cuda())
            optimized = optimizedForCpu(impl->module);
    } catch (const c10::Error &e) {
        return Error{ErrorCode::ModelError, QStringLiteral("cannot load %1: %2").arg(manifest.modelFile, describe(e))};
    } catch (const std::exception &e) {
        return Error{ErrorCode::ModelError, QStringLiteral("cannot load %1: %2").arg(manifest.modelFile, QString::fromUtf8(e.what()))};
    }
    impl->info.path = QStringLiteral("TorchScript") + (impl->device.is_cuda() ? QStringLiteral(", CUDA") : QString());
    std::unique_ptr<InferenceEngine> engine(new InferenceEngine(std::move(impl)));

    // Check the output contract on a probe that is not flat (a flat one would
    // hide a difference between the plain and the optimised module).
    const int size = manifest.preprocess.cropSize;
    std::vector<float> probeInput(std::size_t(3) * size * size);
    for (std::size_t i = 0; i < probeInput.size(); ++i)
        probeInput[i] = float(int(i * 2654435761u % 2001) - 1000) / 500.0f;
    auto probe = engine->run(probeInput.data(), 1);
    if (!probe)
        return Error{ErrorCode::ModelError, QStringLiteral("the model does not run as its manifest says: %1").arg(probe.error().message)};
    if (probe.value().classes != manifest.labels.size())
        return Error{ErrorCode::ModelError, QStringLiteral("the model returns %1 classes but the label file has %2")
                                                .arg(probe.value().classes).arg(manifest.labels.size())};
    engine->d->info.embeddingDim = probe.value().embeddingDim;
    if (!layerMatches(engine->d->classifier, probe.value()))
        engine->d->classifier = {};
    if (optimized) {
        // The optimised module must answer the probe as the plain one did.
        torch::jit::Module plain = engine->d->module;
        engine->d->module = *optimized;
        const auto check = engine->run(probeInput.data(), 1);
        const double difference = check ? largestDifference(check.value(), probe.value()) : 1.0;
        if (difference <= kOptimizedTolerance) {
            engine->d->info.path = QString::fromLatin1(kOneDnnPath);
            engine->d->info.optimizedDifference = difference;
        } else {
            const QString better = betterBlasCore();
            qCWarning(lcModel).noquote() << QStringLiteral("the optimised module differs from the plain one by %1; running plain TorchScript%2")
                                                .arg(check ? QString::number(difference) : check.error().message,
                                                     better.isEmpty() ? QString() : QStringLiteral(" (set OPENBLAS_CORETYPE=%1 for its speed)").arg(better));
            engine->d->module = plain;
        }
    }
    engine->d->info.deviceName += QStringLiteral(", ") + engine->d->info.path;
    if (options.warmUp) // first calls allocate and pick kernels
        engine->run(probeInput.data(), 1);
    qCInfo(lcModel).noquote() << "loaded" << manifest.name << manifest.version << "on" << engine->info().deviceName << "-" << blasCoreReport();
    return engine;
}

Result<EngineOutput> InferenceEngine::run(const float *input, int count)
{
    if (count <= 0)
        return EngineOutput{};
    const ModelManifest &m = d->manifest;
    const int size = m.preprocess.cropSize;
    const int chunk = m.maxBatch > 0 ? m.maxBatch : count;
    EngineOutput out;
    out.count = count;
    std::lock_guard lock(d->mutex);
    try {
        c10::InferenceMode guard;
        for (int first = 0; first < count; first += chunk) {
            const int n = std::min(chunk, count - first);
            const float *ptr = input + std::size_t(first) * 3 * size * size;
            torch::Tensor batch = torch::from_blob(const_cast<float *>(ptr), {n, 3, size, size}, torch::kFloat32);
            if (d->device.is_cuda())
                batch = batch.to(d->device, /*non_blocking=*/false);
            const torch::jit::IValue result = d->module.forward({batch});
            torch::Tensor logits, embedding;
            if (result.isTuple()) {
                const auto &elements = result.toTupleRef().elements();
                if (m.logitsOutput >= int(elements.size()) || m.embeddingOutput >= int(elements.size()))
                    return Error{ErrorCode::ModelError, QStringLiteral("the model returns %1 outputs").arg(elements.size())};
                logits = elements[m.logitsOutput].toTensor();
                if (m.embeddingOutput >= 0)
                    embedding = elements[m.embeddingOutput].toTensor();
            } else if (result.isTensor()) {
                logits = result.toTensor();
                if (m.embeddingOutput >= 0)
                    return Error{ErrorCode::ModelError, QStringLiteral("the manifest names an embedding output but the model returns one tensor")};
            } else {
                return Error{ErrorCode::ModelError, QStringLiteral("the model returns neither a tensor nor a tuple")};
            }
            if (logits.dim() != 2 || logits.size(0) != n)
                return Error{ErrorCode::ModelError, QStringLiteral("unexpected logits shape")};
            const torch::Tensor probs = torch::softmax(logits.to(torch::kCPU, torch::kFloat32), 1).contiguous();
            out.classes = int(probs.size(1));
            out.probabilities.insert(out.probabilities.end(), probs.data_ptr<float>(), probs.data_ptr<float>() + probs.numel());
            if (embedding.defined()) {
                torch::Tensor e = embedding.to(torch::kCPU, torch::kFloat32).reshape({n, -1});
                const torch::Tensor norms = e.norm(2, {1}, /*keepdim=*/true).clamp_min(1e-12);
                e = (e / norms).contiguous();
                const torch::Tensor flat = norms.reshape({n}).contiguous();
                out.embeddingNorms.insert(out.embeddingNorms.end(), flat.data_ptr<float>(), flat.data_ptr<float>() + n);
                out.embeddingDim = int(e.size(1));
                out.embeddings.insert(out.embeddings.end(), e.data_ptr<float>(), e.data_ptr<float>() + e.numel());
            }
        }
    } catch (const c10::Error &e) {
        return Error{ErrorCode::ModelError, QStringLiteral("inference failed: %1").arg(describe(e))};
    } catch (const std::exception &e) {
        return Error{ErrorCode::ModelError, QStringLiteral("inference failed: %1").arg(QString::fromUtf8(e.what()))};
    }
    return out;
}

} // namespace listinglens
