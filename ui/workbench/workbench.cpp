#include "workbench.h"

#include "main_window.h"
#include "photo_result.h"
#include "version.h"

#include <QApplication>
#include <QTextStream>

namespace listinglens::ui {

bool haveDisplay()
{
#ifdef Q_OS_LINUX
    if (qEnvironmentVariableIsEmpty("DISPLAY") && qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY")
        && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) {
        QTextStream(stderr) << "listinglens: no display to open the window on.\n"
                               "  Classify from the command line instead: listinglens classify PHOTO_OR_FOLDER...\n"
                               "  (listinglens --help lists the commands), run under Xvfb, or set QT_QPA_PLATFORM=offscreen."
                            << Qt::endl;
        return false;
    }
#endif
    return true;
}

void setUpApplication()
{
    QApplication::setApplicationName(QStringLiteral("ListingLens"));
    QApplication::setOrganizationName(QStringLiteral("ListingLens"));
    QApplication::setApplicationVersion(versionString());
    // The installed desktop entry (packaging/desktop): on Wayland this ties the window to its icon.
    QGuiApplication::setDesktopFileName(QStringLiteral("org.listinglens.ListingLens"));
    qRegisterMetaType<listinglens::PhotoResult>();
}

int runWorkbench(int &argc, char **argv)
{
    if (!haveDisplay())
        return 2;
    QApplication app(argc, argv);
    setUpApplication();
    MainWindow window;
    window.show();
    return app.exec();
}

} // namespace listinglens::ui
