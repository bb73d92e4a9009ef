#pragma once

#include <QSize>
#include <QString>
#include <QStringList>

// The commands of listinglens-bench (bench/main.cpp lists them). Each takes
// the arguments starting with the subcommand's name and returns the exit status.

namespace listinglens::cli {

int runBenchDb(const QStringList &args);
int runBenchTrain(const QStringList &args);
int runBenchText(const QStringList &args);
int runBenchFaces(const QStringList &args);
int runBenchBrands(const QStringList &args);
int runBenchTitles(const QStringList &args);
int runBenchCatText(const QStringList &args);
int runBenchHttp(const QStringList &args);
int runSoak(const QStringList &args);

} // namespace listinglens::cli

namespace listinglens::desktop {

// `listinglens-bench screenshots DIR`: drives the real window through the sample
// photos and saves workbench.png, batch.png, error.png, the presentation
// mode (start, built-up result, listing card), the phone upload page (phone.png,
// headless chromium), the console pages and settings.png.
int runScreenshots(int &argc, char **argv, const QString &outDir, QSize windowSize = QSize(1280, 800));

// `listinglens-bench gui`: the longest GUI-thread stall (heartbeat timer)
// while COUNT phone-sized photos are processed in the window.
int runGuiBench(int &argc, char **argv, const QStringList &args);

} // namespace listinglens::desktop
