// listinglens-bench: the developer benchmarks, the soak test and the
// screenshots. Built with the tests, never installed or packaged: the product's
// executables (app/) carry only `bench`, which users run to size a machine.
#include "bench_commands.h"
#include "blas_core.h"
#include "cli_common.h"
#include "command_line.h"

#include <QTextStream>

#include <string>

namespace {

constexpr const char *kUsage =
    "Usage: listinglens-bench COMMAND [OPTIONS]\n"
    "\n"
    "The developer benchmarks of ListingLens and the tools beside them (docs/performance.md has the figures).\n"
    "\n"
    "Commands:\n"
    "  gui          longest GUI-thread stall while the window processes photos; --startup: time to the first result\n"
    "  db           fill a database with synthetic predictions and time the console's queries\n"
    "  train        time and memory of training a category head on 10,000 listings\n"
    "  text         text on photos: contact-detail recall, false positives, time\n"
    "  faces        faces found on a folder of photos and the face detector's CPU time\n"
    "  brands       brands read on hand-checked marketplace photos (benchkit/brand_photos.csv)\n"
    "  titles       suggested titles, prices and similar listings against real sellers' listings\n"
    "  cattext      the category with and without the photo's text as evidence, on real sellers' listings\n"
    "  http         jobs/s and submit-to-done latency through the API, 1 and 2 workers\n"
    "  soak         jobs through the API while a worker is killed and PostgreSQL restarts\n"
    "  screenshots [DIR]  save screenshots of the real window (default docs/screenshots)\n"
    "\n"
    "  listinglens-bench COMMAND --help   options of a command\n"
    "\n"
    "http and soak run the listinglens-server beside this executable, else the one on PATH.\n";

int screenshots(int argc, char **argv)
{
    const QString dir = argc > 2 ? QString::fromLocal8Bit(argv[2]) : QStringLiteral("docs/screenshots");
    const QString size = argc > 3 ? QString::fromLocal8Bit(argv[3]) : QStringLiteral("1280x800");
    const QStringList wh = size.split(QLatin1Char('x'));
    const int width = wh.value(0).toInt(), height = wh.value(1).toInt();
    if (dir.startsWith(QLatin1Char('-')) || wh.size() != 2 || width < 640 || height < 480 || width > 4000 || height > 3000) {
        const bool help = dir == QLatin1String("--help") || dir == QLatin1String("-h");
        QTextStream(help ? stdout : stderr)
            << "Usage: listinglens-bench screenshots [DIR [WIDTHxHEIGHT]]\n"
               "Opens the real window, loads the sample photos and saves workbench.png, batch.png,\n"
               "error.png, presentation-start.png, presentation.png, presentation-listing.png,\n"
               "phone.png (the phone upload page in headless chromium), the console pages and\n"
               "settings.png to DIR (default docs/screenshots), the window WIDTHxHEIGHT (default 1280x800).\n"
               "Needs a display (Xvfb).\n";
        return help ? 0 : listinglens::cli::ExitUsage;
    }
    return listinglens::desktop::runScreenshots(argc, argv, dir, QSize(width, height));
}

} // namespace

int main(int argc, char *argv[])
{
    using namespace listinglens::cli;
    if (wantsBlasCore(argc, argv))
        listinglens::restartWithBetterBlasCore(argv); // before anything else: the process may start again
    tuneAllocator();
    const std::string first = argc > 1 ? argv[1] : "";
    // The commands that open the window run their own QApplication.
    if (first == "screenshots")
        return screenshots(argc, argv);
    if (first == "gui") {
        QStringList args;
        for (int i = 1; i < argc; ++i)
            args << QString::fromLocal8Bit(argv[i]);
        args[0] = QStringLiteral("listinglens-bench gui");
        return listinglens::desktop::runGuiBench(argc, argv, args);
    }
    static const Command commands[] = {
        {QLatin1StringView("db"), runBenchDb},         {QLatin1StringView("train"), runBenchTrain},
        {QLatin1StringView("text"), runBenchText},     {QLatin1StringView("brands"), runBenchBrands},
        {QLatin1StringView("faces"), runBenchFaces},
        {QLatin1StringView("titles"), runBenchTitles}, {QLatin1StringView("cattext"), runBenchCatText},
        {QLatin1StringView("http"), runBenchHttp},     {QLatin1StringView("soak"), runSoak},
    };
    return runCommandLine(argc, argv, QStringLiteral("listinglens-bench"), commands, kUsage);
}
