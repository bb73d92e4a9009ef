#include "category_head.h"

#include "float_blob.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>
#include <cmath>
#include <cstring>

namespace listinglens {

namespace {

Error headError(const QString &what)
{
    return {ErrorCode::InvalidArgument, QStringLiteral("category head: %1").arg(what)};
}

} // namespace

void softmaxInPlace(std::vector<double> &logits, double temperature)
{
    double top = -1e300;
    for (double l : logits)
        top = std::max(top, l);
    double sum = 0;
    for (double &l : logits)
        sum += (l = l < double(CategoryHead::kLeftOut) / 2 ? 0.0 : std::exp((l - top) / temperature));
    for (double &l : logits)
        l = sum > 0 ? l / sum : 0.0;
}

std::vector<double> CategoryHead::headLogits(const float *embedding) const
{
    std::vector<double> logits(std::size_t(categories()), 0.0);
    for (int c = 0; c < categories(); ++c) {
        if (!learned(c)) {
            logits[std::size_t(c)] = kLeftOut;
            continue;
        }
        const float *w = weight.data() + std::size_t(c) * std::size_t(dimension);
        double dot = bias[std::size_t(c)];
        for (int i = 0; i < dimension; ++i)
            dot += double(w[i]) * embedding[i];
        logits[std::size_t(c)] = dot;
    }
    return logits;
}

double CategoryHead::support(const float *embedding) const
{
    const int n = anchorCount();
    if (n == 0)
        return 1.0;
    double best = -1.0;
    for (int a = 0; a < n; ++a) {
        const float *anchor = anchors.data() + std::size_t(a) * std::size_t(dimension);
        double dot = 0;
        for (int i = 0; i < dimension; ++i)
            dot += double(anchor[i]) * embedding[i];
        best = std::max(best, dot);
    }
    return best;
}

double CategoryHead::gate(double s) const
{
    if (anchors.empty() || s >= supportFull)
        return 1.0;
    if (s <= supportNone)
        return 0.0;
    return (s - supportNone) / (supportFull - supportNone);
}

std::vector<double> CategoryHead::probabilities(const float *embedding, const std::vector<double> &builtin,
                                                const std::vector<double> &votes) const
{
    std::vector<double> p = headLogits(embedding);
    softmaxInPlace(p, headTemperature);
    // Without votes (no confirmed listing near, or none given) the head stands in for them.
    const bool voted = usesNeighbours() && votes.size() == p.size();
    double sum = 0;
    for (std::size_t c = 0; c < p.size(); ++c) {
        const double vote = voted ? votes[c] : p[c];
        const double mixed = (1 - builtinShare - neighbourShare) * p[c] + builtinShare * (c < builtin.size() ? builtin[c] : 0.0)
                             + neighbourShare * vote;
        sum += (p[c] = mixed > 0 ? std::pow(mixed, 1.0 / (voted || !usesNeighbours() ? temperature : unvotedTemperature)) : 0.0);
    }
    for (double &v : p)
        v = sum > 0 ? v / sum : 1.0 / double(p.size());
    // Where the head has seen nothing like this photo, the built-in mapping answers.
    const double share = builtin.size() == p.size() ? gate(support(embedding)) : 1.0;
    if (share < 1.0) {
        for (std::size_t c = 0; c < p.size(); ++c)
            p[c] = share * p[c] + (1 - share) * builtin[c];
    }
    return p;
}

Result<bool> CategoryHead::checkFits(const Taxonomy &taxonomy, const QString &model, const QString &modelVer, int dim) const
{
    if (taxonomyFingerprint != taxonomy.fingerprint() || categoryIds != taxonomy.ids()) {
        const QStringList mine = taxonomy.ids();
        QStringList onlyHead, onlyTaxonomy;
        for (const QString &id : categoryIds)
            if (!mine.contains(id))
                onlyHead << id;
        for (const QString &id : mine)
            if (!categoryIds.contains(id))
                onlyTaxonomy << id;
        QString detail = onlyHead.isEmpty() && onlyTaxonomy.isEmpty()
                             ? QStringLiteral("the same categories in another order")
                             : QStringLiteral("categories only in the head: %1; only in the taxonomy: %2")
                                   .arg(onlyHead.isEmpty() ? QStringLiteral("none") : onlyHead.join(QStringLiteral(", ")),
                                        onlyTaxonomy.isEmpty() ? QStringLiteral("none") : onlyTaxonomy.join(QStringLiteral(", ")));
        return headError(QStringLiteral("%1 was trained for another taxonomy (%2); train one for this taxonomy with `listinglens model train`")
                             .arg(label(), detail));
    }
    if (modelName != model || modelVersion != modelVer || dimension != dim)
        return headError(QStringLiteral("%1 was trained on the embeddings of %2 %3 (%4 values), not of %5 %6 (%7 values)")
                             .arg(label(), modelName, modelVersion).arg(dimension).arg(model, modelVer).arg(dim));
    return true;
}

QString CategoryHead::label() const
{
    return version > 0 ? QStringLiteral("h%1").arg(version) : QStringLiteral("the head file");
}

QByteArray CategoryHead::toJson() const
{
    QJsonArray biasArray;
    for (float b : bias)
        biasArray.append(learned(int(biasArray.size())) ? double(b) : QJsonValue(QJsonValue::Null));
    QJsonObject o{
        {QStringLiteral("format"), QString::fromLatin1(kFormat)},
        {QStringLiteral("version"), version},
        {QStringLiteral("created_ms"), createdMs},
        {QStringLiteral("model"), QJsonObject{{QStringLiteral("name"), modelName}, {QStringLiteral("version"), modelVersion}}},
        {QStringLiteral("taxonomy"), taxonomyFingerprint},
        {QStringLiteral("categories"), QJsonArray::fromStringList(categoryIds)},
        {QStringLiteral("dimension"), dimension},
        {QStringLiteral("head_temperature"), headTemperature},
        {QStringLiteral("builtin_share"), builtinShare},
        {QStringLiteral("temperature"), temperature},
        {QStringLiteral("neighbours"), QJsonObject{{QStringLiteral("k"), neighbourK}, {QStringLiteral("power"), neighbourPower},
                                                   {QStringLiteral("share"), neighbourShare},
                                                   {QStringLiteral("unvoted_temperature"), unvotedTemperature}}},
        {QStringLiteral("bias"), biasArray},
        {QStringLiteral("weight"), QString::fromLatin1(floatsToBase64(weight))},
        {QStringLiteral("anchors"), QString::fromLatin1(floatsToBase64(anchors))},
        {QStringLiteral("support"), QJsonObject{{QStringLiteral("none"), supportNone}, {QStringLiteral("full"), supportFull}}},
        {QStringLiteral("report"), report},
    };
    if (words)
        o.insert(QStringLiteral("words"), words->toJson());
    if (textEvidence)
        o.insert(QStringLiteral("text_evidence"), textEvidence->toJson());
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

Result<CategoryHead> CategoryHead::fromJson(const QByteArray &json)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (!doc.isObject())
        return headError(QStringLiteral("not valid JSON (%1)").arg(parseError.errorString()));
    const QJsonObject o = doc.object();
    const QString format = o.value(QStringLiteral("format")).toString();
    if (format != QLatin1String(kFormat) && format != QLatin1String(kFormatWithoutGate))
        return headError(QStringLiteral("not a %1 or %2 document").arg(QLatin1String(kFormatWithoutGate), QLatin1String(kFormat)));
    CategoryHead h;
    h.version = o.value(QStringLiteral("version")).toInteger();
    h.createdMs = o.value(QStringLiteral("created_ms")).toInteger();
    const QJsonObject model = o.value(QStringLiteral("model")).toObject();
    h.modelName = model.value(QStringLiteral("name")).toString();
    h.modelVersion = model.value(QStringLiteral("version")).toString();
    h.taxonomyFingerprint = o.value(QStringLiteral("taxonomy")).toString();
    for (const QJsonValue &v : o.value(QStringLiteral("categories")).toArray())
        h.categoryIds << v.toString();
    h.dimension = o.value(QStringLiteral("dimension")).toInt();
    h.headTemperature = o.value(QStringLiteral("head_temperature")).toDouble(1);
    h.builtinShare = o.value(QStringLiteral("builtin_share")).toDouble(0);
    h.temperature = o.value(QStringLiteral("temperature")).toDouble(1);
    // Absent in heads trained before neighbours voted: no votes.
    const QJsonObject neighbours = o.value(QStringLiteral("neighbours")).toObject();
    h.neighbourK = neighbours.value(QStringLiteral("k")).toInt(0);
    h.neighbourPower = neighbours.value(QStringLiteral("power")).toDouble(1);
    h.neighbourShare = neighbours.value(QStringLiteral("share")).toDouble(0);
    h.unvotedTemperature = neighbours.value(QStringLiteral("unvoted_temperature")).toDouble(h.temperature);
    for (const QJsonValue &v : o.value(QStringLiteral("bias")).toArray()) {
        if (v.isNull()) {
            h.bias.push_back(kLeftOut);
            continue;
        }
        if (!v.isDouble() || !std::isfinite(v.toDouble()) || std::abs(v.toDouble()) > 1e6)
            return headError(QStringLiteral("a bias is not a finite number"));
        h.bias.push_back(float(v.toDouble()));
    }
    h.weight = floatsFromBase64(o.value(QStringLiteral("weight")).toString());
    h.anchors = floatsFromBase64(o.value(QStringLiteral("anchors")).toString());
    const QJsonObject support = o.value(QStringLiteral("support")).toObject();
    h.supportNone = support.value(QStringLiteral("none")).toDouble(0);
    h.supportFull = support.value(QStringLiteral("full")).toDouble(0);
    h.report = o.value(QStringLiteral("report")).toObject();
    const auto finite = [](const std::vector<float> &v) {
        return std::all_of(v.begin(), v.end(), [](float x) { return std::isfinite(x); });
    };
    if (h.categoryIds.size() < 2 || h.dimension <= 0 || h.dimension > 65536 || int(h.bias.size()) != h.categories()
        || h.weight.size() != std::size_t(h.categories()) * std::size_t(h.dimension) || !finite(h.weight)
        || std::any_of(h.weight.begin(), h.weight.end(), [](float w) { return std::abs(w) > 1e6f; }))
        return headError(QStringLiteral("the weights do not match its %1 categories of %2 values").arg(h.categories()).arg(h.dimension));
    if (h.anchors.size() % std::size_t(h.dimension) != 0 || !finite(h.anchors)
        || (!h.anchors.empty() && !(h.supportNone >= -1 && h.supportNone < h.supportFull && h.supportFull <= 1)))
        return headError(QStringLiteral("its anchors or support thresholds are damaged"));
    if (!(h.headTemperature > 0.01 && h.headTemperature < 100 && h.temperature > 0.01 && h.temperature < 100
          && h.builtinShare >= 0 && h.builtinShare <= 1))
        return headError(QStringLiteral("its temperatures or built-in share are out of range"));
    if (!(h.neighbourK >= 0 && h.neighbourK <= 1000 && h.neighbourPower >= 0 && h.neighbourPower <= 100 && h.neighbourShare >= 0
          && h.builtinShare + h.neighbourShare <= 1 && h.unvotedTemperature > 0.01 && h.unvotedTemperature < 100))
        return headError(QStringLiteral("its neighbours' share, count or power are out of range"));
    if (o.contains(QStringLiteral("words"))) {
        auto words = WordModel::fromJson(o.value(QStringLiteral("words")).toObject(), h.dimension);
        if (!words)
            return headError(words.error().message);
        h.words = std::move(words).value();
    }
    if (o.contains(QStringLiteral("text_evidence"))) {
        auto evidence = TextEvidence::fromJson(o.value(QStringLiteral("text_evidence")).toObject(), h.categories());
        if (!evidence)
            return headError(evidence.error().message);
        h.textEvidence = std::move(evidence).value();
    }
    return h;
}

Result<CategoryHead> CategoryHead::fromFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Error{ErrorCode::IoError, QStringLiteral("cannot read the head %1: %2").arg(path, file.errorString())};
    if (file.size() > 256 * 1024 * 1024)
        return headError(QStringLiteral("%1 is too large to be a head").arg(path));
    return fromJson(file.readAll());
}

} // namespace listinglens
