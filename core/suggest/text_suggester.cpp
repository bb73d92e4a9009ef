#include "text_suggester.h"

#include <QRegularExpression>
#include <QSet>

namespace listinglens {

namespace {

QString capitalised(QString s)
{
    // "iPod" and other names that start lower-case on purpose stay as they are.
    if (!s.isEmpty() && !(s.size() > 1 && s[1].isUpper()))
        s[0] = s[0].toUpper();
    return s;
}

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

// Words that carry no meaning of their own in a title.
bool fillerWord(const QString &lower)
{
    static const QSet<QString> words = {QStringLiteral("and"), QStringLiteral("or"), QStringLiteral("with"), QStringLiteral("for"),
                                        QStringLiteral("the"), QStringLiteral("a"), QStringLiteral("an"), QStringLiteral("of"),
                                        QStringLiteral("in"), QStringLiteral("to"), QStringLiteral("-"), QStringLiteral("&"),
                                        QStringLiteral("sale"), QStringLiteral("new"), QStringLiteral("used")};
    return words.contains(lower);
}

QStringList wordsOf(const QString &title)
{
    return title.split(QRegularExpression(QStringLiteral("[\\s,;/|()]+")), Qt::SkipEmptyParts);
}

} // namespace

QString TextSuggester::sharedWords(const QStringList &titles)
{
    if (titles.isEmpty())
        return {};
    QHash<QString, int> counts;
    for (const QString &t : titles) {
        QSet<QString> seen;
        for (const QString &w : wordsOf(t))
            seen.insert(w.toLower());
        for (const QString &w : std::as_const(seen))
            ++counts[w];
    }
    const int needed = (int(titles.size()) + 1) / 2;
    QStringList kept;
    QSet<QString> used;
    for (const QString &w : wordsOf(titles.first())) {
        const QString lower = w.toLower();
        if (counts.value(lower) >= std::max(2, needed) && !used.contains(lower)) {
            kept << w;
            used.insert(lower);
        }
    }
    // Only filler words in common is nothing in common.
    const bool meaningful = std::any_of(kept.begin(), kept.end(), [](const QString &w) { return !fillerWord(w.toLower()); });
    while (!kept.isEmpty() && fillerWord(kept.last().toLower()))
        kept.removeLast();
    while (!kept.isEmpty() && fillerWord(kept.first().toLower()))
        kept.removeFirst();
    return meaningful ? kept.join(QLatin1Char(' ')) : QString();
}

SuggestedText TextSuggester::suggest(const Input &in)
{
    const Category &category = *in.category;
    const bool nameColour = !in.colour.isEmpty() && in.colourShare >= kColourShare;
    const QString colourWord = nameColour ? in.colour + QLatin1Char(' ') : QString();
    SuggestedText t;

    QStringList close;
    for (const NeighbourTitle &n : in.neighbours) {
        if (n.similarity >= kCloseListing && !n.title.trimmed().isEmpty())
            close << n.title.trimmed();
    }
    const QString shared = close.size() >= kMinCloseListings ? sharedWords(close) : QString();
    if (!in.neighbours.isEmpty() && in.neighbours.first().similarity >= kNearCopy && !in.neighbours.first().title.trimmed().isEmpty()) {
        t.title = in.neighbours.first().title.trimmed();
        t.titleBasis = QStringLiteral("similar");
    } else if (!shared.isEmpty()) {
        t.title = capitalised(shared);
        t.titleBasis = QStringLiteral("similar");
    } else if (in.labelInCategory && in.topLabel.probability >= kConfidentLabel && !category.catchAll) {
        t.title = capitalised(colourWord + in.topLabel.name);
        t.titleBasis = QStringLiteral("label");
    } else {
        t.title = capitalised(colourWord + category.noun);
        t.titleBasis = QStringLiteral("category");
    }

    // Listing text a buyer reads: what it is, where it belongs. No advice to the seller.
    QStringList parts;
    parts << QStringLiteral("For sale: %1.").arg(t.titleBasis == QLatin1String("similar") && nameColour
                                                     ? colourWord + t.title
                                                     : t.title);
    if (!category.catchAll)
        parts << QStringLiteral("Listed in %1.").arg(category.name);
    parts << QStringLiteral("Please see the photo for its condition; message me with any questions.");
    t.description = parts.join(QLatin1Char(' '));

    if (!category.detailsHint.isEmpty())
        t.hints << category.detailsHint;
    t.hints << photoTips(in.quality.flags);
    return t;
}

} // namespace listinglens
