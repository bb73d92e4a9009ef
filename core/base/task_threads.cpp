#include "task_threads.h"

#include <pthread.h>

namespace listinglens {

void TaskThreads::start(const QString &name, int count, Work work)
{
    stop();
    m_stop = std::stop_source();
    const QByteArray threadName = name.toUtf8().left(15); // Linux keeps 15 bytes of a thread's name
    for (int i = 0; i < count; ++i) {
        m_threads.emplace_back([work, i, token = m_stop.get_token()] { work(token, i); });
        pthread_setname_np(m_threads.back().native_handle(), threadName.constData());
    }
}

void TaskThreads::join()
{
    for (std::thread &t : m_threads) {
        if (t.joinable())
            t.join();
    }
    m_threads.clear();
}

} // namespace listinglens
