#include "word_model.h"

#include "float_blob.h"

#include <QJsonArray>

#include <algorithm>
#include <cmath>

namespace listinglens {

namespace {

Error wordsError(const QString &what)
{
    return {ErrorCode::InvalidArgument, QStringLiteral("title word model: %1").arg(what)};
}

} // namespace

std::vector<double> WordModel::probabilities(const float *embedding) const
{
    std::vector<double> p(std::size_t(words()), 0.0);
    for (int k = 0; k < words(); ++k) {
        const float *w = weight.data() + std::size_t(k) * std::size_t(dimension);
        double dot = bias[std::size_t(k)];
        for (int i = 0; i < dimension; ++i)
            dot += double(w[i]) * embedding[i];
        p[std::size_t(k)] = 1.0 / (1.0 + std::exp(-(scale * dot + shift)));
    }
    return p;
}

QJsonObject WordModel::toJson() const
{
    QJsonArray placeArray;
    for (float p : places)
        placeArray.append(double(p));
    return {{QStringLiteral("format"), QString::fromLatin1(kFormat)},
            {QStringLiteral("keys"), QJsonArray::fromStringList(keys)},
            {QStringLiteral("spellings"), QJsonArray::fromStringList(spellings)},
            {QStringLiteral("places"), placeArray},
            {QStringLiteral("dimension"), dimension},
            {QStringLiteral("weight"), QString::fromLatin1(floatsToBase64(weight))},
            {QStringLiteral("bias"), QString::fromLatin1(floatsToBase64(bias))},
            {QStringLiteral("scale"), scale},
            {QStringLiteral("shift"), shift},
            {QStringLiteral("report"), report}};
}

Result<WordModel> WordModel::fromJson(const QJsonObject &o, int dimension)
{
    if (o.value(QStringLiteral("format")).toString() != QLatin1String(kFormat))
        return wordsError(QStringLiteral("not a %1 document").arg(QLatin1String(kFormat)));
    WordModel m;
    for (const QJsonValue &v : o.value(QStringLiteral("keys")).toArray())
        m.keys << v.toString();
    for (const QJsonValue &v : o.value(QStringLiteral("spellings")).toArray())
        m.spellings << v.toString();
    for (const QJsonValue &v : o.value(QStringLiteral("places")).toArray())
        m.places.push_back(float(v.toDouble(-1)));
    m.dimension = o.value(QStringLiteral("dimension")).toInt();
    m.weight = floatsFromBase64(o.value(QStringLiteral("weight")).toString());
    m.bias = floatsFromBase64(o.value(QStringLiteral("bias")).toString());
    m.scale = o.value(QStringLiteral("scale")).toDouble(1);
    m.shift = o.value(QStringLiteral("shift")).toDouble(0);
    m.report = o.value(QStringLiteral("report")).toObject();
    const auto finite = [](const std::vector<float> &v) {
        return std::all_of(v.begin(), v.end(), [](float x) { return std::isfinite(x) && std::abs(x) < 1e6f; });
    };
    const std::size_t n = std::size_t(m.words());
    if (m.dimension != dimension)
        return wordsError(QStringLiteral("it was trained on embeddings of %1 values, not %2").arg(m.dimension).arg(dimension));
    if (n == 0 || m.spellings.size() != m.keys.size() || m.places.size() != n || m.bias.size() != n
        || m.weight.size() != n * std::size_t(dimension) || !finite(m.weight) || !finite(m.bias)
        || std::any_of(m.keys.begin(), m.keys.end(), [](const QString &k) { return k.isEmpty(); }))
        return wordsError(QStringLiteral("its words and weights do not match"));
    if (!(std::isfinite(m.scale) && m.scale > 0 && m.scale < 1e3 && std::isfinite(m.shift) && std::abs(m.shift) < 1e3))
        return wordsError(QStringLiteral("its calibration is out of range"));
    return m;
}

} // namespace listinglens
