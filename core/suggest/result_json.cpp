#include "result_json.h"

#include "moderation_json.h"

#include <QJsonArray>

#include <cmath>

namespace listinglens {

namespace {

double rounded(double v, int decimals)
{
    const double f = std::pow(10.0, decimals);
    return std::round(v * f) / f;
}

QJsonObject categoryJson(const CategoryScore &c)
{
    return {{QStringLiteral("id"), c.id}, {QStringLiteral("name"), c.name},
            {QStringLiteral("confidence"), rounded(c.confidence, 6)}};
}

// As history --json: a suggestion without a price (basis none) has no low/point/high
// rather than a price of 0; its neighbours are the category's confirmed prices.
QJsonObject priceJson(const PriceSuggestion &p)
{
    QJsonObject price{{QStringLiteral("currency"), p.currency},
                      {QStringLiteral("basis"), priceBasisName(p.basis)},
                      {QStringLiteral("neighbours"), p.neighbours}};
    if (p.figure()) {
        price.insert(QStringLiteral("low"), rounded(p.low, 2));
        price.insert(QStringLiteral("point"), rounded(p.point, 2));
        price.insert(QStringLiteral("high"), rounded(p.high, 2));
    }
    return price;
}

} // namespace

QJsonArray titleEvidenceJson(const QString &title, const QString &basis, const QVector<TitleWord> &words)
{
    QJsonArray evidence;
    const QVector<TitleWord> shown = words.isEmpty() && !title.isEmpty() ? QVector<TitleWord>{{title, basis}} : words;
    for (const TitleWord &w : shown)
        evidence.append(QJsonObject{{QStringLiteral("word"), w.word}, {QStringLiteral("from"), w.from}});
    return evidence;
}

QJsonObject resultToJson(const PhotoResult &r)
{
    QJsonArray categories, labels, flags;
    for (const auto &c : r.categories)
        categories.append(categoryJson(c));
    for (const auto &l : r.labels)
        labels.append(QJsonObject{{QStringLiteral("index"), l.index}, {QStringLiteral("name"), l.name},
                                  {QStringLiteral("probability"), rounded(l.probability, 6)}});
    for (const auto &f : r.quality.flags)
        flags.append(f);
    const QJsonArray evidence = titleEvidenceJson(r.title, r.titleBasis, r.titleWords);
    return {
        {QStringLiteral("file"), r.file},
        {QStringLiteral("ok"), true},
        {QStringLiteral("category"), categoryJson(r.category)},
        {QStringLiteral("categories"), categories},
        {QStringLiteral("labels"), labels},
        {QStringLiteral("price"), priceJson(r.price)},
        {QStringLiteral("title"), r.title},
        {QStringLiteral("title_basis"), r.titleBasis},
        {QStringLiteral("title_evidence"), evidence},
        {QStringLiteral("description"), r.description},
        {QStringLiteral("hints"), QJsonArray::fromStringList(r.hints)},
        {QStringLiteral("review"), QJsonObject{{QStringLiteral("needed"), r.review.needed},
                                               {QStringLiteral("reasons"), QJsonArray::fromStringList(r.review.reasons)}}},
        {QStringLiteral("quality"), QJsonObject{{QStringLiteral("width"), r.quality.width},
                                                {QStringLiteral("height"), r.quality.height},
                                                {QStringLiteral("sharpness"), rounded(r.quality.sharpness, 1)},
                                                {QStringLiteral("brightness"), rounded(r.quality.brightness, 1)},
                                                {QStringLiteral("phash"), phashToHex(r.quality.phash)},
                                                {QStringLiteral("flags"), flags}}},
        {QStringLiteral("timing_ms"), QJsonObject{{QStringLiteral("decode"), rounded(r.timing.decode, 2)},
                                                  {QStringLiteral("preprocess"), rounded(r.timing.preprocess, 2)},
                                                  {QStringLiteral("inference"), rounded(r.timing.inference, 2)},
                                                  {QStringLiteral("total"), rounded(r.timing.total, 2)}}},
        {QStringLiteral("model"), QJsonObject{{QStringLiteral("name"), r.model.name},
                                              {QStringLiteral("version"), r.model.version},
                                              {QStringLiteral("device"), r.model.device},
                                              {QStringLiteral("head"), r.model.head > 0 ? QJsonValue(QStringLiteral("h%1").arg(r.model.head))
                                                                                        : QJsonValue(QJsonValue::Null)}}},
        {QStringLiteral("text"), photoTextToJson(r.moderation.text)},
        {QStringLiteral("moderation"), moderationToJson(r.moderation)},
    };
}

QJsonObject failureToJson(const QString &file, const Error &error)
{
    return {{QStringLiteral("file"), file},
            {QStringLiteral("ok"), false},
            {QStringLiteral("error"), QJsonObject{{QStringLiteral("code"), error.codeName()},
                                                  {QStringLiteral("message"), error.message}}}};
}

} // namespace listinglens
