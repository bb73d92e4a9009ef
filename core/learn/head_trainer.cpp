// The category head's training: the second translation unit that includes LibTorch.
#include <torch/torch.h>

#include "head_trainer.h"

#include "listing_index.h"
#include "price_suggester.h"
#include "linear_fit.h"
#include "listing_split.h"
#include "neighbour_mix.h"
#include "out_of_fold.h"
#include "support_gate.h"

#include <QDateTime>
#include <QElapsedTimer>

#include <algorithm>
#include <bit>
#include <cmath>
#include <functional>
#include <limits>
#include <numeric>
#include <tuple>
#include <unordered_map>

namespace listinglens {

namespace {

Error refusal(const QString &why)
{
    return {ErrorCode::InvalidArgument, QStringLiteral("cannot train a head: %1").arg(why)};
}


torch::Tensor powerNormalised(const torch::Tensor &p, double temperature)
{
    const torch::Tensor q = p.clamp_min(0).pow(1.0 / temperature);
    return q / q.sum(1, true).clamp_min(1e-30);
}

// The temperature in [0.05, 20] that minimises the NLL of p^(1/T) (p^(1/T) on a
// softmax is the softmax of logits / T). With a gate share g per row, the NLL
// of g p^(1/T) + (1 - g) builtin: the gate blends the calibrated mixture with
// the built-in mapping where photos are unlike the training photos (as unseen
// listings often are), so the temperature best before the gate is not the
// one best after it.
double fitTemperature(const torch::Tensor &p, const torch::Tensor &y, const torch::Tensor &builtin = {}, const torch::Tensor &g = {})
{
    if (g.defined() && !(g.max().item<float>() > 0))
        return fitTemperature(p, y); // a gate shut for every row: the temperature changes nothing there
    double best = 1, bestLoss = 1e300;
    for (double t = 0.05; t <= 20; t *= 1.03) {
        const torch::Tensor q = powerNormalised(p, t);
        const double l = meanNll(g.defined() ? g * q + (1 - g) * builtin : q, y);
        if (l < bestLoss) {
            bestLoss = l;
            best = t;
        }
    }
    return best;
}

SplitScores score(const torch::Tensor &p, const torch::Tensor &y)
{
    SplitScores s;
    s.n = int(y.size(0));
    if (s.n == 0)
        return s;
    const int k = int(std::min<int64_t>(3, p.size(1)));
    const torch::Tensor top = std::get<1>(p.topk(k, 1));
    const torch::Tensor hit1 = top.select(1, 0) == y;
    const torch::Tensor conf = std::get<0>(p.max(1)).to(torch::kFloat64).contiguous();
    // The rows the ECE bins: an answer without a finite confidence has no top
    // category either (topk ranks NaN first), so top-1 and top-3 skip it too.
    const torch::Tensor scored = torch::isfinite(conf);
    const double rows = scored.sum().item<double>();
    if (rows > 0) {
        s.top1 = (hit1 & scored).sum().item<double>() / rows;
        s.top3 = ((top == y.unsqueeze(1)).any(1) & scored).sum().item<double>() / rows;
    }
    std::vector<double> confidence(conf.data_ptr<double>(), conf.data_ptr<double>() + conf.numel());
    std::vector<bool> correct(std::size_t(s.n));
    const torch::Tensor h = hit1.contiguous();
    const auto hits = h.accessor<bool, 1>();
    for (int i = 0; i < s.n; ++i)
        correct[std::size_t(i)] = hits[i];
    s.ece = HeadTrainer::expectedCalibrationError(confidence, correct);
    return s;
}

// The linear layer of the weight decay that does best on validation (top-1, then NLL after a temperature).
Fitted bestWeightDecay(const torch::Tensor &xTrain, const torch::Tensor &yTrain, const torch::Tensor &xVal, const torch::Tensor &yVal,
                       const torch::Tensor &classWeight, const torch::Tensor &learned, double &bestDecay)
{
    Fitted best;
    double bestTop1 = -1, bestLoss = 1e300;
    for (double decay : {1e-4, 3e-4, 1e-3}) {
        Fitted f;
        {
            torch::AutoGradMode grad(true);
            f = fitLinear(xTrain, yTrain, classWeight, learned, decay);
        }
        const torch::Tensor p = torch::softmax(xVal.mm(f.weight) + f.bias, 1);
        const SplitScores s = score(p, yVal);
        const double loss = meanNll(powerNormalised(p, fitTemperature(p, yVal)), yVal);
        if (s.top1 > bestTop1 + 1e-9 || (std::abs(s.top1 - bestTop1) <= 1e-9 && loss < bestLoss)) {
            best = f;
            bestTop1 = s.top1;
            bestLoss = loss;
            bestDecay = decay;
        }
    }
    return best;
}

double rounded(double v)
{
    return std::round(v * 10000.0) / 10000.0;
}

// Top-1 per row of a distribution (or the labels themselves, for a 1-D tensor).
std::vector<int> topOne(const torch::Tensor &t)
{
    const torch::Tensor index = (t.dim() == 2 ? std::get<1>(t.max(1)) : t).to(torch::kInt64).contiguous();
    return std::vector<int>(index.data_ptr<int64_t>(), index.data_ptr<int64_t>() + index.numel());
}

// Prices: what the suggester gives a validation listing from the training
// listings of its (confirmed) category; the share inside [low, high].
double priceInsideRange(const std::vector<TrainingExample> &examples, const std::vector<int> &train, const std::vector<int> &validation,
                        const Taxonomy &taxonomy, int dim)
{
    ListingIndex index(dim);
    for (int i : train) {
        const TrainingExample &e = examples[std::size_t(i)];
        if (e.price > 0)
            index.add({e.id, taxonomy.categories()[std::size_t(e.category)].id, true, e.price, e.phash, {}, {}}, e.embedding);
    }
    int priced = 0, inside = 0;
    for (int i : validation) {
        const TrainingExample &e = examples[std::size_t(i)];
        if (e.price <= 0)
            continue;
        const Category &c = taxonomy.categories()[std::size_t(e.category)];
        const PriceSuggestion s = PriceSuggester::suggest(c, index.priceEvidence(c.id, e.embedding));
        ++priced;
        inside += (e.price >= s.low && e.price <= s.high) ? 1 : 0;
    }
    return priced > 0 ? double(inside) / priced : 0;
}

// Why these examples cannot train a head (nothing when they can).
std::optional<Error> refuseUnusable(const std::vector<TrainingExample> &examples, int categories, const TrainingOptions &options)
{
    if (examples.empty())
        return refusal(QStringLiteral("the database has no confirmed listings; import a catalogue (`listinglens import`) or confirm suggestions first"));
    if (int(examples.size()) < HeadTrainer::kMinExamples)
        return refusal(QStringLiteral("too few confirmed listings (%1; at least %2 are needed)").arg(examples.size()).arg(HeadTrainer::kMinExamples));
    if (!(options.validationShare >= 0.05 && options.validationShare <= 0.5))
        return refusal(QStringLiteral("--validation-share must be between 0.05 and 0.5"));
    if (options.folds != 0 && (options.folds < 2 || options.folds > HeadTrainer::kMaxFolds))
        return refusal(QStringLiteral("the number of folds must be 0 (one per validation share) or 2 to %1, not %2").arg(HeadTrainer::kMaxFolds).arg(options.folds));
    const int dim = int(examples.front().embedding.size());
    std::vector<int> examplesPerCategory(std::size_t(categories), 0);
    for (const TrainingExample &e : examples) {
        if (e.category < 0 || e.category >= categories || int(e.embedding.size()) != dim || dim == 0)
            return refusal(QStringLiteral("listing %1 is not a usable example").arg(e.id));
        ++examplesPerCategory[std::size_t(e.category)];
    }
    if (std::count_if(examplesPerCategory.begin(), examplesPerCategory.end(), [](int n) { return n > 0; }) < 2)
        return refusal(QStringLiteral("every confirmed listing is in one category; a head needs at least two"));
    return std::nullopt;
}

void setWeights(CategoryHead &h, const Fitted &fitted)
{
    const torch::Tensor wt = fitted.weight.t().contiguous();
    h.weight.assign(wt.data_ptr<float>(), wt.data_ptr<float>() + wt.numel());
    const torch::Tensor bias = fitted.bias.contiguous();
    h.bias.assign(bias.data_ptr<float>(), bias.data_ptr<float>() + bias.numel());
}

// The head's temperature, its mixture with the built-in mapping (when known)
// and the mixture's temperature, fitted on validation; the final distribution.
// What a head was trained for: the model, the categories and when.
void describeHead(CategoryHead &h, const Taxonomy &taxonomy, const TrainingOptions &options, int dim)
{
    h.createdMs = QDateTime::currentMSecsSinceEpoch();
    h.modelName = options.modelName;
    h.modelVersion = options.modelVersion;
    h.taxonomyFingerprint = taxonomy.fingerprint();
    h.categoryIds = taxonomy.ids();
    h.dimension = dim;
}

// The mixture before its temperature (fitted here too): the head, the
// built-in mapping and, with a pool, the neighbours' votes.
torch::Tensor calibrated(const torch::Tensor &headVal, const torch::Tensor &builtinVal, const torch::Tensor &yVal, bool leftOut,
                         const NeighbourPool *pool, double &headTemperature, NeighbourMix &mix, double &temperature, torch::Tensor &headCal)
{
    headTemperature = fitTemperature(headVal, yVal);
    headCal = powerNormalised(headVal, headTemperature);
    mix = fitMixture(headCal, builtinVal, yVal, leftOut, pool);
    const torch::Tensor mixed = mix.of(headCal, builtinVal);
    temperature = fitTemperature(mixed, yVal);
    return mixed;
}

void splitIndices(const std::vector<TrainingExample> &examples, const TrainingOptions &options, std::vector<int> &train,
                  std::vector<int> &validation)
{
    const std::vector<bool> isValidation = splitByListing(examples, options);
    for (int i = 0; i < int(examples.size()); ++i)
        (isValidation[std::size_t(i)] ? validation : train).push_back(i);
}

// A head's scores on the validation rows, with the votes it asks for from the listings as the index would hold them.
SplitScores scoreOf(const CategoryHead &head, const std::vector<TrainingExample> &examples, const std::vector<int> &validation,
                    const torch::Tensor &yVal, int categories, const NeighbourPool &pool)
{
    std::vector<double> q;
    const torch::Tensor p = rowsOfValues(validation.size(), categories, [&](std::size_t i) -> const std::vector<double> & {
        const TrainingExample &e = examples[std::size_t(validation[i])];
        return q = head.probabilities(e.embedding.data(), e.builtin, pool.votesFor(head, i));
    });
    return score(p, yVal);
}

std::vector<bool> learnedFlags(const CategoryHead &h)
{
    std::vector<bool> learned(std::size_t(h.categories()), false);
    for (int c = 0; c < h.categories(); ++c)
        learned[std::size_t(c)] = h.learned(c);
    return learned;
}

// The report `model train` prints, less "fit": counts, per category, the pairs most often confused, validation.
QJsonObject reportOf(const TrainedHead &t, const std::vector<TrainingExample> &examples, const std::vector<int> &train,
                     const Taxonomy &taxonomy, bool haveBuiltin)
{
    std::vector<int> trainCount(taxonomy.categories().size(), 0);
    for (int i : train)
        ++trainCount[std::size_t(examples[std::size_t(i)].category)];
    QJsonObject validationJson = t.validation.json();
    validationJson.insert(QStringLiteral("price_inside_range"), rounded(t.priceInsideRange));
    validationJson.insert(QStringLiteral("active"), t.active ? QJsonValue(t.active->json()) : QJsonValue(QJsonValue::Null));
    validationJson.insert(QStringLiteral("builtin"), haveBuiltin ? QJsonValue(t.builtin.json()) : QJsonValue(QJsonValue::Null));
    return {{QStringLiteral("examples"), int(examples.size())},
            {QStringLiteral("training_examples"), int(train.size())},
            {QStringLiteral("categories"), perCategoryReport(taxonomy, trainCount, learnedFlags(t.head), t.outcome)},
            {QStringLiteral("most_confused"), mostConfused(taxonomy, t.outcome)},
            {QStringLiteral("validation"), validationJson}};
}

// Which validation listings the head and the mapping (when defined) name right.
void setOutcome(TrainedHead &t, const torch::Tensor &truth, const torch::Tensor &head, const torch::Tensor &builtin)
{
    t.outcome.truth = topOne(truth);
    t.outcome.head = topOne(head);
    if (builtin.defined())
        t.outcome.builtin = topOne(builtin);
}

// The mixture's shares and temperatures, as fitted on validation.
void setMixture(CategoryHead &h, const NeighbourMix &mix, double headTemperature, double temperature)
{
    h.headTemperature = headTemperature;
    h.builtinShare = mix.builtinShare;
    h.neighbourK = mix.k;
    h.neighbourPower = mix.power;
    h.neighbourShare = mix.share;
    h.temperature = temperature;
}

// What training chose, for the report.
// `rows`: those the mixture's temperatures were fitted on (no folds: the validation split's).
QJsonObject fitReport(const CategoryHead &h, double decay, const SupportGate &gate, const CalibrationRows &rows, double seconds, const QString &seed)
{
    const QJsonObject fittedOn{{QStringLiteral("rows"), rows.y.defined() ? int(rows.y.size(0)) : 0},
                               {QStringLiteral("split"), rows.folds > 0 ? QStringLiteral("out_of_fold") : QStringLiteral("validation")},
                               {QStringLiteral("folds"), rows.folds}};
    return {{QStringLiteral("weight_decay"), decay},
            {QStringLiteral("head_temperature"), rounded(h.headTemperature)},
            {QStringLiteral("builtin_share"), rounded(h.builtinShare)},
            {QStringLiteral("neighbours"), QJsonObject{{QStringLiteral("k"), h.neighbourK},
                                                       {QStringLiteral("power"), h.neighbourPower},
                                                       {QStringLiteral("share"), rounded(h.neighbourShare)},
                                                       {QStringLiteral("unvoted_temperature"), rounded(h.unvotedTemperature)}}},
            {QStringLiteral("temperature"), rounded(h.temperature)},
            {QStringLiteral("temperature_fitted_on"), fittedOn},
            {QStringLiteral("gate"), gate.json()},
            {QStringLiteral("seconds"), rounded(seconds)},
            {QStringLiteral("seed"), seed}};
}

// The mixture's temperatures with its shares chosen already: with the votes,
// and without (the head stands in: a new model version's listing index starts
// empty, and votes sharpen the mixture), each by the NLL after the gate.
std::pair<double, double> mixtureTemperatures(const CalibrationRows &rows, const NeighbourMix &mix, double headTemperature)
{
    const torch::Tensor headCal = powerNormalised(rows.head, headTemperature);
    NeighbourMix voted = mix, unvoted = mix;
    unvoted.votes = torch::Tensor();
    voted.votes = mix.share > 0 ? rows.pool.votes(mix.k, mix.power, headCal) : torch::Tensor();
    const double temperature = fitTemperature(voted.of(headCal, rows.builtin), rows.y, rows.builtin, rows.gate);
    return {temperature, mix.share > 0 ? fitTemperature(unvoted.of(headCal, rows.builtin), rows.y, rows.builtin, rows.gate) : temperature};
}

// The head as it answers its validation listings, their votes from every other listing.
torch::Tensor validationAnswers(const torch::Tensor &headVal, const torch::Tensor &builtinVal, const torch::Tensor &gateVal, const NeighbourPool &pool,
                                const NeighbourMix &mix, double headTemperature, double temperature)
{
    const torch::Tensor headCalVal = powerNormalised(headVal, headTemperature);
    NeighbourMix mixVal = mix;
    if (mix.share > 0)
        mixVal.votes = pool.votes(mix.k, mix.power, headCalVal);
    const torch::Tensor finalVal = powerNormalised(mixVal.of(headCalVal, builtinVal), temperature);
    return gateVal.defined() ? gateVal * finalVal + (1 - gateVal) * builtinVal : finalVal;
}

} // namespace

QJsonObject SplitScores::json() const
{
    return {{QStringLiteral("n"), n}, {QStringLiteral("top1"), rounded(top1)}, {QStringLiteral("top3"), rounded(top3)},
            {QStringLiteral("ece"), std::isfinite(ece) ? QJsonValue(rounded(ece)) : QJsonValue()}}; // null: no answer binned
}

std::vector<bool> HeadTrainer::validationSplit(const std::vector<TrainingExample> &examples, const TrainingOptions &options)
{
    return splitByListing(examples, options);
}

Result<HeadTrainer::BuiltinCalibration> HeadTrainer::calibrateBuiltin(const std::vector<TrainingExample> &examples,
                                                                     double currentTemperature, const TrainingOptions &options)
{
    if (int(examples.size()) < kMinExamples)
        return refusal(QStringLiteral("too few confirmed listings to calibrate on (%1; at least %2)").arg(examples.size()).arg(kMinExamples));
    const int categories = int(examples.front().builtin.size());
    if (categories == 0 || !std::all_of(examples.begin(), examples.end(), [&](const TrainingExample &e) { return int(e.builtin.size()) == categories; }))
        return refusal(QStringLiteral("the model's classifier layer is unknown: the built-in mapping cannot be computed from stored embeddings"));
    if (!(options.validationShare >= 0.05 && options.validationShare <= 0.5))
        return refusal(QStringLiteral("--validation-share must be between 0.05 and 0.5"));
    std::vector<int> fit, held;
    splitIndices(examples, options, fit, held);
    if (int(held.size()) < kMinValidation || int(fit.size()) < kMinExamples / 2)
        return refusal(QStringLiteral("too few confirmed listings to calibrate on (%1 to fit, %2 to measure)").arg(fit.size()).arg(held.size()));
    torch::NoGradGuard noGrad;
    // Back to the uncalibrated mass: p^(1/T) normalised, raised to T, normalised.
    const torch::Tensor pFit = powerNormalised(builtinOf(examples, fit, categories), 1.0 / currentTemperature);
    const torch::Tensor pHeld = powerNormalised(builtinOf(examples, held, categories), 1.0 / currentTemperature);
    BuiltinCalibration c;
    c.temperature = fitTemperature(pFit, labelsOf(examples, fit));
    c.before = score(pHeld, labelsOf(examples, held));
    c.after = score(powerNormalised(pHeld, c.temperature), labelsOf(examples, held));
    c.fittedOn = int(fit.size());
    return c;
}

Result<TrainedHead> HeadTrainer::train(const std::vector<TrainingExample> &examples, const Taxonomy &taxonomy,
                                       const CategoryHead *active, const TrainingOptions &options)
{
    // LibTorch reports failures (and running out of memory) as exceptions: they end here.
    try {
        Result<TrainedHead> trained = trainUnguarded(examples, taxonomy, active, options);
        // Stored, a head whose validation answers have no finite confidence would show as calibrated: refused instead.
        if (trained.ok() && !std::isfinite(trained.value().validation.ece))
            return Error{ErrorCode::Internal, QStringLiteral("training failed: none of the head's %1 validation answers has a finite confidence")
                                                  .arg(trained.value().validation.n)};
        return trained;
    } catch (const c10::Error &e) {
        return Error{ErrorCode::Internal, QStringLiteral("training failed: %1").arg(QString::fromUtf8(e.what_without_backtrace()))};
    } catch (const std::bad_alloc &) {
        return Error{ErrorCode::Internal, QStringLiteral("training failed: out of memory for %1 listings").arg(examples.size())};
    } catch (const std::exception &e) {
        return Error{ErrorCode::Internal, QStringLiteral("training failed: %1").arg(QString::fromUtf8(e.what()))};
    }
}

Result<TrainedHead> HeadTrainer::trainUnguarded(const std::vector<TrainingExample> &examples, const Taxonomy &taxonomy,
                                                const CategoryHead *active, const TrainingOptions &options)
{
    QElapsedTimer timer;
    timer.start();
    const int categories = int(taxonomy.categories().size());
    if (auto unusable = refuseUnusable(examples, categories, options))
        return *unusable;
    const int dim = int(examples.front().embedding.size());
    const bool haveBuiltin = std::all_of(examples.begin(), examples.end(), [&](const TrainingExample &e) { return int(e.builtin.size()) == categories; });

    std::vector<int> train, validation;
    splitIndices(examples, options, train, validation);
    if (int(validation.size()) < kMinValidation || int(train.size()) < kMinExamples / 2)
        return refusal(QStringLiteral("too few confirmed listings for a validation split (%1 for training, %2 for validation)")
                           .arg(train.size()).arg(validation.size()));

    torch::NoGradGuard noGradOutside; // re-enabled inside fitLinear by requires_grad tensors under AutoGradMode
    const torch::Tensor xTrain = embeddingRows(examples, train, dim), xVal = embeddingRows(examples, validation, dim);
    const torch::Tensor yTrain = labelsOf(examples, train), yVal = labelsOf(examples, validation);
    const LearnedCategories learned = learnedCategories(yTrain, categories);
    if (learned.number() < 2)
        return refusal(QStringLiteral("fewer than two categories have %1 training examples").arg(kMinPerCategory));

    // Weight decay: the one that does best on validation.
    double bestDecay = 0;
    const Fitted best = bestWeightDecay(xTrain, yTrain, xVal, yVal, learned.classWeight, learned.learned, bestDecay);

    const torch::Tensor builtinVal = haveBuiltin ? builtinOf(examples, validation, categories) : torch::Tensor();
    const torch::Tensor headVal = torch::softmax(xVal.mm(best.weight) + best.bias, 1);
    TrainedHead t;
    CategoryHead &h = t.head;
    describeHead(h, taxonomy, options, dim);
    setWeights(h, best);
    SupportGate gate;
    torch::Tensor gateVal;
    if (haveBuiltin && options.gate) {
        gate = SupportGateFitter::fit(examples, train, validation, learned.flags(), dim);
        withGate(h, gate);
        gateVal = columnOf(gateShares(h, examples, validation));
    }
    const bool votes = options.neighbours && int(validation.size()) >= kMinValidationForVotes;
    const NeighbourPool pool = votes ? NeighbourPool::ofListings(examples, train, validation, categories, options.duplicateMaxHamming) : NeighbourPool{};
    // The shares (and the head's own temperature) chosen on the validation split.
    double headTemperature = 1, temperature = 1;
    NeighbourMix mix;
    torch::Tensor headCal;
    calibrated(headVal, builtinVal, yVal, !learned.learned.all().item<bool>(), votes ? &pool : nullptr, headTemperature, mix, temperature, headCal);
    // The mixture's temperatures fitted on every listing answered out of fold
    // where the votes are fitted, else on the validation split: its few hundred
    // listings leave them following their draw (the shares chosen there keep top-1).
    // Where skipped folds leave fewer rows than the validation split, the validation rows fit them.
    CalibrationRows rows = votes && options.crossFit ? outOfFoldRows(examples, options, categories, dim, bestDecay, haveBuiltin) : CalibrationRows{};
    const bool outOfFold = rows.y.defined() && rows.y.size(0) >= std::max<std::int64_t>(kMinValidationForVotes, std::int64_t(validation.size()));
    if (!outOfFold)
        rows = CalibrationRows{headVal, builtinVal, yVal, gateVal, pool};
    std::tie(temperature, h.unvotedTemperature) = mixtureTemperatures(rows, mix, headTemperature);
    setMixture(h, mix, headTemperature, temperature);
    const torch::Tensor finalVal = validationAnswers(headVal, builtinVal, gateVal, pool, mix, headTemperature, temperature);

    t.validation = score(finalVal, yVal);
    if (haveBuiltin)
        t.builtin = score(builtinVal, yVal);
    if (active && active->checkFits(taxonomy, options.modelName, options.modelVersion, dim))
        t.active = scoreOf(*active, examples, validation, yVal, categories,
                           active->usesNeighbours() && !votes ? NeighbourPool::ofListings(examples, train, validation, categories, options.duplicateMaxHamming) : pool);

    t.priceInsideRange = priceInsideRange(examples, train, validation, taxonomy, dim);

    setOutcome(t, yVal, finalVal, haveBuiltin ? builtinVal : torch::Tensor());
    t.seconds = timer.elapsed() / 1000.0;
    t.report = reportOf(t, examples, train, taxonomy, haveBuiltin);
    t.report.insert(QStringLiteral("fit"), fitReport(h, bestDecay, gate, rows, t.seconds, QString::number(options.seed)));
    h.report = t.report;
    return t;
}

} // namespace listinglens
