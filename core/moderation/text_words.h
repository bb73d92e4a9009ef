#pragma once

#include <QString>
#include <QStringList>

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
// with three letters or digits), letters of one script in a row (four, or
// three read surely), or a word of the dictionary of two letters or more.
// "S", "|", "=|", "Lt)" are not words.
bool isWord(const ReadWord &word);

// The words of a line as it is shown: marks with no letter or digit at
// either end dropped ("|", "}", "="); empty when no word is left in it.
QStringList shownWords(const std::vector<ReadWord> &words);

} // namespace listinglens
