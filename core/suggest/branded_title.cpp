#include "branded_title.h"

#include <QRegularExpression>

namespace listinglens {

bool titleNames(const QString &title, const QString &name)
{
    QStringList words;
    for (const QString &w : name.split(QRegularExpression(QStringLiteral("[^\\w']+")), Qt::SkipEmptyParts))
        words << QRegularExpression::escape(w);
    if (words.isEmpty())
        return false;
    const QRegularExpression re(QStringLiteral("(?<![\\w])%1(?![\\w])").arg(words.join(QStringLiteral("[^\\w]*"))),
                                QRegularExpression::CaseInsensitiveOption | QRegularExpression::UseUnicodePropertiesOption);
    return re.match(title).hasMatch();
}

namespace {

// "Phone" and "Chest of drawers" are sentence case; "Gas Cooker 50 cm" is not.
bool sentenceCase(const QStringList &words)
{
    for (qsizetype i = 1; i < words.size(); ++i)
        if (!words[i].isEmpty() && words[i].front().isUpper())
            return false;
    return true;
}

} // namespace

QString brandedTitle(const QString &title, const std::vector<FoundBrand> &brands, const QString &categoryId)
{
    const QString trimmed = title.trimmed();
    if (trimmed.isEmpty())
        return title;
    for (const FoundBrand &b : brands)
        if (titleNames(trimmed, b.name))
            return title;
    const FoundBrand *chosen = brandFor(brands, categoryId);
    if (!chosen || chosen->name.trimmed().isEmpty())
        return title;
    QStringList words = trimmed.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    QString &first = words.first();
    // Only a word capitalised because it starts the title is lowered: "Phone", not "TV", "iPod" or "Samsung".
    const bool plainCapital = first.size() > 1 && first.front().isUpper() && first.mid(1) == first.mid(1).toLower() && first.mid(1).front().isLetter();
    if (plainCapital && sentenceCase(words))
        first[0] = first[0].toLower();
    return chosen->name.trimmed() + QLatin1Char(' ') + words.join(QLatin1Char(' '));
}

const FoundBrand *brandFor(const std::vector<FoundBrand> &brands, const QString &categoryId)
{
    for (const FoundBrand &b : brands) {
        if (!categoryId.isEmpty() && b.categoryId == categoryId && !b.name.trimmed().isEmpty())
            return &b;
    }
    for (const FoundBrand &b : brands) {
        if (b.categoryId.isEmpty() && !b.name.trimmed().isEmpty())
            return &b;
    }
    return nullptr;
}

} // namespace listinglens
