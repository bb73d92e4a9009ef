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

#include <cmath>
#include <deque>

namespace listinglens::cli {

namespace {

struct Scores {
    int n = 0, top1 = 0, top3 = 0;
    double nll = 0;
    std::vector<double> confidence;
    std::vector<bool> correct;
    void add(const std::vector<double> &p, int truth)
    {
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
    QJsonObject json() const
    {
        const double d = std::max(n, 1);
        return {{QStringLiteral("photos"), n}, {QStringLiteral("top1"), top1 / d}, {QStringLiteral("top3"), top3 / d},
                {QStringLiteral("ece"), HeadTrainer::expectedCalibrationError(confidence, correct)}, {QStringLiteral("nll"), nll / d}};
    }
};

// What the product learns from a set of confirmed listings: the head, the
// listing index its neighbours vote from, and the title words' table.
struct Learned {
    std::shared_ptr<const CategoryHead> head;
    std::shared_ptr<ListingIndex> index;
    std::optional<TextEvidence> table;
    QString note;
};

Learned learnFrom(Classifier &classifier, const std::vector<BenchListing> &listings, const std::vector<SeenPhoto> &seen,
                  const std::vector<bool> &learn)
{
    Learned out;
    const Taxonomy &taxonomy = classifier.taxonomy();
    std::vector<TrainingExample> examples;
    std::vector<TextEvidenceTrainer::Listing> titled;
    out.index = std::make_shared<ListingIndex>(classifier.engineInfo().embeddingDim);
    for (std::size_t i = 0; i < listings.size(); ++i) {
        const int category = taxonomy.indexOf(listings[i].categoryId);
        if (!learn[i] || !seen[i].ok || category < 0)
            continue;
        const PhotoResult &r = seen[i].result;
        examples.push_back({qint64(i + 1), category, listings[i].price, r.quality.phash, r.embedding,
                            classifier.builtinProbabilities(r.embedding.data(), r.embeddingNorm), listings[i].title});
        titled.push_back({category, listings[i].title});
        out.index->add({qint64(i + 1), listings[i].categoryId, true, listings[i].price, r.quality.phash, listings[i].photo, listings[i].title},
                       r.embedding);
    }
    TrainingOptions options;
    options.modelName = classifier.manifest().name;
    options.modelVersion = classifier.manifest().version;
    if (auto trained = HeadTrainer::train(examples, taxonomy, nullptr, options))
        out.head = std::make_shared<const CategoryHead>(std::move(trained).value().head);
    else
        out.note = trained.error().message;
    if (auto table = TextEvidenceTrainer::build(titled, int(taxonomy.categories().size())))
        out.table = std::move(table).value();
    else
        out.note += table.error().message;
    return out;
}

// The photo's distribution as the classifier gives it without its text.
std::vector<double> categoryMass(const Classifier &classifier, const Learned &learned, const PhotoResult &r)
{
    std::vector<double> mass = classifier.builtinProbabilities(r.embedding.data(), r.embeddingNorm);
    if (learned.head)
        mass = learned.head->probabilities(r.embedding.data(), mass, classifier.neighbourVotes(*learned.head, r.embedding));
    return mass;
}

std::vector<bool> parts(const std::vector<BenchListing> &listings, const std::function<bool(int)> &in)
{
    std::vector<bool> out;
    for (const BenchListing &l : listings)
        out.push_back(in(l.part));
    return out;
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
                                       QStringLiteral("Learned parts (2-9) the weighting is fitted on, comma-separated (default: 3,4)."),
                                       QStringLiteral("PARTS"), QStringLiteral("3,4"));
    const QCommandLineOption cacheOption(QStringLiteral("cache"), QStringLiteral("Keep what was seen on each photo in FILE between runs."),
                                         QStringLiteral("FILE"));
    parser.addOptions({listingsOption, splitOption, fitOption, cacheOption});
    const ModelOptions modelOptions;
    modelOptions.addTo(parser);
    int exitCode = ExitOk;
    if (!parseOrExit(parser, args, exitCode))
        return exitCode;
    const QString split = parser.value(splitOption);
    const bool test = split == QLatin1String("test");
    const int firstLearned = test ? 2 : 3;
    std::vector<int> fitParts;
    for (const QString &part : parser.value(fitOption).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        bool ok = false;
        const int p = part.trimmed().toInt(&ok);
        if (!ok || p < firstLearned || p > 9 || std::find(fitParts.begin(), fitParts.end(), p) != fitParts.end()) {
            printError(QStringLiteral("--fit-parts are distinct learned parts, %1 to 9").arg(firstLearned));
            return ExitUsage;
        }
        fitParts.push_back(p);
    }
    auto options = classifierOptions(parser, modelOptions);
    if (!options || (!test && split != QLatin1String("tune")) || fitParts.empty()) {
        if (options)
            printError(QStringLiteral("--split is test or tune, and --fit-parts names at least one part"));
        return ExitUsage;
    }
    const QString csv = parser.isSet(listingsOption) ? parser.value(listingsOption)
                                                     : QDir(defaultSamplesDir() + QStringLiteral("/../marketplace/listings.csv")).absolutePath();
    auto listings = readBenchListings(csv);
    auto classifier = listings ? Classifier::create(*options) : Result<std::unique_ptr<Classifier>>(listings.error());
    if (!classifier) {
        printError(classifier.error().message);
        return ExitSomeFailed;
    }
    Classifier &cls = *classifier.value();
    const std::vector<BenchListing> &all = listings.value();
    const auto fitted = [&](int p) { return std::find(fitParts.begin(), fitParts.end(), p) != fitParts.end(); };
    const std::vector<bool> learn = parts(all, [&](int p) { return p >= firstLearned; });
    const std::vector<bool> measured = parts(all, [&](int p) { return test ? p <= 1 : p == 2; });
    auto seen = seePhotos(cls, all, parts(all, [&](int p) { return fitted(p) || (test ? p <= 1 : p == 2); }), parser.value(cacheOption));
    if (!seen) {
        printError(seen.error().message);
        return ExitSomeFailed;
    }
    const Taxonomy &taxonomy = cls.taxonomy();

