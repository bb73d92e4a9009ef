#pragma once

#include "pending_decisions.h"
#include "prediction_store.h"

#include <QHash>
#include <QImage>
#include <QObject>

#include <memory>

namespace listinglens {
class ListingIndex;
}

namespace listinglens::ui {

// Database work for the window on its own thread (Session): it opens the
// session's one store, then writes moderator decisions and reads thumbnails,
// so that a long batch never delays a decision being written. It confirms each
// decision in the listing index too (its own copy of the pointer, handed over
// by the classification worker's listingIndexChanged), and again in every index
// that comes later: one loaded while a decision was being written may have read
// the database before it. A decision undone (undoFeedback) is taken back in
// the store (kept in its log as undone) and in the index, where the listing
// goes back to what the store has standing afterwards (an earlier decision, of
// this window or not) or to unconfirmed.
//
// A decision is never lost: one its database refuses (unreachable), and one on
// a photo stored in another database than the one in use, is kept on disk
// (PendingDecisions) and written when that database is opened again, in this
// run or a later one; one that cannot even be kept is said plainly
// (feedbackFailed), and the window offers to retry it.
class StoreWorker : public QObject {
    Q_OBJECT
public:
    // pendingPath: the file of decisions waiting for their database (empty: PendingDecisions::defaultPath()).
    explicit StoreWorker(const QString &pendingPath = {});
    ~StoreWorker() override;

    // Called on its thread (WorkerThread::call).
    // Opens the database (an empty URL: none); answers opened or openFailed.
    void open(const QString &url);
    void setListingIndex(const std::shared_ptr<listinglens::ListingIndex> &index);
    // An empty moderator is the one in the settings (WorkbenchSettings::moderatorName).
    // decisionKey: the window's name for this decision, for undoFeedback (0: none).
    void addFeedback(int itemId, qint64 predictionId, const listinglens::FeedbackRecord &feedback, int decisionKey = 0);
    // Takes back the decision decisionKey on predictionId: marked undone in the
    // store by `moderator`, and in the listing index the listing goes back to
    // what the store has standing then, or to unconfirmed in suggestedCategoryId.
    // A decision for another database than the one open is let go of while it
    // is still kept on disk; once written there, it is undone there when that
    // database is the one open, and refused (said) while it is not.
    // Answers feedbackUndone or undoFailed, with `serial` (the window's name for this undo).
    void undoFeedback(int serial, int itemId, qint64 predictionId, int decisionKey, const QString &suggestedCategoryId,
                      const QString &moderator);
    void loadThumbnails(int itemId, const QList<qint64> &predictionIds);
    // A decision on a photo stored in `database` (a masked URL), which is not
    // the one in use: kept on disk until that database is opened (decisionPending),
    // or refused (feedbackFailed) when it cannot be kept. decisionKey names it
    // for undoFeedback, as for addFeedback.
    void keepDecision(int itemId, qint64 predictionId, const QString &database, const listinglens::FeedbackRecord &feedback,
                      int decisionKey = 0);
    // Writes the decisions waiting for the database in use now (answers pendingWritten).
    void retryPending();
    // The database's one currency (database_settings.h): chosen now when `code`
    // is not empty (refused when its prices are in another), else read. Answers currencyKnown.
    void databaseCurrency(const QString &code);

Q_SIGNALS:
    // The store every worker of the session uses from now on (null: no database).
    void opened(const std::shared_ptr<listinglens::PredictionStore> &store);
    void openFailed(const QString &message);
    // Not stored and not kept: the window says so and offers to retry.
    void feedbackFailed(int itemId, const QString &message);
    // Not stored yet, kept on disk: written when `database` is reachable and in use (pendingWritten).
    void decisionPending(int itemId, qint64 predictionId, const QString &database, qint64 decidedMs, const QString &why);
    // Decisions that waited for `database` were written; `waiting` still wait,
    // `dropped` were refused for good (their photo is gone), each in words.
    void pendingWritten(const QString &database, int written, int waiting, const QStringList &dropped);
    // The database's currency (empty: none chosen yet); refusal: why a choice was refused, else empty.
    void currencyKnown(const QString &currency, const QString &refusal);
    void feedbackStored(int itemId, qint64 predictionId, qint64 feedbackId);
    // decisionNow: the prediction's decision afterwards ("none", "accepted",
    // "corrected"): the store's, or this window's when there is no store to ask;
    // empty when the decision was let go of before it reached its database.
    void feedbackUndone(int serial, int itemId, const QString &decisionNow);
    void undoFailed(int serial, int itemId, const QString &message);
    void thumbnailsLoaded(int itemId, const QList<qint64> &predictionIds, const QList<QImage> &images);

private:
    struct Decided {
        int key = 0;
        qint64 feedbackId = 0; // its row in the store (0: not stored)
        qint64 pendingMs = 0;  // kept on disk to write later: when it was decided (0: not kept)
        listinglens::StandingDecision standing;
    };
    // What the listing index is told of a listing: confirmed with the standing
    // values, or unconfirmed in its suggested category ("none").
    void tell(qint64 predictionId, const listinglens::StandingDecision &now);
    // Keeps a decision its database could not take now; false when it could not be kept either (said).
    bool keep(int itemId, qint64 predictionId, const QString &database, listinglens::FeedbackRecord feedback, const QString &why);
    void writePending();
    // The window's decisions on the database open until now go to m_elsewhere (another one opens).
    void setAside();
    void undoElsewhere(int serial, int itemId, int decisionKey, const QString &suggestedCategoryId, const QString &who);

    QString m_url;
    std::shared_ptr<PredictionStore> m_store;
    PendingDecisions m_pending;
    std::shared_ptr<ListingIndex> m_index;
    // This window's decisions on this database not undone, by prediction id,
    // oldest first; and what every index is to be told of those listings (the
    // newest decision, or what stood after an undo).
    QHash<qint64, QList<Decided>> m_decided;
    QHash<qint64, listinglens::StandingDecision> m_told;
    // This window's decisions for databases other than the one open, by
    // decision key: kept on disk for theirs, or written there before a switch.
    struct Elsewhere {
        QString database; // masked URL
        qint64 predictionId = 0;
        qint64 feedbackId = 0; // its row there once written (0: still kept on disk)
        qint64 pendingMs = 0;  // when it was decided, as kept on disk
    };
    QHash<int, Elsewhere> m_elsewhere;
};

} // namespace listinglens::ui
