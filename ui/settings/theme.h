#pragma once

#include <QString>

namespace listinglens::ui {

// The workbench's look: "dark" (Fusion with a dark palette, every role set); anything else is
// Fusion with its standard palette ("system", "light").
void applyTheme(const QString &theme);

} // namespace listinglens::ui
