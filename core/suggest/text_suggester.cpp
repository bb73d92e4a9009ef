#include "text_suggester.h"

namespace listinglens {

namespace {

QString capitalised(QString s)
{
    // "iPod" and other names that start lower-case on purpose stay as they are.
    if (!s.isEmpty() && !(s.size() > 1 && s[1].isUpper()))
        s[0] = s[0].toUpper();
    return s;
}

QString qualityNote(const QStringList &flags)
{
    QStringList notes;
    if (flags.contains(QLatin1String("blurry")))
        notes << QStringLiteral("a sharper photo");
    if (flags.contains(QLatin1String("too_dark")))
        notes << QStringLiteral("a brighter photo");
    if (flags.contains(QLatin1String("too_bright")))
        notes << QStringLiteral("a photo with less glare");
    if (flags.contains(QLatin1String("low_resolution")))
        notes << QStringLiteral("a larger photo");
    if (notes.isEmpty())
        return {};
    const QString list = notes.size() == 1 ? notes.first()
                                           : notes.mid(0, notes.size() - 1).join(QStringLiteral(", ")) + QStringLiteral(" and ") + notes.last();
    return QStringLiteral("Photo tip: %1 will help buyers see the item.").arg(list);
}

} // namespace

SuggestedText TextSuggester::suggest(const Category &category, const LabelScore &topLabel, bool labelInCategory,
                                     const QString &colour, double colourShare, const PhotoQuality &quality)
{
    const bool nameColour = !colour.isEmpty() && colourShare >= kColourShare;
    const QString colourWord = nameColour ? colour + QLatin1Char(' ') : QString();
    const bool useLabel = labelInCategory && topLabel.probability >= kLikelyLabel && category.id != QLatin1String("other");
    const QString thing = useLabel ? topLabel.name : category.noun;

    SuggestedText t;
    t.title = capitalised(colourWord + thing);

    QStringList parts;
    // No articles: listing style, and names like "jeans" or "dumbbells" are plural.
    if (useLabel && topLabel.probability < kConfidentLabel)
        parts << QStringLiteral("For sale: %1 (to be confirmed).").arg(colourWord + thing);
    else
        parts << QStringLiteral("For sale: %1.").arg(colourWord + thing);
    parts << QStringLiteral("Category: %1.").arg(category.name);
    if (!category.detailsHint.isEmpty())
        parts << category.detailsHint;
    const QString note = qualityNote(quality.flags);
    if (!note.isEmpty())
        parts << note;
    t.description = parts.join(QLatin1Char(' '));
    return t;
}

} // namespace listinglens
