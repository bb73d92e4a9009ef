#pragma once

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
class StoreWorker : public QObject {
    Q_OBJECT
public:
    StoreWorker();
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
    // Answers feedbackUndone or undoFailed, with `serial` (the window's name for this undo).
    void undoFeedback(int serial, int itemId, qint64 predictionId, int decisionKey, const QString &suggestedCategoryId,
                      const QString &moderator);
    void loadThumbnails(int itemId, const QList<qint64> &predictionIds);

Q_SIGNALS:
    // The store every worker of the session uses from now on (null: no database).
    void opened(const std::shared_ptr<listinglens::PredictionStore> &store);
    void openFailed(const QString &message);
    void feedbackFailed(int itemId, const QString &message);
    void feedbackStored(int itemId, qint64 predictionId, qint64 feedbackId);
    // decisionNow: the prediction's decision afterwards ("none", "accepted",
    // "corrected"): the store's, or this window's when there is no store to ask.
    void feedbackUndone(int serial, int itemId, const QString &decisionNow);
    void undoFailed(int serial, int itemId, const QString &message);
    void thumbnailsLoaded(int itemId, const QList<qint64> &predictionIds, const QList<QImage> &images);

private:
    struct Decided {
        int key = 0;
        qint64 feedbackId = 0; // its row in the store (0: not stored)
        listinglens::StandingDecision standing;
    };
    // What the listing index is told of a listing: confirmed with the standing
    // values, or unconfirmed in its suggested category ("none").
    void tell(qint64 predictionId, const listinglens::StandingDecision &now);

    QString m_url;
    std::shared_ptr<PredictionStore> m_store;
    std::shared_ptr<ListingIndex> m_index;
    // This window's decisions on this database not undone, by prediction id,
    // oldest first; and what every index is to be told of those listings (the
    // newest decision, or what stood after an undo).
    QHash<qint64, QList<Decided>> m_decided;
    QHash<qint64, listinglens::StandingDecision> m_told;
};

} // namespace listinglens::ui
