#pragma once

namespace listinglens::ui {

// Starts the desktop application (QApplication + main window) and runs its event loop.
int runWorkbench(int &argc, char **argv);

} // namespace listinglens::ui
