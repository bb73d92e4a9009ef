#pragma once

#include <QString>
#include <QStringList>

namespace listinglens::desktop {

// `listinglens screenshots DIR`: drives the real window through the sample
// photos and saves workbench.png, batch.png, error.png, the presentation
// mode (start, built-up result, listing card), the phone upload page (phone.png,
// headless chromium), the console pages and settings.png.
int runScreenshots(int &argc, char **argv, const QString &outDir);

// `listinglens bench-gui`: the longest GUI-thread stall (heartbeat timer)
// while COUNT phone-sized photos are processed in the window.
int runGuiBench(int &argc, char **argv, const QStringList &args);

} // namespace listinglens::desktop
