#pragma once

#include "main_window.h"
#include "photo_list_model.h"
#include "photo_strip.h"

#include <QEventLoop>
#include <QTimer>

// Drives the real window from a command (screenshots, bench-gui): wait for its
// signals with the event loop running, select a photo as a moderator would.
namespace listinglens::desktop {

// Runs the event loop until the signal fires or the timeout passes; false on timeout.
template <typename Signal>
inline bool waitFor(ui::MainWindow &w, Signal signal, int timeoutMs)
{
    QEventLoop loop;
    QTimer::singleShot(timeoutMs, &loop, [&] { loop.exit(1); });
    QObject::connect(&w, signal, &loop, [&] { loop.exit(0); });
    return loop.exec() == 0;
}

inline void settle(int ms)
{
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

inline int selectByName(ui::MainWindow &w, const QString &name)
{
    for (int r = 0; r < w.photos()->rowCount(); ++r) {
        if (w.photos()->item(r)->name == name) {
            w.strip()->setCurrentIndex(w.photos()->index(r));
            return r;
        }
    }
    return -1;
}

} // namespace listinglens::desktop
