#pragma once

// What every connection of an HttpServer shares with it, and may outlive it
// by a moment: the limits, the handler and head check, and the books behind
// the caps (connections by address and subnet, body bytes in flight, and
// the connections waiting for a request's head, which a newcomer over a cap
// may displace). Only http_server.cpp includes it, through http_session_p.h.

#include "http_server.h"

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace listinglens {

// One connection, on the network thread; responders reach it through a weak
// pointer, from any thread, by posting to that thread.
class HttpSession {
public:
    virtual ~HttpSession() = default;
    virtual void deliver(quint64 serial, const HttpResponse &response) = 0;
    virtual bool waiting(quint64 serial) const = 0;
    // Closes the connection if it is still waiting for a request's head (from any thread).
    virtual void displace() = 0;
};

namespace http_detail {

using Clock = std::chrono::steady_clock;

class Shared {
public:
    HttpLimits limits;
    HttpServer::Handler handler;     // called on the server's thread only
    HttpServer::HeadCheck headCheck; // called on the network thread; set before listen()
    HttpServer *server = nullptr;    // only passed to Qt from the network thread; it joins before the server goes
    std::atomic_int connections{0};
    std::atomic<qint64> bodyBytes{0};

    // Runs `post` (a post to a connection's thread) unless the server is
    // going: from other threads, a verdict or an answer may come after the
    // network thread's context is gone. The server closes it first.
    template <typename Post>
    void whileOpen(Post post)
    {
        std::lock_guard lock(m_openMutex);
        if (m_open)
            post();
    }
    void close()
    {
        std::lock_guard lock(m_openMutex);
        m_open = false;
    }

    struct Counts {
        int open = 0, fromAddress = 0, fromSubnet = 0;
    };
    // A new connection counted in its groups (every connection, admitted or
    // not, leaves() once).
    Counts join(const PeerGroups &groups)
    {
        std::lock_guard lock(m_mutex);
        return {++connections, ++m_perAddress[groups.address], ++m_perSubnet[groups.subnet]};
    }
    void leave(HttpSession *session, const PeerGroups &groups)
    {
        --connections;
        std::lock_guard lock(m_mutex);
        m_waiting.erase(session);
        forget(m_perAddress, groups.address);
        forget(m_perSubnet, groups.subnet);
    }

    // The connection waits for a request's head from now (the first call
    // counts when several come before stopWaiting).
    void startWaiting(HttpSession *session, std::weak_ptr<HttpSession> weak, const PeerGroups &groups)
    {
        std::lock_guard lock(m_mutex);
        m_waiting.try_emplace(session, Waiting{std::move(weak), Clock::now(), groups});
    }
    void stopWaiting(HttpSession *session)
    {
        std::lock_guard lock(m_mutex);
        m_waiting.erase(session);
    }

    // Displaces the connection that has waited longest among those `in`
    // selects; false when none waits.
    bool makeRoom(const std::function<bool(const PeerGroups &)> &in)
    {
        std::shared_ptr<HttpSession> oldest;
        {
            std::lock_guard lock(m_mutex);
            auto chosen = m_waiting.end();
            for (auto it = m_waiting.begin(); it != m_waiting.end(); ++it)
                if (in(it->second.groups) && (chosen == m_waiting.end() || it->second.since < chosen->second.since))
                    chosen = it;
            if (chosen == m_waiting.end())
                return false;
            oldest = chosen->second.session.lock();
            m_waiting.erase(chosen); // the next newcomer displaces another
        }
        if (oldest)
            oldest->displace();
        return true;
    }

private:
    struct Waiting {
        std::weak_ptr<HttpSession> session;
        Clock::time_point since;
        PeerGroups groups;
    };
    static void forget(std::map<std::string, int> &counts, const std::string &key)
    {
        if (auto it = counts.find(key); it != counts.end() && --it->second <= 0)
            counts.erase(it);
    }

    std::mutex m_openMutex;
    bool m_open = true; // guarded by m_openMutex
    std::mutex m_mutex; // guards the three below
    std::map<std::string, int> m_perAddress;
    std::map<std::string, int> m_perSubnet;
    std::map<HttpSession *, Waiting> m_waiting;
};

} // namespace http_detail

} // namespace listinglens
