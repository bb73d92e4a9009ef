#include "store_recorder.h"

#include "logging.h"
#include "stored_listings.h"

#include <QDateTime>

namespace listinglens {

void StoreRecorder::record(RoutedPhoto photo, Resume resume)
{
    if (!photo.ok() && !m_failures)
        return resume(std::move(photo));
    Result<qint64> stored = store(photo);
    if (stored) {
        photo.predictionId = stored.value();
        photo.storedIn = m_store;
    } else {
        photo.notRecorded = stored.error();
    }
    resume(std::move(photo));
}

Result<qint64> StoreRecorder::store(const RoutedPhoto &photo)
{
    const std::optional<FeedbackRecord> confirmed = m_confirm && photo.ok() ? m_confirm(photo) : std::nullopt;
    return recordOutcome(*m_store, m_classifier.listingIndex().get(), m_source, photo.name, photo.outcome,
                         confirmed ? &*confirmed : nullptr);
}

void StoreRecorder::complete(const RoutedPhoto &photo)
{
    writeModeration(photo);
}

void StoreRecorder::hold(const std::vector<qint64> &rows)
{
    if (rows.empty())
        return;
    if (auto held = m_store->holdModeration(rows, QDateTime::currentMSecsSinceEpoch() + kModerationHoldMs); !held)
        qCWarning(lcStore).noquote() << held.error().message;
}

void writeModeration(const RoutedPhoto &photo)
{
    if (photo.predictionId <= 0 || !photo.storedIn || !photo.ok())
        return;
    if (auto written = photo.storedIn->completeModeration(photo.predictionId, photo.result()); !written)
        qCWarning(lcStore).noquote() << QStringLiteral("what was read on prediction %1 is not stored: %2").arg(photo.predictionId).arg(written.error().message);
}

} // namespace listinglens
