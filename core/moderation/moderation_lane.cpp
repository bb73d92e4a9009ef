#include "moderation_lane.h"

#include "logging.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>

namespace listinglens {

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
    for (auto &reader : lane->m_readers)
        lane->m_threads.emplace_back([l = lane.get(), r = reader.get()] { l->work(*r); });
    return lane;
}

ModerationLane::ModerationLane(ModerationOptions options) : m_options(std::move(options))
{
    m_options.threads = std::clamp(m_options.threads, 1, 16);
    m_options.queueLimit = std::max(1, m_options.queueLimit);
    m_options.niceness = std::clamp(m_options.niceness, 0, 19);
}

ModerationLane::~ModerationLane()
{
    std::deque<Job> left;
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
        left.swap(m_jobs);
    }
    m_changed.notify_all();
    for (auto &t : m_threads)
        t.join();
    for (Job &job : left)
        job.done({}, false);
}

void ModerationLane::submit(ModerationInput input, Done done)
{
    std::unique_lock lock(m_mutex);
    if (m_options.skipWhenFull && !m_stopping && int(m_jobs.size()) >= m_options.queueLimit) {
        lock.unlock();
        ModerationFindings skipped;
        skipped.skipped = true;
        done(std::move(skipped), true);
        return;
    }
    m_changed.wait(lock, [&] { return m_stopping || int(m_jobs.size()) < m_options.queueLimit; });
    if (m_stopping) {
        lock.unlock();
        done({}, false);
        return;
    }
    m_jobs.push_back({std::move(input), std::move(done)});
    m_changed.notify_all();
}

void ModerationLane::waitIdle()
{
    std::unique_lock lock(m_mutex);
    m_changed.wait(lock, [&] { return m_stopping || (m_jobs.empty() && m_busy == 0); });
}

void ModerationLane::work(TextReader &reader)
{
    // This thread alone (Linux: a thread's nice value is its own).
    setpriority(PRIO_PROCESS, id_t(syscall(SYS_gettid)), m_options.niceness);
    for (;;) {
        Job job;
        {
            std::unique_lock lock(m_mutex);
            m_changed.wait(lock, [&] { return m_stopping || !m_jobs.empty(); });
            if (m_stopping)
                return;
            job = std::move(m_jobs.front());
            m_jobs.pop_front();
            ++m_busy;
        }
        m_changed.notify_all();
        ModerationFindings found;
        bool ok = true;
        try {
            const cv::Mat &bgr = job.input.decoded.bgr;
            found.text = readPhotoText(reader, job.input, m_options.contacts);
            for (const FoundContact &c : found.text.contacts)
                qCInfo(lcPipeline).noquote() << QStringLiteral("contact details on the photo: %1 %2").arg(contactKindName(c.detail.kind), maskedContact(c.detail));
            if (m_faces)
                found.faces = m_faces->detect(bgr, job.input.decoded.decodeScale);
            if (job.input.thumbnailSide > 0) {
                cv::Mat shown = bgr;
                if (!found.faces.empty()) {
                    shown = bgr.clone();
                    blurFaces(shown, found.faces, job.input.decoded.decodeScale);
                }
                found.thumbnail = encodePreview(shown, job.input.thumbnailSide);
            }
        } catch (const std::exception &e) {
            qCWarning(lcPipeline).noquote() << QStringLiteral("the photo could not be read for moderation: %1").arg(QString::fromUtf8(e.what()));
            ok = false;
        }
        job.done(std::move(found), ok);
        {
            std::lock_guard lock(m_mutex);
            --m_busy;
        }
        m_changed.notify_all();
    }
}

} // namespace listinglens
