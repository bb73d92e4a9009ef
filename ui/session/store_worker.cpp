#include "store_worker.h"

#include "database_settings.h"
#include "database_url.h"
#include "history_reads.h"
#include "listing_index.h"
#include "workbench_settings.h"

#include <QDateTime>

#include <optional>

namespace listinglens::ui {

StoreWorker::StoreWorker(const QString &pendingPath) : m_pending(pendingPath) {}
StoreWorker::~StoreWorker() = default;

void StoreWorker::open(const QString &url)
{
    if (url != m_url) { // another database: its prediction ids are other listings
        setAside();
        m_decided.clear();
        m_told.clear();
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
    databaseCurrency({});
    writePending(); // decisions kept for this database, in this run or an earlier one
}

bool StoreWorker::keep(int itemId, qint64 predictionId, const QString &database, FeedbackRecord feedback, const QString &why)
{
    if (feedback.moderator.isEmpty())
        feedback.moderator = WorkbenchSettings::load().moderatorName();
    if (feedback.createdMs <= 0)
        feedback.createdMs = QDateTime::currentMSecsSinceEpoch();
    const auto kept = m_pending.add({database, predictionId, feedback});
    if (!kept) {
        Q_EMIT feedbackFailed(itemId, tr("not stored (%1), and it could not be kept to write later: %2").arg(why, kept.error().message));
        return false;
    }
    Q_EMIT decisionPending(itemId, predictionId, database, feedback.createdMs, why);
    return true;
}

void StoreWorker::keepDecision(int itemId, qint64 predictionId, const QString &database, const FeedbackRecord &feedback, int decisionKey)
{
    if (predictionId <= 0 || database.isEmpty())
        return Q_EMIT feedbackFailed(itemId, tr("this photo is in no database: the decision is not stored"));
    FeedbackRecord record = feedback;
    if (record.createdMs <= 0)
        record.createdMs = QDateTime::currentMSecsSinceEpoch();
    if (keep(itemId, predictionId, database, record, tr("the photo is stored in %1, not in the database in use").arg(database)) && decisionKey > 0)
        m_elsewhere.insert(decisionKey, {database, predictionId, 0, record.createdMs});
}

void StoreWorker::setAside()
{
    const auto parsed = DatabaseUrl::parse(m_url);
    if (!parsed)
        return; // no database was open: nothing of this window's is in one
    const QString database = parsed.value().masked();
    for (auto it = m_decided.cbegin(); it != m_decided.cend(); ++it) {
        for (const Decided &d : *it) {
            if (d.key > 0 && (d.feedbackId > 0 || d.pendingMs > 0))
                m_elsewhere.insert(d.key, {database, it.key(), d.feedbackId, d.pendingMs});
        }
    }
}

void StoreWorker::retryPending()
{
    writePending();
}

void StoreWorker::databaseCurrency(const QString &code)
{
    if (!m_store)
        return;
    QString refusal;
    if (!code.isEmpty()) {
        if (const auto chosen = chooseDatabaseCurrency(*m_store, code); !chosen)
            refusal = chosen.error().message;
    }
    const auto now = listinglens::databaseCurrency(*m_store);
    Q_EMIT currencyKnown(now ? now.value() : QString(), now ? refusal : now.error().message);
}

void StoreWorker::writePending()
{
    if (!m_store || m_pending.forDatabase(m_store->maskedUrl()).isEmpty())
        return;
    const PendingDecisions::Written w = m_pending.writeInto(*m_store);
    // A decision of this window's that waited is now a row: an undo takes that back.
    for (const PendingDecisions::Stored &stored : w.stored) {
        auto it = m_decided.find(stored.predictionId);
        for (qsizetype i = 0; it != m_decided.end() && i < it->size(); ++i) {
            Decided &decided = (*it)[i];
            if (decided.pendingMs == stored.createdMs) {
                decided.feedbackId = stored.feedbackId;
                decided.pendingMs = 0;
            }
        }
        for (Elsewhere &e : m_elsewhere) {
            if (e.database == m_store->maskedUrl() && e.predictionId == stored.predictionId && e.pendingMs == stored.createdMs)
                e.feedbackId = stored.feedbackId;
        }
    }
    Q_EMIT pendingWritten(m_store->maskedUrl(), w.written, w.waiting, w.dropped);
}

void StoreWorker::tell(qint64 predictionId, const StandingDecision &now)
{
    if (!m_index)
        return;
    if (now.decision == QLatin1String("none"))
        m_index->unconfirm(predictionId, now.categoryId);
    else
        m_index->confirm(predictionId, now.categoryId, now.price, now.title);
}

void StoreWorker::setListingIndex(const std::shared_ptr<ListingIndex> &index)
{
    m_index = index;
    for (auto it = m_told.cbegin(); it != m_told.cend(); ++it)
        tell(it.key(), it.value());
}

void StoreWorker::addFeedback(int itemId, qint64 predictionId, const FeedbackRecord &feedback, int decisionKey)
{
    // Later suggestions learn from it at once, whether or not the write succeeds.
    if (predictionId > 0) {
        const StandingDecision now{feedback.corrected ? QStringLiteral("corrected") : QStringLiteral("accepted"),
                                   feedback.categoryId, feedback.price, feedback.title, feedback.description,
                                   decisionOrigin(feedback.imported)};
        m_decided[predictionId].append({decisionKey, 0, 0, now});
        m_told.insert(predictionId, now);
        tell(predictionId, now);
    }
    if (!m_store || predictionId <= 0)
        return Q_EMIT feedbackFailed(itemId, tr("no database: the decision is not stored"));
    FeedbackRecord record = feedback;
    if (record.moderator.isEmpty())
        record.moderator = WorkbenchSettings::load().moderatorName();
    if (record.createdMs <= 0)
        record.createdMs = QDateTime::currentMSecsSinceEpoch();
    const auto stored = m_store->addFeedback(predictionId, record);
    if (!stored && stored.error().code == ErrorCode::DatabaseError) { // away for now: kept, and written when it is back
        if (keep(itemId, predictionId, m_store->maskedUrl(), record, stored.error().message))
            m_decided[predictionId].last().pendingMs = record.createdMs;
        return;
    }
    if (!stored)
        return Q_EMIT feedbackFailed(itemId, stored.error().message);
    m_decided[predictionId].last().feedbackId = stored.value();
    Q_EMIT feedbackStored(itemId, predictionId, stored.value());
    writePending(); // the database is reachable: decisions that waited for it go in now
}

void StoreWorker::undoFeedback(int serial, int itemId, qint64 predictionId, int decisionKey, const QString &suggestedCategoryId,
                               const QString &moderator)
{
    auto it = m_decided.find(predictionId);
    qsizetype decided = -1;
    for (qsizetype i = 0; it != m_decided.end() && i < it->size(); ++i) {
        if (it->at(i).key == decisionKey)
            decided = i;
    }
    const QString who = moderator.isEmpty() ? WorkbenchSettings::load().moderatorName() : moderator;
    if (decided < 0 && decisionKey > 0 && m_elsewhere.contains(decisionKey))
        return undoElsewhere(serial, itemId, decisionKey, suggestedCategoryId, who);
    if (predictionId <= 0 || decided < 0)
        return Q_EMIT undoFailed(serial, itemId, tr("no decision made in this window on it to undo"));
    // The store first: when it refuses, the decision stands everywhere.
    const qint64 feedbackId = it->at(decided).feedbackId;
    std::optional<StandingDecision> now; // what the store has standing afterwards, when it can say
    if (feedbackId > 0) {
        if (!m_store)
            return Q_EMIT undoFailed(serial, itemId, tr("no database: the stored decision stands until it is back"));
        const auto undone = m_store->undoFeedback(feedbackId, who);
        if (!undone)
            return Q_EMIT undoFailed(serial, itemId, undone.error().message);
        now = undone.value();
    } else if (m_store) { // never written: the store has what stood before it, and the kept copy goes
        if (it->at(decided).pendingMs > 0)
            m_pending.remove(m_store->maskedUrl(), predictionId, it->at(decided).pendingMs);
        if (const auto standing = m_store->standingDecision(predictionId))
            now = standing.value();
    }
    it->removeAt(decided);
    if (!now) // no store to ask: the window's decision before it, else none
        now = it->isEmpty() ? StandingDecision{} : it->constLast().standing;
    if (it->isEmpty())
        m_decided.erase(it);
    if (now->decision == QLatin1String("none"))
        now->categoryId = suggestedCategoryId;
    m_told.insert(predictionId, *now);
    tell(predictionId, *now);
    Q_EMIT feedbackUndone(serial, itemId, now->decision);
}

void StoreWorker::undoElsewhere(int serial, int itemId, int decisionKey, const QString &suggestedCategoryId, const QString &who)
{
    const Elsewhere e = m_elsewhere.value(decisionKey);
    if (e.feedbackId <= 0) { // still kept on disk: let go of, never written
        const auto removed = m_pending.remove(e.database, e.predictionId, e.pendingMs);
        if (!removed)
            return Q_EMIT undoFailed(serial, itemId, tr("the decision kept for %1 could not be let go of: %2").arg(e.database, removed.error().message));
        m_elsewhere.remove(decisionKey);
        return Q_EMIT feedbackUndone(serial, itemId, QString());
    }
    if (!m_store || m_store->maskedUrl() != e.database)
        return Q_EMIT undoFailed(serial, itemId, tr("it is stored in %1, not in the database in use; undo it when that one is in use again").arg(e.database));
    const auto undone = m_store->undoFeedback(e.feedbackId, who);
    if (!undone)
        return Q_EMIT undoFailed(serial, itemId, undone.error().message);
    m_elsewhere.remove(decisionKey);
    StandingDecision now = undone.value();
    if (now.decision == QLatin1String("none"))
        now.categoryId = suggestedCategoryId;
    m_told.insert(e.predictionId, now);
    tell(e.predictionId, now);
    Q_EMIT feedbackUndone(serial, itemId, now.decision);
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
