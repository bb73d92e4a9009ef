#pragma once

namespace listinglens::ui {

// Starts the desktop application (QApplication + main window) and runs its event loop.
int runWorkbench(int &argc, char **argv);

// False, with a hint on stderr, when there is no display to open a window on.
bool haveDisplay();
// Names, version and metatypes every QApplication of the workbench sets first.
void setUpApplication();

} // namespace listinglens::ui
