#include "model_versions.h"

#include "calibration.h"
#include "head_store.h"
#include "model_store.h"
#include "model_training.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTextStream>

namespace listinglens::cli {

namespace {

QString percent(double v)
{
    return QStringLiteral("%1 %").arg(v * 100, 0, 'f', 1);
}

QJsonObject versionJson(const ModelVersion &m)
{
    return {{QStringLiteral("version"), m.label()},
            {QStringLiteral("created_at"), QDateTime::fromMSecsSinceEpoch(m.createdMs, Qt::UTC).toString(Qt::ISODate)},
            {QStringLiteral("model"), QStringLiteral("%1 %2").arg(m.modelName, m.modelVersion)},
            {QStringLiteral("base"), QStringLiteral("%1 %2").arg(m.baseName, m.baseVersion)},
            {QStringLiteral("examples"), m.examples},
            {QStringLiteral("validation"), QJsonObject{{QStringLiteral("top1"), m.top1}, {QStringLiteral("top3"), m.top3}, {QStringLiteral("ece"), eceJson(m.ece)}}},
            {QStringLiteral("active"), m.active}};
}

// The newest stored head trained for a model version (0: none).
qint64 newestHeadFor(PredictionStore &store, const QString &modelName, const QString &modelVersion)
{
    auto heads = listHeads(store);
    if (heads)
        for (const HeadSummary &h : heads.value())
            if (h.modelName == modelName && h.modelVersion == modelVersion)
                return h.version;
    return 0;
}

// Activates a model version (0: the shipped model; unless `modelDone`, when
// it is active already) and the newest head trained for it (else the built-in mapping).
int activateModelAndHead(PredictionStore &store, const ModelManifest &shipped, qint64 version, const QString &reason, bool modelDone = false)
{
    QString name = shipped.name, modelVersion = shipped.version;
    if (version > 0) {
        auto model = loadModelVersion(store, version);
        if (!model) {
            printError(model.error().message);
            return ExitSomeFailed;
        }
        name = model.value().modelName;
        modelVersion = model.value().modelVersion;
    }
    const qint64 head = newestHeadFor(store, name, modelVersion);
    auto done = modelDone ? Result<bool>(true) : activateModel(store, version, reason);
    auto headDone = done ? activateHead(store, head, reason) : Result<bool>(done.error());
    if (!headDone) {
        printError(headDone.error().message);
        return ExitSomeFailed;
    }
    QTextStream(stdout) << QStringLiteral("%1 is now the active model, with %2\n")
                               .arg(version > 0 ? QStringLiteral("m%1").arg(version) : QStringLiteral("the shipped model"),
                                    head > 0 ? QStringLiteral("head h%1").arg(head) : QStringLiteral("the built-in mapping (no head was trained for it)"));
    return ExitOk;
}

std::unique_ptr<Classifier> trainingClassifier(const QCommandLineParser &parser, const ModelOptions &modelOptions)
{
    auto options = classifierOptions(parser, modelOptions);
    if (!options)
        return nullptr;
    options->engine.warmUp = false;
    auto classifier = Classifier::create(*options);
    if (!classifier) {
        printError(classifier.error().message);
        return nullptr;
    }
    return std::move(classifier).value();
}

} // namespace

int runFineTune(const QCommandLineParser &parser, const ModelOptions &modelOptions, const FineTuneCliOptions &cli, const ModelTrainingArguments &a)
{
    bool viewsOk = false, epochsOk = false;
    ModelTraining request;
    request.fineTune.views = parser.value(cli.views).toInt(&viewsOk);
    request.fineTune.epochs = parser.value(cli.epochs).toInt(&epochsOk);
    if (!viewsOk || !epochsOk || request.fineTune.views < 0 || request.fineTune.views > 16 || request.fineTune.epochs < 1 || request.fineTune.epochs > 100) {
        printError(QStringLiteral("--views must be 0 to 16 and --epochs 1 to 100"));
        return ExitUsage;
    }
    auto classifier = trainingClassifier(parser, modelOptions);
    if (!classifier)
        return ExitUsage;
    auto store = openStore(databaseUrl(parser, defaultDatabaseUrl()));
    if (!store)
        return ExitSomeFailed;
    QTemporaryDir work;
    request.workDir = work.path();
    request.market.options.validationShare = a.validationShare;
    request.market.options.seed = a.seed;
    request.market.options.duplicateMaxHamming = classifierOptions(parser, modelOptions)->quality.duplicateMaxHamming;
    request.market.activate = a.activate;
    request.market.force = a.force;
    if (!a.json)
        request.fineTune.progress = [](const QString &line) { QTextStream(stderr) << line << Qt::endl; };
    auto outcome = fineTuneMarket(*store, *classifier, request);
    if (!outcome) {
        printError(outcome.error().message);
        return ExitSomeFailed;
    }
    const ModelTrainingOutcome &o = outcome.value();
    QTextStream out(stdout);
    if (a.json) {
        out << QJsonDocument(o.report).toJson(QJsonDocument::Compact) << Qt::endl;
    } else {
        const QJsonObject ft = o.report.value(QStringLiteral("fine_tuning")).toObject();
        out << QStringLiteral("model m%1 (%2): %3 listings, %4 views each, %5 epochs, %6 s (views %7 s)\n")
                   .arg(o.model).arg(o.report.value(QStringLiteral("model_version")).toString())
                   .arg(ft.value(QStringLiteral("listings")).toInt()).arg(1 + ft.value(QStringLiteral("views")).toInt())
                   .arg(request.fineTune.epochs)
                   .arg(ft.value(QStringLiteral("seconds")).toDouble(), 0, 'f', 0).arg(ft.value(QStringLiteral("views_seconds")).toDouble(), 0, 'f', 0);
        out << QStringLiteral("validation: fine-tuned with h%1 top-1 %2 top-3 %3 ECE %4; linear head top-1 %5 top-3 %6 ECE %7\n")
                   .arg(o.modelHead).arg(percent(o.tuned.top1), percent(o.tuned.top3)).arg(eceText(o.tuned.ece))
                   .arg(percent(o.linear.top1), percent(o.linear.top3)).arg(eceText(o.linear.ece));
        for (const QString &n : o.notes)
            out << QStringLiteral("note: %1\n").arg(n);
        if (o.activated)
            out << QStringLiteral("m%1 with h%2 is now the active model\n").arg(o.model).arg(o.modelHead);
        else if (o.headAlone && o.headAlone->activated)
            out << QStringLiteral("h%1 (on the shipped model) is now the active head\n").arg(o.headAlone->version);
    }
    if (!o.refusal.isEmpty()) {
        printError(o.refusal);
        return ExitSomeFailed;
    }
    return ExitOk;
}

int runModelVersionAction(const QCommandLineParser &parser, const ModelOptions &modelOptions, const QStringList &pos, bool json)
{
    const QString action = pos.value(0);
    const bool activating = action == QLatin1String("activate") && pos.size() == 2
                            && (pos[1].startsWith(QLatin1Char('m')) || pos[1] == QLatin1String("shipped"));
    if (action != QLatin1String("versions") && action != QLatin1String("rollback-model") && !activating)
        return -1;
    if (pos.size() != (activating ? 2 : 1)) {
        printError(QStringLiteral("usage: listinglens model %1").arg(activating ? QStringLiteral("activate mN|shipped") : action));
        return ExitUsage;
    }
    auto store = openStore(databaseUrl(parser, defaultDatabaseUrl()));
    if (!store)
        return ExitSomeFailed;
    auto shipped = ModelManifest::forModelDir(parser.isSet(modelOptions.modelDir) ? parser.value(modelOptions.modelDir) : defaultModelDir());
    if (!shipped) {
        printError(shipped.error().message);
        return ExitUsage;
    }
    QTextStream out(stdout);
    if (action == QLatin1String("versions")) {
        auto models = listModelVersions(*store);
        if (!models) {
            printError(models.error().message);
            return ExitSomeFailed;
        }
        QJsonArray a;
        for (const ModelVersion &m : models.value()) {
            a.append(versionJson(m));
            if (!json)
                out << QStringLiteral("%1 %2  %3 examples  top-1 %4  top-3 %5  ECE %6  %7\n")
                           .arg(m.active ? QStringLiteral("*") : QStringLiteral(" "), m.label()).arg(m.examples, 6)
                           .arg(percent(m.top1), percent(m.top3)).arg(eceText(m.ece)).arg(m.modelVersion);
        }
        if (json)
            out << QJsonDocument(a).toJson(QJsonDocument::Compact) << Qt::endl;
        else if (std::none_of(models.value().begin(), models.value().end(), [](const ModelVersion &m) { return m.active; }))
            out << QStringLiteral("(the shipped model is active)\n");
        return ExitOk;
    }
    if (action == QLatin1String("rollback-model")) {
        auto before = rollbackModel(*store);
        if (!before) {
            printError(before.error().message);
            return ExitSomeFailed;
        }
        // The head follows the model it was trained for.
        return activateModelAndHead(*store, shipped.value(), before.value(), QStringLiteral("rollback"), true);
    }
    bool ok = true;
    const qint64 version = pos[1] == QLatin1String("shipped") ? 0 : pos[1].mid(1).toLongLong(&ok);
    if (!ok || version < 0) {
        printError(QStringLiteral("\"%1\" is not a model version (such as m3) or shipped").arg(pos[1]));
        return ExitUsage;
    }
    return activateModelAndHead(*store, shipped.value(), version, QStringLiteral("activate"));
}

} // namespace listinglens::cli
