#include "session.h"

#include "classification_worker.h"
#include "console_worker.h"
#include "database_url.h"
#include "photo_result.h"
#include "prediction_store.h"
#include "store_worker.h"

namespace listinglens::ui {

Session::Session(QObject *parent)
    : QObject(parent), m_classification(QStringLiteral("classification")), m_store(QStringLiteral("store")),
      m_console(QStringLiteral("console"))
{
    m_retry.setSingleShot(true);
    connect(&m_retry, &QTimer::timeout, this, [this] { openDatabase(m_url); });

    // One answer per open, in order: only the answer to the latest open counts
    // (an earlier database, opened or refused late, is not the one asked for now).
    connect(storeWorker(), &StoreWorker::opened, this, [this](const std::shared_ptr<PredictionStore> &store) {
        if (++m_opensAnswered == m_opensAsked)
            storeOpened(store);
    });
    connect(storeWorker(), &StoreWorker::openFailed, this, [this](const QString &message) {
        if (++m_opensAnswered == m_opensAsked)
            databaseFailed(message);
    });
    // Decisions kept for the database in use are tried again until it takes them.
    m_pendingRetry.setInterval(15'000);
    connect(&m_pendingRetry, &QTimer::timeout, this, &Session::retryPendingDecisions);
    connect(storeWorker(), &StoreWorker::decisionPending, this, [this](int, qint64, const QString &database) {
        if (isCurrentDatabase(database))
            m_pendingRetry.start();
    });
    connect(storeWorker(), &StoreWorker::pendingWritten, this, [this](const QString &, int, int waiting) {
        if (waiting == 0)
            m_pendingRetry.stop();
    });
    // Worker to worker: queued onto the store thread, a copy of the pointer in the event.
    connect(classification(), &ClassificationWorker::listingIndexChanged, storeWorker(), &StoreWorker::setListingIndex);
    connect(classification(), &ClassificationWorker::databaseFailed, this, &Session::databaseFailed);
    connect(classification(), &ClassificationWorker::notStored, this, [this](int, const QString &message) {
        Q_EMIT resultNotStored(message);
        databaseFailed(message);
    });
    connect(classification(), &ClassificationWorker::databaseOpened, this, [this](const QString &url, int listings) {
        m_backoff.reset();
        m_lostSince = QDateTime();
        Q_EMIT databaseOpened(url, listings);
    });
}

Session::~Session()
{
    cancelAll();
    m_classification.stop();
    m_store.drain(); // every decision queued for the database is written before the thread stops
    m_store.stop();
    console()->cancelExport();
    m_console.stop();
}

void Session::loadModel(const QString &modelDir, const QString &device, int threads)
{
    m_classification.call(&ClassificationWorker::loadModel, modelDir, device, threads);
}

void Session::openDatabase(const QString &url)
{
    if (url != m_url) {
        m_lostSince = QDateTime(); // another database: the lost one no longer matters
        m_backoff.reset();
    }
    m_url = url;
    const auto parsed = DatabaseUrl::parse(url);
    m_maskedUrl = parsed ? parsed.value().masked() : QString();
    m_retry.stop(); // this try is the next one
    Q_EMIT databaseConnecting(url);
    // Results wait in memory until the store is open, so none is lost meanwhile.
    m_classification.call(&ClassificationWorker::detachStore, !url.isEmpty());
    m_console.call(&ConsoleWorker::setStore, std::shared_ptr<PredictionStore>());
    ++m_opensAsked;
    m_store.call(&StoreWorker::open, url); // opened or openFailed
}

void Session::storeOpened(const std::shared_ptr<PredictionStore> &store)
{
    m_database = store;
    if (store)
        m_classification.call(&ClassificationWorker::attachStore, store); // answers databaseOpened
    m_console.call(&ConsoleWorker::setStore, store);
}

void Session::databaseFailed(const QString &message)
{
    // Work on without it, and try again with backoff.
    if (!m_lostSince.isValid())
        m_lostSince = QDateTime::currentDateTime();
    if (!m_retry.isActive())
        m_retry.start(m_backoff.next());
    Q_EMIT databaseUnavailable(message, (m_retry.remainingTime() + 999) / 1000);
}

int Session::classifyFiles(const QList<int> &ids, const QStringList &paths, int batchSize)
{
    m_classification.call(&ClassificationWorker::classifyFiles, ++m_lastTicket, ids, paths, batchSize);
    return m_lastTicket;
}

int Session::classifyImage(int id, const QImage &image)
{
    m_classification.call(&ClassificationWorker::classifyImage, ++m_lastTicket, id, image);
    return m_lastTicket;
}

void Session::cancelAll()
{
    classification()->cancelUpTo(m_lastTicket);
}

void Session::describeAs(int itemId, const PhotoResult &result, const QString &categoryId, qint64 predictionId,
                         const QString &database)
{
    classification()->requestDescription(itemId, result, categoryId, predictionId, database);
    m_classification.call(&ClassificationWorker::describeRequested); // when no request runs to answer it sooner
}

void Session::finishDescriptions()
{
    cancelAll();
    m_classification.drain();
}

void Session::recordDecision(int itemId, qint64 predictionId, const FeedbackRecord &feedback, int decisionKey)
{
    m_store.call(&StoreWorker::addFeedback, itemId, predictionId, feedback, decisionKey);
}

void Session::keepDecision(int itemId, qint64 predictionId, const QString &database, const FeedbackRecord &feedback, int decisionKey)
{
    m_store.call(&StoreWorker::keepDecision, itemId, predictionId, database, feedback, decisionKey);
}

void Session::retryPendingDecisions()
{
    m_store.call(&StoreWorker::retryPending);
}

void Session::chooseCurrency(const QString &code)
{
    m_store.call(&StoreWorker::databaseCurrency, code);
}

void Session::undoDecision(int serial, int itemId, qint64 predictionId, int decisionKey, const QString &suggestedCategoryId,
                           const QString &moderator)
{
    m_store.call(&StoreWorker::undoFeedback, serial, itemId, predictionId, decisionKey, suggestedCategoryId, moderator);
}

void Session::loadThumbnails(int itemId, const QList<qint64> &predictionIds)
{
    m_store.call(&StoreWorker::loadThumbnails, itemId, predictionIds);
}

int Session::resultsWaiting() const
{
    return classification()->pendingCount();
}

int Session::secondsToRetry() const
{
    return m_retry.isActive() ? (m_retry.remainingTime() + 999) / 1000 : 0;
}

void Session::retryDatabase()
{
    if (!m_url.isEmpty())
        openDatabase(m_url); // stops the retry timer: this is the next try
}

} // namespace listinglens::ui
