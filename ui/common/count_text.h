#pragma once

#include <QString>

namespace listinglens::ui {

// "1 photo", "24 photos": English plurals without a translation file (Qt's
// %n needs one, and without it shows "photo(s)").
inline QString countText(qint64 n, const QString &one, const QString &many)
{
    return QStringLiteral("%1 %2").arg(n).arg(n == 1 ? one : many);
}

} // namespace listinglens::ui
