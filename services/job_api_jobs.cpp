// GET /v1/jobs/{id}, and the long polls (?wait=) parked until a job ends:
// answered from notifications, from this process's workers, or at their deadline.
#include "job_api.h"
#include "job_api_p.h"

#include "api_input.h"

#include <QDateTime>

namespace listinglens {

using namespace api_detail;

std::optional<JobView> JobApi::findJob(const QString &text, const Caller &caller, const QByteArray &requestId, HttpResponse *refusal)
{
    const auto notFound = [&] {
        *refusal = HttpResponse::error(404, QStringLiteral("not_found"), QStringLiteral("there is no job %1").arg(text.left(64)));
        return std::nullopt;
    };
    const std::optional<QString> id = normalizedJobId(text);
    if (!id)
        return notFound();
    auto view = queue().job(*id);
    if (!view) {
        *refusal = unavailable(requestId, view.error(), m_options.retryAfterS);
        return std::nullopt;
    }
    // Another key's job is not found rather than forbidden: ids are not to be probed.
    if (!view.value() || (!caller.admin && view.value()->apiKeyId != caller.apiKeyId))
        return notFound();
    return view.value();
}

HttpResponse JobApi::jobStatus(const QString &id, const Caller &caller, const QByteArray &requestId, int waitS, bool *parked)
{
    HttpResponse refusal;
    const std::optional<JobView> view = findJob(id, caller, requestId, &refusal);
    if (!view)
        return refusal;
    const JobView &v = *view;
    if (waitS > 0 && (v.status == JobStatus::Queued || v.status == JobStatus::Running)) {
        *parked = true;
        return {};
    }
    return HttpResponse::json(200, jobJson(v));
}

void JobApi::park(const QString &id, const Caller &caller, const HttpResponder &responder, qint64 deadlineMs)
{
    m_waiters.insert(id, Waiter{responder, caller, deadlineMs});
    recheck({id}); // it may have ended between the read and now
}

void JobApi::answerWaiters(const JobView &job)
{
    if (!m_waiters.contains(job.id))
        return;
    const HttpResponse r = HttpResponse::json(200, jobJson(job));
    for (const Waiter &w : m_waiters.values(job.id))
        w.responder.send(r);
    m_waiters.remove(job.id);
}

void JobApi::jobEnded(const QString &id)
{
    if (m_waiters.contains(id))
        recheck({id});
}

void JobApi::recheck(const QStringList &ids)
{
    m_pool.start([this, ids] {
        for (const QString &id : ids) {
            auto view = queue().job(id);
            if (!view || !view.value())
                continue; // the sweep answers them at their deadline
            const JobView v = *view.value();
            if (v.status != JobStatus::Done && v.status != JobStatus::Failed)
                continue;
            QMetaObject::invokeMethod(this, [this, v] { answerWaiters(v); }, Qt::QueuedConnection);
        }
    });
}

// Every second: answer waiters at their deadline with the job as it is, drop
// the ones whose client left, look again at the rest when notifications may
// have been missed, and keep the LISTEN connection alive.
void JobApi::sweepWaiters()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    QStringList due, waiting;
    for (auto it = m_waiters.begin(); it != m_waiters.end();) {
        if (!it->responder.isOpen()) {
            it = m_waiters.erase(it);
            continue;
        }
        if (it->deadlineMs <= now)
            due << it.key();
        else if (!waiting.contains(it.key()))
            waiting << it.key();
        ++it;
    }
    for (const QString &id : std::as_const(due)) {
        for (auto it = m_waiters.find(id); it != m_waiters.end() && it.key() == id;) {
            if (it->deadlineMs > now) {
                ++it;
                continue;
            }
            const HttpResponder responder = it->responder;
            const Caller caller = it->caller;
            it = m_waiters.erase(it);
            m_pool.start([this, id, caller, responder] {
                bool parked = false;
                answer(responder, jobStatus(id, caller, responder.requestId(), 0, &parked));
            });
        }
    }
    if (!waiting.isEmpty() && (!m_listener.listening() || ++m_sweeps % 5 == 0))
        recheck(waiting);
    m_listener.check();
}

} // namespace listinglens
