#pragma once

// What the GUI tests share: settings kept apart from the user's, and a window
// open on a database of the test's own.
#include "main_window.h"

#include <QApplication>
#include <QStandardPaths>
#include <QTest>

#include <memory>

namespace listinglens::test {

// The user's settings stay out of it (QSettings and the standard paths of a test mode).
inline void isolateSettings(const QString &application)
{
    QStandardPaths::setTestModeEnabled(true);
    QApplication::setOrganizationName(QStringLiteral("ListingLensTest"));
    QApplication::setApplicationName(application);
}

// A window on `databaseUrl` (through $LISTINGLENS_DB), shown, active and
// with its model loaded; null when that does not happen within a minute.
inline std::unique_ptr<ui::MainWindow> openWindow(const QString &databaseUrl)
{
    qputenv("LISTINGLENS_DB", databaseUrl.toUtf8());
    auto window = std::make_unique<ui::MainWindow>();
    window->show();
    QApplication::setActiveWindow(window.get());
    if (!QTest::qWaitForWindowActive(window.get()) || !QTest::qWaitFor([&] { return window->isModelReady(); }, 60000))
        return nullptr;
    return window;
}

} // namespace listinglens::test
