#include "title_check.h"

#include "title_words.h"

#include <algorithm>

namespace listinglens {

void TitleScores::add(const QString &suggested, const QVector<TitleWord> &words, const QString &basisName, const QString &sellers)
{
    const TitleOverlap o = titleOverlap(suggested, sellers);
    if (!o.counted)
        return;
    ++listings;
    recall += o.recall;
    precision += o.precision;
    sharing += o.sharesWord ? 1 : 0;
    const auto from = [](const TitleWord &w, const char *name) { return w.from == QLatin1String(name); };
    const bool coloured = std::any_of(words.begin(), words.end(), [&](const TitleWord &w) { return from(w, "colour"); });
    const bool bare = std::all_of(words.begin(), words.end(),
                                  [&](const TitleWord &w) { return from(w, "colour") || from(w, "category") || from(w, "label"); });
    colourNoun += coloured && bare ? 1 : 0;
    ++basis[basisName];
}

QJsonObject TitleScores::json() const
{
    QJsonObject b;
    for (const auto &[name, count] : basis)
        b.insert(name, count);
    const double n = std::max(listings, 1);
    return {{QStringLiteral("listings"), listings},
            {QStringLiteral("word_recall"), recall / n},
            {QStringLiteral("word_precision"), precision / n},
            {QStringLiteral("share_sharing_a_word"), sharing / n},
            {QStringLiteral("share_colour_noun"), colourNoun / n},
            {QStringLiteral("basis"), b}};
}

TitleScores leaveOneOutTitles(const ListingIndex &index, const Taxonomy &taxonomy, int limit)
{
    TitleScores scores;
    for (const auto &[entry, embedding] : index.confirmedTitled(limit)) {
        const Category *category = taxonomy.find(entry.categoryId);
        if (!category)
            continue;
        const ListingIndex::Lookup near = index.lookup(embedding, 5, entry.categoryId, 0, -1, entry.id);
        TitleEvidence evidence;
        evidence.category = category;
        for (const ListingIndex::Match &m : near.sameCategory)
            evidence.neighbours.push_back({m.entry.title, m.similarity});
        for (const ListingIndex::Match &m : near.nearby)
            evidence.nearby.push_back({m.entry.title, m.similarity});
        evidence.marketWords = near.marketWords;
        const QVector<TitleWord> words = TitleBuilder::words(evidence);
        scores.add(TitleBuilder::render(words), words, TitleBuilder::basisOf(words), entry.title);
    }
    return scores;
}

} // namespace listinglens
