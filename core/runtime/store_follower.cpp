#include "store_follower.h"

#include "logging.h"
#include "stored_listings.h"

namespace listinglens {

StoreFollower::StoreFollower(PredictionStore &store, Classifier &classifier, Intervals intervals)
    : m_store(store), m_classifier(classifier), m_intervals(intervals), m_heads(store, classifier), m_models(store, classifier, &m_heads)
{
    m_sinceIndex.start();
}

Result<bool> StoreFollower::checkHead()
{
    m_sinceHead.start();
    if (m_intervals.model && !m_classifier.headPinned()) {
        if (auto changed = m_models.refresh(); !changed)
            qCWarning(lcStore).noquote() << QStringLiteral("model version check failed: %1").arg(changed.error().message);
    }
    return m_heads.refresh();
}

bool StoreFollower::poll(bool headNotified)
{
    bool checked = false;
    if (headNotified || !m_sinceHead.isValid() || m_sinceHead.elapsed() >= m_intervals.headMs) {
        // A model version or head activated anywhere is in use here within headMs, without a restart.
        if (auto changed = checkHead(); !changed)
            qCWarning(lcStore).noquote() << QStringLiteral("category head check failed: %1").arg(changed.error().message);
        checked = true;
    }
    const auto &index = m_classifier.listingIndex();
    if (index && m_intervals.indexMs > 0 && m_sinceIndex.elapsed() >= m_intervals.indexMs) {
        if (auto highest = addNewerListings(*index, m_store, m_indexAfter, 200'000, m_classifier.manifest().version))
            m_indexAfter = highest.value();
        m_sinceIndex.restart();
    }
    return checked;
}

} // namespace listinglens
