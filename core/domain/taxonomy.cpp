#include "taxonomy.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonArray>
#include <QCryptographicHash>
#include <QSet>

#include <cmath>

namespace listinglens {

namespace {

Error taxonomyError(const QString &what)
{
    return {ErrorCode::InvalidArgument, QStringLiteral("taxonomy: %1").arg(what)};
}

} // namespace

Result<Taxonomy> Taxonomy::fromJson(const QByteArray &json)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (!doc.isObject())
        return taxonomyError(QStringLiteral("not valid JSON (%1)").arg(parseError.errorString()));
    const QJsonObject root = doc.object();
    Taxonomy t;
    t.m_sample = root.value(QStringLiteral("sample_configuration")).toBool(false);
    const QString defaultCurrency = root.value(QStringLiteral("currency")).toString(QStringLiteral("EUR"));
    QSet<QString> ids;
    const QJsonArray categories = root.value(QStringLiteral("categories")).toArray();
    if (categories.isEmpty())
        return taxonomyError(QStringLiteral("no categories"));
    for (const QJsonValue &value : categories) {
        const QJsonObject o = value.toObject();
        Category c;
        c.id = o.value(QStringLiteral("id")).toString();
        c.name = o.value(QStringLiteral("name")).toString();
        c.noun = o.value(QStringLiteral("noun")).toString(QStringLiteral("item"));
        c.detailsHint = o.value(QStringLiteral("details_hint")).toString();
        c.catchAll = o.value(QStringLiteral("catch_all")).toBool(c.id == QLatin1String("other"));
        if (c.id.isEmpty() || c.name.isEmpty())
            return taxonomyError(QStringLiteral("every category needs an \"id\" and a \"name\""));
        if (ids.contains(c.id))
            return taxonomyError(QStringLiteral("category id \"%1\" appears twice").arg(c.id));
        ids.insert(c.id);
        const QJsonObject prior = o.value(QStringLiteral("price_prior")).toObject();
        c.prior.currency = prior.value(QStringLiteral("currency")).toString(defaultCurrency);
        c.prior.p25 = prior.value(QStringLiteral("p25")).toDouble(-1);
        c.prior.median = prior.value(QStringLiteral("median")).toDouble(-1);
        c.prior.p75 = prior.value(QStringLiteral("p75")).toDouble(-1);
        if (!(c.prior.p25 >= 0 && c.prior.p25 <= c.prior.median && c.prior.median <= c.prior.p75))
            return taxonomyError(QStringLiteral("category \"%1\" needs a price prior with 0 <= p25 <= median <= p75").arg(c.id));
        const int categoryIndex = int(t.m_categories.size());
        const QJsonObject classes = o.value(QStringLiteral("imagenet")).toObject();
        for (auto it = classes.begin(); it != classes.end(); ++it) {
            bool ok = false;
            const int index = it.key().toInt(&ok);
            if (!ok || index < 0 || index > 100000)
                return taxonomyError(QStringLiteral("\"%1\" in category \"%2\" is not a class index").arg(it.key(), c.id));
            if (index >= int(t.m_classToCategory.size()))
                t.m_classToCategory.resize(std::size_t(index) + 1, -1);
            if (t.m_classToCategory[index] != -1)
                return taxonomyError(QStringLiteral("class %1 is mapped to two categories (\"%2\" and \"%3\")")
                                         .arg(index).arg(t.m_categories[t.m_classToCategory[index]].id, c.id));
            t.m_classToCategory[index] = categoryIndex;
        }
        t.m_categories.push_back(c);
    }
    const QJsonObject calibration = root.value(QStringLiteral("calibration")).toObject();
    t.m_temperature = calibration.value(QStringLiteral("temperature")).toDouble(1.0);
    if (!(t.m_temperature >= 0.05 && t.m_temperature <= 20))
        return taxonomyError(QStringLiteral("\"calibration\": \"temperature\" must be between 0.05 and 20"));
    const QJsonObject names = root.value(QStringLiteral("label_names")).toObject();
    for (auto it = names.begin(); it != names.end(); ++it) {
        bool ok = false;
        const int index = it.key().toInt(&ok);
        if (!ok || index < 0 || it.value().toString().isEmpty())
            return taxonomyError(QStringLiteral("\"label_names\" maps class indices to non-empty names (\"%1\" is not)").arg(it.key()));
        t.m_listingNames.insert(index, it.value().toString());
    }
    return t;
}

Result<Taxonomy> Taxonomy::fromFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Error{ErrorCode::IoError, QStringLiteral("cannot read the taxonomy %1: %2").arg(path, file.errorString())};
    return fromJson(file.readAll());
}

Result<Taxonomy> Taxonomy::builtIn()
{
    return fromFile(QStringLiteral(":/listinglens/taxonomy.json"));
}

QStringList Taxonomy::ids() const
{
    QStringList ids;
    for (const Category &c : m_categories)
        ids << c.id;
    return ids;
}

QString Taxonomy::fingerprint() const
{
    return QString::fromLatin1(QCryptographicHash::hash(ids().join(QLatin1Char('\n')).toUtf8(), QCryptographicHash::Sha256).toHex().left(16));
}

std::vector<double> Taxonomy::categoryProbabilities(const float *classProbabilities, int classes) const
{
    std::vector<double> mass(m_categories.size(), 0.0);
    for (int c = 0; c < classes; ++c) {
        const int category = categoryOfClass(c);
        if (category >= 0)
            mass[std::size_t(category)] += classProbabilities[c];
    }
    return calibrated(std::move(mass));
}

std::vector<double> Taxonomy::calibrated(std::vector<double> mass) const
{
    double sum = 0;
    for (double &m : mass)
        sum += (m = m > 0 ? std::pow(m, 1.0 / m_temperature) : 0.0);
    if (sum > 0) {
        for (double &m : mass)
            m /= sum;
    }
    return mass;
}

int Taxonomy::categoryOfClass(int classIndex) const
{
    if (classIndex < 0 || classIndex >= int(m_classToCategory.size()))
        return -1;
    return m_classToCategory[classIndex];
}

QString Taxonomy::listingName(int classIndex, const QString &fallback) const
{
    return m_listingNames.value(classIndex, fallback);
}

const Category *Taxonomy::find(const QString &id) const
{
    const int i = indexOf(id);
    return i >= 0 ? &m_categories[i] : nullptr;
}

int Taxonomy::indexOf(const QString &id) const
{
    for (std::size_t i = 0; i < m_categories.size(); ++i) {
        if (m_categories[i].id == id)
            return int(i);
    }
    return -1;
}

Result<bool> Taxonomy::checkCovers(int classCount) const
{
    int missing = 0, first = -1;
    for (int i = 0; i < classCount; ++i) {
        if (categoryOfClass(i) < 0) {
            ++missing;
            if (first < 0)
                first = i;
        }
    }
    if (missing > 0)
        return taxonomyError(QStringLiteral("%1 of the model's %2 classes have no category (the first is class %3); map every class, using \"other\" where none fits")
                                 .arg(missing).arg(classCount).arg(first));
    if (classCount < int(m_classToCategory.size()))
        return taxonomyError(QStringLiteral("it maps class indices up to %1 but the model has only %2 classes")
                                 .arg(m_classToCategory.size() - 1).arg(classCount));
    return true;
}

} // namespace listinglens
