#pragma once

#include <QString>

#include <functional>
#include <stop_token>
#include <thread>
#include <vector>

namespace listinglens {

// The one shape of the product's background work: a few named threads that
// each run one loop until asked to stop (digiKam's ActionThreadBase; Qt's
// mandelbrot RenderThread is the minimal form: a mutex, a wait condition and
// an abort flag). The loop is given the stop token: it checks it between two
// pieces of work and passes it to every wait (WorkQueue's waits end on it),
// so requestStop() ends the work at its next step, never in the middle of one.
//
//   TaskThreads readers;
//   readers.start(QStringLiteral("lane"), 2, [&](std::stop_token stop, int) {
//       while (auto job = queue.pop(stop))
//           read(*job);
//   });
//   ...
//   readers.stop(); // requestStop() and join()
//
// Threads: start(), requestStop(), stop() from the owner's thread; the work
// runs on the threads started. Destroying a TaskThreads stops it.
class TaskThreads {
public:
    // `index`: which of the threads started together runs it (0..count-1).
    using Work = std::function<void(std::stop_token stop, int index)>;

    TaskThreads() = default;
    ~TaskThreads() { stop(); }
    TaskThreads(const TaskThreads &) = delete;
    TaskThreads &operator=(const TaskThreads &) = delete;

    // `count` threads named `name` (as top and gdb show them) running `work`.
    void start(const QString &name, int count, Work work);
    // Asks every loop to return; does not wait.
    void requestStop() { m_stop.request_stop(); }
    // Waits for every loop to return (call requestStop() first, or let the work end by itself).
    void join();
    void stop()
    {
        requestStop();
        join();
    }
    bool running() const { return !m_threads.empty(); }
    std::stop_token token() const { return m_stop.get_token(); }

private:
    std::stop_source m_stop;
    std::vector<std::thread> m_threads;
};

} // namespace listinglens
