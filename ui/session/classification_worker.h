#pragma once

#include "error.h"
#include "photo_result.h"

#include <QElapsedTimer>
#include <QImage>
#include <QObject>
#include <QStringList>

#include <atomic>
#include <memory>
#include <mutex>
#include <stop_token>

class QTimer;

namespace listinglens {
class Classifier;
class ModerationLane;
class ListingIndex;
class PredictionStore;
class Route;
class StoreFollower;
struct PhotoSource;
struct RoutedPhoto;
}

namespace listinglens::ui {

// Lives on its own thread (Session) and owns the loaded model and the
// window's photo route (core/runtime's Route, with the moderation lane); the
// GUI thread talks to it only through queued calls and signals. Each request
// carries a ticket (increasing); cancelUpTo() stops the running request and
// refuses queued ones with lower or equal tickets. Its record stage stores
// every classification in the session's store, or keeps it in memory while
// the database is away, and keeps the listing index that the suggestions use:
// loaded here (it follows the model's embeddings), handed to other threads
// only as a copy of the pointer, by listingIndexChanged. While a store is
// attached it follows the database's active category head (StoreFollower):
// every kHeadCheckMs by a timer on its thread, and between two photos of a
// long request. A moderator's correction is described again for the chosen
// category here too (the classifier is here), between two photos of a running
// request rather than after it. photoModerated comes from the lane's thread.
class ClassificationWorker : public QObject {
    Q_OBJECT
public:
    static constexpr int kPreviewSide = 720;
    static constexpr int kThumbnailSide = 112; // the photo strip's
    static constexpr int kHeadCheckMs = 5000;

    ClassificationWorker();
    ~ClassificationWorker() override;

    void cancelUpTo(int ticket); // safe from any thread
    // Results kept while the database is away (safe from any thread).
    int pendingCount() const;

    // Called on its thread (WorkerThread::call).
    void loadModel(const QString &modelDir, const QString &device, int threads);
    // The database is being opened again or switched: nothing is written
    // until attachStore(); meanwhile results are kept in memory (keepResults),
    // or, when there is to be no database, dropped with what was kept.
    void detachStore(bool keepResults);
    // Every classification is stored there from now on; what was kept is
    // written, and the listing index is loaded from it.
    void attachStore(const std::shared_ptr<listinglens::PredictionStore> &store);
    void classifyFiles(int ticket, const QList<int> &ids, const QStringList &paths, int batchSize);
    void classifyImage(int ticket, int id, const QImage &image);

    // The photo described as another category (Classifier::describedAs):
    // safe from any thread; queued, then answered by describeRequested() on
    // its thread, or between two photos of the request running there.
    // predictionId and database name the photo's own row, which the listing
    // index holds once it is stored: it is not its own similar listing.
    void requestDescription(int itemId, const listinglens::PhotoResult &result, const QString &categoryId,
                            qint64 predictionId, const QString &database);
    // Called on its thread: answers every description asked for so far (described or describeFailed).
    void describeRequested();

Q_SIGNALS:
    void modelLoaded(const QString &name, const QString &version, const QString &device,
                     const QStringList &categoryIds, const QStringList &categoryNames);
    void modelFailed(const QString &message);
    void photoStarted(int id);
    // predictionId: its row in the store named `database` (masked URL); 0 and empty when not stored.
    void photoDone(int id, const listinglens::PhotoResult &result, const QImage &preview, const QImage &thumbnail,
                   qint64 predictionId, const QString &database);
    // The moderation lane finished with a photo reported by photoDone: the
    // same result with its text, contacts, brands and flags filled in (and
    // the title branded). Follows photoDone for the same id, never precedes it.
    void photoModerated(int id, const listinglens::PhotoResult &result);
    void databaseOpened(const QString &maskedUrl, int listings);
    void databaseFailed(const QString &message);
    // The index in use from now on (null: none); the worker's own pointer never leaves its thread.
    void listingIndexChanged(const std::shared_ptr<listinglens::ListingIndex> &index);
    void notStored(int id, const QString &message);
    // A result kept while the database was down has now been written.
    void storedLater(int id, qint64 predictionId, const QString &database);
    void photoFailed(int id, const QString &code, const QString &message, const QString &advice);
    void requestFinished(int ticket);
    // result: the suggestion redone for the category the moderator chose (result.category).
    void described(int itemId, const listinglens::PhotoResult &result);
    void describeFailed(int itemId, const QString &categoryId, const QString &message);
    // The category head in use from now on (0: the built-in mapping).
    void headChanged(qint64 version);

private:
    class Recorder;
    void run(int ticket, const QList<int> &ids, std::vector<PhotoSource> sources, int batchSize);
    void refuse(int ticket, const QList<int> &ids);
    void makeRoute();
    void suggested(RoutedPhoto &photo);

    void attachIndex();
    void setIndex(std::shared_ptr<ListingIndex> index);
    void followHead(); // (re)starts following the active head of the store attached, if any
    void checkHead();

    struct DescribeRequest {
        int itemId = 0;
        PhotoResult result;
        QString categoryId;
        qint64 predictionId = 0;
        QString database;
    };
    std::mutex m_describeMutex;
    QList<DescribeRequest> m_describe; // under m_describeMutex

    std::unique_ptr<Classifier> m_classifier;
    std::shared_ptr<PredictionStore> m_store;
    std::shared_ptr<ListingIndex> m_index;
    // Declared after what its stages use and before the lane, so that the
    // lane goes first (reporting what it still held as not read) and the route after.
    std::unique_ptr<Recorder> m_recorder;
    std::unique_ptr<Route> m_route;
    std::unique_ptr<ModerationLane> m_lane;
    std::unique_ptr<StoreFollower> m_follower; // on m_store and m_classifier, while both are there
    QTimer *m_headTimer = nullptr;
    QElapsedTimer m_headChecked;
    qint64 m_headSaid = 0; // the head version headChanged said last (a new model starts on the built-in mapping)
    std::mutex m_cancelMutex;
    std::stop_source m_cancel; // the running request's, under m_cancelMutex
    std::atomic_int m_cancelledUpTo{0};
};

} // namespace listinglens::ui
