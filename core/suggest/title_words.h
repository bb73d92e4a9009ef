#pragma once

#include <QSet>
#include <QString>
#include <QStringList>

namespace listinglens {

// Words of listing titles as the title suggestions and their measurement
// compare them. A title's words are split at spaces and at , ; / | ( ) [ ] ! ? : " *
// (so "Win 10/Office" is three words), with dots, quotes and dashes trimmed
// from their ends ("WH-1000XM4" stays one word). A word's key is its lower
// case with a final "s" dropped from words of four letters or more ("chairs"
// and "chair" are one key); filler words (and, with, for, the, sale...) have none.
QStringList titleTokens(const QString &title);
QString wordKey(const QString &token); // empty for a filler word or a lone symbol
QSet<QString> contentWords(const QString &title);
// A word that names nothing in a title ("you", "all", "available", "must").
bool namesNothing(const QString &key);
// A token that is a number ("50", "2019", "£20"): a digit and no letter. The
// word after it is half of a run ("50 cm", "8 GB"), a fragment without it.
bool numberOnly(const QString &token);
// Where the index-th of `count` words stands in its title: 0 first .. 1 last (0 alone).
double relativePlace(int index, int count);

// How much of a seller's title a suggested one has.
struct TitleOverlap {
    double recall = 0;     // share of the seller's content words in the suggestion (0 when the seller's has none)
    double precision = 0;  // share of the suggestion's content words in the seller's title
    bool sharesWord = false;
    bool counted = false;  // the seller's title has content words
};
TitleOverlap titleOverlap(const QString &suggested, const QString &sellers);

} // namespace listinglens
