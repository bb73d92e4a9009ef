#pragma once

#include <algorithm>

namespace listinglens {

// The one retry policy of the product: wait, try again, double the wait up to
// a ceiling. Every loop that retries (store writes, the worker's claim and
// completion writes, the window's reconnect) takes its numbers from a named
// policy here, so they can be read and compared in one place.
struct BackoffPolicy {
    int firstMs = 100;
    int maxMs = 5'000;
    int attempts = 0; // tries before giving up; 0: until the caller stops
};

namespace backoff {
// A store write when the database is unreachable: 250, 500, 1000, 2000 ms, then the error.
inline constexpr BackoffPolicy kStoreWrite{250, 2'000, 5};
// A queue worker that cannot claim jobs (the database is away): 250 ms doubling to 5 s, for ever.
inline constexpr BackoffPolicy kQueueClaim{250, 5'000, 0};
// A finished job's result that cannot be written: 100 ms doubling to 2 s, until its lease is at risk.
inline constexpr BackoffPolicy kJobCompletion{100, 2'000, 0};
// A direct upload's row: one more try on a fresh connection, at once; then the client retries.
inline constexpr BackoffPolicy kDirectUpload{0, 0, 2};
// The window's database connection: 2 s doubling to a minute, for ever; it works without one meanwhile.
inline constexpr BackoffPolicy kWindowReconnect{2'000, 60'000, 0};
// A client of the API (soak) after a 503 or a lost connection: 100 ms doubling to 1 s, until its deadline.
inline constexpr BackoffPolicy kApiClient{100, 1'000, 0};
} // namespace backoff

class Backoff {
public:
    constexpr explicit Backoff(BackoffPolicy policy) : m_policy(policy), m_delayMs(policy.firstMs) {}

    // After a failed try: whether the policy allows another.
    constexpr bool canRetry() const { return m_policy.attempts <= 0 || m_failures + 1 < m_policy.attempts; }
    // The wait before the next try; counts the failure and doubles the next wait.
    constexpr int next()
    {
        const int delay = m_delayMs;
        m_delayMs = std::min(std::max(1, m_delayMs) * 2, m_policy.maxMs);
        ++m_failures;
        return delay;
    }
    // The wait next() will answer, without counting a failure.
    constexpr int peek() const { return m_delayMs; }
    // After a success: the next failure starts from the first delay again.
    constexpr void reset()
    {
        m_delayMs = m_policy.firstMs;
        m_failures = 0;
    }
    constexpr int failures() const { return m_failures; }

private:
    BackoffPolicy m_policy;
    int m_delayMs;
    int m_failures = 0;
};

// Calls `attempt` until it succeeds, `retryable(error)` says no, or the policy
// runs out; `wait(ms)` runs between tries (sleep, drop a connection...).
// Returns the last attempt's result.
template <typename Attempt, typename Retryable, typename Wait>
auto retryWithBackoff(BackoffPolicy policy, Attempt attempt, Retryable retryable, Wait wait)
{
    Backoff backoff(policy);
    while (true) {
        auto result = attempt();
        if (result || !backoff.canRetry() || !retryable(result.error()))
            return result;
        wait(backoff.next());
    }
}

} // namespace listinglens
