// `listinglens-bench cattext`: the category with and without what the photo's
// text says of it (TextEvidence), on real sellers' listings. The marketplace
// set is split as `listinglens-bench titles` splits it (test 20 %, tune 10 %,
// train 70 % by a hash of each photo's name). The table is built from the
// learned listings' titles; its weight, caps and temperature are fitted on
// validation parts of the learned listings (each measured learning from the
// others), never on the measured part. Photos are categorised as the product
// categorises them: the head trained on the learned listings, mixed with the
// votes of the closest of them.
#include "bench_commands.h"

#include "cli_common.h"
#include "environment.h"
#include "head_trainer.h"
#include "photo_text_words.h"
#include "text_evidence_trainer.h"
#include "title_bench_data.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTextStream>

#include <algorithm>
#include <cmath>
#include <deque>
#include <numeric>

namespace listinglens::cli {

namespace {

// Draws of a calibrated model's answers behind ece_if_calibrated, printed
// beside its figures so that a document quoting them can say how many.
constexpr int kCalibratedDraws = 1000;

struct Scores {
    int n = 0, top1 = 0, top3 = 0;
    double nll = 0;
    std::vector<double> confidence;
    std::vector<bool> correct;
    void add(const std::vector<double> &p, int truth)
    {
        if (truth < 0 || std::size_t(truth) >= p.size()) // no categories (categoryMassOf refused the embedding): nothing to score
            return;
        int above = 0;
        for (double v : p)
            above += v > p[std::size_t(truth)] ? 1 : 0;
        const auto best = std::max_element(p.begin(), p.end());
        ++n;
        top1 += above == 0 ? 1 : 0;
        top3 += above < 3 ? 1 : 0;
        nll -= std::log(std::max(1e-6, p[std::size_t(truth)]));
        confidence.push_back(*best);
        correct.push_back(best - p.begin() == truth);
    }
    // The bins the ECE sums (HeadTrainer::kCalibrationBins equal-width bins of
    // top-1 confidence, (b/n, (b+1)/n] each): the lower edge, photos, mean
    // confidence and accuracy of each bin with photos (over- or under-confident, and where).
    QJsonArray reliability() const
    {
        constexpr int kBins = HeadTrainer::kCalibrationBins;
        const std::vector<HeadTrainer::ReliabilityBin> bins = HeadTrainer::reliability(confidence, correct);
        QJsonArray out;
        for (int b = 0; b < kBins; ++b)
            if (const HeadTrainer::ReliabilityBin &bin = bins[std::size_t(b)]; bin.count > 0)
                out.append(QJsonArray{std::round(1000.0 * b / kBins) / 1000, bin.count, std::round(1000 * bin.confidence / bin.count) / 1000,
                                      std::round(1000.0 * bin.right / bin.count) / 1000});
        return out;
    }
    QJsonObject json() const
    {
        const double d = std::max(n, 1);
        const double meanConfidence = std::accumulate(confidence.begin(), confidence.end(), 0.0) / d;
        const HeadTrainer::CalibratedEce floor = HeadTrainer::eceIfCalibrated(confidence, kCalibratedDraws);
        return {{QStringLiteral("photos"), n}, {QStringLiteral("top1"), top1 / d}, {QStringLiteral("top3"), top3 / d},
                {QStringLiteral("ece"), HeadTrainer::expectedCalibrationError(confidence, correct)}, {QStringLiteral("nll"), nll / d},
                {QStringLiteral("mean_confidence"), meanConfidence},
                {QStringLiteral("ece_if_calibrated"),
                 QJsonObject{{QStringLiteral("mean"), floor.mean}, {QStringLiteral("p90"), floor.p90}, {QStringLiteral("draws"), kCalibratedDraws}}},
                {QStringLiteral("reliability_from_photos_confidence_accuracy"), reliability()}};
    }
};

// What the product learns from a set of confirmed listings: the head and the
// listing index its neighbours vote from.
struct Learned {
    std::shared_ptr<const CategoryHead> head;
    std::shared_ptr<ListingIndex> index;
    QString note;
};

// The title words' table of the learned listings.
std::optional<TextEvidence> tableOf(const Taxonomy &taxonomy, const std::vector<BenchListing> &listings, const std::vector<bool> &learn,
                                    int minSellers, double smoothing)
{
    std::vector<TextEvidenceTrainer::Listing> titled;
    for (std::size_t i = 0; i < listings.size(); ++i) {
        if (learn[i] && taxonomy.indexOf(listings[i].categoryId) >= 0)
            titled.push_back({taxonomy.indexOf(listings[i].categoryId), listings[i].title});
    }
    auto table = TextEvidenceTrainer::build(titled, int(taxonomy.categories().size()), minSellers, smoothing);
    return table ? std::optional<TextEvidence>(std::move(table).value()) : std::nullopt;
}

Learned learnFrom(Classifier &classifier, const std::vector<BenchListing> &listings, const std::vector<SeenPhoto> &seen,
                  const std::vector<bool> &learn, bool crossFit, int folds = 0)
{
    Learned out;
    const Taxonomy &taxonomy = classifier.taxonomy();
    std::vector<TrainingExample> examples;
    out.index = std::make_shared<ListingIndex>(classifier.engineInfo().embeddingDim);
    for (std::size_t i = 0; i < listings.size(); ++i) {
        auto example = learn[i] ? trainingExample(classifier, listings[i], seen[i], qint64(i + 1)) : std::nullopt;
        if (!example)
            continue;
        out.index->add({qint64(i + 1), listings[i].categoryId, true, listings[i].price, example->phash, listings[i].photo, listings[i].title},
                       example->embedding);
        examples.push_back(std::move(*example));
    }
    TrainingOptions options;
    options.modelName = classifier.manifest().name;
    options.modelVersion = classifier.manifest().version;
    options.crossFit = crossFit;
    options.folds = folds;
    if (auto trained = HeadTrainer::train(examples, taxonomy, nullptr, options))
        out.head = std::make_shared<const CategoryHead>(std::move(trained).value().head);
    else
        out.note = trained.error().message;
    return out;
}

std::vector<bool> parts(const std::vector<BenchListing> &listings, const std::function<bool(int)> &in)
{
    std::vector<bool> out;
    for (const BenchListing &l : listings)
        out.push_back(in(l.part));
    return out;
}

// The listings, what was seen on their photos, and which parts are learned from.
struct Bench {
    Classifier &classifier;
    const std::vector<BenchListing> &all;
    const std::vector<SeenPhoto> &seen;
    int firstLearned = 3;
    std::vector<int> fitParts;
    bool crossFit = true; // the head's mixture's temperatures fitted out of fold (TrainingOptions::crossFit)
};

// The weighting and the table's sellers' floor and smoothing, chosen on the fit parts.
struct Chosen {
    TextEvidence::Weighting weighting;
    int minSellers = TextEvidenceTrainer::kMinSellers;
    double smoothing = TextEvidenceTrainer::kSmoothing;
    QJsonObject report;
    QJsonArray tried;
    Scores folds; // the fit parts' photos without their text, each categorised learning from the other learned parts
};

// Each fit part categorised learning from the other learned parts; then, for
// each sellers' floor and smoothing, a table per part from the same listings
// and the weighting fitted on all parts: the least NLL chooses.
Chosen choose(const Bench &b)
{
    const Taxonomy &taxonomy = b.classifier.taxonomy();
    struct Photo {
        std::size_t fold;
        std::vector<double> p;
        QStringList keys;
        int truth;
    };
    std::vector<Photo> photos;
    std::vector<std::vector<bool>> foldLearn;
    for (int f : b.fitParts) {
        foldLearn.push_back(parts(b.all, [&](int p) { return p >= b.firstLearned && p != f; }));
        const Learned fold = learnFrom(b.classifier, b.all, b.seen, foldLearn.back(), b.crossFit);
        b.classifier.setListingIndex(fold.index);
        for (std::size_t i = 0; i < b.all.size(); ++i) {
            const SeenPhoto &s = b.seen[i];
            if (b.all[i].part == f && s.ok && taxonomy.indexOf(b.all[i].categoryId) >= 0)
                photos.push_back({foldLearn.size() - 1, b.classifier.categoryMassOf(fold.head.get(), s.result.embedding, s.result.embeddingNorm), s.read ? readWordKeys(s.text) : QStringList{},
                                  taxonomy.indexOf(b.all[i].categoryId)});
        }
    }
    Chosen chosen;
    for (const Photo &ph : photos)
        chosen.folds.add(ph.p, ph.truth);
    double bestNll = 1e300;
    for (int floor : {2, 3, 5, 8}) {
        for (double a : {3.0, 10.0, 30.0}) {
            std::deque<std::optional<TextEvidence>> tables;
            for (const std::vector<bool> &l : foldLearn)
                tables.push_back(tableOf(taxonomy, b.all, l, floor, a));
            std::vector<TextEvidenceTrainer::Held> held;
            for (const Photo &ph : photos) {
                const auto &t = tables[ph.fold];
                held.push_back({ph.p, t ? t->known(ph.keys) : std::vector<const float *>{}, ph.truth});
            }
            QJsonObject report;
            const TextEvidence::Weighting w = TextEvidenceTrainer::fit(held, report);
            report.insert(QStringLiteral("min_sellers"), floor);
            report.insert(QStringLiteral("smoothing"), a);
            report.insert(QStringLiteral("lambda"), w.lambda);
            chosen.tried.append(report);
            if (const double v = report.value(QStringLiteral("nll_with")).toDouble(); v < bestNll - 1e-9) {
                bestNll = v;
                chosen.weighting = w;
                chosen.minSellers = floor;
                chosen.smoothing = a;
                chosen.report = report;
            }
        }
    }
    return chosen;
}

// The measured photos' categories without and with their text, learning from every learned part.
QJsonObject measure(const Bench &b, const std::vector<bool> &measured, const Chosen &chosen)
{
    const Taxonomy &taxonomy = b.classifier.taxonomy();
    const std::vector<bool> learn = parts(b.all, [&](int p) { return p >= b.firstLearned; });
    const Learned learned = learnFrom(b.classifier, b.all, b.seen, learn, b.crossFit);
    b.classifier.setListingIndex(learned.index);
    std::optional<TextEvidence> table = tableOf(taxonomy, b.all, learn, chosen.minSellers, chosen.smoothing);
    if (table)
        table->weighting = chosen.weighting;
    Scores without, with;
    int read = 0, usable = 0, toRight = 0, toWrong = 0, otherMoves = 0;
    for (std::size_t i = 0; i < b.all.size(); ++i) {
        const SeenPhoto &s = b.seen[i];
        const int truth = taxonomy.indexOf(b.all[i].categoryId);
        if (!measured[i] || !s.ok || truth < 0)
            continue;
        // Without its text, as the classifier suggests it.
        std::vector<double> p = b.classifier.categoryMassOf(learned.head.get(), s.result.embedding, s.result.embeddingNorm);
        without.add(p, truth);
        const auto before = std::max_element(p.begin(), p.end()) - p.begin();
        read += s.read && !s.text.lines.empty() ? 1 : 0;
        if (s.read && table && table->apply(p, readWordKeys(s.text))) {
            ++usable;
            const auto after = std::max_element(p.begin(), p.end()) - p.begin();
            if (after != before) {
                toRight += after == truth ? 1 : 0;
                toWrong += before == truth ? 1 : 0;
                otherMoves += after != truth && before != truth ? 1 : 0;
            }
        }
        with.add(p, truth);
    }
    return {{QStringLiteral("table_words"), table ? table->words() : 0},
            {QStringLiteral("note"), learned.note},
            {QStringLiteral("head"), learned.head ? learned.head->report.value(QStringLiteral("fit")) : QJsonValue()},
            {QStringLiteral("photos_with_text_read"), read},
            {QStringLiteral("photos_with_known_words"), usable},
            {QStringLiteral("top1_changed_to_right"), toRight},
            {QStringLiteral("top1_changed_from_right"), toWrong},
            {QStringLiteral("top1_changed_wrong_to_wrong"), otherMoves},
            {QStringLiteral("without_text"), without.json()},
            {QStringLiteral("with_text"), with.json()}};
}

// The head learned from every learned part with its temperatures fitted on k
// folds out of fold, for each k: how the fold heads' size moves the
// temperature, and what the measured photos score (without their text).
QJsonArray foldSweep(const Bench &b, const std::vector<bool> &measured, const std::vector<int> &foldCounts)
{
    const Taxonomy &taxonomy = b.classifier.taxonomy();
    const std::vector<bool> learn = parts(b.all, [&](int p) { return p >= b.firstLearned; });
    QJsonArray out;
    for (int k : foldCounts) {
        const Learned learned = learnFrom(b.classifier, b.all, b.seen, learn, true, k);
        b.classifier.setListingIndex(learned.index);
        Scores scores;
        for (std::size_t i = 0; i < b.all.size(); ++i) {
            const int truth = taxonomy.indexOf(b.all[i].categoryId);
            if (measured[i] && b.seen[i].ok && truth >= 0)
                scores.add(b.classifier.categoryMassOf(learned.head.get(), b.seen[i].result.embedding, b.seen[i].result.embeddingNorm), truth);
        }
        const QJsonObject fit = learned.head ? learned.head->report.value(QStringLiteral("fit")).toObject() : QJsonObject();
        // A refused head leaves the mapping's scores: its note says why; the fit says which rows set the temperature.
        out.append(QJsonObject{{QStringLiteral("folds"), k},
                               {QStringLiteral("note"), learned.note},
                               {QStringLiteral("temperature_fitted_on"), fit.value(QStringLiteral("temperature_fitted_on"))},
                               {QStringLiteral("temperature"), fit.value(QStringLiteral("temperature"))},
                               {QStringLiteral("unvoted_temperature"), fit.value(QStringLiteral("neighbours")).toObject().value(QStringLiteral("unvoted_temperature"))},
                               {QStringLiteral("without_text"), scores.json()}});
    }
    return out;
}

// --fit-parts, or every learned part; empty after printing why when it names others.
std::vector<int> fitPartsOf(const QCommandLineParser &parser, const QCommandLineOption &option, int firstLearned)
{
    std::vector<int> out;
    QStringList given = parser.value(option).split(QLatin1Char(','), Qt::SkipEmptyParts);
    if (!parser.isSet(option))
        for (int p = firstLearned; p <= 9; ++p)
            given << QString::number(p);
    for (const QString &part : given) {
        bool ok = false;
        const int p = part.trimmed().toInt(&ok);
        if (!ok || p < firstLearned || p > 9 || std::find(out.begin(), out.end(), p) != out.end()) {
            printError(QStringLiteral("--fit-parts are distinct learned parts, %1 to 9").arg(firstLearned));
            return {};
        }
        out.push_back(p);
    }
    return out;
}

// --fold-sweep's numbers of folds (none when not set); nothing after printing
// why when one is out of range or the split is the test split: the sweep scores
// the measured part for each number of folds, which would choose among them by
// the test photos.
std::optional<std::vector<int>> foldSweepOf(const QCommandLineParser &parser, const QCommandLineOption &option, bool test)
{
    if (test && parser.isSet(option)) {
        printError(QStringLiteral("--fold-sweep measures on the tune split only (--split tune), not on the test split"));
        return std::nullopt;
    }
    std::vector<int> sweep;
    for (const QString &k : parser.value(option).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        bool ok = false;
        const int folds = k.trimmed().toInt(&ok);
        if (!ok || folds < 2 || folds > HeadTrainer::kMaxFolds) {
            printError(QStringLiteral("--fold-sweep takes numbers of folds from 2 to %1").arg(HeadTrainer::kMaxFolds));
            return std::nullopt;
        }
        sweep.push_back(folds);
    }
    return sweep;
}

// What was chosen on the fit parts, and how the fit parts scored without their text.
void addChosen(QJsonObject &out, const Chosen &chosen, const std::vector<int> &fitParts)
{
    QJsonArray fitted;
    for (int f : fitParts)
        fitted.append(f);
    out.insert(QStringLiteral("fitted_on_parts"), fitted);
    out.insert(QStringLiteral("fit"), chosen.report);
    out.insert(QStringLiteral("fit_parts_without_text"), chosen.folds.json());
    out.insert(QStringLiteral("tried"), chosen.tried);
    out.insert(QStringLiteral("weighting"), QJsonObject{{QStringLiteral("lambda"), chosen.weighting.lambda},
                                                        {QStringLiteral("word_cap"), chosen.weighting.wordCap},
                                                        {QStringLiteral("total_cap"), chosen.weighting.totalCap},
                                                        {QStringLiteral("temperature"), chosen.weighting.temperature}});
}

} // namespace

int runBenchCatText(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "The category with and without the photo's text as evidence, on real sellers' listings: top-1, top-3,\n"
        "ECE and NLL of the same photos both ways, how many had words the table knows, and how many the text\n"
        "moved to the right or away from it. The weighting is fitted on validation parts of the learned\n"
        "listings (--fit-parts), each categorised learning from the others. Prints JSON."));
    parser.addHelpOption();
    const QCommandLineOption listingsOption(QStringLiteral("listings"), QStringLiteral("Listings CSV (default: the shared marketplace set)."),
                                            QStringLiteral("CSV"));
    const QCommandLineOption splitOption(QStringLiteral("split"),
                                         QStringLiteral("test: learn from parts 2-9, measure parts 0-1; tune: learn from parts 3-9, measure part 2 (default)."),
                                         QStringLiteral("SPLIT"), QStringLiteral("tune"));
    const QCommandLineOption fitOption(QStringLiteral("fit-parts"),
                                       QStringLiteral("Learned parts the weighting is fitted on, comma-separated (default: all learned parts,\n"
                                                      "2-9 for test, 3-9 for tune)."),
                                       QStringLiteral("PARTS"));
    const QCommandLineOption cacheOption(QStringLiteral("cache"), QStringLiteral("Keep what was seen on each photo in FILE between runs."),
                                         QStringLiteral("FILE"));
    const QCommandLineOption calibrateOption(QStringLiteral("calibrate-on"),
                                             QStringLiteral("folds: the head's mixture's temperatures fitted on every learned listing out of fold\n"
                                                            "(default); validation: on its validation split alone."),
                                             QStringLiteral("ON"), QStringLiteral("folds"));
    const QCommandLineOption sweepOption(QStringLiteral("fold-sweep"),
                                         QStringLiteral("Also learn with the temperatures fitted on each of these numbers of folds (comma-separated)\n"
                                                        "and report each temperature and the measured photos' scores without their text\n"
                                                        "(--split tune only: choosing a number of folds on the test split tunes to it)."),
                                         QStringLiteral("FOLDS"));
    parser.addOptions({listingsOption, splitOption, fitOption, cacheOption, calibrateOption, sweepOption});
    const ModelOptions modelOptions;
    modelOptions.addTo(parser);
    int exitCode = ExitOk;
    if (!parseOrExit(parser, args, exitCode))
        return exitCode;
    const QString split = parser.value(splitOption);
    const bool test = split == QLatin1String("test");
    const int firstLearned = test ? 2 : 3;
    const std::vector<int> fitParts = fitPartsOf(parser, fitOption, firstLearned);
    auto options = classifierOptions(parser, modelOptions);
    const QString calibrateOn = parser.value(calibrateOption);
    if (!options || (!test && split != QLatin1String("tune")) || fitParts.empty()
        || (calibrateOn != QLatin1String("folds") && calibrateOn != QLatin1String("validation"))) {
        if (options && !fitParts.empty())
            printError(QStringLiteral("--split is test or tune, --calibrate-on folds or validation"));
        return ExitUsage;
    }
    const std::optional<std::vector<int>> sweep = foldSweepOf(parser, sweepOption, test);
    if (!sweep)
        return ExitUsage;
    auto opened = openMarketplaceBench(parser.value(listingsOption), *options);
    if (!opened) {
        printError(opened.error().message);
        return ExitSomeFailed;
    }
    const std::vector<BenchListing> &all = opened.value().listings;
    Classifier *const classifier = opened.value().classifier.get();
    const auto measuredPart = [&](int p) { return test ? p <= 1 : p == 2; };
    const auto read = [&](int p) { return measuredPart(p) || std::find(fitParts.begin(), fitParts.end(), p) != fitParts.end(); };
    auto seen = seePhotos(*classifier, all, parts(all, read), parser.value(cacheOption));
    if (!seen) {
        printError(seen.error().message);
        return ExitSomeFailed;
    }
    const Bench bench{*classifier, all, seen.value(), firstLearned, fitParts, calibrateOn != QLatin1String("validation")};
    const Chosen chosen = choose(bench);
    QJsonObject out = measure(bench, parts(all, measuredPart), chosen);
    if (!sweep->empty())
        out.insert(QStringLiteral("fold_sweep"), foldSweep(bench, parts(all, measuredPart), *sweep));
    out.insert(QStringLiteral("split"), split);
    out.insert(QStringLiteral("calibrated_on"), calibrateOn);
    addChosen(out, chosen, fitParts);
    QTextStream(stdout) << QJsonDocument(out).toJson(QJsonDocument::Indented);
    return ExitOk;
}

} // namespace listinglens::cli
