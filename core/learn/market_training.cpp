#include "market_training.h"

#include "photo_text_words.h"
#include "text_evidence_trainer.h"
#include "word_trainer.h"

#include <QHash>
#include <QJsonArray>

#include <algorithm>
#include <cmath>

namespace listinglens {

namespace {

QString percent(double v)
{
    return QStringLiteral("%1 %").arg(v * 100, 0, 'f', 1);
}

} // namespace

Result<std::vector<TrainingExample>> confirmedExamples(PredictionStore &store, const Classifier &classifier, QStringList &notes)
{
    const Taxonomy &taxonomy = classifier.taxonomy();
    std::vector<TrainingRow> rows;
    int otherModel = 0, damaged = 0;
    QHash<QString, int> unknown;
    auto read = readTrainingRows(store, [&](TrainingRow &&r) {
        if (r.modelName != classifier.manifest().name || r.modelVersion != classifier.manifest().version
            || int(r.embedding.size()) != classifier.engineInfo().embeddingDim) {
            ++otherModel;
            return;
        }
        if (taxonomy.indexOf(r.categoryId) < 0) {
            ++unknown[r.categoryId];
            return;
        }
        if (!std::all_of(r.embedding.begin(), r.embedding.end(), [](float x) { return std::isfinite(x); })
            || !std::isfinite(r.embeddingNorm)) {
            ++damaged;
            return;
        }
        rows.push_back(std::move(r));
    });
    if (!read)
        return read.error();
    if (!unknown.isEmpty()) {
        QStringList which;
        for (auto it = unknown.begin(); it != unknown.end(); ++it)
            which << QStringLiteral("\"%1\" (%2)").arg(it.key()).arg(it.value());
        which.sort();
        return Error{ErrorCode::InvalidArgument,
                     QStringLiteral("cannot train a head: the taxonomy does not match the stored categories; confirmed listings are in "
                                    "categories it lacks: %1. Train with the taxonomy they were confirmed in (--taxonomy FILE).")
                         .arg(which.mid(0, 5).join(QStringLiteral(", ")))};
    }
    if (otherModel > 0)
        notes << QStringLiteral("%1 confirmed listings were classified by another model and are left out").arg(otherModel);
    if (damaged > 0)
        notes << QStringLiteral("%1 confirmed listings have a damaged embedding (not a number) and are left out").arg(damaged);
    // Rows stored before the embedding's length was kept (schema 7) get the median length.
    std::vector<double> norms;
    for (const TrainingRow &r : rows)
        if (r.embeddingNorm > 0)
            norms.push_back(r.embeddingNorm);
    double median = 0;
    if (!norms.empty()) {
        std::nth_element(norms.begin(), norms.begin() + std::ptrdiff_t(norms.size() / 2), norms.end());
        median = norms[norms.size() / 2];
    }
    if (rows.size() > norms.size() && median > 0)
        notes << QStringLiteral("%1 listings stored before schema 7 use the median embedding length").arg(rows.size() - norms.size());
    std::vector<TrainingExample> examples;
    examples.reserve(rows.size());
    for (TrainingRow &r : rows) {
        TrainingExample e;
        e.id = r.id;
        e.category = taxonomy.indexOf(r.categoryId);
        e.price = r.price;
        e.phash = r.phash;
        const double norm = r.embeddingNorm > 0 ? r.embeddingNorm : median;
        if (norm > 0)
            e.builtin = classifier.builtinProbabilities(r.embedding.data(), norm);
        e.embedding = std::move(r.embedding);
        e.title = std::move(r.title);
        e.readKeys = readWordKeys(r.text);
        examples.push_back(std::move(e));
    }
    return examples;
}

Result<MarketTrainingOutcome> trainMarketHead(PredictionStore &store, const Classifier &classifier, const MarketTraining &request)
{
    if (!classifier.engineInfo().embeddingDim)
        return Error{ErrorCode::InvalidArgument, QStringLiteral("cannot train a head: the model has no embedding output")};
    if (auto writable = checkCanWriteHeads(store); !writable)
        return writable.error();
    MarketTrainingOutcome out;
    auto examples = confirmedExamples(store, classifier, out.notes);
    if (!examples)
        return examples.error();
    auto current = activeHead(store);
    if (!current)
        return current.error();
    std::optional<CategoryHead> active;
    if (current.value().version > 0) {
        auto loaded = loadHead(store, current.value().version);
        if (!loaded)
            return loaded.error();
        active = std::move(loaded).value();
    }
    TrainingOptions options = request.options;
    options.modelName = classifier.manifest().name;
    options.modelVersion = classifier.manifest().version;
    auto trained = HeadTrainer::train(examples.value(), classifier.taxonomy(), active ? &*active : nullptr, options);
    if (!trained)
        return trained.error();
    out.trained = std::move(trained).value();
    // The title words, learned on the head's own split and stored with it.
    if (auto words = WordTrainer::train(examples.value(), options)) {
        out.trained.head.words = std::move(words).value();
        out.trained.report.insert(QStringLiteral("title_words"), out.trained.head.words->report);
    } else {
        out.notes << words.error().message;
    }
    // What the words read on its photos say of a listing's category, weighed on the head's own validation split.
    if (auto evidence = TextEvidenceTrainer::train(examples.value(), out.trained.head, options)) {
        out.trained.head.textEvidence = std::move(evidence).value();
        out.trained.report.insert(QStringLiteral("text_evidence"), out.trained.head.textEvidence->report);
    } else {
        out.notes << evidence.error().message;
    }
    // Stored only as every process will read it back.
    if (auto check = CategoryHead::fromJson(out.trained.head.toJson()); !check)
        return Error{ErrorCode::Internal, QStringLiteral("the trained head is not usable (%1); nothing was stored").arg(check.error().message)};
    auto version = saveHead(store, out.trained.head);
    if (!version)
        return version.error();
    out.version = version.value();
    out.trained.head.version = out.version;

    const MappedVerdict mapped = judgeMappedCategories(classifier.taxonomy(), out.trained.outcome);
    if (request.activate) {
        // The head to beat: the active one, else the built-in mapping; and
        // never the mapping on the categories it knows.
        const TrainedHead &t = out.trained;
        const double before = t.active ? t.active->top1 : t.builtin.top1;
        const QString beforeName = t.active ? QStringLiteral("the active head h%1").arg(current.value().version)
                                            : QStringLiteral("the built-in mapping");
        if (t.validation.top1 + 1e-12 < before && !request.force) {
            out.refusal = QStringLiteral("not activated: h%1 gets %2 top-1 on validation, %3 gets %4 (--force activates it anyway)")
                              .arg(out.version).arg(percent(t.validation.top1), beforeName, percent(before));
        } else if (mapped.loses && !request.force) {
            out.refusal = QStringLiteral("not activated: h%1 loses to the built-in mapping on the categories the mapping knows, although its "
                                         "top-1 over all validation listings is %2 against the mapping's %3: %4 (--force activates it anyway)")
                              .arg(out.version).arg(percent(t.validation.top1), percent(t.builtin.top1), mapped.words);
        } else if (auto done = activateHead(store, out.version, request.force ? QStringLiteral("force") : QStringLiteral("activate")); !done) {
            out.refusal = done.error().message;
        } else {
            out.activated = true;
        }
    }
    out.report = out.trained.report;
    out.report.insert(QStringLiteral("mapped_categories"), mapped.json);
    out.report.insert(QStringLiteral("version"), QStringLiteral("h%1").arg(out.version));
    out.report.insert(QStringLiteral("activated"), out.activated);
    if (!out.notes.isEmpty())
        out.report.insert(QStringLiteral("notes"), QJsonArray::fromStringList(out.notes));
    return out;
}

} // namespace listinglens
