// Admission: POST /v1/jobs. An upload is checked (size, format, pixels),
// then queued in PostgreSQL or handed to a worker of this process.
#include "job_api.h"
#include "job_api_p.h"

#include "api_input.h"
#include "logging.h"
#include "sha256.h"

#include <QUuid>

namespace listinglens {

using namespace api_detail;

// POST /v1/jobs. A refusal or a queued job is answered at once; an upload a
// worker of this process takes, once its result is stored.
void JobApi::submit(const HttpRequest &request, const HttpResponder &responder, const Caller &caller)
{
    const auto received = std::chrono::steady_clock::now();
    Upload upload;
    QString key;
    if (auto refusal = readUpload(request, &upload, &key))
        return answer(responder, *refusal);
    const JobOwner owner{caller.apiKeyId, key.isEmpty() ? QString() : sha256Hex(upload.bytes)};
    if (JobWorker *local = localWorkerWithRoom())
        return submitToWorker(*local, upload.bytes, upload.fileName, upload.contentType, key, owner, received, responder);
    // The whole photo is decoded so that a damaged upload is refused here and
    // never reaches the queue, at the smallest scale, on the check pool: no
    // database thread waits on a decode (a hostile photo must not hold the
    // threads that check keys and read jobs). Then it is queued.
    m_checkPool.start([this, upload = std::move(upload), key, owner, responder] {
        if (auto loaded = m_validator.loadBytes(upload.bytes); !loaded)
            return answer(responder, refusedPhoto(loaded.error()));
        m_pool.start([this, upload, key, owner, responder] {
            auto submitted = queue().enqueue({upload.bytes, upload.fileName, upload.contentType, key, owner}, m_options.maxQueued);
            if (!submitted)
                return answer(responder, unavailable(responder.requestId(), submitted.error(), m_options.retryAfterS));
            if (auto reused = keyReusedElsewhere(submitted.value(), owner.payloadSha256))
                return answer(responder, *reused);
            answer(responder, accepted(submitted.value()));
        });
    });
}

// The upload is decoded straight into `worker`'s model input (which checks
// it), and the worker answers it once the job and its result are stored:
// the photo never goes to the database.
void JobApi::submitToWorker(JobWorker &worker, const QByteArray &bytes, const QString &fileName, const QString &contentType,
                            const QString &key, const JobOwner &owner, std::chrono::steady_clock::time_point received,
                            const HttpResponder &responder)
{
    if (!key.isEmpty()) {
        auto earlier = queue().byIdempotencyKey(key, owner.apiKeyId);
        if (!earlier)
            return answer(responder, unavailable(responder.requestId(), earlier.error(), m_options.retryAfterS));
        if (earlier.value()) {
            const auto reused = keyReusedElsewhere(*earlier.value(), owner.payloadSha256);
            return answer(responder, reused ? *reused : accepted(*earlier.value()));
        }
    }
    m_checkPool.start([this, &worker, bytes, fileName, contentType, key, owner, received, responder] {
        PhotoSource source = PhotoSource::fromBytes(fileName, bytes);
        source.key = QString::number(owner.apiKeyId);
        RoutedPhoto prepared = worker.route().prepare(source);
        // An internal failure is not the upload's fault: the worker ends the job failed, with the reason.
        if (const auto &error = prepared.prepared.error; error && error->code != ErrorCode::Internal)
            return answer(responder, refusedPhoto(*error));
        DirectJob job{QUuid::createUuid().toString(QUuid::WithoutBraces), fileName, contentType, bytes.size(), key, owner, 0};
        const QString sha = owner.payloadSha256;
        const bool taken = worker.takeUpload(std::move(job), std::move(prepared), received, [this, responder, sha](const Result<Submitted> &s) {
            if (!s)
                return answer(responder, unavailable(responder.requestId(), s.error(), m_options.retryAfterS));
            const auto reused = keyReusedElsewhere(s.value(), sha); // a race for the key, lost to another photo
            answer(responder, reused ? *reused : accepted(s.value()));
        });
        if (!taken)
            answer(responder, unavailable(responder.requestId(), Error{ErrorCode::Busy, QStringLiteral("the server is shutting down")},
                                          m_options.retryAfterS));
    });
}

JobWorker *JobApi::localWorkerWithRoom()
{
    for (std::size_t tried = 0; tried < m_local.size(); ++tried) {
        JobWorker *w = m_local[m_nextLocal++ % m_local.size()];
        if (w->hasRoom())
            return w;
    }
    return nullptr;
}

} // namespace listinglens
