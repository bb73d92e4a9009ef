#include "store_worker.h"

#include "history_reads.h"
#include "prediction_store.h"

namespace listinglens::ui {

StoreWorker::StoreWorker() = default;
StoreWorker::~StoreWorker() = default;

void StoreWorker::open(const QString &url)
{
    m_store.reset();
    if (url.isEmpty())
        return;
    auto store = PredictionStore::open(url);
    if (store)
        m_store = store.value();
    else
        Q_EMIT openFailed(store.error().message);
}

void StoreWorker::addFeedback(int itemId, qint64 predictionId, bool corrected, const QString &categoryId, double price,
                              const QString &currency, const QString &title, const QString &description)
{
    if (!m_store || predictionId <= 0) {
        Q_EMIT feedbackFailed(itemId, tr("no database: the decision is kept in memory only"));
        return;
    }
    const QString moderator = qEnvironmentVariable("USER", QStringLiteral("moderator"));
    auto stored = m_store->addFeedback(predictionId, {moderator, corrected, categoryId, price, currency, title, description, 0});
    if (stored)
        Q_EMIT feedbackStored(itemId);
    else
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
