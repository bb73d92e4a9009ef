// The title word model's training: LibTorch for the multi-label logistic fit.
#include <torch/torch.h>

#include "word_trainer.h"

#include "title_words.h"
#include "word_vote.h"

#include <QElapsedTimer>
#include <QHash>

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>

namespace listinglens {

namespace {

Error refusal(const QString &why)
{
    return {ErrorCode::InvalidArgument, QStringLiteral("no title word model: %1").arg(why)};
}

// A word that can stand in a title alone: a letter, more than one character, and it names something.
bool titleWord(const QString &token, const QString &key)
{
    return token.size() > 1 && std::any_of(token.begin(), token.end(), [](QChar c) { return c.isLetter(); }) && !key.isEmpty()
           && !namesNothing(key);
}

struct Seen {
    int titles = 0;
    double place = 0;
    std::map<QString, int> forms;
};

// Each title's word keys (once each), and what the training titles say of each word.
std::vector<QSet<QString>> titleKeys(const std::vector<TrainingExample> &examples, const std::vector<bool> &counted,
                                     std::map<QString, Seen> &seen)
{
    std::vector<QSet<QString>> keys(examples.size());
    for (std::size_t i = 0; i < examples.size(); ++i) {
        const QStringList tokens = titleTokens(examples[i].title);
        for (int t = 0; t < int(tokens.size()); ++t) {
            const QString key = wordKey(tokens[t]);
            if (!titleWord(tokens[t], key) || keys[i].contains(key))
                continue;
            keys[i].insert(key);
            if (!counted[i])
                continue;
            Seen &s = seen[key];
            ++s.titles;
            s.place += relativePlace(t, int(tokens.size()));
            ++s.forms[tokens[t]];
        }
    }
    return keys;
}

// The vocabulary: the kMaxWords words of the most training titles, each in at
// least kMinSellers of them, with their usual spelling and place. Empty keys: too few.
QHash<QString, int> vocabulary(const std::map<QString, Seen> &seen, WordModel &m)
{
    std::vector<std::pair<int, QString>> common;
    for (const auto &[key, s] : seen) {
        if (s.titles >= WordTrainer::kMinSellers)
            common.emplace_back(-s.titles, key);
    }
    std::sort(common.begin(), common.end());
    if (common.size() > std::size_t(WordTrainer::kMaxWords))
        common.resize(std::size_t(WordTrainer::kMaxWords));
    QHash<QString, int> column;
    for (const auto &[count, key] : common) {
        const Seen &s = seen.at(key);
        column.insert(key, int(m.keys.size()));
        m.keys << key;
        m.spellings << std::max_element(s.forms.begin(), s.forms.end(), [](const auto &a, const auto &b) { return a.second < b.second; })->first;
        m.places.push_back(float(s.place / s.titles));
    }
    return column;
}

// The embeddings and word indicators of the chosen listings.
std::pair<torch::Tensor, torch::Tensor> wordRows(const std::vector<TrainingExample> &examples, const std::vector<std::size_t> &which,
                                                 const std::vector<QSet<QString>> &keys, const QHash<QString, int> &column, int dim)
{
    const int words = int(column.size());
    torch::Tensor x = torch::zeros({int64_t(which.size()), dim});
    torch::Tensor y = torch::zeros({int64_t(which.size()), words});
    auto xa = x.accessor<float, 2>();
    auto ya = y.accessor<float, 2>();
    for (std::size_t r = 0; r < which.size(); ++r) {
        const TrainingExample &e = examples[which[r]];
        for (int d = 0; d < dim; ++d)
            xa[int64_t(r)][d] = e.embedding[std::size_t(d)];
        for (const QString &key : keys[which[r]])
            if (const auto c = column.constFind(key); c != column.constEnd())
                ya[int64_t(r)][*c] = 1;
    }
    return {x, y};
}

// The logistic weights and biases of every word, L2-regularised, by LBFGS.
std::pair<torch::Tensor, torch::Tensor> fitWords(const torch::Tensor &x, const torch::Tensor &y)
{
    torch::Tensor w = torch::zeros({x.size(1), y.size(1)}, torch::requires_grad());
    // From each word's base rate: fewer steps to the optimum, the same optimum.
    const torch::Tensor rate = y.mean(0).clamp(1e-4, 1 - 1e-4);
    torch::Tensor b = torch::log(rate / (1 - rate)).detach().clone().requires_grad_(true);
    torch::AutoGradMode grad(true);
    torch::optim::LBFGS optimiser({w, b}, torch::optim::LBFGSOptions(1).max_iter(WordTrainer::kIterations).history_size(10).line_search_fn("strong_wolfe"));
    const double n = double(x.size(0));
    optimiser.step([&] {
        optimiser.zero_grad();
        auto loss = torch::binary_cross_entropy_with_logits(x.mm(w) + b, y, {}, {}, at::Reduction::Sum) / n
                    + WordTrainer::kDecay * w.pow(2).sum();
        loss.backward();
        return loss;
    });
    return {w.detach(), b.detach()};
}

// One scale and shift for every word, on listings the weights never saw.
std::pair<double, double> calibration(const torch::Tensor &logits, const torch::Tensor &y)
{
    torch::Tensor ab = torch::tensor({1.0f, 0.0f}).requires_grad_(true);
    torch::AutoGradMode grad(true);
    torch::optim::LBFGS calibrate({ab}, torch::optim::LBFGSOptions(1).max_iter(50).line_search_fn("strong_wolfe"));
    calibrate.step([&] {
        calibrate.zero_grad();
        auto loss = torch::binary_cross_entropy_with_logits(logits * ab[0] + ab[1], y);
        loss.backward();
        return loss;
    });
    return {std::clamp(double(ab[0].item<float>()), 1e-3, 1e2), std::clamp(double(ab[1].item<float>()), -1e2, 1e2)};
}

// The words a title would take from the model alone (probabilities p of the
// validation listings `which`), against their sellers' titles: mean recall, precision.
std::pair<double, double> modelTitles(const std::vector<TrainingExample> &examples, const std::vector<std::size_t> &which,
                                      const torch::Tensor &p, const WordModel &m)
{
    double recall = 0, precision = 0;
    const auto pa = p.accessor<float, 2>();
    for (std::size_t v = 0; v < which.size(); ++v) {
        std::vector<std::pair<float, int>> ranked;
        for (int k = 0; k < m.words(); ++k)
            if (pa[int64_t(v)][k] >= WordVote::kCandidate)
                ranked.emplace_back(-pa[int64_t(v)][k], k);
        std::sort(ranked.begin(), ranked.end());
        std::vector<double> likely;
        for (const auto &[negative, k] : ranked)
            likely.push_back(-double(negative));
        QStringList chosen;
        const int count = WordVote::expectedBest(likely);
        for (int r = 0; r < count; ++r)
            chosen << m.spellings[ranked[std::size_t(r)].second];
        const TitleOverlap o = titleOverlap(chosen.join(QLatin1Char(' ')), examples[which[v]].title);
        recall += o.recall;
        precision += o.precision;
    }
    const double n = double(std::max<std::size_t>(which.size(), 1));
    return {recall / n, precision / n};
}

} // namespace

Result<WordModel> WordTrainer::train(const std::vector<TrainingExample> &examples, const TrainingOptions &options)
{
    QElapsedTimer timer;
    timer.start();
    std::vector<std::size_t> titled;
    for (std::size_t i = 0; i < examples.size(); ++i) {
        if (!examples[i].embedding.empty() && !contentWords(examples[i].title).isEmpty())
            titled.push_back(i);
    }
    if (int(titled.size()) < kMinExamples)
        return refusal(QStringLiteral("%1 confirmed listings have a title, %2 are needed").arg(titled.size()).arg(kMinExamples));
    const int dim = int(examples[titled.front()].embedding.size());
    const std::vector<bool> validation = HeadTrainer::validationSplit(examples, options);
    std::vector<bool> learn(examples.size(), false);
    std::vector<std::size_t> trainRows, valRows;
    for (std::size_t i : titled) {
        learn[i] = !validation[i];
        if (int(examples[i].embedding.size()) == dim)
            (validation[i] ? valRows : trainRows).push_back(i);
    }
    std::map<QString, Seen> seen;
    const std::vector<QSet<QString>> keys = titleKeys(examples, learn, seen);
    WordModel m;
    const QHash<QString, int> column = vocabulary(seen, m);
    if (m.words() < 2)
        return refusal(QStringLiteral("fewer than 2 words are in %1 or more confirmed titles").arg(kMinSellers));
    const auto [xTrain, yTrain] = wordRows(examples, trainRows, keys, column, dim);
    const auto [xVal, yVal] = wordRows(examples, valRows, keys, column, dim);
    if (xVal.size(0) < HeadTrainer::kMinValidation)
        return refusal(QStringLiteral("%1 titled listings in validation, %2 are needed").arg(xVal.size(0)).arg(HeadTrainer::kMinValidation));

    const auto [w, b] = fitWords(xTrain, yTrain);
    torch::NoGradGuard noGrad;
    const torch::Tensor valLogits = xVal.mm(w) + b;
    std::tie(m.scale, m.shift) = calibration(valLogits, yVal);
    m.dimension = dim;
    const torch::Tensor wt = w.t().contiguous();
    m.weight.assign(wt.data_ptr<float>(), wt.data_ptr<float>() + wt.numel());
    const torch::Tensor bc = b.contiguous();
    m.bias.assign(bc.data_ptr<float>(), bc.data_ptr<float>() + bc.numel());
    const torch::Tensor p = torch::sigmoid(valLogits * m.scale + m.shift);
    const torch::Tensor base = yTrain.mean(0).clamp(1e-4, 1 - 1e-4).expand_as(yVal);
    const auto [recall, precision] = modelTitles(examples, valRows, p, m);
    m.report = {{QStringLiteral("words"), m.words()},
                {QStringLiteral("validation_word_recall"), recall},
                {QStringLiteral("validation_word_precision"), precision},
                {QStringLiteral("trained_on"), int(xTrain.size(0))},
                {QStringLiteral("validation_listings"), int(xVal.size(0))},
                {QStringLiteral("validation_log_loss"), torch::binary_cross_entropy(p, yVal).item<double>()},
                {QStringLiteral("base_rate_log_loss"), torch::binary_cross_entropy(base, yVal).item<double>()},
                {QStringLiteral("seconds"), double(timer.elapsed()) / 1000.0}};
    return m;
}

} // namespace listinglens
