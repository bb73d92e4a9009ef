#include "workbench.h"

#include "main_window.h"
#include "photo_result.h"
#include "version.h"

#include <QApplication>
#include <QTextStream>

namespace listinglens::ui {

int runWorkbench(int &argc, char **argv)
{
#ifdef Q_OS_LINUX
    if (qEnvironmentVariableIsEmpty("DISPLAY") && qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY")
        && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) {
        QTextStream(stderr) << "listinglens: no display to open the window on.\n"
                               "  Classify from the command line instead: listinglens classify PHOTO_OR_FOLDER...\n"
                               "  (listinglens --help lists the commands), or run under Xvfb." << Qt::endl;
        return 2;
    }
#endif
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("ListingLens"));
    QApplication::setOrganizationName(QStringLiteral("ListingLens"));
    QApplication::setApplicationVersion(versionString());
    qRegisterMetaType<listinglens::PhotoResult>();
    MainWindow window;
    window.show();
    return app.exec();
}

} // namespace listinglens::ui
