// POST /v1/jobs/{id}/feedback: a moderator's decision on a finished job,
// stored against the job's prediction.
#include "job_api.h"
#include "job_api_p.h"

#include "api_input.h"

namespace listinglens {

using namespace api_detail;

HttpResponse JobApi::feedback(const QString &id, const Caller &caller, const HttpRequest &request, const QByteArray &requestId)
{
    HttpResponse refusal;
    const std::optional<JobView> view = findJob(id, caller, requestId, &refusal);
    if (!view)
        return refusal;
    const JobView &job = *view;
    auto parsed = parseFeedback(request.header("content-type"), request.body, job.result ? &*job.result : nullptr);
    if (!parsed)
        return invalid(parsed.error());
    if (job.status != JobStatus::Done)
        return HttpResponse::error(409, QStringLiteral("conflict"),
                                   QStringLiteral("job %1 is %2; feedback needs a finished result").arg(job.id, jobStatusName(job.status)));
    const FeedbackRecord &f = parsed.value();
    if (!m_taxonomy)
        return HttpResponse::error(500, QStringLiteral("internal"), m_taxonomy.error().message);
    if (!m_taxonomy.value().find(f.categoryId))
        return HttpResponse::error(400, QStringLiteral("invalid_argument"), QStringLiteral("unknown category_id \"%1\"").arg(f.categoryId));
    auto stored = m_store->addFeedback(job.predictionId, f);
    if (!stored)
        return stored.error().code == ErrorCode::DatabaseError ? unavailable(requestId, stored.error(), m_options.retryAfterS)
                                                               : HttpResponse::error(statusForError(stored.error().code), stored.error().codeName(), stored.error().message);
    return HttpResponse::json(201, {{QStringLiteral("id"), stored.value()},
                                    {QStringLiteral("job_id"), job.id},
                                    {QStringLiteral("prediction_id"), job.predictionId},
                                    {QStringLiteral("decision"), f.corrected ? QStringLiteral("corrected") : QStringLiteral("accepted")},
                                    {QStringLiteral("category_id"), f.categoryId},
                                    {QStringLiteral("price"), f.price ? QJsonValue(*f.price) : QJsonValue()}});
}

} // namespace listinglens
