// Fine-tuning the top of the backbone: a translation unit that includes LibTorch.
#include <torch/torch.h>

#include "fine_tuner.h"

#include "linear_fit.h"
#include "trainable_mobilenet.h"
#include "training_views.h"

#include <QElapsedTimer>
#include <QJsonArray>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <numeric>
#include <random>
#include <thread>

namespace listinglens {

namespace {

Error refusal(const QString &why)
{
    return {ErrorCode::InvalidArgument, QStringLiteral("cannot fine-tune the model: %1").arg(why)};
}

double rounded(double v)
{
    return std::round(v * 10000.0) / 10000.0;
}

// Views the frozen part runs at once: 64 take about 15 % less CPU a view than
// 32 (oneDNN, 2 threads), for about 230 MB more at the peak; 96 gain little more.
constexpr std::size_t kViewBatch = 64;

// The frozen part's output for every listing's views: N x (1 + views) x C x H x W, fp16.
struct ViewCache {
    torch::Tensor features;
    std::vector<int> kept;     // index into the examples for each row
    int unreadable = 0;
};

Result<ViewCache> cacheViews(const TrainableMobileNet &net, const std::vector<FineTuneExample> &examples, const FineTuneOptions &o)
{
    torch::NoGradGuard noGrad;
    const ImageLoader loader(o.limits);
    std::mt19937_64 random(o.split.seed * 7919 + 17);
    const int perListing = 1 + o.views;
    const int64_t size = o.preprocess.cropSize;
    ViewCache cache;
    std::vector<torch::Tensor> rows;
    std::vector<float> input;
    std::vector<int> pending;
    auto flush = [&] {
        if (pending.empty())
            return;
        const torch::Tensor x = torch::from_blob(input.data(), {int64_t(pending.size()) * perListing, 3, size, size}, torch::kFloat32);
        const torch::Tensor f = net.frozen(x).to(torch::kFloat16);
        for (std::size_t i = 0; i < pending.size(); ++i)
            rows.push_back(f.narrow(0, int64_t(i) * perListing, perListing).clone());
        cache.kept.insert(cache.kept.end(), pending.begin(), pending.end());
        pending.clear();
        input.clear();
    };
    for (int i = 0; i < int(examples.size()); ++i) {
        auto image = loader.loadFile(examples[std::size_t(i)].photo);
        if (!image) {
            ++cache.unreadable;
            continue;
        }
        const std::vector<float> centre = TrainingViews::centre(image.value().bgr, o.preprocess);
        input.insert(input.end(), centre.begin(), centre.end());
        for (int v = 0; v < o.views; ++v) {
            const std::vector<float> view = TrainingViews::augmented(image.value().bgr, o.preprocess, random);
            input.insert(input.end(), view.begin(), view.end());
        }
        pending.push_back(i);
        if (pending.size() * std::size_t(perListing) >= kViewBatch)
            flush();
        if (o.progress && (i + 1) % 250 == 0)
            o.progress(QStringLiteral("views: %1 of %2 listings").arg(i + 1).arg(examples.size()));
    }
    flush();
    if (rows.empty())
        return refusal(QStringLiteral("none of the listings' photos could be read"));
    cache.features = torch::stack(rows);
    return cache;
}

// Cached fp16 activations as the tail's input: float, channels-last (the
// convolutions run about 15 % faster so than in the cache's plain layout).
torch::Tensor tailInput(const torch::Tensor &cached)
{
    return cached.to(torch::kFloat32).contiguous(at::MemoryFormat::ChannelsLast);
}

// Unit-length embeddings of one view of the given rows, through the network's tail.
torch::Tensor embed(const TrainableMobileNet &net, const torch::Tensor &features, const torch::Tensor &rows, int view, torch::Tensor *raw = nullptr)
{
    std::vector<torch::Tensor> parts;
    for (int64_t first = 0; first < rows.size(0); first += 128) {
        const torch::Tensor idx = rows.narrow(0, first, std::min<int64_t>(128, rows.size(0) - first));
        parts.push_back(net.tail(tailInput(features.index({idx, view}))));
    }
    const torch::Tensor e = torch::cat(parts);
    if (raw)
        *raw = e;
    return e / e.norm(2, {1}, true).clamp_min(1e-12);
}

// A linear probe on unit-length embeddings (LBFGS, class-balanced): the head's starting point.
std::pair<torch::Tensor, torch::Tensor> linearProbe(const torch::Tensor &x, const torch::Tensor &y, const torch::Tensor &classWeight)
{
    auto w = torch::zeros({classWeight.size(0), x.size(1)}, torch::requires_grad());
    auto b = torch::zeros({classWeight.size(0)}, torch::requires_grad());
    torch::optim::LBFGS optimiser({w, b}, torch::optim::LBFGSOptions(1).max_iter(200).history_size(20).line_search_fn("strong_wolfe"));
    optimiser.step([&] {
        optimiser.zero_grad();
        auto loss = torch::nll_loss(torch::log_softmax(torch::linear(x, w, b), 1), y, classWeight) + 3e-4 * w.pow(2).sum();
        loss.backward();
        return loss;
    });
    return {w.detach(), b.detach()};
}

// One-cycle: cosine warm-up over the first 30 % of steps from max/25, then cosine down to max/25e4.
double oneCycle(int step, int total)
{
    const int warm = std::max(1, int(0.3 * total));
    const double start = 1.0 / 25, end = start / 1e4;
    if (step < warm)
        return start + (1 - start) * (1 - std::cos(M_PI * step / warm)) / 2;
    return end + (1 - end) * (1 + std::cos(M_PI * double(step - warm) / std::max(1, total - warm))) / 2;
}

double top1(const torch::Tensor &logits, const torch::Tensor &y)
{
    return (logits.argmax(1) == y).to(torch::kFloat64).mean().item<double>();
}

} // namespace

namespace {

struct Labels {
    torch::Tensor train, validation;   // rows of the cache
    torch::Tensor yTrain, yValidation;
    torch::Tensor classWeight;
};

struct TrainingRun {
    QJsonArray epochs;
    double probeTop1 = 0, finalTop1 = 0;
};

// The training loop: AdamW on the tail and the head under one-cycle, the last
// epoch kept. The validation split is only measured (each epoch's top-1 goes
// to the report): no choice is made on it, so the head's calibration and the
// comparison with the linear head are fitted and judged on listings nothing
// here was chosen on.
TrainingRun trainTail(TrainableMobileNet &net, const torch::Tensor &features, const Labels &l, const FineTuneOptions &o)
{
    TrainingRun run;
    torch::Tensor w, b;
    {
        torch::NoGradGuard noGrad;
        const torch::Tensor xTrain = embed(net, features, l.train, 0);
        torch::AutoGradMode grad(true);
        std::tie(w, b) = linearProbe(xTrain, l.yTrain, l.classWeight);
    }
    {
        torch::NoGradGuard noGrad;
        run.probeTop1 = top1(torch::linear(embed(net, features, l.validation, 0), w, b), l.yValidation);
    }
    w.set_requires_grad(true);
    b.set_requires_grad(true);
    net.setTrainable(true);
    using torch::optim::AdamWOptions;
    std::vector<torch::optim::OptimizerParamGroup> groups;
    groups.emplace_back(net.tailParameters(), std::make_unique<AdamWOptions>(AdamWOptions(o.backboneLearningRate).weight_decay(o.weightDecay)));
    groups.emplace_back(std::vector<torch::Tensor>{w, b}, std::make_unique<AdamWOptions>(AdamWOptions(o.headLearningRate).weight_decay(o.weightDecay)));
    torch::optim::AdamW optimiser(std::move(groups), AdamWOptions(o.headLearningRate));
    const double maxRates[2] = {o.backboneLearningRate, o.headLearningRate};
    const int64_t n = l.train.size(0);
    const int stepsPerEpoch = int((n + o.batch - 1) / o.batch), total = stepsPerEpoch * o.epochs;
    torch::manual_seed(o.split.seed);
    int step = 0;
    for (int epoch = 1; epoch <= o.epochs; ++epoch) {
        const torch::Tensor order = torch::randperm(n, torch::kInt64);
        double lossSum = 0;
        for (int64_t first = 0; first < n; first += o.batch, ++step) {
            const torch::Tensor pick = order.narrow(0, first, std::min<int64_t>(o.batch, n - first));
            const torch::Tensor rows = l.train.index({pick}), views = torch::randint(0, features.size(1), {pick.size(0)}, torch::kInt64);
            for (std::size_t g = 0; g < 2; ++g)
                static_cast<AdamWOptions &>(optimiser.param_groups()[g].options()).lr(maxRates[g] * oneCycle(step, total));
            optimiser.zero_grad();
            const torch::Tensor e = net.tail(tailInput(features.index({rows, views})));
            const torch::Tensor logits = torch::linear(e / e.norm(2, {1}, true).clamp_min(1e-12), w, b);
            const torch::Tensor loss = torch::nll_loss(torch::log_softmax(logits, 1), l.yTrain.index({pick}), l.classWeight);
            loss.backward();
            optimiser.step();
            lossSum += loss.item<double>() * double(pick.size(0));
        }
        torch::NoGradGuard noGrad;
        run.finalTop1 = top1(torch::linear(embed(net, features, l.validation, 0), w, b), l.yValidation);
        run.epochs.append(QJsonObject{{QStringLiteral("epoch"), epoch}, {QStringLiteral("loss"), rounded(lossSum / double(n))},
                                      {QStringLiteral("validation_top1"), rounded(run.finalTop1)}});
        if (o.progress)
            o.progress(QStringLiteral("epoch %1 of %2: loss %3, validation top-1 %4").arg(epoch).arg(o.epochs).arg(lossSum / double(n), 0, 'f', 3).arg(run.finalTop1, 0, 'f', 3));
    }
    net.setTrainable(false);
    return run;
}

// Each kept listing as HeadTrainer sees it, with the network's current embeddings (centre view).
std::vector<TrainingExample> examplesOf(const TrainableMobileNet &net, const torch::Tensor &features, const ViewCache &cache,
                                        const std::vector<FineTuneExample> &examples, const Taxonomy &taxonomy)
{
    torch::NoGradGuard noGrad;
    torch::Tensor raw;
    const torch::Tensor all = torch::arange(features.size(0), torch::kInt64);
    const torch::Tensor unit = embed(net, features, all, 0, &raw).contiguous();
    const torch::Tensor probs = torch::softmax(torch::linear(raw, net.classifierWeight(), net.classifierBias()), 1).contiguous();
    std::vector<TrainingExample> out;
    out.reserve(cache.kept.size());
    const int64_t dim = unit.size(1), classes = probs.size(1);
    for (std::size_t r = 0; r < cache.kept.size(); ++r) {
        const FineTuneExample &source = examples[std::size_t(cache.kept[r])];
        TrainingExample e;
        e.id = source.id;
        e.category = source.category;
        e.phash = source.phash;
        e.embedding.assign(unit.data_ptr<float>() + int64_t(r) * dim, unit.data_ptr<float>() + int64_t(r + 1) * dim);
        e.builtin = taxonomy.categoryProbabilities(probs.data_ptr<float>() + int64_t(r) * classes, int(classes));
        out.push_back(std::move(e));
    }
    return out;
}

} // namespace

Result<FineTuned> FineTuner::run(const std::vector<FineTuneExample> &examples, const Taxonomy &taxonomy, const QString &baseModel,
                                 const QString &outModel, const FineTuneOptions &o)
{
    if (int(examples.size()) < kMinExamples)
        return refusal(QStringLiteral("too few confirmed listings with a readable photo (%1; at least %2)").arg(examples.size()).arg(kMinExamples));
    if (o.views < 0 || o.views > 16 || o.epochs < 1 || o.epochs > 100 || o.batch < 4)
        return refusal(QStringLiteral("views must be 0 to 16, epochs 1 to 100"));
    QElapsedTimer timer;
    timer.start();
    // CPU seconds of the whole process (every thread): under load, wall time says how
    // busy the machine was, CPU time what the work costs.
    const std::clock_t cpuStart = std::clock();
    const auto cpuSeconds = [cpuStart] { return double(std::clock() - cpuStart) / CLOCKS_PER_SEC; };
    try {
        // Every core while training (the engine's setting is half of them); back as it was on every way out.
        struct Threads {
            int before = at::get_num_threads();
            ~Threads() { at::set_num_threads(before); }
        } restore;
        at::set_num_threads(o.threads > 0 ? o.threads : int(std::max(1u, std::thread::hardware_concurrency())));
        auto net = TrainableMobileNet::load(baseModel, o.tailBlocks);
        if (!net)
            return net.error();
        auto cache = cacheViews(*net.value(), examples, o);
        if (!cache)
            return cache.error();
        const double viewSeconds = timer.elapsed() / 1000.0, viewCpu = cpuSeconds();
        FineTuned out;
        out.unreadable = cache.value().unreadable;
        out.base = examplesOf(*net.value(), cache.value().features, cache.value(), examples, taxonomy);
        const std::vector<bool> isValidation = HeadTrainer::validationSplit(out.base, o.split);
        std::vector<int64_t> train, validation, yTrain, yValidation;
        for (int64_t r = 0; r < int64_t(out.base.size()); ++r) {
            (isValidation[std::size_t(r)] ? validation : train).push_back(r);
            (isValidation[std::size_t(r)] ? yValidation : yTrain).push_back(out.base[std::size_t(r)].category);
        }
        if (int(train.size()) < kMinExamples / 2 || int(validation.size()) < HeadTrainer::kMinValidation)
            return refusal(QStringLiteral("too few listings for a validation split (%1 and %2)").arg(train.size()).arg(validation.size()));
        const int categories = int(taxonomy.categories().size());
        Labels l{torch::tensor(train), torch::tensor(validation), torch::tensor(yTrain), torch::tensor(yValidation), {}};
        const torch::Tensor counts = torch::bincount(l.yTrain, {}, categories).to(torch::kFloat32);
        // The head's weights (sqrtInverseFrequency), over every category with a
        // training example rather than only those the head learns
        // (kMinPerCategory and up): the tail's probe answers every category of
        // the taxonomy, so a category it is trained on needs a weight. This rule
        // is kept as it was; it has not been measured against the head's.
        l.classWeight = sqrtInverseFrequency(counts, counts > 0);
        const TrainingRun run = trainTail(*net.value(), cache.value().features, l, o);
        out.tuned = examplesOf(*net.value(), cache.value().features, cache.value(), examples, taxonomy);
        if (auto saved = net.value()->saveTorchScript(baseModel, outModel); !saved)
            return saved.error();
        out.seconds = timer.elapsed() / 1000.0;
        const double perListing = double(cache.value().features[0].numel()) * 2;
        out.report = {{QStringLiteral("listings"), int(out.tuned.size())}, {QStringLiteral("unreadable"), out.unreadable},
                      {QStringLiteral("views"), o.views}, {QStringLiteral("tail_blocks"), o.tailBlocks},
                      {QStringLiteral("epochs"), run.epochs},
                      {QStringLiteral("probe_top1"), rounded(run.probeTop1)}, {QStringLiteral("final_top1"), rounded(run.finalTop1)},
                      {QStringLiteral("parity"), net.value()->parityDifference()},
                      {QStringLiteral("cache_bytes_per_listing"), perListing},
                      {QStringLiteral("views_seconds"), rounded(viewSeconds)}, {QStringLiteral("seconds"), rounded(out.seconds)},
                      {QStringLiteral("views_cpu_seconds"), rounded(viewCpu)}, {QStringLiteral("cpu_seconds"), rounded(cpuSeconds())},
                      {QStringLiteral("threads"), at::get_num_threads()}};
        return out;
    } catch (const c10::Error &e) {
        return Error{ErrorCode::Internal, QStringLiteral("fine-tuning failed: %1").arg(QString::fromUtf8(e.what_without_backtrace()))};
    } catch (const std::bad_alloc &) {
        return Error{ErrorCode::Internal, QStringLiteral("fine-tuning failed: out of memory for %1 listings").arg(examples.size())};
    } catch (const std::exception &e) {
        return Error{ErrorCode::Internal, QStringLiteral("fine-tuning failed: %1").arg(QString::fromUtf8(e.what()))};
    }
}

} // namespace listinglens
