#include "classification_worker.h"

#include "classifier.h"
#include "listing_index.h"
#include "logging.h"
#include "moderation_lane.h"
#include "prediction_store.h"
#include "route.h"
#include "store_follower.h"
#include "store_recorder.h"
#include "stored_listings.h"

#include <QDateTime>
#include <QTimer>

#include <opencv2/core/mat.hpp>

#include <map>

namespace listinglens::ui {

namespace {

// A preview the route made (BGR pixels) as the window paints it.
QImage toImage(const cv::Mat &bgr)
{
    if (bgr.empty())
        return {};
    return QImage(bgr.data, bgr.cols, bgr.rows, int(bgr.step), QImage::Format_BGR888).convertToFormat(QImage::Format_RGB32);
}

} // namespace

// The window's record stage: every classification stored in the session's
// store, or, while the database is away, kept in memory and written when it
// is back. What the lane reads completes the stored row, or the kept result
// (or the row it was written to meanwhile). Everything but complete() runs on
// the classification thread; complete() posts what concerns kept results
// there, so that they are only ever touched on one thread.
class ClassificationWorker::Recorder : public RecordStage {
public:
    explicit Recorder(ClassificationWorker &worker) : m_worker(worker) {}

    void record(RoutedPhoto photo, Resume resume) override;
    void complete(const RoutedPhoto &photo) override;
    void hold(const std::vector<qint64> &rows) override;

    void attach(const std::shared_ptr<PredictionStore> &store);
    void detach(bool keepResults);
    void flush();
    int kept() const { return m_keptCount; }

private:
    struct Kept {
        int itemId = 0;
        QString name;
        Result<PhotoResult> outcome = Error{};
    };
    void keep(const RoutedPhoto &photo);
    void keptRead(qint64 tag, const PhotoResult &result);

