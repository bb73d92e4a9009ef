#include "text_evidence.h"

#include "float_blob.h"

#include <QJsonArray>
#include <QSet>

#include <algorithm>
#include <cmath>

namespace listinglens {

namespace {

Error evidenceError(const QString &what)
{
    return {ErrorCode::InvalidArgument, QStringLiteral("photo text evidence: %1").arg(what)};
}

} // namespace

std::vector<const float *> TextEvidence::known(const QStringList &readKeys) const
{
    std::vector<const float *> rows;
    QSet<QString> counted;
    for (const QString &key : readKeys) {
        if (key.isEmpty() || counted.contains(key))
            continue;
        // keys are sorted (fromJson and the trainer keep them so).
        const auto at = std::lower_bound(keys.begin(), keys.end(), key);
        if (at == keys.end() || *at != key)
            continue;
        counted.insert(key);
        rows.push_back(ratio.data() + std::size_t(at - keys.begin()) * std::size_t(categories));
    }
    return rows;
}

bool TextEvidence::apply(std::vector<double> &p, const QStringList &readKeys) const
{
    return int(p.size()) == categories && reshape(p, known(readKeys), weighting);
}

bool TextEvidence::reshape(std::vector<double> &p, const std::vector<const float *> &rows, const Weighting &w)
{
    if (rows.empty() || w.lambda <= 0 || !(w.temperature > 0))
        return false;
    std::vector<double> out(p.size(), 0.0);
    double top = -1e300;
    for (std::size_t c = 0; c < p.size(); ++c) {
        if (!(p[c] > 0))
            continue;
        double shift = 0;
        for (const float *row : rows)
            shift += std::clamp(double(row[c]), -w.wordCap, w.wordCap);
        out[c] = (std::log(p[c]) + std::clamp(w.lambda * shift, -w.totalCap, w.totalCap)) / w.temperature;
        top = std::max(top, out[c]);
    }
    double sum = 0;
    for (std::size_t c = 0; c < p.size(); ++c)
        sum += (out[c] = p[c] > 0 ? std::exp(out[c] - top) : 0.0);
    if (!(sum > 0) || !std::isfinite(sum))
        return false;
    for (std::size_t c = 0; c < p.size(); ++c)
        p[c] = out[c] / sum;
    return true;
}

QJsonObject TextEvidence::toJson() const
{
    return {{QStringLiteral("format"), QString::fromLatin1(kFormat)},
            {QStringLiteral("keys"), QJsonArray::fromStringList(keys)},
            {QStringLiteral("categories"), categories},
            {QStringLiteral("ratio"), QString::fromLatin1(floatsToBase64(ratio))},
            {QStringLiteral("min_sellers"), minSellers},
            {QStringLiteral("lambda"), weighting.lambda},
            {QStringLiteral("word_cap"), weighting.wordCap},
            {QStringLiteral("total_cap"), weighting.totalCap},
            {QStringLiteral("temperature"), weighting.temperature},
            {QStringLiteral("report"), report}};
}

Result<TextEvidence> TextEvidence::fromJson(const QJsonObject &o, int categories)
{
    if (o.value(QStringLiteral("format")).toString() != QLatin1String(kFormat))
        return evidenceError(QStringLiteral("not a %1 document").arg(QLatin1String(kFormat)));
    TextEvidence e;
    for (const QJsonValue &v : o.value(QStringLiteral("keys")).toArray())
        e.keys << v.toString();
    e.categories = o.value(QStringLiteral("categories")).toInt();
    e.ratio = floatsFromBase64(o.value(QStringLiteral("ratio")).toString());
    e.minSellers = o.value(QStringLiteral("min_sellers")).toInt();
    TextEvidence::Weighting &w = e.weighting;
    w.lambda = o.value(QStringLiteral("lambda")).toDouble(-1);
    w.wordCap = o.value(QStringLiteral("word_cap")).toDouble(-1);
    w.totalCap = o.value(QStringLiteral("total_cap")).toDouble(-1);
    w.temperature = o.value(QStringLiteral("temperature")).toDouble(-1);
    e.report = o.value(QStringLiteral("report")).toObject();
    if (e.categories != categories)
        return evidenceError(QStringLiteral("it is for %1 categories, not %2").arg(e.categories).arg(categories));
    const bool sorted = std::is_sorted(e.keys.begin(), e.keys.end())
                        && std::adjacent_find(e.keys.begin(), e.keys.end()) == e.keys.end()
                        && std::none_of(e.keys.begin(), e.keys.end(), [](const QString &k) { return k.isEmpty(); });
    const bool finite = std::all_of(e.ratio.begin(), e.ratio.end(), [](float x) { return std::isfinite(x) && std::abs(x) < 100; });
    if (!sorted || !finite || e.ratio.size() != std::size_t(e.words()) * std::size_t(categories))
        return evidenceError(QStringLiteral("its words and ratios do not match"));
    if (!(w.lambda >= 0 && w.lambda <= 10 && w.wordCap >= 0 && w.wordCap <= 100 && w.totalCap >= 0 && w.totalCap <= 100
          && w.temperature > 0.05 && w.temperature < 20))
        return evidenceError(QStringLiteral("its weight, caps or temperature are out of range"));
    return e;
}

} // namespace listinglens
