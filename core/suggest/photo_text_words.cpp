#include "photo_text_words.h"

#include "title_builder.h"
#include "title_words.h"

#include <algorithm>

namespace listinglens {

bool ownLine(const PhotoText &text, const TextLine &line)
{
    const bool contact = std::any_of(text.contacts.begin(), text.contacts.end(), [&](const FoundContact &c) { return line.box.intersects(c.box); });
    const bool stock = std::any_of(text.stockMarks.begin(), text.stockMarks.end(),
                                   [&](const QString &m) { return line.text.contains(m, Qt::CaseInsensitive); });
    return !contact && !stock;
}

QStringList readWordKeys(const PhotoText &text)
{
    QStringList keys;
    const auto add = [&](const QString &token) {
        const QString key = wordKey(token);
        const bool word = token.size() >= kMinReadLetters && std::any_of(token.begin(), token.end(), [](QChar c) { return c.isLetter(); });
        if (word && !key.isEmpty() && !namesNothing(key) && !keys.contains(key))
            keys << key;
    };
    for (const TextLine &line : text.lines) {
        if (line.confidence >= kReadConfidence && ownLine(text, line)) {
            for (const QString &token : titleTokens(line.text))
                add(token);
        }
    }
    for (const FoundBrand &b : text.brands) {
        for (const QString &token : titleTokens(b.name))
            add(token);
    }
    return keys;
}

} // namespace listinglens
