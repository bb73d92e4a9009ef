#include "commands.h"

#include "cli_common.h"
#include "head_store.h"
#include "head_trainer.h"
#include "history_reads.h"
#include "market_training.h"
#include "model_versions.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QTextStream>

#include <algorithm>
#include <cmath>

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

QString isoTime(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODate);
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
                                                       {QStringLiteral("top3"), h.top3}, {QStringLiteral("ece"), h.ece}}},
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
                   .arg(s.value(QStringLiteral("ece")).toDouble(), 0, 'f', 3);
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

int runTrain(QCommandLineParser &parser, const ModelOptions &modelOptions, const FineTuneCliOptions &fineTune,
             const QCommandLineOption &share, const QCommandLineOption &seed, const QCommandLineOption &activate,
             const QCommandLineOption &force, const QCommandLineOption &json)
{
    auto options = classifierOptions(parser, modelOptions);
    if (!options)
        return ExitUsage;
    bool ok = false;
    const double validationShare = parser.value(share).toDouble(&ok);
    if (!ok || validationShare < 0.05 || validationShare > 0.5) {
        printError(QStringLiteral("--validation-share must be a number between 0.05 and 0.5"));
        return ExitUsage;
    }
    const qulonglong seedValue = parser.value(seed).toULongLong(&ok);
    if (!ok) {
        printError(QStringLiteral("--seed must be a whole number"));
        return ExitUsage;
    }
    if (parser.isSet(force) && !parser.isSet(activate)) {
        printError(QStringLiteral("--force only means something with --activate"));
        return ExitUsage;
    }
    if (parser.isSet(fineTune.fineTune))
        return runFineTune(parser, modelOptions, fineTune,
                           {validationShare, seedValue, parser.isSet(activate), parser.isSet(force), parser.isSet(json)});
    auto classifier = embeddingClassifier(*options); // trainMarketHead refuses a model without embeddings
    if (!classifier)
        return ExitUsage;
    auto store = openStore(databaseUrl(parser, defaultDatabaseUrl()));
    if (!store)
        return ExitSomeFailed;
    MarketTraining request;
    request.options.validationShare = validationShare;
    request.options.seed = seedValue;
    request.options.duplicateMaxHamming = options->quality.duplicateMaxHamming;
    request.activate = parser.isSet(activate);
    request.force = parser.isSet(force);
    auto outcome = trainMarketHead(*store, *classifier, request);
    if (!outcome) {
        printError(outcome.error().message);
        return ExitSomeFailed;
    }
    const MarketTrainingOutcome &o = outcome.value();
    if (parser.isSet(json)) {
        printJson(o.report);
    } else {
        printReport(o.report);
        for (const QString &n : o.notes)
            QTextStream(stdout) << QStringLiteral("note: %1\n").arg(n);
        if (o.activated)
            QTextStream(stdout) << QStringLiteral("h%1 is now the active head\n").arg(o.version);
        else if (!request.activate)
            QTextStream(stdout) << QStringLiteral("stored as h%1; `listinglens model activate h%1` makes it the active head\n").arg(o.version);
    }
    const QString &refusal = o.refusal;
    if (!refusal.isEmpty()) {
        printError(refusal);
        return ExitSomeFailed;
    }
    return ExitOk;
}

