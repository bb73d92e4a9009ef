#include "classification_worker.h"

#include "classifier.h"
#include "head_store.h"
#include "listing_index.h"
#include "listing_index_store.h"
#include "logging.h"
#include "pipeline.h"
#include "prediction_store.h"

#include <QBuffer>
#include <QTimer>

namespace listinglens::ui {

ClassificationWorker::ClassificationWorker() : m_headTimer(new QTimer(this)) // moves to the worker's thread with it
{
    m_headTimer->setInterval(kHeadCheckMs);
    connect(m_headTimer, &QTimer::timeout, this, &ClassificationWorker::checkHead);
}

ClassificationWorker::~ClassificationWorker() = default;

void ClassificationWorker::cancelUpTo(int ticket)
{
    m_cancelledUpTo = std::max(m_cancelledUpTo.load(), ticket);
    m_cancel = true;
}

void ClassificationWorker::loadModel(const QString &modelDir, const QString &device, int threads)
{
    ClassifierOptions options;
    options.modelDir = modelDir;
    options.engine.device = device;
    options.engine.threads = threads;
    options.previewSide = kPreviewSide;
    options.thumbnailSide = 256; // what history shows
    options.fingerprint = true;
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
    options.moderation = m_lane != nullptr;
    auto classifier = Classifier::create(options);
    if (!classifier) {
        Q_EMIT modelFailed(classifier.error().message);
        return;
    }
    m_headFollower.reset(); // it holds the classifier it follows for
    m_classifier = std::move(classifier).value();
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

void ClassificationWorker::detachStore(bool keepResults)
{
    if (!keepResults) {
        m_pending.clear(); // no database any more: nothing to wait for
        m_pendingCount = 0;
    }
    m_headTimer->stop();
    m_headFollower.reset();
    m_store.reset();
    m_storeDown = keepResults;
    setIndex(nullptr);
}

void ClassificationWorker::attachStore(const std::shared_ptr<PredictionStore> &store)
{
    m_headFollower.reset(); // it holds the store it reads
    m_store = store;
    m_storeDown = false;
    attachIndex();
    followHead();
    flushPending();
    Q_EMIT databaseOpened(m_store->maskedUrl(), m_index ? int(m_index->size()) : 0);
}

void ClassificationWorker::followHead()
{
    m_headTimer->stop();
    m_headFollower.reset();
    if (!m_store || !m_classifier)
        return;
    m_headFollower = std::make_unique<HeadFollower>(*m_store, *m_classifier);
    checkHead(); // the head active now, before the first photo
    m_headTimer->start();
}

void ClassificationWorker::checkHead()
{
    m_headChecked.start();
    if (!m_headFollower || m_classifier->headPinned())
        return;
    const auto changed = m_headFollower->refresh();
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

void ClassificationWorker::store(int itemId, const QString &name, const Result<PhotoResult> &outcome, qint64 &predictionId,
                                 QString &database)
{
    if (!m_store && m_pending.isEmpty() && !m_storeDown)
        return; // no database configured
    if (!outcome && outcome.error().code == ErrorCode::Cancelled)
        return; // never processed: not history
    if (m_store && !m_storeDown) {
        auto stored = recordOutcome(*m_store, m_index.get(), QStringLiteral("gui"), name, outcome);
        if (stored) {
            predictionId = stored.value();
            database = m_store->maskedUrl();
            return;
        }
        m_storeDown = true; // retried already: keep the rest in memory instead of stalling each photo
        Q_EMIT notStored(itemId, stored.error().message);
    }
    Pending kept;
    kept.itemId = itemId;
    kept.name = name;
    kept.outcome = outcome;
    m_pending.push_back(std::move(kept));
    m_pendingCount = int(m_pending.size());
}

void ClassificationWorker::flushPending()
{
    while (m_store && !m_pending.isEmpty()) {
        const Pending &p = m_pending.front();
        auto stored = recordOutcome(*m_store, m_index.get(), QStringLiteral("gui"), p.name, p.outcome);
        if (!stored) {
            m_storeDown = true;
            Q_EMIT notStored(p.itemId, stored.error().message);
            return;
        }
        Q_EMIT storedLater(p.itemId, stored.value(), m_store->maskedUrl());
        m_pending.pop_front();
        m_pendingCount = int(m_pending.size());
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
    run(ticket, ids, paths, paths, {}, batchSize);
}

void ClassificationWorker::classifyImage(int ticket, int id, const QImage &image)
{
    QByteArray png;
    QBuffer buffer(&png);
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, "PNG");
    run(ticket, {id}, {QStringLiteral("pasted image")}, {QString()}, {png}, 1);
}

void ClassificationWorker::run(int ticket, const QList<int> &ids, const QStringList &names, const QStringList &paths,
                               const QList<QByteArray> &bytes, int batchSize)
{
    m_cancel = false;
    if (ticket <= m_cancelledUpTo || !m_classifier) {
        const bool cancelled = ticket <= m_cancelledUpTo;
        const ErrorCode code = cancelled ? ErrorCode::Cancelled : ErrorCode::ModelError;
        for (int id : ids)
            Q_EMIT photoFailed(id, errorCodeName(code),
                               cancelled ? tr("cancelled before it was processed") : tr("the model is not loaded"),
                               errorAdvice(code));
        Q_EMIT requestFinished(ticket);
        return;
    }
    std::vector<PhotoSource> sources;
    for (qsizetype i = 0; i < ids.size(); ++i)
        sources.push_back(bytes.value(i).isEmpty() ? PhotoSource::fromFile(paths[i]) : PhotoSource::fromBytes(names[i], bytes[i]));

    Pipeline pipeline(*m_classifier, PipelineOptions{std::max(1, batchSize), 0});
    // Each photo's stored row, for the lane to complete (written before the
    // photo goes to the lane, read on a lane thread after).
    auto stored = std::make_shared<std::vector<qint64>>(sources.size(), 0);
    if (m_lane) {
        pipeline.setModeration(m_lane.get(), [this, ids, stored, store = m_store](int i, PhotoResult result) {
            if (const qint64 id = (*stored)[std::size_t(i)]; id > 0 && store) {
                if (auto written = store->completeModeration(id, result); !written)
                    qCWarning(lcStore).noquote() << written.error().message;
            }
            Q_EMIT photoModerated(ids[i], result);
        });
    }
    pipeline.run(
        sources,
        [&](int i, const Result<PhotoResult> &r) {
            // Between two photos: a moderator's correction, a newly activated head.
            describeRequested();
            if (m_headChecked.isValid() && m_headChecked.elapsed() >= kHeadCheckMs)
                checkHead();
            qint64 predictionId = 0;
            QString database;
            store(ids[i], names[i], r, predictionId, database); // failures are history too
            (*stored)[std::size_t(i)] = predictionId;
            if (!r) {
                Q_EMIT photoFailed(ids[i], r.error().codeName(), r.error().message, errorAdvice(r.error().code));
                return;
            }
            // Decoding the small preview here keeps all image work off the GUI thread.
            const QImage preview = QImage::fromData(r.value().preview, "JPG");
            const QImage thumbnail = preview.scaled(kThumbnailSide, kThumbnailSide, Qt::KeepAspectRatio, Qt::SmoothTransformation);
            Q_EMIT photoDone(ids[i], r.value(), preview, thumbnail, predictionId, database);
        },
        &m_cancel, [&](int i) { Q_EMIT photoStarted(ids[i]); });
    Q_EMIT requestFinished(ticket);
}

} // namespace listinglens::ui
