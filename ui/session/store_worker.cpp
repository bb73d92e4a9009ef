#include "store_worker.h"

#include "environment.h"
#include "history_reads.h"
#include "listing_index.h"

namespace listinglens::ui {

StoreWorker::StoreWorker() = default;
StoreWorker::~StoreWorker() = default;

void StoreWorker::open(const QString &url)
{
    if (url != m_url)
        m_confirmed.clear(); // another database: its prediction ids are other listings
    m_url = url;
    m_store.reset();
    if (url.isEmpty())
        return Q_EMIT opened(nullptr);
    auto store = PredictionStore::open(url);
    if (!store)
        return Q_EMIT openFailed(store.error().message);
    m_store = store.value();
    Q_EMIT opened(m_store);
}

void StoreWorker::setListingIndex(const std::shared_ptr<ListingIndex> &index)
{
    m_index = index;
    if (!m_index)
        return;
    for (auto it = m_confirmed.cbegin(); it != m_confirmed.cend(); ++it)
        m_index->confirm(it.key(), it->categoryId, it->price, it->title);
}

void StoreWorker::addFeedback(int itemId, qint64 predictionId, const FeedbackRecord &feedback)
{
    // Later suggestions learn from it at once, whether or not the write succeeds.
    if (predictionId > 0) {
        m_confirmed.insert(predictionId, {feedback.categoryId, feedback.price, feedback.title});
        if (m_index)
            m_index->confirm(predictionId, feedback.categoryId, feedback.price, feedback.title);
    }
    if (!m_store || predictionId <= 0)
        return Q_EMIT feedbackFailed(itemId, tr("no database: the decision is kept in memory only"));
    FeedbackRecord record = feedback;
    if (record.moderator.isEmpty())
        record.moderator = moderatorFromEnvironment();
    if (auto stored = m_store->addFeedback(predictionId, record); !stored)
        Q_EMIT feedbackFailed(itemId, stored.error().message);
}

void StoreWorker::loadThumbnails(int itemId, const QList<qint64> &predictionIds)
{
    // One query for all of them; decoded here, off the GUI thread.
    const auto bytes = m_store ? readThumbnails(*m_store, predictionIds) : Result<QHash<qint64, QByteArray>>(QHash<qint64, QByteArray>());
    QList<QImage> images;
    for (qint64 id : predictionIds)
        images << (bytes ? QImage::fromData(bytes.value().value(id), "JPG") : QImage());
    Q_EMIT thumbnailsLoaded(itemId, predictionIds, images);
}

} // namespace listinglens::ui
