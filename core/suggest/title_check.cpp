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

TitleScores leaveOneOutTitles(const ListingIndex &index, const Classifier &classifier, int limit)
{
    TitleScores scores;
    for (const auto &[entry, embedding] : index.confirmedTitled(limit)) {
        const Category *category = classifier.taxonomy().find(entry.categoryId);
        if (!category)
            continue;
        // Suggested as the product suggests a photo whose one category is the listing's own.
        PhotoResult r;
        r.embedding = embedding;
        r.category = {category->id, category->name, 1.0};
        r.categories = {r.category};
        const ListingIndex::Lookup near = index.lookup(embedding, 5, entry.categoryId, 0, -1, entry.id, classifier.voters(r));
        TitleEvidence evidence;
        evidence.category = category;
        for (const ListingIndex::Match &m : near.sameCategory)
            evidence.neighbours.push_back({m.entry.title, m.similarity});
        evidence.suggested = true;
        evidence.categoryWords = classifier.categoryWords(r, near);
        evidence.marketWords = near.marketWords;
        const QVector<TitleWord> words = TitleBuilder::words(evidence);
        scores.add(TitleBuilder::render(words), words, TitleBuilder::basisOf(words), entry.title);
    }
    return scores;
}

} // namespace listinglens