    ClassificationWorker &m_worker;
    std::shared_ptr<PredictionStore> m_store;
    bool m_down = false; // a database is configured but cannot be written now: keep results
    QList<Kept> m_kept;  // waiting for the database to come back
    std::map<int, std::pair<qint64, std::shared_ptr<PredictionStore>>> m_written; // item -> its row, written while the lane still read it
    std::atomic_int m_keptCount{0};
};

void ClassificationWorker::Recorder::record(RoutedPhoto photo, Resume resume)
{
    if (!m_store && m_kept.isEmpty() && !m_down)
        return resume(std::move(photo)); // no database configured
    if (m_store && !m_down) {
        auto stored = recordOutcome(*m_store, m_worker.m_index.get(), QStringLiteral("gui"), photo.name, photo.outcome);
        if (stored) {
            photo.predictionId = stored.value();
            photo.storedIn = m_store;
            return resume(std::move(photo));
        }
        m_down = true; // retried already: keep the rest in memory instead of stalling each photo
        Q_EMIT m_worker.notStored(int(photo.tag), stored.error().message);
    }
    keep(photo);
    resume(std::move(photo));
}

void ClassificationWorker::Recorder::keep(const RoutedPhoto &photo)
{
    m_kept.push_back({int(photo.tag), photo.name, photo.outcome});
    m_keptCount = int(m_kept.size());
}

void ClassificationWorker::Recorder::complete(const RoutedPhoto &photo)
{
    if (photo.predictionId > 0)
        return writeModeration(photo);
    QMetaObject::invokeMethod(
        &m_worker, [this, tag = photo.tag, result = photo.result()] { keptRead(tag, result); }, Qt::QueuedConnection);
}

void ClassificationWorker::Recorder::keptRead(qint64 tag, const PhotoResult &result)
{
    for (Kept &k : m_kept) {
        if (k.itemId == int(tag) && k.outcome) {
            k.outcome = result;
            return;
        }
    }
    if (auto it = m_written.find(int(tag)); it != m_written.end()) {
        RoutedPhoto read;
        read.outcome = result;
        read.predictionId = it->second.first;
        read.storedIn = it->second.second;
        writeModeration(read);
        m_written.erase(it);
    }
}

void ClassificationWorker::Recorder::hold(const std::vector<qint64> &rows)
{
    if (!m_store || rows.empty())
        return;
    if (auto held = m_store->holdModeration(rows, QDateTime::currentMSecsSinceEpoch() + kModerationHoldMs); !held)
        qCDebug(lcStore).noquote() << held.error().message;
}

void ClassificationWorker::Recorder::attach(const std::shared_ptr<PredictionStore> &store)
{
    m_store = store;
    m_down = false;
    // Rows a window or worker stopped with while its lane read them, their hold run out: for review.
    if (auto swept = m_store->failStaleModeration(QDateTime::currentMSecsSinceEpoch()); !swept)
        qCDebug(lcStore).noquote() << swept.error().message;
}

void ClassificationWorker::Recorder::detach(bool keepResults)
{
    if (!keepResults) {
        m_kept.clear(); // no database any more: nothing to wait for
        m_keptCount = 0;
    }
    m_store.reset();
    m_down = keepResults;
}

void ClassificationWorker::Recorder::flush()
{
    while (m_store && !m_kept.isEmpty()) {
        const Kept &k = m_kept.front();
        auto stored = recordOutcome(*m_store, m_worker.m_index.get(), QStringLiteral("gui"), k.name, k.outcome);
        if (!stored) {
            m_down = true;
            Q_EMIT m_worker.notStored(k.itemId, stored.error().message);
            return;
        }
        if (k.outcome && k.outcome.value().moderation.state == PhotoModeration::State::Pending)
            m_written[k.itemId] = {stored.value(), m_store}; // the lane completes it when it is done
        Q_EMIT m_worker.storedLater(k.itemId, stored.value(), m_store->maskedUrl());
        m_kept.pop_front();
        m_keptCount = int(m_kept.size());
    }
}

ClassificationWorker::ClassificationWorker() : m_recorder(std::make_unique<Recorder>(*this)), m_headTimer(new QTimer(this))
{
    // The timer moves to the worker's thread with it.
    m_headTimer->setInterval(kHeadCheckMs);
    connect(m_headTimer, &QTimer::timeout, this, &ClassificationWorker::checkHead);
}

ClassificationWorker::~ClassificationWorker() = default;

int ClassificationWorker::pendingCount() const
{
    return m_recorder->kept();
}

void ClassificationWorker::cancelUpTo(int ticket)
{
    m_cancelledUpTo = std::max(m_cancelledUpTo.load(), ticket);
    std::lock_guard lock(m_cancelMutex);
    m_cancel.request_stop();
}

void ClassificationWorker::loadModel(const QString &modelDir, const QString &device, int threads)
{
    ClassifierOptions options;
    options.modelDir = modelDir;
    options.engine.device = device;
    options.engine.threads = threads;
    // The moderation lane: text on the photo, read after the suggestion is
    // shown. Without Tesseract the workbench works on without it.
    if (!m_lane) {
        ModerationOptions moderation;
        moderation.contacts.defaultRegion = qEnvironmentVariable("LISTINGLENS_PHONE_REGION", QStringLiteral("GB")).toUpper();
        if (!isKnownPhoneRegion(moderation.contacts.defaultRegion))
            moderation.contacts.defaultRegion = QStringLiteral("GB");
        if (auto lane = ModerationLane::open(moderation))
            m_lane = std::move(lane).value();
        else
            qCWarning(lcPipeline).noquote() << lane.error().message << QStringLiteral("- photos are shown without the text on them");
    }
    auto classifier = Classifier::create(options);
    if (!classifier) {
        Q_EMIT modelFailed(classifier.error().message);
        return;
    }
    m_follower.reset(); // it holds the classifier it follows for
    m_route.reset();    // and this one (it waits for its photos in the lane)
    m_classifier = std::move(classifier).value();
    makeRoute();
    m_headSaid = 0;
    attachIndex();
    QStringList ids, names;
    for (const Category &c : m_classifier->taxonomy().categories()) {
        ids << c.id;
        names << c.name;
    }
    Q_EMIT modelLoaded(m_classifier->manifest().name, m_classifier->manifest().version,
                       m_classifier->engineInfo().deviceName, ids, names);
    followHead(); // the new classifier starts on the built-in mapping: headChanged comes after modelLoaded
}

// The window's route: a preview for the window, every result recorded (a
// fingerprint and a thumbnail for history), the lane waited for when full.
void ClassificationWorker::makeRoute()
{
    RouteOptions options;
    options.previewSide = kPreviewSide;
    m_route = std::make_unique<Route>(*m_classifier, options);
    m_route->plugLane(m_lane.get());
    m_route->plugRecorder(m_recorder.get(), RecordAt::Suggested);
    m_route->setReports({[this](int, qint64 tag) { Q_EMIT photoStarted(int(tag)); },
                         [this](RoutedPhoto &photo) { suggested(photo); },
                         [this](RoutedPhoto &photo) {
                             if (photo.ok() && photo.result().moderation.state != PhotoModeration::State::Off)
                                 Q_EMIT photoModerated(int(photo.tag), photo.result());
                         }});
}

void ClassificationWorker::detachStore(bool keepResults)
{
    m_recorder->detach(keepResults);
    m_headTimer->stop();
    m_follower.reset();
    m_store.reset();
    setIndex(nullptr);
}

void ClassificationWorker::attachStore(const std::shared_ptr<PredictionStore> &store)
{
    m_follower.reset(); // it holds the store it reads
    m_store = store;
    m_recorder->attach(store);
    attachIndex();
    followHead();
    m_recorder->flush();
    Q_EMIT databaseOpened(m_store->maskedUrl(), m_index ? int(m_index->size()) : 0);
}

void ClassificationWorker::followHead()
{
    m_headTimer->stop();
    m_follower.reset();
    if (!m_store || !m_classifier)
        return;
    m_follower = std::make_unique<StoreFollower>(*m_store, *m_classifier, StoreFollower::Intervals{kHeadCheckMs, 0});
    checkHead(); // the head active now, before the first photo
    m_headTimer->start();
}

void ClassificationWorker::checkHead()
{
    m_headChecked.start();
    if (m_route)
        m_route->holdRows(); // the rows the lane still reads: kept from the stale sweep
    if (!m_follower || m_classifier->headPinned())
        return;
    const auto changed = m_follower->checkHead();
    if (!changed)
        qCDebug(lcStore).noquote() << "active category head not read:" << changed.error().message;
    // Said whether it changed or was refused (the built-in mapping then).
    if (m_classifier->headVersion() != m_headSaid) {
        m_headSaid = m_classifier->headVersion();
        Q_EMIT headChanged(m_headSaid);
    }
}

void ClassificationWorker::requestDescription(int itemId, const PhotoResult &result, const QString &categoryId,
                                              qint64 predictionId, const QString &database)
{
    std::lock_guard lock(m_describeMutex);
    m_describe.push_back({itemId, result, categoryId, predictionId, database});
}

void ClassificationWorker::describeRequested()
{
    QList<DescribeRequest> requests;
    {
        std::lock_guard lock(m_describeMutex);
        requests.swap(m_describe);
    }
    for (const DescribeRequest &request : std::as_const(requests)) {
        if (!m_classifier) {
            Q_EMIT describeFailed(request.itemId, request.categoryId, tr("the model is not loaded"));
            continue;
        }
        // Once stored, the photo is in the listing index: it must not be its own
        // similar listing, duplicate or price evidence.
        const bool stored = m_store && request.predictionId > 0 && request.database == m_store->maskedUrl();
        auto redone = m_classifier->describedAs(request.result, request.categoryId, stored ? request.predictionId : 0);
        if (!redone) {
            Q_EMIT describeFailed(request.itemId, request.categoryId, redone.error().message);
            continue;
        }
        Q_EMIT described(request.itemId, redone.value());
    }
}

void ClassificationWorker::attachIndex()
{
    if (!m_store || !m_classifier || m_classifier->engineInfo().embeddingDim == 0)
        return;
    auto index = loadListingIndex(*m_store, m_classifier->engineInfo().embeddingDim, 200'000, m_classifier->manifest().version);
    if (!index) {
        Q_EMIT databaseFailed(index.error().message);
        return;
    }
    setIndex(index.value());
}

void ClassificationWorker::setIndex(std::shared_ptr<ListingIndex> index)
{
    m_index = std::move(index);
    if (m_classifier)
        m_classifier->setListingIndex(m_index);
    Q_EMIT listingIndexChanged(m_index);
}

void ClassificationWorker::classifyFiles(int ticket, const QList<int> &ids, const QStringList &paths, int batchSize)
{
    std::vector<PhotoSource> sources;
    for (qsizetype i = 0; i < ids.size(); ++i) {
        sources.push_back(PhotoSource::fromFile(paths.value(i)));
        sources.back().tag = ids[i];
    }
    run(ticket, ids, std::move(sources), batchSize);
}

// A pasted image goes down the route as the pixels it is, never encoded to be decoded again.
void ClassificationWorker::classifyImage(int ticket, int id, const QImage &image)
{
    const QImage bgr = image.convertToFormat(QImage::Format_BGR888);
    PhotoSource source = PhotoSource::fromPixels(QStringLiteral("pasted image"),
                                                 cv::Mat(bgr.height(), bgr.width(), CV_8UC3, const_cast<uchar *>(bgr.constBits()),
                                                         std::size_t(bgr.bytesPerLine())).clone());
    source.tag = id;
    run(ticket, {id}, {std::move(source)}, 1);
}

void ClassificationWorker::refuse(int ticket, const QList<int> &ids)
{
    const bool cancelled = ticket <= m_cancelledUpTo;
    const ErrorCode code = cancelled ? ErrorCode::Cancelled : ErrorCode::ModelError;
    for (int id : ids)
        Q_EMIT photoFailed(id, errorCodeName(code), cancelled ? tr("cancelled before it was processed") : tr("the model is not loaded"),
                           errorAdvice(code));
    Q_EMIT requestFinished(ticket);
}

void ClassificationWorker::run(int ticket, const QList<int> &ids, std::vector<PhotoSource> sources, int batchSize)
{
    std::stop_token cancel;
    {
        std::lock_guard lock(m_cancelMutex);
        m_cancel = std::stop_source();
        cancel = m_cancel.get_token();
    }
    if (ticket <= m_cancelledUpTo || !m_route)
        return refuse(ticket, ids);
    m_route->setBatchSize(batchSize);
    m_route->run(sources, cancel);
    Q_EMIT requestFinished(ticket);
}

// A photo's suggestion, stored (or kept): shown. Between two photos: a
// moderator's correction, a newly activated head.
void ClassificationWorker::suggested(RoutedPhoto &photo)
{
    describeRequested();
    if (m_headChecked.isValid() && m_headChecked.elapsed() >= kHeadCheckMs)
        checkHead();
    const int id = int(photo.tag);
    if (!photo.ok()) {
        const Error &e = photo.outcome.error();
        Q_EMIT photoFailed(id, e.codeName(), e.message, errorAdvice(e.code));
        return;
    }
    // The preview as pixels, made into images here: all image work stays off the GUI thread.
    const QImage preview = toImage(photo.preview);
    const QImage thumbnail = preview.scaled(kThumbnailSide, kThumbnailSide, Qt::KeepAspectRatio, Qt::SmoothTransformation);
    const QString database = photo.storedIn ? photo.storedIn->maskedUrl() : QString();
    Q_EMIT photoDone(id, photo.result(), preview, thumbnail, photo.predictionId, database);
}

} // namespace listinglens::ui
