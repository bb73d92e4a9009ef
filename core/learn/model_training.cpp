#include "model_training.h"

#include "head_store.h"
#include "sha256.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>

#include <cmath>

namespace listinglens {

namespace {

QString percent(double v)
{
    return QStringLiteral("%1 %").arg(v * 100, 0, 'f', 1);
}

// Confirmed listings whose photo is still on disk, in categories of the taxonomy.
Result<std::vector<FineTuneExample>> photoExamples(PredictionStore &store, const Taxonomy &taxonomy, QStringList &notes)
{
    std::vector<FineTuneExample> examples;
    int missing = 0, unknown = 0;
    auto read = readTrainingRows(store, [&](TrainingRow &&r) {
        const int category = taxonomy.indexOf(r.categoryId);
        if (category < 0) {
            ++unknown;
            return;
        }
        if (!QFileInfo(r.fileName).isFile()) {
            ++missing;
            return;
        }
        examples.push_back({r.id, category, r.phash, r.fileName});
    });
    if (!read)
        return read.error();
    if (unknown > 0)
        return Error{ErrorCode::InvalidArgument, QStringLiteral("cannot fine-tune: %1 confirmed listings are in categories the taxonomy lacks; "
                                                                "train with the taxonomy they were confirmed in (--taxonomy FILE)").arg(unknown)};
    if (missing > 0)
        notes << QStringLiteral("%1 confirmed listings have no photo file any more and are left out of fine-tuning").arg(missing);
    return examples;
}

// Paired on the same validation listings: is the fine-tuned model right more often?
double pairedP(const ValidationOutcome &linear, const ValidationOutcome &tuned, int &onlyLinear, int &onlyTuned)
{
    onlyLinear = onlyTuned = 0;
    for (std::size_t i = 0; i < linear.truth.size() && i < tuned.truth.size(); ++i) {
        const bool a = linear.head[i] == linear.truth[i], b = tuned.head[i] == tuned.truth[i];
        onlyLinear += a && !b;
        onlyTuned += b && !a;
    }
    return signTestP(onlyTuned, onlyLinear + onlyTuned);
}

Result<ModelVersion> storedModel(const QString &file, const ModelManifest &base, const FineTuned &tuned, const TrainedHead &head)
{
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly))
        return Error{ErrorCode::IoError, QStringLiteral("cannot read the fine-tuned model %1: %2").arg(file, f.errorString())};
    ModelVersion m;
    m.weights = f.readAll();
    m.sha256 = sha256Hex(m.weights);
    m.modelName = base.name;
    m.modelVersion = base.version + QStringLiteral("+ft-") + m.sha256.left(10);
    m.baseName = base.name;
    m.baseVersion = base.version;
    m.examples = int(tuned.tuned.size());
    m.top1 = head.validation.top1;
    m.top3 = head.validation.top3;
    m.ece = head.validation.ece;
    m.provenance = tuned.report;
    return m;
}

// --activate: the fine-tuned model and its head when they beat the linear head (or --force), else the head alone.
Result<bool> activateOutcome(PredictionStore &store, const Classifier &classifier, const ModelTraining &request, ModelTrainingOutcome &out)
{
    if (out.beats || request.market.force) {
        auto m = activateModel(store, out.model, out.beats ? QStringLiteral("activate") : QStringLiteral("force"));
        auto h = m ? activateHead(store, out.modelHead, QStringLiteral("activate")) : Result<bool>(m.error());
        if (!h)
            out.refusal = h.error().message;
        out.activated = bool(h);
    } else {
        out.notes << QStringLiteral("the fine-tuned model does not measurably beat the linear head (it needs higher top-1 at p < %1): "
                                    "the linear head alone is trained and activated").arg(kBeatsLevel);
        auto alone = trainMarketHead(store, classifier, request.market);
        if (!alone)
            return alone.error();
        out.refusal = alone.value().refusal;
        out.headAlone = std::move(alone).value();
    }
    return true;
}

} // namespace

