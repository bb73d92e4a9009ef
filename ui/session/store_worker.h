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
// goes back to the decision before it or to unconfirmed.
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
    void addFeedback(int itemId, qint64 predictionId, const listinglens::FeedbackRecord &feedback);
    // Takes back this session's newest decision on predictionId: marked undone
    // in the store by `moderator`, and in the listing index the listing goes
    // back to the decision before it, or to unconfirmed in suggestedCategoryId.
    // Answers feedbackUndone or undoFailed.
    void undoFeedback(int itemId, qint64 predictionId, const QString &suggestedCategoryId, const QString &moderator);
    void loadThumbnails(int itemId, const QList<qint64> &predictionIds);

Q_SIGNALS:
    // The store every worker of the session uses from now on (null: no database).
    void opened(const std::shared_ptr<listinglens::PredictionStore> &store);
    void openFailed(const QString &message);
    void feedbackFailed(int itemId, const QString &message);
    void feedbackStored(int itemId, qint64 predictionId, qint64 feedbackId);
    // decisionNow: the prediction's decision in the store afterwards ("none",
    // "accepted", "corrected"); empty when the decision undone had not been stored.
    void feedbackUndone(int itemId, const QString &decisionNow);
    void undoFailed(int itemId, const QString &message);
    void thumbnailsLoaded(int itemId, const QList<qint64> &predictionIds, const QList<QImage> &images);

private:
    struct Confirmed {
        QString categoryId;
        double price = 0;
        QString title;
        qint64 feedbackId = 0; // its row in the store (0: not stored)
    };

    QString m_url;
    std::shared_ptr<PredictionStore> m_store;
    std::shared_ptr<ListingIndex> m_index;
    // This session's decisions on this database, by prediction id, oldest first;
    // and the listings whose every decision was undone, with their suggested category.
    QHash<qint64, QList<Confirmed>> m_confirmed;
    QHash<qint64, QString> m_unconfirmed;
};

} // namespace listinglens::ui
