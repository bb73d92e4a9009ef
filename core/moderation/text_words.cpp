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

// A domain or a path ("vk.com/ab", "shop.co.uk"): a dot or a slash between
// letters or digits, five of them at least.
bool looksLikeAddress(const QString &t, qsizetype alnum)
{
    for (qsizetype i = 1; i + 1 < t.size(); ++i) {
        if ((t[i] == QLatin1Char('.') || t[i] == QLatin1Char('/')) && t[i - 1].isLetterOrNumber() && t[i + 1].isLetterOrNumber())
            return alnum >= 5;
    }
    return false;
}

// What a token is made of, counted once for the word rule and a line's weight.
struct Shape {
    qsizetype digits = 0, alnum = 0;
    int letters = 0;      // the longest run of letters of one script
    bool at = false;      // an @ in it
    bool address = false; // a domain or a path (looksLikeAddress)

    explicit Shape(const QString &t)
        : digits(std::count_if(t.begin(), t.end(), [](QChar c) { return c.isDigit(); })),
          alnum(std::count_if(t.begin(), t.end(), [](QChar c) { return c.isLetterOrNumber(); })), letters(longestLetterRun(t)),
          at(t.contains(QLatin1Char('@'))), address(looksLikeAddress(t, alnum))
    {
    }
};

// isWord, on the token's shape.
bool isWordShaped(const Shape &s, const ReadWord &word)
{
    if (s.digits >= 3 || (s.at && s.alnum >= 3) || s.address)
        return true;
    return s.letters >= 4 || (s.letters == 3 && (word.confidence >= kSureLetters || word.dictionary));
}

// How a token counts towards a line being text.
enum class Weight { None, Short, Weak, Strong };

Weight weightOf(const ReadWord &word, const IsName &isName)
{
    if (!hasLetterOrDigit(word.text))
        return Weight::None;
    const Shape s(word.text);
    if (isWordShaped(s, word)) {
        const bool threeLetters = s.letters == 3 && s.digits < 3 && !s.at && !s.address;
        return threeLetters && !word.dictionary ? Weight::Weak : Weight::Strong;
    }
    if (isName && isName(word.text))
        return Weight::Strong;
    return Weight::Short;
}

// Whether a line of these words is text: a strong word, or two weak ones
// (three letters read surely) not outnumbered by short tokens.
bool holdsText(const std::vector<ReadWord> &words, const IsName &isName)
{
    int weak = 0, shortTokens = 0;
    for (const ReadWord &w : words) {
        switch (weightOf(w, isName)) {
        case Weight::Strong: return true;
        case Weight::Weak: ++weak; break;
        case Weight::Short: ++shortTokens; break;
        case Weight::None: break;
        }
    }
    return weak >= 2 && weak >= shortTokens;
}

} // namespace

bool isWord(const ReadWord &word)
{
    return isWordShaped(Shape(word.text), word);
}

QStringList shownWords(const std::vector<ReadWord> &words, const IsName &isName)
{
    if (!holdsText(words, isName))
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
