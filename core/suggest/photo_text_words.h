#pragma once

#include "moderation_result.h"

#include <QStringList>

namespace listinglens {

// A line of the photo's text that is neither contact details nor a stock mark.
bool ownLine(const PhotoText &text, const TextLine &line);

// The keys (wordKey, title_words.h) of the words read on a photo that may say
// what it is: words of at least kMinReadLetters characters with a letter, on
// legible lines (kReadConfidence or more) that are no contact details or stock
// marks, none of the few that name nothing, and the brands the lane found.
// Each key once, in reading order; empty for a photo with no such text.
QStringList readWordKeys(const PhotoText &text);

} // namespace listinglens
