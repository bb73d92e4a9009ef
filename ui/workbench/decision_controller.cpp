#include "decision_controller.h"

#include "classification_worker.h"
#include "result_panel.h"
#include "session.h"
#include "store_worker.h"
#include "workbench_settings.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QUndoStack>

namespace listinglens::ui {

namespace {
constexpr int kUndoSteps = 500; // a day of decisions; the oldest go first
}

DecisionController::DecisionController(PhotoListModel *photos, ResultPanel *panel, Session *session, const WorkbenchSettings &settings,
                                       QObject *parent)
    : QObject(parent), m_photos(photos), m_panel(panel), m_session(session), m_settings(settings), m_undo(new QUndoStack(this))
{
    m_undo->setUndoLimit(kUndoSteps);
    connectStore();
    connectClassification();
}

DecisionController::~DecisionController() = default;

const QUndoCommand *DecisionController::nextUndo() const
{
    return m_undo->canUndo() ? m_undo->command(m_undo->index() - 1) : nullptr;
}

DecisionCommand *DecisionController::newestDecisionOn(int id) const
{
    for (int i = m_undo->index() - 1; i >= 0; --i) {
        // The stack hands its commands out read-only; they are this controller's own.
        auto *command = dynamic_cast<DecisionCommand *>(const_cast<QUndoCommand *>(m_undo->command(i)));
        if (command && command->photoId() == id)
            return command;
    }
    return nullptr;
}

void DecisionController::connectStore()
{
    StoreWorker *store = m_session->storeWorker();
    // Each answer names its undo (a serial): one with none waiting is not this window's.
    connect(store, &StoreWorker::feedbackUndone, this, [this](int serial, int id, const QString &now) {
        if (!m_undoing.remove(serial))
            return;
        const PhotoItem *item = m_photos->itemById(id);
        const QString name = item ? item->name : tr("the photo");
        if (now.isEmpty()) // let go of before it reached its database
            say(tr("Undone: %1; the decision kept for its database is let go of, never written").arg(name), 8000);
        else
            say(now == QLatin1String("none") ? tr("Undone: %1 is undecided again").arg(name)
                                             : tr("Undone: %1 is back to its earlier decision (%2)").arg(name, now),
                8000);
    });
    connect(store, &StoreWorker::undoFailed, this, &DecisionController::undoRefused);
    connect(store, &StoreWorker::feedbackStored, this, [this](int id) {
        m_photos->setDecisionStorage(id, DecisionStorage::Stored);
        if (const PhotoItem *item = m_photos->itemById(id); item && item->decision.made)
            say(item->decision.corrected ? tr("Corrected %1 · stored · Ctrl+Z undoes").arg(item->name)
                                         : tr("Accepted %1 · stored · Ctrl+Z undoes").arg(item->name),
                6000);
        Q_EMIT notStoredChanged(!m_photos->decisionsIn(DecisionStorage::NotStored).isEmpty());
        Q_EMIT shownChanged(id);
    });
    connect(store, &StoreWorker::feedbackFailed, this, [this](int id, const QString &message) {
        m_photos->setDecisionStorage(id, DecisionStorage::NotStored, message);
        Q_EMIT notStoredChanged(true);
        say(tr("Decision NOT stored: %1. Retry stores it again.").arg(message), 15000);
        Q_EMIT shownChanged(id);
    });
    connect(store, &StoreWorker::decisionPending, this, [this](int id, qint64, const QString &database, qint64, const QString &why) {
        const QString note = tr("kept on this computer and written to %1 when it is in use and reachable (%2)").arg(database, why);
        m_photos->setDecisionStorage(id, DecisionStorage::Waiting, note);
        say(tr("Decision not stored yet: %1").arg(note), 10000);
        Q_EMIT shownChanged(id);
    });
    connect(store, &StoreWorker::pendingWritten, this, [this](const QString &database, int written, int waiting, const QStringList &dropped) {
        if (waiting == 0) {
            for (int id : m_photos->decisionsIn(DecisionStorage::Waiting, database))
                m_photos->setDecisionStorage(id, DecisionStorage::Stored);
        }
        QString message = tr("%n decision(s) that waited for %1 stored", nullptr, written).arg(database);
        if (!dropped.isEmpty())
            message += tr("; not stored, their photo is gone: %1").arg(dropped.join(QStringLiteral("; ")));
        say(message, 10000);
        Q_EMIT shownChanged(-1);
    });
}

void DecisionController::connectClassification()
{
    ClassificationWorker *worker = m_session->classification();
    connect(worker, &ClassificationWorker::storedLater, this, &DecisionController::storedLater);
    connect(worker, &ClassificationWorker::described, this, [this](int id, const PhotoResult &result) {
        m_photos->setDescribed(id, result);
        descriptionDone(id);
    });
    connect(worker, &ClassificationWorker::describeFailed, this, [this](int id, const QString &categoryId, const QString &message) {
        m_photos->setDescribeFailed(id, categoryId);
        say(tr("The price and text could not be redone for %1: %2").arg(m_panel->categoryName(categoryId), message), 8000);
        descriptionDone(id);
    });
}

// The store kept the decision: so does the window, and it can be undone again.
void DecisionController::undoRefused(int serial, int id, const QString &why)
{
    if (!m_undoing.contains(serial))
        return;
    const DecisionStep step = m_undoing.take(serial);
    if (const PhotoItem *item = m_photos->itemById(id)) {
        DecisionStep again = step;
        again.before = *item;
        m_photos->restoreDecision(id, step.before);
        m_undo->push(decisionCommand(*this, again, step.before.decision).release());
        Q_EMIT stepsChanged();
    }
    say(tr("Could not undo: %1. The decision stands.").arg(why), 10000);
}

void DecisionController::storedLater(int id, qint64 predictionId, const QString &database)
{
    const PhotoItem *item = m_photos->itemById(id);
    if (!item) { // removed meanwhile: kept for Ctrl+Z, which brings the photo back
        for (int i = 0; i < m_undo->index(); ++i) {
            auto *removal = dynamic_cast<RemovalCommand *>(const_cast<QUndoCommand *>(m_undo->command(i)));
            if (removal && removal->photoId() == id)
                removal->storedMeanwhile(predictionId, database);
        }
        return;
    }
    m_photos->setPredictionId(id, predictionId, database);
    if (item->decision.made) { // decided while the database was away
        const Decision d = item->decision;
        recordDecision(id, d);
    }
}

void DecisionController::retryNotStored()
{
    for (int id : m_photos->decisionsIn(DecisionStorage::NotStored)) {
        if (const PhotoItem *item = m_photos->itemById(id))
            recordDecision(id, item->decision);
    }
    m_session->retryPendingDecisions();
}

bool DecisionController::recordDecision(int id, const Decision &d)
{
    // The photo as it is now, not as a caller saw it earlier: a category chosen
    // while correcting is being redone meanwhile.
    const PhotoItem *live = m_photos->itemById(id);
    if (!live)
        return false;
    const PhotoItem item = *live;
    const bool waits = item.describing; // stored once the suggestion for its category is in (descriptionDone)
    Decision writing = d;
    writing.storage = DecisionStorage::Writing; // until the store answers
    writing.storageNote.clear();
    m_photos->setDecision(id, writing, waits);
    if (waits)
        return false;
    const QString moderator = d.moderator.isEmpty() ? m_settings.moderatorName() : d.moderator;
    if (item.predictionId <= 0) { // written with the photo's row once it is stored (storedLater)
        m_photos->setDecisionStorage(id, DecisionStorage::Waiting, tr("the photo itself is not stored yet"));
        say(tr("Decision not stored yet: this photo is not in the database yet."), 8000);
        return true;
    }
    DecisionCommand *newest = newestDecisionOn(id); // the step that takes this decision back
    const int key = ++m_decisionKey;
    if (newest)
        newest->step().decisionKey = key;
    if (!m_session->isCurrentDatabase(item.database)) {
        // Its prediction id names a row of the database it was stored in, not of this
        // one: kept on disk for that database, and written when it is in use again.
        const qint64 at = QDateTime::currentMSecsSinceEpoch();
        m_session->keepDecision(id, item.predictionId, item.database,
                                {moderator, d.corrected, d.categoryId, d.price, d.currency, d.title, d.description, at}, key);
        say(tr("Decision not stored yet: this photo was stored in %1, not in the database now in use.").arg(item.database), 8000);
        return true;
    }
    // Written, and confirmed in the listing index for later suggestions, on the store thread.
    m_session->recordDecision(id, item.predictionId, {moderator, d.corrected, d.categoryId, d.price, d.currency, d.title, d.description, 0},
                              key);
    return false;
}

void DecisionController::decide(const PhotoItem &before, const Decision &decision)
{
    Decision d = decision;
    d.moderator = m_settings.moderatorName();
    const int id = before.id;
    // One decision a photo: deciding it again with nothing changed (Enter on a
    // decided photo) writes no second feedback row and no second undo step. One
    // that was not stored is written again (as Retry would).
    if (!before.decisionWaits && before.decision.storage != DecisionStorage::NotStored && decidesTheSame(before.decision, d)
        && before.decision.moderator == d.moderator) {
        say(tr("%1 is decided already; nothing changed.").arg(before.name), 4000);
        return;
    }
    m_undo->push(decisionCommand(*this, DecisionStep{before}, d).release());
    const bool said = recordDecision(id, d); // the command keeps the photo as it was before
    Q_EMIT stepsChanged();
    const PhotoItem *item = m_photos->itemById(id);
    if (item && !said)
        say(tr("Storing the decision on %1… · Ctrl+Z undoes").arg(item->name), 6000);
}

void DecisionController::removed(const PhotoItem &item, int row)
{
    m_undo->push(new RemovalCommand(*this, item, row));
    Q_EMIT stepsChanged();
}

void DecisionController::undo()
{
    if (!m_undo->canUndo()) {
        say(tr("Nothing to undo."), 4000);
        return;
    }
    m_undo->undo();
    Q_EMIT stepsChanged();
}

void DecisionController::takeBackStored(const DecisionStep &step, const QString &suggestedCategoryId)
{
    const int serial = ++m_undoSerial;
    m_undoing.insert(serial, step);
    m_session->undoDecision(serial, step.before.id, step.before.predictionId, step.decisionKey, suggestedCategoryId, m_settings.moderatorName());
}

void DecisionController::chooseCategory(int id, const QString &categoryId)
{
    if (m_photos->chooseCategory(id, categoryId))
        describeAs(*m_photos->itemById(id), categoryId);
}

void DecisionController::describeAs(const PhotoItem &item, const QString &categoryId)
{
    // The photo's own row (in the database it was stored in) is left out of its similar listings.
    m_session->describeAs(item.id, item.result, categoryId, item.predictionId, item.database);
}

void DecisionController::descriptionDone(int id)
{
    const PhotoItem *item = m_photos->itemById(id);
    if (!item || !item->decisionWaits || item->describing)
        return;
    // Accepted before the answer: the price and text the moderator did not set
    // are those redone for the category chosen.
    recordDecision(id, withRedoneSuggestion(*item));
}

void DecisionController::storeWaiting()
{
    if (m_photos->decisionsWaiting() == 0)
        return;
    // Their answers are on the way: wait for the worker to give them, then
    // take them here (descriptionDone queues each decision for the database).
    m_session->finishDescriptions();
    QCoreApplication::sendPostedEvents(this, QEvent::MetaCall);
}

} // namespace listinglens::ui
