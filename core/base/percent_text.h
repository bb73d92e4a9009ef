#pragma once

#include <QString>

#include <algorithm>
#include <cmath>

namespace listinglens {

// A confidence (0..1) in percent with `decimals` digits, the one rule of every
// view and of the command line: rounded, except that a confidence short of 1
// never reads 100 (0.996 is "99" with none, 0.9996 "99.9" with one), so the
// strip and the panel agree on which suggestions are certain. Out of range is
// clamped (a model's -0.001 reads "0", never "-0"); no number at all reads "–".
inline QString confidencePercent(double confidence, int decimals)
{
    if (!std::isfinite(confidence))
        return QStringLiteral("–");
    confidence = std::clamp(confidence, 0.0, 1.0);
    const double scale = std::pow(10.0, decimals);
    double shown = std::round(confidence * 100.0 * scale) / scale;
    if (confidence < 1.0 && shown >= 100.0)
        shown = 100.0 - 1.0 / scale;
    return QString::number(shown + 0.0, 'f', decimals); // + 0.0: no "-0"
}

} // namespace listinglens
