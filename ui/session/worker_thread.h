#pragma once

#include <QMetaObject>
#include <QThread>

#include <utility>

namespace listinglens::ui {

// The one shape of long-lived work behind the window: a worker object on a
// thread of its own. The thread starts at construction; the worker is deleted
// on its own thread when the thread stops. Calls go in through call() (queued,
// so they run in the order given, and checked by the compiler), answers come
// out as the worker's signals. Cancelling is the worker's own business (an
// atomic flag it checks), done before stop().
template <typename Worker>
class WorkerThread {
public:
    explicit WorkerThread(const QString &name) : m_worker(new Worker)
    {
        m_thread.setObjectName(name);
        m_worker->moveToThread(&m_thread);
        QObject::connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
        m_thread.start();
    }
    ~WorkerThread() { stop(); }
    WorkerThread(const WorkerThread &) = delete;
    WorkerThread &operator=(const WorkerThread &) = delete;

    // For connecting to its signals and for its thread-safe functions; call
    // its slots through call().
    Worker *worker() const { return m_worker; }

    // Runs worker->method(args...) on the worker's thread, after what was queued before.
    template <typename... Params, typename... Args>
    void call(void (Worker::*method)(Params...), Args &&...args)
    {
        QMetaObject::invokeMethod(
            m_worker, [w = m_worker, method, ... args = std::forward<Args>(args)] { (w->*method)(args...); },
            Qt::QueuedConnection);
    }

    // Waits until everything queued before has run (for the last writes at shutdown).
    void drain()
    {
        if (m_thread.isRunning())
            QMetaObject::invokeMethod(m_worker, [] {}, Qt::BlockingQueuedConnection);
    }

    // Stops the thread once the call running now returns; what is still queued is dropped.
    void stop()
    {
        m_thread.quit();
        m_thread.wait();
    }

private:
    QThread m_thread;
    Worker *m_worker;
};

} // namespace listinglens::ui
