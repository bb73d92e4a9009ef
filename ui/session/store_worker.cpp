#include "store_worker.h"

#include "history_reads.h"
#include "listing_index.h"
#include "workbench_settings.h"

namespace listinglens::ui {

StoreWorker::StoreWorker() = default;
StoreWorker::~StoreWorker() = default;

void StoreWorker::open(const QString &url)
{
    if (url != m_url) { // another database: its prediction ids are other listings
        m_confirmed.clear();
        m_unconfirmed.clear();
    }
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
    for (auto it = m_unconfirmed.cbegin(); it != m_unconfirmed.cend(); ++it)
        m_index->unconfirm(it.key(), it.value());
    for (auto it = m_confirmed.cbegin(); it != m_confirmed.cend(); ++it) {
        const Confirmed &c = it->constLast();
        m_index->confirm(it.key(), c.categoryId, c.price, c.title);
    }
}

void StoreWorker::addFeedback(int itemId, qint64 predictionId, const FeedbackRecord &feedback)
{
    // Later suggestions learn from it at once, whether or not the write succeeds.
    if (predictionId > 0) {
        m_confirmed[predictionId].append({feedback.categoryId, feedback.price, feedback.title, 0});
        m_unconfirmed.remove(predictionId);
        if (m_index)
            m_index->confirm(predictionId, feedback.categoryId, feedback.price, feedback.title);
    }
    if (!m_store || predictionId <= 0)
        return Q_EMIT feedbackFailed(itemId, tr("no database: the decision is kept in memory only"));
    FeedbackRecord record = feedback;
    if (record.moderator.isEmpty())
        record.moderator = WorkbenchSettings::load().moderatorName();
    const auto stored = m_store->addFeedback(predictionId, record);
    if (!stored)
        return Q_EMIT feedbackFailed(itemId, stored.error().message);
    m_confirmed[predictionId].last().feedbackId = stored.value();
    Q_EMIT feedbackStored(itemId, predictionId, stored.value());
}

void StoreWorker::undoFeedback(int itemId, qint64 predictionId, const QString &suggestedCategoryId, const QString &moderator)
{
    auto it = m_confirmed.find(predictionId);
    if (predictionId <= 0 || it == m_confirmed.end() || it->isEmpty())
        return Q_EMIT undoFailed(itemId, tr("no decision of this session on it to undo"));
    // The store first: when it refuses, the decision stands everywhere.
    const qint64 feedbackId = it->constLast().feedbackId;
    QString now; // empty: the decision never reached the store
    if (feedbackId > 0) {
        if (!m_store)
            return Q_EMIT undoFailed(itemId, tr("no database: the stored decision stands until it is back"));
        const auto undone = m_store->undoFeedback(feedbackId, moderator.isEmpty() ? WorkbenchSettings::load().moderatorName() : moderator);
        if (!undone)
            return Q_EMIT undoFailed(itemId, undone.error().message);
        now = undone.value();
    }
    it->removeLast();
    if (!it->isEmpty()) {
        const Confirmed &before = it->constLast();
        if (m_index)
            m_index->confirm(predictionId, before.categoryId, before.price, before.title);
    } else {
        m_confirmed.erase(it);
        m_unconfirmed.insert(predictionId, suggestedCategoryId);
        if (m_index)
            m_index->unconfirm(predictionId, suggestedCategoryId);
    }
    Q_EMIT feedbackUndone(itemId, now);
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
