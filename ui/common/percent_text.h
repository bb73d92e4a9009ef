#pragma once

#include <QString>

#include <cmath>

namespace listinglens::ui {

// A confidence (0..1) in percent with `decimals` digits, the one rule of every
// view: rounded, except that a confidence short of 1 never reads 100 (0.996 is
// "99" with none, 0.9996 "99.9" with one), so the strip and the panel agree
// on which suggestions are certain.
inline QString confidencePercent(double confidence, int decimals)
{
    const double scale = std::pow(10.0, decimals);
    double shown = std::round(confidence * 100.0 * scale) / scale;
    if (confidence < 1.0 && shown >= 100.0)
        shown = 100.0 - 1.0 / scale;
    return QString::number(shown, 'f', decimals);
}

} // namespace listinglens::ui