// `model calibrate`: the built-in mapping's temperature, fitted on the training side and measured on validation.
int runCalibrate(QCommandLineParser &parser, const ModelOptions &modelOptions, const QCommandLineOption &share, const QCommandLineOption &seed,
                 const QCommandLineOption &json)
{
    auto options = classifierOptions(parser, modelOptions);
    if (!options)
        return ExitUsage;
    auto classifier = embeddingClassifier(*options);
    if (!classifier)
        return ExitUsage;
    auto store = openStore(databaseUrl(parser, defaultDatabaseUrl()));
    if (!store)
        return ExitSomeFailed;
    QStringList notes;
    auto examples = confirmedExamples(*store, *classifier, notes);
    TrainingOptions training;
    bool shareOk = false, seedOk = false;
    training.validationShare = parser.value(share).toDouble(&shareOk);
    training.seed = parser.value(seed).toULongLong(&seedOk);
    if (!shareOk || !seedOk) {
        printError(QStringLiteral("--validation-share must be a number between 0.05 and 0.5, --seed a whole number"));
        return ExitUsage;
    }
    auto c = examples ? HeadTrainer::calibrateBuiltin(examples.value(), classifier->taxonomy().temperature(), training)
                      : Result<HeadTrainer::BuiltinCalibration>(examples.error());
    if (!c) {
        printError(c.error().message);
        return ExitSomeFailed;
    }
    const QJsonObject o{{QStringLiteral("temperature"), std::round(c.value().temperature * 1000) / 1000},
                        {QStringLiteral("fitted_on"), c.value().fittedOn},
                        {QStringLiteral("validation"), QJsonObject{{QStringLiteral("uncalibrated"), c.value().before.json()},
                                                                   {QStringLiteral("calibrated"), c.value().after.json()}}}};
    if (parser.isSet(json)) {
        printJson(o);
    } else {
        QTextStream(stdout) << QStringLiteral("built-in mapping: temperature %1 (fitted on %2 listings)\n"
                                              "  on %3 validation listings: ECE %4 -> %5, top-1 %6 (unchanged by a temperature)\n")
                                   .arg(c.value().temperature, 0, 'f', 3).arg(c.value().fittedOn).arg(c.value().after.n)
                                   .arg(c.value().before.ece, 0, 'f', 3).arg(c.value().after.ece, 0, 'f', 3).arg(percent(c.value().after.top1));
    }
    return ExitOk;
}

} // namespace

