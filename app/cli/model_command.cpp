#include "commands.h"

#include "calibration.h"
#include "cli_common.h"
#include "command_line.h"
#include "head_store.h"
#include "head_trainer.h"
#include "history_reads.h"
#include "stored_listings.h"
#include "market_training.h"
#include "model_versions.h"
#include "title_check.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QTextStream>

#include <algorithm>
#include <cmath>
#include <limits>
#include <variant>

namespace listinglens::cli {

namespace {

constexpr const char *kDescription =
    "The market's category heads: what the product learns from confirmed listings.\n"
    "  train [--activate [--force]]  learn a head from every confirmed listing in the database\n"
    "  train --fine-tune [--activate] also fine-tune the model's top on their photos: a new model version\n"
    "                                (activated with its head only when it beats the head alone on validation)\n"
    "  versions                      the stored model versions (m1, m2, ...) and which one is active\n"
    "  activate mN|shipped           make a model version (or the shipped model) active, with its newest head\n"
    "  rollback-model                activate the model that was active before\n"
    "  list                          the stored heads, newest first, and which one is active\n"
    "  show VERSION                  one head's training report\n"
    "  activate VERSION|builtin      make a head (or the built-in mapping alone) the active one\n"
    "  rollback                      activate what was active before the latest activation\n"
    "  export VERSION FILE           write a head to a file, for classify --head FILE without a database\n"
    "  calibrate                     fit the built-in mapping's temperature on the confirmed listings\n"
    "                                (for the taxonomy's \"calibration\"; fitted on the training side, measured on validation)\n"
    "Every classify --db, import, workbench, serve and worker on the database uses the active head;\n"
    "running ones check for a newly activated one every 5 seconds (workers on PostgreSQL are told at once).";

// A stored head's version ("h3" or "3"; the built-in mapping is not one).
std::optional<qint64> parseVersion(const QString &text)
{
    const std::optional<qint64> v = parseHeadFilter(text);
    if (!v || *v <= 0) {
        printError(QStringLiteral("\"%1\" is not a head version (such as h3 or 3)").arg(text));
        return std::nullopt;
    }
    return v;
}

// The classifier that reads stored embeddings: no warm-up, nothing is classified.
std::unique_ptr<Classifier> embeddingClassifier(ClassifierOptions options)
{
    options.engine.warmUp = false;
    auto classifier = Classifier::create(options);
    if (!classifier) {
        printError(classifier.error().message);
        return nullptr;
    }
    return std::move(classifier).value();
}

QString percent(double v)
{
    return QStringLiteral("%1 %").arg(v * 100, 0, 'f', 1);
}

QJsonObject summaryJson(const HeadSummary &h)
{
    return {{QStringLiteral("version"), QStringLiteral("h%1").arg(h.version)},
            {QStringLiteral("created_at"), isoTime(h.createdMs)},
            {QStringLiteral("model"), QStringLiteral("%1 %2").arg(h.modelName, h.modelVersion)},
            {QStringLiteral("taxonomy"), h.taxonomy},
            {QStringLiteral("examples"), h.examples},
            {QStringLiteral("validation"), QJsonObject{{QStringLiteral("n"), h.validationN}, {QStringLiteral("top1"), h.top1},
                                                       {QStringLiteral("top3"), h.top3}, {QStringLiteral("ece"), eceJson(h.ece)}}},
            {QStringLiteral("active"), h.active}};
}

void printJson(const QJsonObject &o)
{
    QTextStream(stdout) << QJsonDocument(o).toJson(QJsonDocument::Compact) << Qt::endl;
}

void printReport(const QJsonObject &r)
{
    QTextStream out(stdout);
    const QJsonObject v = r.value(QStringLiteral("validation")).toObject();
    auto line = [&](const QString &name, const QJsonObject &s) {
        if (s.isEmpty())
            return;
        out << QStringLiteral("  %1 top-1 %2  top-3 %3  ECE %4\n")
                   .arg(name, -22)
                   .arg(percent(s.value(QStringLiteral("top1")).toDouble()), 8)
                   .arg(percent(s.value(QStringLiteral("top3")).toDouble()), 8)
                   .arg(eceText(s.value(QStringLiteral("ece")).toDouble(std::numeric_limits<double>::quiet_NaN()))); // null: no answer binned
    };
    out << QStringLiteral("head %1: %2 confirmed listings (%3 for training, %4 for validation) in %5 s\n")
               .arg(r.value(QStringLiteral("version")).toString())
               .arg(r.value(QStringLiteral("examples")).toInt())
               .arg(r.value(QStringLiteral("training_examples")).toInt())
               .arg(v.value(QStringLiteral("n")).toInt())
               .arg(r.value(QStringLiteral("fit")).toObject().value(QStringLiteral("seconds")).toDouble(), 0, 'f', 1);
    out << QStringLiteral("validation (listings it was not trained on; its calibration was fitted there):\n");
    line(QStringLiteral("this head"), v);
    line(QStringLiteral("the active head"), v.value(QStringLiteral("active")).toObject());
    line(QStringLiteral("built-in mapping alone"), v.value(QStringLiteral("builtin")).toObject());
    out << QStringLiteral("  prices inside the suggested range: %1\n").arg(percent(v.value(QStringLiteral("price_inside_range")).toDouble()));
    if (const QJsonObject t = r.value(QStringLiteral("titles")).toObject(); !t.isEmpty())
        out << QStringLiteral("titles (%1 confirmed listings, each suggested from the others): word recall %2, precision %3, sharing a word %4\n")
                   .arg(t.value(QStringLiteral("listings")).toInt())
                   .arg(percent(t.value(QStringLiteral("word_recall")).toDouble()), percent(t.value(QStringLiteral("word_precision")).toDouble()),
                        percent(t.value(QStringLiteral("share_sharing_a_word")).toDouble()));
    out << QStringLiteral("per category (examples, validation top-1):\n");
    const QJsonObject cats = r.value(QStringLiteral("categories")).toObject();
    for (auto it = cats.begin(); it != cats.end(); ++it) {
        const QJsonObject c = it.value().toObject();
        const QJsonValue top1 = c.value(QStringLiteral("top1"));
        out << QStringLiteral("  %1 %2  %3%4\n")
                   .arg(it.key(), -18)
                   .arg(c.value(QStringLiteral("examples")).toInt(), 5)
                   .arg(top1.isNull() ? QStringLiteral("    -") : percent(top1.toDouble()), 8)
                   .arg(c.value(QStringLiteral("learned")).toBool() ? QString() : QStringLiteral("  (too few: the built-in mapping)"));
    }
    const QJsonArray confused = r.value(QStringLiteral("most_confused")).toArray();
    if (!confused.isEmpty()) {
        out << QStringLiteral("most confused (category -> suggested, validation listings):\n");
        for (const QJsonValue &c : confused)
            out << QStringLiteral("  %1 -> %2: %3\n")
                       .arg(c[QStringLiteral("category")].toString(), c[QStringLiteral("suggested")].toString())
                       .arg(c[QStringLiteral("count")].toInt());
    }
    out.flush();
}

// The options of `model`, beside the model's own.
struct ModelCommandOptions {
    QCommandLineOption db = databaseOption(QStringLiteral(", else the embedded SQLite file"));
    QCommandLineOption share{QStringLiteral("validation-share"), QStringLiteral("train: share of listings kept for validation (default 0.2)."),
                             QStringLiteral("X"), QStringLiteral("0.2")};
    QCommandLineOption seed{QStringLiteral("seed"), QStringLiteral("train: seed of the split (default 1)."), QStringLiteral("N"), QStringLiteral("1")};
    QCommandLineOption activate{QStringLiteral("activate"),
                                QStringLiteral("train: activate the new head when its validation top-1 is at least the active one's.")};
    QCommandLineOption force{QStringLiteral("force"), QStringLiteral("train --activate: activate it even when it is worse.")};
    QCommandLineOption json{QStringLiteral("json"), QStringLiteral("One JSON object instead of the text report.")};
    ModelOptions model;
    FineTuneCliOptions fineTune;

