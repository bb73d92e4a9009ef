#pragma once

#include <QString>
#include <QStringList>

#include <functional>
#include <vector>

namespace listinglens {

// One word as Tesseract read it.
struct ReadWord {
    QString text;
    double confidence = 0; // 0..1
    bool dictionary = false; // Tesseract found it in its language's word list
};

// Whether OCR read a word a person wrote rather than an edge or a texture:
// three digits or more (a number's group), an address or a handle (an @
// with three letters or digits, a domain or a path of five), letters of one
// script in a row (four, or three read surely). A two-letter token is never
// a word by itself, even one of the dictionary ("fi", "Wa", "BM", "ik.)"):
// OCR reads edges and texture as those. "S", "|", "=|", "Lt)" are not words.
bool isWord(const ReadWord &word);

// Whether a token names something the market lists (a brand: "LG", "JBL"),
// which a line shows whatever its length.
using IsName = std::function<bool(const QString &)>;

// The words of a line as it is shown: marks with no letter or digit at
// either end dropped ("|", "}", "="); empty when the line holds no word.
// Short words ("de", "in") are shown beside a word ("eau de parfum"), never
// alone. Three letters read surely but not in the dictionary ("Mee", "VES")
// are a word only beside another such or a longer one, and not amid more
// one- and two-letter tokens than words ("OE pl ON \ VES" is not text).
QStringList shownWords(const std::vector<ReadWord> &words, const IsName &isName = {});

} // namespace listinglens