int runModel(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QString::fromLatin1(kDescription));
    parser.addHelpOption();
    const QCommandLineOption db = databaseOption(QStringLiteral(", else the embedded SQLite file"));
    const QCommandLineOption share(QStringLiteral("validation-share"), QStringLiteral("train: share of listings kept for validation (default 0.2)."),
                                   QStringLiteral("X"), QStringLiteral("0.2"));
    const QCommandLineOption seed(QStringLiteral("seed"), QStringLiteral("train: seed of the split (default 1)."), QStringLiteral("N"), QStringLiteral("1"));
    const QCommandLineOption activate(QStringLiteral("activate"), QStringLiteral("train: activate the new head when its validation top-1 is at least the active one's."));
    const QCommandLineOption force(QStringLiteral("force"), QStringLiteral("train --activate: activate it even when it is worse."));
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("One JSON object instead of the text report."));
    parser.addOptions({db, share, seed, activate, force, json});
    const ModelOptions modelOptions;
    modelOptions.addTo(parser);
    const FineTuneCliOptions fineTune;
    fineTune.addTo(parser);
    parser.addPositionalArgument(QStringLiteral("ACTION"), QStringLiteral("train, list, show, activate, rollback, export or calibrate"));
    int exitCode = ExitOk;
    if (!parseOrExit(parser, args, exitCode))
        return exitCode;
    const QStringList pos = parser.positionalArguments();
    const QString action = pos.value(0);
    auto needs = [&](int n, const char *usage) {
        if (pos.size() == n)
            return true;
        printError(QStringLiteral("usage: listinglens model %1").arg(QLatin1String(usage)));
        return false;
    };
    if (action == QLatin1String("calibrate"))
        return needs(1, "calibrate [--json]") ? runCalibrate(parser, modelOptions, share, seed, json) : ExitUsage;
    if (action == QLatin1String("train"))
        return needs(1, "train [--fine-tune] [--activate [--force]] [--json]")
                   ? runTrain(parser, modelOptions, fineTune, share, seed, activate, force, json)
                   : ExitUsage;
    if (const int done = runModelVersionAction(parser, modelOptions, pos, parser.isSet(json)); done >= 0)
        return done;

    const QStringList known = {QStringLiteral("list"), QStringLiteral("show"), QStringLiteral("activate"), QStringLiteral("rollback"), QStringLiteral("export")};
    if (!known.contains(action)) {
        printError(QStringLiteral("model needs an action: train, list, show, activate, rollback, export, calibrate, versions or rollback-model (see --help)"));
        return ExitUsage;
    }
    if ((action == QLatin1String("list") && !needs(1, "list [--json]")) || (action == QLatin1String("rollback") && !needs(1, "rollback"))
        || (action == QLatin1String("show") && !needs(2, "show VERSION [--json]"))
        || (action == QLatin1String("activate") && !needs(2, "activate VERSION|builtin"))
        || (action == QLatin1String("export") && !needs(3, "export VERSION FILE")))
        return ExitUsage;
    auto store = openStore(databaseUrl(parser, defaultDatabaseUrl()));
    if (!store)
        return ExitSomeFailed;
    QTextStream out(stdout);

    if (action == QLatin1String("list")) {
        auto heads = listHeads(*store);
        if (!heads) {
            printError(heads.error().message);
            return ExitSomeFailed;
        }
        if (parser.isSet(json)) {
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
                       .arg(h.ece, 0, 'f', 3)
                       .arg(h.modelName + QLatin1Char(' ') + h.modelVersion);
        if (std::none_of(heads.value().begin(), heads.value().end(), [](const HeadSummary &h) { return h.active; }))
            out << QStringLiteral("(none is active: suggestions use the built-in mapping)\n");
        return ExitOk;
    }
    if (action == QLatin1String("rollback")) {
        auto to = rollbackHead(*store);
        if (!to) {
            printError(to.error().message);
            return ExitSomeFailed;
        }
        out << (to.value() > 0 ? QStringLiteral("rolled back: h%1 is the active head\n").arg(to.value())
                               : QStringLiteral("rolled back: no head is active; suggestions use the built-in mapping\n"));
        return ExitOk;
    }
    if (action == QLatin1String("activate") && pos[1] == QLatin1String("builtin")) {
        if (auto done = activateHead(*store, 0, QStringLiteral("activate")); !done) {
            printError(done.error().message);
            return ExitSomeFailed;
        }
        out << QStringLiteral("no head is active: suggestions use the built-in mapping\n");
        return ExitOk;
    }
    const auto version = parseVersion(pos[1]);
    if (!version)
        return ExitUsage;
    auto head = loadHead(*store, *version);
    if (!head) {
        printError(head.error().message);
        return ExitSomeFailed;
    }
    if (action == QLatin1String("show")) {
        QJsonObject r = head.value().report;
        r.insert(QStringLiteral("version"), head.value().label());
        r.insert(QStringLiteral("created_at"), isoTime(head.value().createdMs));
        r.insert(QStringLiteral("model"), QStringLiteral("%1 %2").arg(head.value().modelName, head.value().modelVersion));
        r.insert(QStringLiteral("taxonomy"), head.value().taxonomyFingerprint);
        if (parser.isSet(json))
            printJson(r);
        else
            printReport(r);
        return ExitOk;
    }
    if (action == QLatin1String("activate")) {
        // Refused here, not only in every process that would load it: a head for another taxonomy.
        auto options = classifierOptions(parser, modelOptions);
        if (!options)
            return ExitUsage;
        auto taxonomy = options->taxonomyPath.isEmpty() ? Taxonomy::builtIn() : Taxonomy::fromFile(options->taxonomyPath);
        if (!taxonomy) {
            printError(taxonomy.error().message);
            return ExitUsage;
        }
        if (head.value().taxonomyFingerprint != taxonomy.value().fingerprint()) {
            printError(head.value().checkFits(taxonomy.value(), head.value().modelName, head.value().modelVersion, head.value().dimension).error().message);
            return ExitSomeFailed;
        }
        if (auto done = activateHead(*store, *version, QStringLiteral("activate")); !done) {
            printError(done.error().message);
            return ExitSomeFailed;
        }
        out << QStringLiteral("h%1 is now the active head\n").arg(*version);
        return ExitOk;
    }
    // export
    QSaveFile file(pos[2]);
    if (!file.open(QIODevice::WriteOnly) || file.write(head.value().toJson()) < 0 || !file.commit()) {
        printError(QStringLiteral("cannot write %1: %2").arg(pos[2], file.errorString()));
        return ExitSomeFailed;
    }
    out << QStringLiteral("wrote h%1 to %2\n").arg(*version).arg(pos[2]);
    return ExitOk;
}

} // namespace listinglens::cli
