#pragma once

#include "backoff.h"
#include "worker_thread.h"

#include <QDateTime>
#include <QImage>
#include <QObject>
#include <QStringList>
#include <QTimer>

#include <memory>

namespace listinglens {
class PredictionStore;
struct FeedbackRecord;
struct PhotoResult;
}

namespace listinglens::ui {

class ClassificationWorker;
class ConsoleWorker;
class StoreWorker;

// The work behind one window: three threads and the one database store.
//   GUI thread:     this object and its retry timer. It only hands work out
//                   and passes pointers on; it never waits on the database,
//                   except for the last writes when it is destroyed (and,
//                   closing, for the descriptions decisions wait for:
//                   finishDescriptions).
//   "classification": ClassificationWorker: loads the model, decodes and
//                   classifies, records every result in the store, loads the
//                   listing index, follows the database's category head and
//                   describes corrected photos for their new category.
//   "store":        StoreWorker: opens the store (PredictionStore::open can
//                   take seconds on PostgreSQL), writes decisions and confirms
//                   them in the listing index, reads thumbnails.
//   "console":      ConsoleWorker: the console pages' reads and the CSV export.
// The store opened on "store" is handed to the others through this object
// (PredictionStore is thread-safe: each thread has its own connection); the
// listing index goes from "classification" to "store" as a copy of the
// pointer in a queued signal, so no shared_ptr is read on one thread while
// another writes it. A database that cannot be opened or written is retried
// with backoff::kWindowReconnect; results are kept in memory meanwhile.
class Session : public QObject {
    Q_OBJECT
public:
    explicit Session(QObject *parent = nullptr);
    // Cancels the classification, writes every decision queued for the
    // database, then stops the threads.
    ~Session() override;

    // For connecting to their signals (photo results, thumbnails, console
    // answers) and for their thread-safe functions.
    ClassificationWorker *classification() const { return m_classification.worker(); }
    StoreWorker *storeWorker() const { return m_store.worker(); }
    ConsoleWorker *console() const { return m_console.worker(); }

    void loadModel(const QString &modelDir, const QString &device, int threads);
    // Opens (or reopens) the database off the GUI thread; an empty URL: none.
    void openDatabase(const QString &url);
    // Each returns the request's ticket (increasing); requestFinished carries it back.
    int classifyFiles(const QList<int> &ids, const QStringList &paths, int batchSize);
    int classifyImage(int id, const QImage &image);
    // Stops the running request and refuses every one asked for so far.
    void cancelAll();
    // The photo's suggestion redone for another category; answered by
    // ClassificationWorker::described (or describeFailed), between two photos
    // when a request is running. predictionId and database: where it is stored.
    void describeAs(int itemId, const listinglens::PhotoResult &result, const QString &categoryId, qint64 predictionId,
                    const QString &database);
    // For closing: cancels the classification and waits until every
    // description asked for so far has been answered (the answers are posted
    // to the GUI thread, still to be delivered).
    void finishDescriptions();
    // Whether `database` (a masked URL, as a result names its store) is the one
    // in use or being opened: a prediction id means that row only there.
    bool isCurrentDatabase(const QString &database) const { return !database.isEmpty() && database == m_maskedUrl; }
    // decisionKey names the decision for undoDecision.
    void recordDecision(int itemId, qint64 predictionId, const listinglens::FeedbackRecord &feedback, int decisionKey);
    // A decision on a photo stored in `database`, not the one in use: kept on
    // disk and written when that database is opened again (StoreWorker::keepDecision);
    // decisionKey names it for undoDecision.
    void keepDecision(int itemId, qint64 predictionId, const QString &database, const listinglens::FeedbackRecord &feedback,
                      int decisionKey);
    // Writes the decisions kept for the database in use now (also every 15 s
    // while some wait for it).
    void retryPendingDecisions();
    // Chooses the database's currency (StoreWorker::databaseCurrency; answers currencyKnown there).
    void chooseCurrency(const QString &code);
    // The decision decisionKey on predictionId taken back, on the store thread,
    // in whichever database it went to (StoreWorker::undoFeedback answers
    // feedbackUndone or undoFailed, with serial).
    void undoDecision(int serial, int itemId, qint64 predictionId, int decisionKey, const QString &suggestedCategoryId,
                      const QString &moderator);
    void loadThumbnails(int itemId, const QList<qint64> &predictionIds);
    // Results waiting in memory for the database.
    int resultsWaiting() const;
    // An open asked for has not been answered yet (only the newest one's answer counts).
    bool isOpeningDatabase() const { return m_opensAnswered < m_opensAsked; }
    // The database now in use or being opened (with its password: parse it, never show it).
    QString databaseUrl() const { return m_url; }
    // Since when the database in use has been unreachable; invalid while it is
    // reachable (from databaseUnavailable to databaseOpened).
    QDateTime databaseLostSince() const { return m_lostSince; }
    // Seconds until the next try (0: none planned, or trying now).
    int secondsToRetry() const;
    // Tries the lost database again now instead of at the next retry.
    void retryDatabase();

Q_SIGNALS:
    void databaseConnecting(const QString &url);
    void databaseOpened(const QString &maskedUrl, int listings);
    // Working on without it; the next try is in retryInSeconds.
    void databaseUnavailable(const QString &message, int retryInSeconds);
    // A result could not be written: it is kept and written when the database is back.
    void resultNotStored(const QString &message);

private:
    void storeOpened(const std::shared_ptr<PredictionStore> &store);
    void databaseFailed(const QString &message);

    WorkerThread<ClassificationWorker> m_classification;
    WorkerThread<StoreWorker> m_store;
    WorkerThread<ConsoleWorker> m_console;
    std::shared_ptr<PredictionStore> m_database; // the one store of the session; only handed on here
    QString m_url;
    QString m_maskedUrl; // m_url as stores name themselves
    QDateTime m_lostSince; // when m_url was found unreachable; invalid while it is reachable
    QTimer m_retry;
    QTimer m_pendingRetry;                        // while decisions wait for the database in use
    Backoff m_backoff{backoff::kWindowReconnect};
    int m_lastTicket = 0;
    int m_opensAsked = 0;    // StoreWorker::open calls so far
    int m_opensAnswered = 0; // and its answers (opened or openFailed), which come in order
};

} // namespace listinglens::ui
