#include "head_follower.h"

#include "logging.h"

namespace listinglens {

Result<bool> HeadFollower::refresh()
{
    if (m_classifier.headPinned())
        return false;
    auto active = activeHead(m_store);
    if (!active)
        return active.error();
    if (active.value().stamp == m_stamp)
        return false;
    if (active.value().version == 0) {
        m_classifier.setHead(nullptr);
        m_stamp = active.value().stamp;
        qCDebug(lcStore) << "category head: the built-in mapping (no head is active)";
        return true;
    }
    auto head = loadHead(m_store, active.value().version);
    if (!head) {
        if (head.error().code == ErrorCode::DatabaseError)
            return head.error(); // tried again at the next refresh
        // Damaged or gone: the built-in mapping, until the next activation.
        m_classifier.setHead(nullptr);
        m_stamp = active.value().stamp;
        return head.error();
    }
    m_stamp = active.value().stamp;
    if (auto set = m_classifier.setHead(std::make_shared<const CategoryHead>(std::move(head).value())); !set) {
        m_classifier.setHead(nullptr);
        qCWarning(lcStore).noquote() << set.error().message << "- using the built-in mapping";
        return set.error();
    }
    qCInfo(lcStore).noquote() << QStringLiteral("category head: h%1").arg(active.value().version);
    return true;
}

} // namespace listinglens
