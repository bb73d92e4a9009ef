// The category head's linear layer and the rows it is fitted on (LibTorch: autograd, LBFGS).
#include "linear_fit.h"

#include <functional>

namespace listinglens {

torch::Tensor rowsOfValues(std::size_t rows, int categories, const std::function<const std::vector<double> &(std::size_t)> &row)
{
    std::vector<float> values(rows * std::size_t(categories), 0.0f);
    for (std::size_t i = 0; i < rows; ++i) {
        const std::vector<double> &v = row(i);
        for (int c = 0; c < categories && c < int(v.size()); ++c)
            values[i * std::size_t(categories) + std::size_t(c)] = float(v[std::size_t(c)]);
    }
    return torch::from_blob(values.data(), {int64_t(rows), categories}, torch::kFloat32).clone();
}

Fitted fitLinear(const torch::Tensor &x, const torch::Tensor &y, const torch::Tensor &classWeight, const torch::Tensor &learned,
                 double weightDecay)
{
    const auto d = x.size(1), c = classWeight.size(0);
    auto w = torch::zeros({d, c}, torch::requires_grad());
    auto b = torch::zeros({c}, torch::requires_grad());
    const torch::Tensor mask = torch::where(learned, torch::zeros({c}), torch::full({c}, -1e9));
    torch::optim::LBFGS optimiser({w, b}, torch::optim::LBFGSOptions(1).max_iter(200).history_size(20).line_search_fn("strong_wolfe"));
    auto closure = [&] {
        optimiser.zero_grad();
        auto loss = torch::nll_loss(torch::log_softmax(x.mm(w) + b + mask, 1), y, classWeight) + weightDecay * w.pow(2).sum();
        loss.backward();
        return loss;
    };
    optimiser.step(closure);
    return {w.detach(), torch::where(learned, b.detach(), torch::full({c}, double(CategoryHead::kLeftOut)))};
}

torch::Tensor sqrtInverseFrequency(const torch::Tensor &counts, const torch::Tensor &weighed)
{
    const auto categories = counts.size(0);
    return torch::where(weighed, (counts.sum() / (categories * counts.clamp_min(1))).sqrt(), torch::zeros({categories}));
}

// Categories not learned count nothing: the head leaves them out (their bias
// is CategoryHead::kLeftOut), so their few examples would only pull the
// learned categories' weights. The fine tuner weighs every category with an
// example instead, as it always has (its probe answers every category); the
// two rules have not been measured against each other (fine_tuner.cpp).
LearnedCategories learnedCategories(const torch::Tensor &trainLabels, int categories)
{
    LearnedCategories c;
    c.counts = torch::bincount(trainLabels, {}, categories).to(torch::kFloat32);
    c.learned = c.counts >= HeadTrainer::kMinPerCategory;
    c.classWeight = sqrtInverseFrequency(c.counts, c.learned);
    return c;
}

int LearnedCategories::number() const
{
    return learned.sum().item<int>();
}

std::vector<bool> LearnedCategories::flags() const
{
    const torch::Tensor l = learned.contiguous();
    return std::vector<bool>(l.data_ptr<bool>(), l.data_ptr<bool>() + l.numel());
}

torch::Tensor columnOf(const std::vector<float> &values)
{
    return torch::tensor(values, torch::kFloat32).view({int64_t(values.size()), 1});
}

torch::Tensor builtinOf(const std::vector<TrainingExample> &examples, const std::vector<int> &which, int categories)
{
    return rowsOfValues(which.size(), categories, [&](std::size_t i) -> const std::vector<double> & {
        return examples[std::size_t(which[i])].builtin;
    });
}

torch::Tensor labelsOf(const std::vector<TrainingExample> &examples, const std::vector<int> &which)
{
    std::vector<int64_t> y;
    y.reserve(which.size());
    for (int i : which)
        y.push_back(examples[std::size_t(i)].category);
    return torch::tensor(y, torch::kInt64);
}

} // namespace listinglens
