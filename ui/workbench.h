#pragma once

#include <QStringList>

namespace listinglens::ui {

// Starts the desktop application (QApplication + main window) and runs its event loop.
int runWorkbench(int &argc, char **argv);

// `listinglens screenshots DIR`: drives the real window through the sample
// photos and saves workbench.png, batch.png, error.png and presentation.png.
int runScreenshots(int &argc, char **argv, const QString &outDir);

// `listinglens bench-gui`: the longest GUI-thread stall (heartbeat timer)
// while COUNT phone-sized photos are processed in the window.
int runGuiBench(int &argc, char **argv, const QStringList &args);

} // namespace listinglens::ui
