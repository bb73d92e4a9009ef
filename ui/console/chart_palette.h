#pragma once

#include <QPalette>

QT_BEGIN_NAMESPACE
class QChart;
QT_END_NAMESPACE

namespace listinglens::ui {

// Qt Charts draw white whatever the application's palette says: these give a
// chart the palette's colours (background, title, labels, grid, legend), so
// the console's charts follow the light and the dark theme alike. Call again
// on QEvent::PaletteChange.
void applyPaletteToChart(QChart *chart, const QPalette &palette);
// Whether the palette is a dark one (light text on a dark window).
bool isDark(const QPalette &palette);

} // namespace listinglens::ui
