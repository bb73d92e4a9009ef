#include "stored_result.h"

#include "moderation_json.h"

#include "store_sql_p.h"
#include "taxonomy.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace listinglens {

namespace {

QString compact(const QJsonArray &a)
{
    return QString::fromUtf8(QJsonDocument(a).toJson(QJsonDocument::Compact));
}

// A category's name: as stored with the result, else (rows written before
// names were stored) the built-in taxonomy's.
QString categoryName(const QString &id, const QVector<CategoryScore> &stored)
{
    for (const CategoryScore &c : stored)
        if (c.id == id && !c.name.isEmpty())
            return c.name;
    static const Result<Taxonomy> builtIn = Taxonomy::builtIn();
    const Category *c = builtIn ? builtIn.value().find(id) : nullptr;
    return c ? c->name : id;
}

} // namespace

QString categoriesJson(const PhotoResult &r)
{
    QJsonArray a;
    for (const auto &c : r.categories)
        a.append(QJsonObject{{QStringLiteral("id"), c.id}, {QStringLiteral("name"), c.name}, {QStringLiteral("confidence"), c.confidence}});
    return compact(a);
}

QString labelsJson(const PhotoResult &r)
{
    QJsonArray a;
    for (const auto &l : r.labels)
        a.append(QJsonObject{{QStringLiteral("index"), l.index}, {QStringLiteral("name"), l.name},
                             {QStringLiteral("probability"), l.probability}});
    return compact(a);
}

PhotoResult storedResult(const pg::Rows &rows, int row, int c)
{
    PhotoResult r;
    r.file = rows.text(row, c + 0);
    for (const QJsonValue v : QJsonDocument::fromJson(rows.bytes(row, c + 3)).array()) {
        const QJsonObject o = v.toObject();
        r.categories.push_back({o.value(QStringLiteral("id")).toString(), o.value(QStringLiteral("name")).toString(),
                                o.value(QStringLiteral("confidence")).toDouble()});
    }
    for (CategoryScore &s : r.categories)
        if (s.name.isEmpty())
            s.name = categoryName(s.id, {});
    r.category.id = rows.text(row, c + 1);
    r.category.confidence = rows.real(row, c + 2);
    r.category.name = categoryName(r.category.id, r.categories);
    for (const QJsonValue v : QJsonDocument::fromJson(rows.bytes(row, c + 4)).array()) {
        const QJsonObject o = v.toObject();
        r.labels.push_back({o.value(QStringLiteral("index")).toInt(), o.value(QStringLiteral("name")).toString(),
                            o.value(QStringLiteral("probability")).toDouble()});
    }
    r.price.currency = rows.text(row, c + 5);
    r.price.low = rows.real(row, c + 6);
    r.price.point = rows.real(row, c + 7);
    r.price.high = rows.real(row, c + 8);
    r.price.basis = priceBasisFromName(rows.text(row, c + 9));
    r.price.neighbours = int(rows.integer(row, c + 10));
    r.title = rows.text(row, c + 11);
    r.description = rows.text(row, c + 12);
    r.quality.width = int(rows.integer(row, c + 13));
    r.quality.height = int(rows.integer(row, c + 14));
    r.quality.sharpness = rows.real(row, c + 15);
    r.quality.brightness = rows.real(row, c + 16);
    r.quality.phash = std::uint64_t(rows.integer(row, c + 17));
    r.quality.flags = store_sql::flagsFromColumn(rows.text(row, c + 18));
    r.timing = {rows.real(row, c + 19), rows.real(row, c + 20), rows.real(row, c + 21), rows.real(row, c + 22)};
    r.model = {rows.text(row, c + 23), rows.text(row, c + 24), rows.text(row, c + 25), rows.integer(row, c + 26)};
    r.review.reasons = rows.text(row, c + 27).split(QLatin1Char(','), Qt::SkipEmptyParts);
    r.review.needed = !r.review.reasons.isEmpty();
    r.hints = rows.text(row, c + 28).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    if (const QString basis = rows.text(row, c + 29); !basis.isEmpty())
        r.titleBasis = basis;
    if (const QByteArray moderation = rows.bytes(row, c + 30); !moderation.isEmpty())
        r.moderation = moderationFromStoredJson(QJsonDocument::fromJson(moderation).object());
    // Each word's evidence as the first answer gave it (rows stored before keep the whole title and its basis).
    r.titleWords = titleWordsFromColumn(rows.bytes(row, c + 31));
    return r;
}

QVector<TitleWord> titleWordsFromColumn(const QByteArray &column)
{
    QVector<TitleWord> words;
    for (const QJsonValue v : QJsonDocument::fromJson(column).array()) {
        const QJsonObject o = v.toObject();
        if (const QString word = o.value(QStringLiteral("word")).toString(); !word.isEmpty())
            words.push_back({word, o.value(QStringLiteral("from")).toString()});
    }
    return words;
}

QVariant titleEvidenceColumn(const PhotoResult &r)
{
    if (r.titleWords.isEmpty())
        return QVariant(QMetaType::fromType<QString>());
    QJsonArray a;
    for (const TitleWord &w : r.titleWords)
        a.append(QJsonObject{{QStringLiteral("word"), w.word}, {QStringLiteral("from"), w.from}});
    return compact(a);
}

QString moderationColumn(const PhotoResult &r)
{
    if (r.moderation.state == PhotoModeration::State::Off)
        return {};
    return QString::fromUtf8(QJsonDocument(moderationToStoredJson(r.moderation)).toJson(QJsonDocument::Compact));
}

} // namespace listinglens
