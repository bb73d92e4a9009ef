#include "text_words.h"

#include <algorithm>

namespace listinglens {

namespace {

constexpr double kSureLetters = 0.7; // three letters read this surely count without the dictionary

enum class Script { None, Latin, Cyrillic, Other };

Script scriptOf(QChar c)
{
    if (!c.isLetter())
        return Script::None;
    if (c.unicode() < 0x250)
        return Script::Latin;
    if (c.unicode() >= 0x400 && c.unicode() < 0x530)
        return Script::Cyrillic;
    return Script::Other;
}

// The longest run of letters of one script.
int longestLetterRun(const QString &text)
{
    int best = 0, run = 0;
    Script current = Script::None;
    for (QChar c : text) {
        const Script s = scriptOf(c);
        run = s != Script::None && s == current ? run + 1 : (s != Script::None ? 1 : 0);
        current = s;
        best = std::max(best, run);
    }
    return best;
}

bool hasLetterOrDigit(const QString &text)
{
    return std::any_of(text.begin(), text.end(), [](QChar c) { return c.isLetterOrNumber(); });
}

} // namespace

bool isWord(const ReadWord &word)
{
    const QString &t = word.text;
    const auto digits = std::count_if(t.begin(), t.end(), [](QChar c) { return c.isDigit(); });
    const auto alnum = std::count_if(t.begin(), t.end(), [](QChar c) { return c.isLetterOrNumber(); });
    if (digits >= 3 || (t.contains(QLatin1Char('@')) && alnum >= 3))
        return true;
    const int letters = longestLetterRun(t);
    if (letters >= 4 || (letters == 3 && (word.confidence >= kSureLetters || word.dictionary)))
        return true;
    return letters >= 2 && word.dictionary;
}

QStringList shownWords(const std::vector<ReadWord> &words)
{
    if (std::none_of(words.begin(), words.end(), isWord))
        return {};
    std::size_t first = 0, last = words.size();
    while (first < last && !hasLetterOrDigit(words[first].text))
        ++first;
    while (last > first && !hasLetterOrDigit(words[last - 1].text))
        --last;
    QStringList out;
    for (std::size_t i = first; i < last; ++i)
        out << words[i].text;
    return out;
}

} // namespace listinglens
