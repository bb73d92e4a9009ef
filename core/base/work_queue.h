#pragma once

#include <QString>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <stop_token>
#include <vector>

namespace listinglens {

// How much a WorkQueue may hold: items and their bytes (what each holds in
// memory, as its producer counts it). 0 bytes: bounded by count alone. One
// item larger than the byte bound is still taken into an empty queue, so that
// nothing can wait for room that will never come.
struct QueueLimits {
    std::size_t count = 64;
    qint64 bytes = 0;
};

// The one queue of the product's background work: bounded by count and
// bytes, and fair across keys. Items of one key leave in the order they came;
// keys take turns (round robin), so one key's backlog never delays another
// key's next item by more than one turn. An empty key is one more key.
//
// push() waits for room; offer() never waits: when the queue is full, an item
// of a key holding fewer items than the key holding the most displaces that
// key's newest, so a flood from one key pushes out its own items, never
// another's. Waits end early when the stop token given is triggered or the
// queue is closed. Thread-safe.
template <typename T>
class WorkQueue {
public:
    explicit WorkQueue(QueueLimits limits = {}) : m_limits(limits) { m_limits.count = std::max<std::size_t>(1, m_limits.count); }

    // Waits for room, then takes `item` (moved from). False, `item` left
    // alone, when the queue is closed or `stop` was triggered first.
    bool push(T &item, qint64 bytes = 0, const QString &key = {}, std::stop_token stop = {})
    {
        std::unique_lock lock(m_mutex);
        m_changed.wait(lock, stop, [&] { return m_closed || fits(bytes); });
        if (m_closed || stop.stop_requested())
            return false;
        add(item, bytes, key);
        return true;
    }

    // Takes `item` at once if it fits, or by displacing the newest items of the
    // key that holds the most (handed back in `displaced`, to be reported as
    // not done); false, `item` left alone, when its own key holds the most.
    bool offer(T &item, qint64 bytes, const QString &key, std::vector<T> *displaced)
    {
        std::unique_lock lock(m_mutex);
        if (m_closed)
            return false;
        while (!fits(bytes)) {
            const QString heaviest = heaviestKey();
            if (heaviest == key || countOf(heaviest) <= countOf(key) + 1)
                return false;
            Lane &lane = m_lanes.at(heaviest);
            if (displaced)
                displaced->push_back(std::move(lane.items.back().value));
            m_bytes -= lane.items.back().bytes;
            lane.items.pop_back();
            --m_size;
            if (lane.items.empty())
                dropTurn(heaviest);
        }
        add(item, bytes, key);
        return true;
    }

    // The next item (keys in turn); waits for one. Empty once the queue is
    // closed and drained, or when `stop` is triggered.
    std::optional<T> pop(std::stop_token stop = {})
    {
        std::unique_lock lock(m_mutex);
        m_changed.wait(lock, stop, [&] { return m_size > 0 || m_closed; });
        if (m_size == 0 || stop.stop_requested())
            return std::nullopt;
        std::optional<T> item(take());
        lock.unlock();
        m_changed.notify_all();
        return item;
    }

    // Up to `max` items; with `wait`, waits for the first. Empty when nothing
    // is ready (not waiting), or once closed and drained, or stopped.
    std::vector<T> popUpTo(std::size_t max, bool wait, std::stop_token stop = {})
    {
        std::unique_lock lock(m_mutex);
        if (wait)
            m_changed.wait(lock, stop, [&] { return m_size > 0 || m_closed; });
        std::vector<T> items;
        while (m_size > 0 && items.size() < max && !stop.stop_requested())
            items.push_back(take());
        lock.unlock();
        m_changed.notify_all();
        return items;
    }

    // No more pushes or offers; pops take what is left, then return empty.
    void close()
    {
        {
            std::lock_guard lock(m_mutex);
            m_closed = true;
        }
        m_changed.notify_all();
    }
    // Opens a closed queue again (a worker started anew).
    void reopen()
    {
        std::lock_guard lock(m_mutex);
        m_closed = false;
    }

    // Everything still queued, in turn order, leaving the queue empty.
    std::vector<T> drain() { return popUpTo(std::numeric_limits<std::size_t>::max(), false); }

    std::size_t size() const
    {
        std::lock_guard lock(m_mutex);
        return m_size;
    }
    qint64 bytes() const
    {
        std::lock_guard lock(m_mutex);
        return m_bytes;
    }
    // Whether an item of `bytes` would be taken now without waiting or displacing.
    bool hasRoom(qint64 bytes = 0) const
    {
        std::lock_guard lock(m_mutex);
        return !m_closed && fits(bytes);
    }
    const QueueLimits &limits() const { return m_limits; }

private:
    struct Entry {
        T value;
        qint64 bytes = 0;
    };
    struct Lane {
        std::deque<Entry> items;
    };

    bool fits(qint64 bytes) const
    {
        if (m_size == 0)
            return true;
        return m_size < m_limits.count && (m_limits.bytes <= 0 || m_bytes + bytes <= m_limits.bytes);
    }
    void add(T &item, qint64 bytes, const QString &key)
    {
        Lane &lane = m_lanes[key];
        if (lane.items.empty())
            m_turns.push_back(key);
        lane.items.push_back({std::move(item), bytes});
        ++m_size;
        m_bytes += bytes;
        m_changed.notify_all();
    }
    T take() // m_size > 0, under the lock
    {
        const QString key = m_turns.front();
        m_turns.pop_front();
        Lane &lane = m_lanes[key];
        Entry entry = std::move(lane.items.front());
        lane.items.pop_front();
        if (!lane.items.empty())
            m_turns.push_back(key);
        else
            m_lanes.erase(key);
        --m_size;
        m_bytes -= entry.bytes;
        return std::move(entry.value);
    }
    std::size_t countOf(const QString &key) const
    {
        const auto it = m_lanes.find(key);
        return it == m_lanes.end() ? 0 : it->second.items.size();
    }
    QString heaviestKey() const
    {
        QString heaviest;
        std::size_t most = 0;
        for (const auto &[key, lane] : m_lanes) {
            if (lane.items.size() > most) {
                most = lane.items.size();
                heaviest = key;
            }
        }
        return heaviest;
    }
    void dropTurn(const QString &key)
    {
        m_turns.erase(std::remove(m_turns.begin(), m_turns.end(), key), m_turns.end());
        m_lanes.erase(key);
    }

    QueueLimits m_limits;
    mutable std::mutex m_mutex;
    std::condition_variable_any m_changed;
    std::map<QString, Lane> m_lanes;   // keys with items only
    std::deque<QString> m_turns;       // keys with items, in the order they take their turns
    std::size_t m_size = 0;
    qint64 m_bytes = 0;
    bool m_closed = false;
};

} // namespace listinglens
