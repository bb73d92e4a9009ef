#include "moderation_lane.h"

#include "logging.h"

#include <QThread>

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <opencv2/imgproc.hpp>

#include <algorithm>

namespace listinglens {

FacesSeen findFacesAndThumbnail(const FaceDetector *detector, const LoadedImage &decoded, int side)
{
    FacesSeen seen;
    if (detector)
        seen.faces = detector->detect(decoded.bgr, decoded.decodeScale);
    if (side > 0) {
        cv::Mat shown = decoded.bgr;
        if (!seen.faces.empty()) {
            shown = decoded.bgr.clone();
            blurFaces(shown, seen.faces, decoded.decodeScale);
        }
        seen.thumbnail = encodePreview(shown, side);
    }
    return seen;
}

Result<std::unique_ptr<ModerationLane>> ModerationLane::open(const ModerationOptions &options)
{
    std::unique_ptr<ModerationLane> lane(new ModerationLane(options));
    for (int i = 0; i < lane->m_options.threads; ++i) {
        auto reader = TextReader::open(options.reader);
        if (!reader)
            return reader.error();
        lane->m_readers.push_back(std::move(reader).value());
    }
    if (auto faces = FaceDetector::open())
        lane->m_faces = std::move(faces).value();
    else
        qCWarning(lcPipeline).noquote() << faces.error().message << QStringLiteral("- faces are not looked for, nor blurred in thumbnails");
    // Each thread reads with its own Tesseract, at a lower priority than the
    // main lane (Linux: a thread's nice value is its own).
    lane->m_threads.start(QStringLiteral("moderation"), lane->m_options.threads, [l = lane.get()](std::stop_token stop, int i) {
        TextReader &reader = *l->m_readers[std::size_t(i)];
        setpriority(PRIO_PROCESS, id_t(syscall(SYS_gettid)), l->m_options.niceness);
        while (auto job = l->m_jobs.pop(stop))
            l->read(reader, *job);
    });
    return lane;
}

ModerationLane::ModerationLane(ModerationOptions options)
    : m_options(std::move(options)),
      m_jobs(QueueLimits{std::size_t(std::max(1, m_options.queueLimit)), std::max<qint64>(0, m_options.queueBytes)})
{
    m_options.threads = m_options.threads > 0 ? std::min(m_options.threads, 16) : std::clamp(QThread::idealThreadCount() / 2, 1, 8);
    m_options.queueLimit = std::max(1, m_options.queueLimit);
    m_options.niceness = std::clamp(m_options.niceness, 0, 19);
}

ModerationLane::~ModerationLane()
{
    m_jobs.close();
    m_threads.stop();
    for (Job &job : m_jobs.drain()) {
        job.done({}, false);
        finished();
    }
}

void ModerationLane::submit(ModerationInput input, Done done)
{
    Job job{std::move(input), std::move(done)};
    enqueue(job, true);
}

void ModerationLane::offer(ModerationInput input, Done done)
{
    Job job{std::move(input), std::move(done)};
    enqueue(job, false);
}

void ModerationLane::enqueue(Job &job, bool wait)
{
    // No full-resolution decode waits for the lane (moderationInput reduces it).
    QString key = std::move(job.input.key);
    job.input = moderationInput(std::move(job.input.decoded), std::move(job.input.bytes), job.input.thumbnailSide);
    job.input.key = key;
    {
        std::lock_guard lock(m_mutex);
        ++m_unreported;
    }
    const qint64 bytes = job.input.byteSize();
    std::vector<Job> pushedOut;
    const bool taken = wait ? m_jobs.push(job, bytes, key) : m_jobs.offer(job, bytes, key, &pushedOut);
    if (!taken)
        pushedOut.push_back(std::move(job));
    for (Job &out : pushedOut) {
        qCInfo(lcPipeline).noquote() << QStringLiteral("the moderation lane is full: a photo is not read (it is marked for review)");
        out.done({}, false);
        finished();
    }
}

void ModerationLane::finished()
{
    {
        std::lock_guard lock(m_mutex);
        --m_unreported;
    }
    m_idle.notify_all();
}

void ModerationLane::waitIdle()
{
    std::unique_lock lock(m_mutex);
    m_idle.wait(lock, [&] { return m_unreported == 0; });
}

void ModerationLane::helpUntilIdle()
{
    // Only photos that would wait for a lane thread are worth a helper: its
    // Tesseract of its own costs about 150 ms of CPU to open (as much as two
    // phone photos' reading), and a photo the lane's idle thread is about to
    // take reads no sooner for it (classify of one photo paid it every time).
    if (m_jobs.size() > std::size_t(m_options.threads)) {
        std::unique_lock helping(m_helperMutex, std::try_to_lock);
        if (helping.owns_lock()) {
            if (!m_helperReader) {
                if (auto reader = TextReader::open(m_options.reader))
                    m_helperReader = std::move(reader).value();
            }
            while (m_helperReader) {
                auto jobs = m_jobs.popUpTo(1, false);
                if (jobs.empty())
                    break;
                read(*m_helperReader, jobs.front());
            }
        }
    }
    waitIdle();
}

void ModerationLane::read(TextReader &reader, Job &job)
{
    ModerationFindings found;
    bool ok = true;
    try {
        found.text = readPhotoText(reader, job.input, m_options.contacts);
        for (const FoundContact &c : found.text.contacts)
            qCInfo(lcPipeline).noquote() << QStringLiteral("contact details on the photo: %1 %2").arg(contactKindName(c.detail.kind), maskedContact(c.detail));
        FacesSeen seen = findFacesAndThumbnail(m_faces.get(), job.input.decoded, job.input.thumbnailSide);
        found.faces = std::move(seen.faces);
        found.thumbnail = std::move(seen.thumbnail);
    } catch (const std::exception &e) {
        qCWarning(lcPipeline).noquote() << QStringLiteral("the photo could not be read for moderation: %1").arg(QString::fromUtf8(e.what()));
        ok = false;
    }
    job.input = {}; // its decode and bytes go before `done` runs
    job.done(std::move(found), ok);
    finished();
}

} // namespace listinglens
