#pragma once

#include "error.h"

#include <QByteArray>
#include <QString>

namespace listinglens {

// What a listing's texts and price may be, wherever they come from (a
// moderator's feedback through the API, an imported catalogue).
inline constexpr int kMaxTitleChars = 200;
inline constexpr int kMaxDescriptionChars = 5000;
inline constexpr double kMaxPrice = 1e9;

// Text from outside: no control characters (line breaks and tabs only where
// `multiline`), no lone surrogates (a JSON "\ud800" or a UTF-16 file's; the
// database would store them as "?"), no non-characters, at most `maxChars`
// characters. The error (InvalidArgument) names `what`.
Result<QString> checkedText(const QString &text, const QString &what, int maxChars, bool multiline = false);
// The same from bytes that must be valid UTF-8.
Result<QString> checkedText(const QByteArray &utf8, const QString &what, int maxChars, bool multiline = false);

} // namespace listinglens
