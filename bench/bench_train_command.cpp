#include "bench_commands.h"

#include "cli_common.h"
#include "head_trainer.h"
#include "market_training.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

#include <cmath>
#include <random>

#include <sys/resource.h>

namespace listinglens::cli {

namespace {

double peakRssMb()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss / 1024.0; // kilobytes on Linux
}

void normalise(std::vector<float> &v)
{
    double n = 0;
    for (float x : v)
        n += double(x) * x;
    n = std::sqrt(std::max(n, 1e-24));
    for (float &x : v)
        x = float(x / n);
}

// `count` examples over the taxonomy's categories: copies of the confirmed
// listings with noise when there are some, else clustered random embeddings.
std::vector<TrainingExample> benchExamples(std::vector<TrainingExample> source, int count, int categories, int dimension)
{
    std::mt19937_64 random(7);
    std::normal_distribution<float> noise(0.0f, 0.01f);
    if (source.empty()) {
        std::vector<std::vector<float>> centres(std::size_t(categories), std::vector<float>(std::size_t(dimension), 0.0f));
        for (auto &c : centres) {
            for (float &x : c)
                x = noise(random) * 100;
            normalise(c);
        }
        for (int i = 0; i < categories * 40; ++i) {
            TrainingExample e;
            e.id = i + 1;
            e.category = int(random() % std::uint64_t(std::max(1, categories)));
            e.price = 10.0 + double(random() % 500);
            e.embedding = centres[std::size_t(e.category)];
            for (float &x : e.embedding)
                x += noise(random) * 4;
            normalise(e.embedding);
            e.builtin.assign(std::size_t(categories), 1.0 / categories);
            source.push_back(std::move(e));
        }
    }
    std::vector<TrainingExample> out;
    out.reserve(std::size_t(count));
    for (int i = 0; i < count; ++i) {
        TrainingExample e = source[std::size_t(i) % source.size()];
        e.id = i + 1;
        e.phash = random();
        for (float &x : e.embedding)
            x += noise(random);
        normalise(e.embedding);
        out.push_back(std::move(e));
    }
    return out;
}

} // namespace

int runBenchTrain(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "How long training a category head takes, and its memory: N confirmed listings made from the\n"
        "database's confirmed listings (copies with a little noise on the embedding) or, without any,\n"
        "from clustered random embeddings; then the same training as `model train` (nothing is stored)."));
    parser.addHelpOption();
    const QCommandLineOption db = databaseOption(QStringLiteral("; without one, random embeddings"));
    const QCommandLineOption examples(QStringLiteral("examples"), QStringLiteral("Confirmed listings to train on (default 10000)."),
                                      QStringLiteral("N"), QStringLiteral("10000"));
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Print one JSON object."));
    parser.addOptions({db, examples, json});
    const ModelOptions modelOptions;
    modelOptions.addTo(parser);
    int exitCode = ExitOk;
    if (!parseOrExit(parser, args, exitCode))
        return exitCode;
    const auto n = intOption(parser, examples, HeadTrainer::kMinExamples, 2'000'000);
    auto options = classifierOptions(parser, modelOptions);
    if (!n || !options)
        return ExitUsage;
    const double rssBefore = peakRssMb();
    std::vector<TrainingExample> source;
    Result<Taxonomy> taxonomy = options->taxonomyPath.isEmpty() ? Taxonomy::builtIn() : Taxonomy::fromFile(options->taxonomyPath);
    if (!taxonomy) {
        printError(taxonomy.error().message);
        return ExitUsage;
    }
    QString from = QStringLiteral("random embeddings");
    if (const QString url = databaseUrl(parser, {}); !url.isEmpty()) {
        options->engine.warmUp = false;
        auto classifier = Classifier::create(*options);
        auto store = classifier ? openStore(url) : nullptr;
        if (!classifier || !store) {
            if (!classifier)
                printError(classifier.error().message);
            return ExitSomeFailed;
        }
        QStringList notes;
        auto read = confirmedExamples(*store, *classifier.value(), notes);
        if (!read) {
            printError(read.error().message);
            return ExitSomeFailed;
        }
        source = std::move(read).value();
        from = QStringLiteral("%1 confirmed listings of %2").arg(source.size()).arg(store->maskedUrl());
    }
    const std::vector<TrainingExample> made = benchExamples(std::move(source), *n, int(taxonomy.value().categories().size()), 1280);
    const double rssData = peakRssMb();
    QElapsedTimer timer;
    timer.start();
    TrainingOptions training;
    training.modelName = QStringLiteral("bench");
    auto trained = HeadTrainer::train(made, taxonomy.value(), nullptr, training);
    const double seconds = timer.elapsed() / 1000.0;
    if (!trained) {
        printError(trained.error().message);
        return ExitSomeFailed;
    }
    const double rssPeak = peakRssMb();
    if (parser.isSet(json)) {
        QTextStream(stdout) << QJsonDocument(QJsonObject{{QStringLiteral("examples"), *n},
                                                         {QStringLiteral("from"), from},
                                                         {QStringLiteral("seconds"), std::round(seconds * 100) / 100},
                                                         {QStringLiteral("peak_rss_mb"), std::round(rssPeak)},
                                                         {QStringLiteral("rss_before_training_mb"), std::round(rssData)},
                                                         {QStringLiteral("validation_top1"), trained.value().validation.top1}})
                                   .toJson(QJsonDocument::Compact)
                            << Qt::endl;
    } else {
        QTextStream(stdout) << QStringLiteral("trained a head on %1 listings (%2) in %3 s\n"
                                              "  peak memory %4 MB (%5 MB before training, %6 MB at start)\n")
                                   .arg(*n).arg(from).arg(seconds, 0, 'f', 1)
                                   .arg(rssPeak, 0, 'f', 0).arg(rssData, 0, 'f', 0).arg(rssBefore, 0, 'f', 0);
    }
    return ExitOk;
}

} // namespace listinglens::cli
