#include "text_evidence_trainer.h"

#include "neighbour_mix.h"

#include "title_words.h"

#include <QHash>
#include <QSet>

#include <algorithm>
#include <cmath>
#include <map>

namespace listinglens::TextEvidenceTrainer {

namespace {

constexpr double kFloor = 1e-6;

double nll(const std::vector<Held> &held, const TextEvidence::Weighting &w, int *moved = nullptr)
{
    double sum = 0;
    std::vector<double> p;
    for (const Held &h : held) {
        p = h.p;
        if (TextEvidence::reshape(p, h.rows, w) && moved)
            ++*moved;
        sum -= std::log(std::max(kFloor, p[std::size_t(h.truth)]));
    }
    return held.empty() ? 0.0 : sum / double(held.size());
}

} // namespace

Result<TextEvidence> build(const std::vector<Listing> &listings, int categories, int minSellers, double smoothing)
{
    std::vector<double> prior(std::size_t(categories), 1.0); // one pseudo-listing each
    std::map<QString, std::vector<int>> counts;               // sorted by key
    double total = categories;
    for (const Listing &l : listings) {
        if (l.category < 0 || l.category >= categories)
            continue;
        prior[std::size_t(l.category)] += 1;
        total += 1;
        QSet<QString> keys; // a seller writing a word twice is one seller
        for (const QString &token : titleTokens(l.title)) {
            const QString key = wordKey(token);
            if (!key.isEmpty() && !namesNothing(key))
                keys.insert(key);
        }
        for (const QString &key : keys) {
            auto &row = counts[key];
            if (row.empty())
                row.assign(std::size_t(categories), 0);
            ++row[std::size_t(l.category)];
        }
    }
    for (double &p : prior)
        p /= total;
    TextEvidence t;
    t.categories = categories;
    t.minSellers = minSellers;
    for (const auto &[key, row] : counts) {
        int n = 0;
        for (int c : row)
            n += c;
        if (n < minSellers)
            continue;
        t.keys << key;
        for (int c = 0; c < categories; ++c) {
            const double pcw = (row[std::size_t(c)] + smoothing * prior[std::size_t(c)]) / (n + smoothing);
            t.ratio.push_back(float(std::log(pcw / prior[std::size_t(c)])));
        }
    }
    if (t.keys.isEmpty())
        return Error{ErrorCode::InvalidArgument,
                     QStringLiteral("no title word is written by %1 sellers: no photo text evidence").arg(minSellers)};
    t.report.insert(QStringLiteral("words"), t.words());
    t.report.insert(QStringLiteral("listings"), int(total - categories));
    return t;
}

TextEvidence::Weighting fit(const std::vector<Held> &held_, QJsonObject &report)
{
    std::vector<Held> held;
    for (const Held &h : held_) {
        if (h.truth >= 0 && h.truth < int(h.p.size()))
            held.push_back(h);
    }
    const TextEvidence::Weighting none;
    const double before = nll(held, none);
    double bestNll = before;
    TextEvidence::Weighting best = none, trial;
    for (double lambda : {0.1, 0.2, 0.3, 0.5, 0.75, 1.0}) {
        for (double wordCap : {1.0, 2.0, 3.0}) {
            for (double totalCap : {1.0, 2.0, 3.0, 5.0}) {
                trial = {lambda, wordCap, totalCap, 1.0};
                if (const double v = nll(held, trial); v < bestNll - 1e-9) {
                    bestNll = v;
                    best = trial;
                }
            }
        }
    }
    if (best.lambda > 0) {
        trial = best;
        for (int step = 0; step <= 28; ++step) {
            trial.temperature = 0.6 + 0.05 * step;
            if (const double v = nll(held, trial); v < bestNll - 1e-9) {
                bestNll = v;
                best.temperature = trial.temperature;
            }
        }
    }
    int moved = 0;
    nll(held, best, &moved);
    report.insert(QStringLiteral("fitted_on"), int(held.size()));
    report.insert(QStringLiteral("with_known_words"), int(std::count_if(held.begin(), held.end(), [](const Held &h) { return !h.rows.empty(); })));
    report.insert(QStringLiteral("moved"), moved);
    report.insert(QStringLiteral("nll_without"), before);
    report.insert(QStringLiteral("nll_with"), bestNll);
    return best;
}

Result<TextEvidence> train(const std::vector<TrainingExample> &examples, const CategoryHead &head, const TrainingOptions &options)
{
    const std::vector<bool> isValidation = HeadTrainer::validationSplit(examples, options);
    std::vector<int> trainSide, validation;
    std::vector<Listing> trainTitles, allTitles;
    for (int i = 0; i < int(examples.size()); ++i) {
        const TrainingExample &e = examples[std::size_t(i)];
        (isValidation[std::size_t(i)] ? validation : trainSide).push_back(i);
        allTitles.push_back({e.category, e.title});
        if (!isValidation[std::size_t(i)])
            trainTitles.push_back({e.category, e.title});
    }
    auto table = build(trainTitles, head.categories());
    if (!table)
        return table.error();
    // The votes each validation photo gets from the listings the index would hold.
    const NeighbourPool pool = head.usesNeighbours()
                                   ? NeighbourPool::ofListings(examples, trainSide, validation, head.categories(), options.duplicateMaxHamming)
                                   : NeighbourPool{};
    std::vector<Held> held;
    for (std::size_t k = 0; k < validation.size(); ++k) {
        const TrainingExample &e = examples[std::size_t(validation[k])];
        std::vector<const float *> rows = table.value().known(e.readKeys);
        if (rows.empty() || int(e.embedding.size()) != head.dimension)
            continue;
        held.push_back({head.probabilities(e.embedding.data(), e.builtin, head.usesNeighbours() ? pool.votesFor(head, k) : std::vector<double>{}),
                        std::move(rows), e.category});
    }
    if (int(held.size()) < kMinHeld)
        return Error{ErrorCode::InvalidArgument, QStringLiteral("no photo text evidence: %1 validation photos have words read that sellers' titles "
                                                                "use (at least %2)").arg(held.size()).arg(kMinHeld)};
    QJsonObject report;
    const TextEvidence::Weighting w = fit(held, report);
    if (w.lambda <= 0)
        return Error{ErrorCode::InvalidArgument,
                     QStringLiteral("no photo text evidence: the words read on %1 validation photos did not make their categories likelier")
                         .arg(held.size())};
    auto all = build(allTitles, head.categories());
    if (!all)
        return all.error();
    all.value().weighting = w;
    for (auto it = report.begin(); it != report.end(); ++it)
        all.value().report.insert(it.key(), it.value());
    return all;
}

} // namespace listinglens::TextEvidenceTrainer