Result<ModelTrainingOutcome> fineTuneMarket(PredictionStore &store, const Classifier &classifier, const ModelTraining &request)
{
    if (auto writable = checkCanWriteHeads(store); !writable)
        return writable.error();
    ModelTrainingOutcome out;
    auto examples = photoExamples(store, classifier.taxonomy(), out.notes);
    if (!examples)
        return examples.error();
    const ModelManifest &base = classifier.manifest();
    FineTuneOptions options = request.fineTune;
    options.split = request.market.options;
    options.split.modelName = base.name;
    options.preprocess = base.preprocess;
    const QString file = QDir(request.workDir).filePath(QStringLiteral("fine-tuned.pt"));
    auto tuned = FineTuner::run(examples.value(), classifier.taxonomy(), base.modelFile, file, options);
    if (!tuned)
        return tuned.error();

    // The linear head on the base model and the fine-tuned model's head, same listings, same split.
    TrainingOptions split = options.split;
    split.modelVersion = base.version;
    auto linear = HeadTrainer::train(tuned.value().base, classifier.taxonomy(), nullptr, split);
    if (!linear)
        return linear.error();
    auto model = storedModel(file, base, tuned.value(), {});
    if (!model)
        return model.error();
    split.modelVersion = model.value().modelVersion;
    auto head = HeadTrainer::train(tuned.value().tuned, classifier.taxonomy(), nullptr, split);
    if (!head)
        return head.error();
    model = storedModel(file, base, tuned.value(), head.value());
    out.linear = linear.value().validation;
    out.tuned = head.value().validation;
    int onlyLinear = 0, onlyTuned = 0;
    out.p = pairedP(linear.value().outcome, head.value().outcome, onlyLinear, onlyTuned);
    out.beats = out.tuned.top1 > out.linear.top1 && out.p < kBeatsLevel;

    auto version = saveModelVersion(store, model.value());
    if (!version)
        return version.error();
    out.model = version.value();
    auto headVersion = saveHead(store, head.value().head);
    if (!headVersion)
        return headVersion.error();
    out.modelHead = headVersion.value();
    const QString verdict = QStringLiteral("fine-tuned m%1 with h%2: top-1 %3 on validation; the linear head on the shipped model: %4 "
                                           "(only the fine-tuned right on %5 listings, only the linear head on %6, sign test p = %7)")
                                .arg(out.model).arg(out.modelHead).arg(percent(out.tuned.top1), percent(out.linear.top1))
                                .arg(onlyTuned).arg(onlyLinear).arg(out.p, 0, 'g', 2);
    out.notes << verdict;
    if (request.market.activate) {
        if (auto done = activateOutcome(store, classifier, request, out); !done)
            return done.error();
    }
    out.report = {{QStringLiteral("model"), QStringLiteral("m%1").arg(out.model)},
                  {QStringLiteral("model_version"), model.value().modelVersion},
                  {QStringLiteral("head"), QStringLiteral("h%1").arg(out.modelHead)},
                  {QStringLiteral("fine_tuning"), tuned.value().report},
                  {QStringLiteral("validation"), QJsonObject{{QStringLiteral("fine_tuned"), out.tuned.json()},
                                                             {QStringLiteral("linear"), out.linear.json()},
                                                             {QStringLiteral("only_fine_tuned_right"), onlyTuned},
                                                             {QStringLiteral("only_linear_right"), onlyLinear},
                                                             {QStringLiteral("p"), std::round(out.p * 10000) / 10000}}},
                  {QStringLiteral("beats_linear"), out.beats},
                  {QStringLiteral("activated"), out.activated},
                  {QStringLiteral("head_report"), head.value().report},
                  {QStringLiteral("notes"), QJsonArray::fromStringList(out.notes)}};
    if (out.headAlone)
        out.report.insert(QStringLiteral("head_alone"), out.headAlone->report);
    return out;
}

} // namespace listinglens