    void addTo(QCommandLineParser &parser) const
    {
        parser.addOptions({db, share, seed, activate, force, json});
        model.addTo(parser);
        fineTune.addTo(parser);
    }
};

// One action's view of the command line.
struct ModelCommand {
    const QCommandLineParser &parser;
    const ModelCommandOptions &o;

    std::shared_ptr<PredictionStore> store() const { return openStore(databaseUrl(parser, defaultDatabaseUrl())); }
    bool json() const { return parser.isSet(o.json); }
};

// --validation-share and --seed; a usage error on stderr and nullopt when out of range.
std::optional<TrainingOptions> trainingOptions(const ModelCommand &c)
{
    TrainingOptions training;
    bool ok = false;
    training.validationShare = c.parser.value(c.o.share).toDouble(&ok);
    if (!ok || training.validationShare < 0.05 || training.validationShare > 0.5) {
        printError(QStringLiteral("--validation-share must be a number between 0.05 and 0.5"));
        return std::nullopt;
    }
    training.seed = c.parser.value(c.o.seed).toULongLong(&ok);
    if (!ok) {
        printError(QStringLiteral("--seed must be a whole number"));
        return std::nullopt;
    }
    return training;
}

// The classifier the training actions need: options parsed, model with an embedding.
std::unique_ptr<Classifier> trainingClassifier(const ModelCommand &c, ClassifierOptions *used = nullptr)
{
    auto options = classifierOptions(c.parser, c.o.model);
    if (!options)
        return nullptr;
    if (used)
        *used = *options;
    return embeddingClassifier(*options);
}

int runTrain(const ModelCommand &c)
{
    if (c.parser.isSet(c.o.force) && !c.parser.isSet(c.o.activate)) {
        printError(QStringLiteral("--force only means something with --activate"));
        return ExitUsage;
    }
    ClassifierOptions options;
    const auto training = trainingOptions(c);
    if (training && c.parser.isSet(c.o.fineTune.fineTune))
        return runFineTune(c.parser, c.o.model, c.o.fineTune,
                           {training->validationShare, training->seed, c.parser.isSet(c.o.activate), c.parser.isSet(c.o.force), c.json()});
    auto classifier = training ? trainingClassifier(c, &options) : nullptr;
    if (!classifier)
        return ExitUsage;
    if (!classifier->engineInfo().embeddingDim) {
        printError(QStringLiteral("cannot train a head: the model has no embedding output"));
        return ExitUsage;
    }
    auto store = c.store();
    if (!store)
        return ExitSomeFailed;
    MarketTraining request;
    request.options.validationShare = training->validationShare;
    request.options.seed = training->seed;
    request.options.duplicateMaxHamming = options.quality.duplicateMaxHamming;
    request.activate = c.parser.isSet(c.o.activate);
    request.force = c.parser.isSet(c.o.force);
    auto outcome = trainMarketHead(*store, *classifier, request);
    if (!outcome) {
        printError(outcome.error().message);
        return ExitSomeFailed;
    }
    const MarketTrainingOutcome &o = outcome.value();
    QJsonObject report = o.report;
    // How well the market's own confirmed listings title each other (title_check.h).
    if (auto index = loadListingIndex(*store, classifier->engineInfo().embeddingDim, 200'000, classifier->manifest().version))
        report.insert(QStringLiteral("titles"), leaveOneOutTitles(*index.value(), *classifier, 500).json());
    if (c.json()) {
        printJson(report);
    } else {
        printReport(report);
        for (const QString &n : o.notes)
            QTextStream(stdout) << QStringLiteral("note: %1\n").arg(n);
        if (o.activated)
            QTextStream(stdout) << QStringLiteral("h%1 is now the active head\n").arg(o.version);
        else if (!request.activate)
            QTextStream(stdout) << QStringLiteral("stored as h%1; `listinglens model activate h%1` makes it the active head\n").arg(o.version);
    }
    if (!o.refusal.isEmpty()) {
        printError(o.refusal);
        return ExitSomeFailed;
    }
    return ExitOk;
}

int runCalibrate(const ModelCommand &c)
{
    const auto training = trainingOptions(c);
    auto classifier = training ? trainingClassifier(c) : nullptr;
    if (!classifier)
        return ExitUsage;
    auto store = c.store();
    if (!store)
        return ExitSomeFailed;
    QStringList notes;
    auto examples = confirmedExamples(*store, *classifier, notes);
    auto fitted = examples ? HeadTrainer::calibrateBuiltin(examples.value(), classifier->taxonomy().temperature(), *training)
                           : Result<HeadTrainer::BuiltinCalibration>(examples.error());
    if (!fitted) {
        printError(fitted.error().message);
        return ExitSomeFailed;
    }
    const HeadTrainer::BuiltinCalibration &f = fitted.value();
    if (c.json()) {
        printJson({{QStringLiteral("temperature"), std::round(f.temperature * 1000) / 1000},
                   {QStringLiteral("fitted_on"), f.fittedOn},
                   {QStringLiteral("validation"), QJsonObject{{QStringLiteral("uncalibrated"), f.before.json()},
                                                              {QStringLiteral("calibrated"), f.after.json()}}}});
    } else {
        QTextStream(stdout) << QStringLiteral("built-in mapping: temperature %1 (fitted on %2 listings)\n"
                                              "  on %3 validation listings: ECE %4 -> %5, top-1 %6 (unchanged by a temperature)\n")
                                   .arg(f.temperature, 0, 'f', 3).arg(f.fittedOn).arg(f.after.n)
                                   .arg(eceText(f.before.ece), eceText(f.after.ece)).arg(percent(f.after.top1));
    }
    return ExitOk;
}

int runList(const ModelCommand &c)
{
    auto store = c.store();
    if (!store)
        return ExitSomeFailed;
    auto heads = listHeads(*store);
    if (!heads) {
        printError(heads.error().message);
        return ExitSomeFailed;
    }
    QTextStream out(stdout);
    if (c.json()) {
        QJsonArray a;
        for (const HeadSummary &h : heads.value())
            a.append(summaryJson(h));
        out << QJsonDocument(a).toJson(QJsonDocument::Compact) << Qt::endl;
        return ExitOk;
    }
    if (heads.value().empty()) {
        out << QStringLiteral("no heads yet: `listinglens model train` learns one from the confirmed listings\n");
        return ExitOk;
    }
    out << QStringLiteral("   version  created (UTC)         examples   top-1   top-3    ECE  model\n");
    for (const HeadSummary &h : heads.value())
        out << QStringLiteral("%1 %2  %3 %4 %5 %6  %7  %8\n")
                   .arg(h.active ? QStringLiteral("*") : QStringLiteral(" "), 1)
                   .arg(QStringLiteral("h%1").arg(h.version), 8)
                   .arg(isoTime(h.createdMs), -20)
                   .arg(h.examples, 8)
                   .arg(percent(h.top1), 7)
                   .arg(percent(h.top3), 7)
                   .arg(eceText(h.ece), 5)
                   .arg(h.modelName + QLatin1Char(' ') + h.modelVersion);
    if (std::none_of(heads.value().begin(), heads.value().end(), [](const HeadSummary &h) { return h.active; }))
        out << QStringLiteral("(none is active: suggestions use the built-in mapping)\n");
    return ExitOk;
}

int runRollback(const ModelCommand &c)
{
    auto store = c.store();
    if (!store)
        return ExitSomeFailed;
    auto to = rollbackHead(*store);
    if (!to) {
        printError(to.error().message);
        return ExitSomeFailed;
    }
    QTextStream(stdout) << (to.value() > 0 ? QStringLiteral("rolled back: h%1 is the active head\n").arg(to.value())
                                           : QStringLiteral("rolled back: no head is active; suggestions use the built-in mapping\n"));
    return ExitOk;
}

// The stored head `text` names, with its store; prints the error and returns an exit status otherwise.
std::variant<std::pair<std::shared_ptr<PredictionStore>, CategoryHead>, int> storedHead(const ModelCommand &c, const QString &text)
{
    const auto version = parseVersion(text);
    if (!version)
        return int(ExitUsage);
    auto store = c.store();
    if (!store)
        return int(ExitSomeFailed);
    auto head = loadHead(*store, *version);
    if (!head) {
        printError(head.error().message);
        return int(ExitSomeFailed);
    }
    return std::make_pair(store, head.value());
}

int runShow(const ModelCommand &c, const QString &version)
{
    auto found = storedHead(c, version);
    if (const int *exitCode = std::get_if<int>(&found))
        return *exitCode;
    const CategoryHead &head = std::get<0>(found).second;
    QJsonObject r = head.report;
    r.insert(QStringLiteral("version"), head.label());
    r.insert(QStringLiteral("created_at"), isoTime(head.createdMs));
    r.insert(QStringLiteral("model"), QStringLiteral("%1 %2").arg(head.modelName, head.modelVersion));
    r.insert(QStringLiteral("taxonomy"), head.taxonomyFingerprint);
    c.json() ? printJson(r) : printReport(r);
    return ExitOk;
}

int runActivate(const ModelCommand &c, const QString &version)
{
    if (version.startsWith(QLatin1Char('m')) || version == QLatin1String("shipped"))
        return runModelVersionAction(c.parser, c.o.model, {QStringLiteral("activate"), version}, c.json());
    if (version == QLatin1String("builtin")) {
        auto store = c.store();
        if (!store)
            return ExitSomeFailed;
        if (auto done = activateHead(*store, 0, QStringLiteral("activate")); !done) {
            printError(done.error().message);
            return ExitSomeFailed;
        }
        QTextStream(stdout) << QStringLiteral("no head is active: suggestions use the built-in mapping\n");
        return ExitOk;
    }
    auto found = storedHead(c, version);
    if (const int *exitCode = std::get_if<int>(&found))
        return *exitCode;
    const auto &[store, head] = std::get<0>(found);
    // Refused here, not only in every process that would load it: a head for another taxonomy.
    auto options = classifierOptions(c.parser, c.o.model);
    if (!options)
        return ExitUsage;
    auto taxonomy = options->taxonomyPath.isEmpty() ? Taxonomy::builtIn() : Taxonomy::fromFile(options->taxonomyPath);
    if (!taxonomy) {
        printError(taxonomy.error().message);
        return ExitUsage;
    }
    if (head.taxonomyFingerprint != taxonomy.value().fingerprint()) {
        printError(head.checkFits(taxonomy.value(), head.modelName, head.modelVersion, head.dimension).error().message);
        return ExitSomeFailed;
    }
    if (auto done = activateHead(*store, head.version, QStringLiteral("activate")); !done) {
        printError(done.error().message);
        return ExitSomeFailed;
    }
    QTextStream(stdout) << QStringLiteral("h%1 is now the active head\n").arg(head.version);
    return ExitOk;
}

int runExport(const ModelCommand &c, const QString &version, const QString &path)
{
    auto found = storedHead(c, version);
    if (const int *exitCode = std::get_if<int>(&found))
        return *exitCode;
    const CategoryHead &head = std::get<0>(found).second;
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(head.toJson()) < 0 || !file.commit()) {
        printError(QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
        return ExitSomeFailed;
    }
    QTextStream(stdout) << QStringLiteral("wrote h%1 to %2\n").arg(head.version).arg(path);
    return ExitOk;
}

} // namespace

int runModel(const QStringList &args)
{
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("ACTION"), QStringLiteral("train, list, show, activate, rollback, export, calibrate, versions or rollback-model"));
    const ModelCommandOptions options;
    int exitCode = ExitOk;
    if (!parseCommand(parser, QString::fromLatin1(kDescription), args, exitCode, options))
        return exitCode;
    const ModelCommand c{parser, options};
    const Action actions[] = {
        {QLatin1StringView("train"), {}, [&](const QStringList &) { return runTrain(c); }},
        {QLatin1StringView("list"), {}, [&](const QStringList &) { return runList(c); }},
        {QLatin1StringView("show"), {QStringLiteral("VERSION")}, [&](const QStringList &a) { return runShow(c, a[0]); }},
        {QLatin1StringView("activate"), {QStringLiteral("VERSION|builtin|mN|shipped")}, [&](const QStringList &a) { return runActivate(c, a[0]); }},
        {QLatin1StringView("rollback"), {}, [&](const QStringList &) { return runRollback(c); }},
        {QLatin1StringView("export"), {QStringLiteral("VERSION"), QStringLiteral("FILE")}, [&](const QStringList &a) { return runExport(c, a[0], a[1]); }},
        {QLatin1StringView("calibrate"), {}, [&](const QStringList &) { return runCalibrate(c); }},
        {QLatin1StringView("versions"), {}, [&](const QStringList &) { return runModelVersionAction(c.parser, c.o.model, {QStringLiteral("versions")}, c.json()); }},
        {QLatin1StringView("rollback-model"), {}, [&](const QStringList &) {
             return runModelVersionAction(c.parser, c.o.model, {QStringLiteral("rollback-model")}, c.json());
         }},
    };
    return runAction(QStringLiteral("model"), parser, actions);
}

} // namespace listinglens::cli
