#include "validation_outcome.h"

#include "head_trainer.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <random>

namespace listinglens {

namespace {

double rounded(double v)
{
    return std::round(v * 10000.0) / 10000.0;
}

QString percent(double v)
{
    return QStringLiteral("%1 %").arg(v * 100, 0, 'f', 1);
}

struct Paired {
    int n = 0, head = 0, builtin = 0;
    int onlyBuiltin = 0, onlyHead = 0; // listings only the mapping / only the head gets right
    void add(bool headRight, bool builtinRight)
    {
        ++n;
        head += headRight;
        builtin += builtinRight;
        onlyBuiltin += builtinRight && !headRight;
        onlyHead += headRight && !builtinRight;
    }
    double p() const { return signTestP(onlyBuiltin, onlyBuiltin + onlyHead); }
    QJsonObject json() const
    {
        return {{QStringLiteral("n"), n}, {QStringLiteral("head_top1"), n ? rounded(double(head) / n) : 0.0},
                {QStringLiteral("builtin_top1"), n ? rounded(double(builtin) / n) : 0.0},
                {QStringLiteral("only_builtin_right"), onlyBuiltin}, {QStringLiteral("only_head_right"), onlyHead},
                {QStringLiteral("p"), rounded(p())}};
    }
};

} // namespace

double signTestP(int k, int n)
{
    if (k <= 0)
        return 1.0;
    double p = 0;
    for (int i = k; i <= n; ++i)
        p += std::exp(std::lgamma(n + 1.0) - std::lgamma(i + 1.0) - std::lgamma(n - i + 1.0) - n * std::log(2.0));
    return std::min(1.0, p);
}

std::vector<bool> mappedCategories(const Taxonomy &taxonomy)
{
    std::vector<bool> mapped(taxonomy.categories().size(), false);
    for (int k = 0; k < taxonomy.classCount(); ++k) {
        const int c = taxonomy.categoryOfClass(k);
        if (c >= 0)
            mapped[std::size_t(c)] = true;
    }
    return mapped;
}

QJsonObject perCategoryReport(const Taxonomy &taxonomy, const std::vector<int> &trainCount, const std::vector<bool> &learned,
                              const ValidationOutcome &o)
{
    const std::size_t categories = taxonomy.categories().size();
    std::vector<int> valCount(categories, 0), valHit(categories, 0), builtinHit(categories, 0);
    for (std::size_t i = 0; i < o.truth.size(); ++i) {
        const std::size_t truth = std::size_t(o.truth[i]);
        ++valCount[truth];
        valHit[truth] += o.head[i] == o.truth[i];
        builtinHit[truth] += !o.builtin.empty() && o.builtin[i] == o.truth[i];
    }
    QJsonObject perCategory;
    for (std::size_t c = 0; c < categories; ++c) {
        if (valCount[c] == 0 && trainCount[c] == 0)
            continue;
        const auto share = [&](int hits) { return valCount[c] > 0 ? QJsonValue(rounded(double(hits) / valCount[c])) : QJsonValue(QJsonValue::Null); };
        perCategory.insert(taxonomy.categories()[c].id,
                           QJsonObject{{QStringLiteral("examples"), trainCount[c] + valCount[c]},
                                       {QStringLiteral("training"), trainCount[c]},
                                       {QStringLiteral("validation"), valCount[c]},
                                       {QStringLiteral("learned"), bool(learned[c])},
                                       {QStringLiteral("top1"), share(valHit[c])},
                                       {QStringLiteral("builtin_top1"), o.builtin.empty() ? QJsonValue(QJsonValue::Null) : share(builtinHit[c])}});
    }
    return perCategory;
}

QJsonArray mostConfused(const Taxonomy &taxonomy, const ValidationOutcome &o)
{
    std::map<std::pair<int, int>, int> confusions;
    for (std::size_t i = 0; i < o.truth.size(); ++i)
        if (o.head[i] != o.truth[i])
            ++confusions[{o.truth[i], o.head[i]}];
    std::vector<std::pair<int, std::pair<int, int>>> pairs;
    for (const auto &[k, n] : confusions)
        pairs.push_back({n, k});
    std::stable_sort(pairs.begin(), pairs.end(), [](const auto &a, const auto &b) { return a.first > b.first; });
    QJsonArray confused;
    for (std::size_t i = 0; i < std::min<std::size_t>(5, pairs.size()); ++i)
        confused.append(QJsonObject{{QStringLiteral("category"), taxonomy.categories()[std::size_t(pairs[i].second.first)].id},
                                    {QStringLiteral("suggested"), taxonomy.categories()[std::size_t(pairs[i].second.second)].id},
                                    {QStringLiteral("count"), pairs[i].first}});
    return confused;
}

MappedVerdict judgeMappedCategories(const Taxonomy &taxonomy, const ValidationOutcome &o)
{
    MappedVerdict v;
    if (o.builtin.size() != o.truth.size())
        return v;
    const std::vector<bool> mapped = mappedCategories(taxonomy);
    Paired pooled;
    std::map<int, Paired> perCategory;
    for (std::size_t i = 0; i < o.truth.size(); ++i) {
        const int truth = o.truth[i];
        if (!mapped[std::size_t(truth)] || taxonomy.categories()[std::size_t(truth)].catchAll)
            continue;
        const bool headRight = o.head[i] == truth, builtinRight = o.builtin[i] == truth;
        pooled.add(headRight, builtinRight);
        perCategory[truth].add(headRight, builtinRight);
    }
    constexpr double kLevel = 0.05;
    const double perCategoryLevel = kLevel / double(std::max<std::size_t>(1, perCategory.size()));
    QStringList losses;
    QJsonObject categoriesJson;
    for (const auto &[c, p] : perCategory) {
        categoriesJson.insert(taxonomy.categories()[std::size_t(c)].id, p.json());
        if (p.onlyBuiltin > p.onlyHead && p.p() < perCategoryLevel)
            losses << QStringLiteral("%1 %2 of %3 right against the mapping's %4")
                          .arg(taxonomy.categories()[std::size_t(c)].id).arg(p.head).arg(p.n).arg(p.builtin);
    }
    const bool pooledLoses = pooled.onlyBuiltin > pooled.onlyHead && pooled.p() < kLevel;
    v.loses = pooledLoses || !losses.isEmpty();
    v.json = {{QStringLiteral("pooled"), pooled.json()}, {QStringLiteral("categories"), categoriesJson}, {QStringLiteral("loses"), v.loses}};
    if (v.loses) {
        v.words = QStringLiteral("on validation listings of categories the built-in mapping knows it is right on %1 of %2 (%3), "
                                 "the mapping alone on %4 (%5); only the mapping is right on %6 of them, only the head on %7 (sign test p = %8)")
                      .arg(pooled.head).arg(pooled.n).arg(percent(pooled.n ? double(pooled.head) / pooled.n : 0))
                      .arg(pooled.builtin).arg(percent(pooled.n ? double(pooled.builtin) / pooled.n : 0))
                      .arg(pooled.onlyBuiltin).arg(pooled.onlyHead).arg(pooled.p(), 0, 'g', 2);
        if (!losses.isEmpty())
            v.words += QStringLiteral("; it loses on %1").arg(losses.join(QStringLiteral(", ")));
    }
    return v;
}

std::vector<HeadTrainer::ReliabilityBin> HeadTrainer::reliability(const std::vector<double> &confidence, const std::vector<bool> &correct,
                                                                  int bins)
{
    std::vector<ReliabilityBin> out(std::size_t(std::max(bins, 1)));
    for (std::size_t i = 0; i < confidence.size() && i < correct.size(); ++i) {
        if (!std::isfinite(confidence[i])) // no bin: converting ceil(NaN) to int is undefined
            continue;
        const int b = std::clamp(int(std::ceil(confidence[i] * double(out.size()))) - 1, 0, int(out.size()) - 1);
        ReliabilityBin &bin = out[std::size_t(b)];
        ++bin.count;
        bin.right += correct[i] ? 1 : 0;
        bin.confidence += confidence[i];
    }
    return out;
}

// Calibration error over kCalibrationBins equal-width bins of confidence (the
// head's validation score; here with the other measures of a validation split).
double HeadTrainer::expectedCalibrationError(const std::vector<double> &confidence, const std::vector<bool> &correct)
{
    // No answer scores 0; answers none of which has a finite confidence have no
    // calibration at all (NaN), and 0 would read as a perfectly calibrated head.
    if (std::min(confidence.size(), correct.size()) == 0)
        return 0.0;
    return listinglens::expectedCalibrationError(reliability(confidence, correct));
}

HeadTrainer::CalibratedEce HeadTrainer::eceIfCalibrated(const std::vector<double> &confidence, int draws, std::uint64_t seed)
{
    if (confidence.empty() || draws < 1)
        return {};
    std::mt19937_64 random(seed);
    std::uniform_real_distribution<double> uniform(0.0, 1.0);
    std::vector<double> eces;
    std::vector<bool> correct(confidence.size());
    for (int d = 0; d < draws; ++d) {
        for (std::size_t i = 0; i < confidence.size(); ++i)
            correct[i] = uniform(random) < confidence[i];
        eces.push_back(expectedCalibrationError(confidence, correct));
    }
    std::sort(eces.begin(), eces.end());
    return {std::accumulate(eces.begin(), eces.end(), 0.0) / double(draws), eces[std::size_t(0.9 * double(draws - 1))]};
}

} // namespace listinglens