    // Each fit part categorised learning from the other learned parts, with its own table.
    std::deque<Learned> folds;
    std::vector<TextEvidenceTrainer::Held> held;
    for (int f : fitParts) {
        folds.push_back(learnFrom(cls, all, seen.value(), parts(all, [&](int p) { return p >= firstLearned && p != f; })));
        const Learned &fold = folds.back();
        cls.setListingIndex(fold.index);
        for (std::size_t i = 0; i < all.size(); ++i) {
            const SeenPhoto &s = seen.value()[i];
            if (all[i].part != f || !s.ok || taxonomy.indexOf(all[i].categoryId) < 0 || !fold.table)
                continue;
            held.push_back({categoryMass(cls, fold, s.result), s.read ? fold.table->known(readWordKeys(s.text)) : std::vector<const float *>{},
                            taxonomy.indexOf(all[i].categoryId)});
        }
    }
    QJsonObject fitReport;
    const TextEvidence::Weighting weighting = TextEvidenceTrainer::fit(held, fitReport);

    Learned learned = learnFrom(cls, all, seen.value(), learn);
    cls.setListingIndex(learned.index);
    if (learned.table)
        learned.table->weighting = weighting;
    Scores without, with;
    int read = 0, usable = 0, toRight = 0, toWrong = 0, otherMoves = 0;
    for (std::size_t i = 0; i < all.size(); ++i) {
        const SeenPhoto &s = seen.value()[i];
        const int truth = taxonomy.indexOf(all[i].categoryId);
        if (!measured[i] || !s.ok || truth < 0)
            continue;
        std::vector<double> p = categoryMass(cls, learned, s.result);
        without.add(p, truth);
        const auto before = std::max_element(p.begin(), p.end()) - p.begin();
        read += s.read && !s.text.lines.empty() ? 1 : 0;
        if (s.read && learned.table && learned.table->apply(p, readWordKeys(s.text))) {
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
    QJsonArray fitList;
    for (int f : fitParts)
        fitList.append(f);
    const QJsonObject out{
        {QStringLiteral("split"), split},
        {QStringLiteral("fitted_on_parts"), fitList},
        {QStringLiteral("fit"), fitReport},
        {QStringLiteral("weighting"), QJsonObject{{QStringLiteral("lambda"), weighting.lambda}, {QStringLiteral("word_cap"), weighting.wordCap},
                                                  {QStringLiteral("total_cap"), weighting.totalCap},
                                                  {QStringLiteral("temperature"), weighting.temperature}}},
        {QStringLiteral("table_words"), learned.table ? learned.table->words() : 0},
        {QStringLiteral("note"), learned.note},
        {QStringLiteral("photos_with_text_read"), read},
        {QStringLiteral("photos_with_known_words"), usable},
        {QStringLiteral("top1_changed_to_right"), toRight},
        {QStringLiteral("top1_changed_from_right"), toWrong},
        {QStringLiteral("top1_changed_wrong_to_wrong"), otherMoves},
        {QStringLiteral("without_text"), without.json()},
        {QStringLiteral("with_text"), with.json()},
    };
    QTextStream(stdout) << QJsonDocument(out).toJson(QJsonDocument::Indented);
    return ExitOk;
}

} // namespace listinglens::cli
