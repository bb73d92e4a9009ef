#include "text_suggester.h"

namespace listinglens {

namespace {

QStringList photoTips(const QStringList &flags)
{
    QStringList tips;
    if (flags.contains(QLatin1String("blurry")))
        tips << QStringLiteral("Take a sharper photo.");
    if (flags.contains(QLatin1String("too_dark")))
        tips << QStringLiteral("Take a brighter photo.");
    if (flags.contains(QLatin1String("too_bright")))
        tips << QStringLiteral("Take a photo with less glare.");
    if (flags.contains(QLatin1String("low_resolution")))
        tips << QStringLiteral("Use a larger photo.");
    return tips;
}

} // namespace

SuggestedText TextSuggester::suggest(const Input &in)
{
    TitleEvidence evidence;
    evidence.category = in.category;
    evidence.label = in.topLabel;
    evidence.itemLabel = in.itemLabel;
    evidence.labelInCategory = in.labelInCategory;
    evidence.colour = in.colour;
    evidence.colourShare = in.colourShare;
    evidence.neighbours = in.neighbours;
    evidence.nearby = in.nearby;
    evidence.suggested = in.suggested;
    evidence.marketWords = in.marketWords;
    evidence.categoryWords = in.categoryWords;
    evidence.learnedWords = in.learnedWords;
    SuggestedText t;
    t.titleWords = TitleBuilder::words(evidence);
    t.title = TitleBuilder::render(t.titleWords);
    t.titleBasis = TitleBuilder::basisOf(t.titleWords);
    QStringList similar;
    for (const NeighbourTitle &n : in.neighbours) {
        if (n.similarity >= TitleBuilder::kCloseListing)
            similar << n.title;
    }
    t.description = listingDescription(t.title, t.titleWords, similar, nullptr, in.category->catchAll ? QString() : in.category->name);
    if (!in.category->detailsHint.isEmpty())
        t.hints << in.category->detailsHint;
    t.hints << photoTips(in.quality.flags);
    return t;
}

} // namespace listinglens
