#pragma once

// What the JobWorker's files share. Not part of its interface.

#include "job_worker.h"
#include "store_recorder.h"

namespace listinglens {

// The worker's record stage: the route hands each photo here on the claims
// thread; the writer thread ends its job in the transaction that stores it,
// then hands the photo back (JobWorker::ended, JobWorker::write).
class JobWorker::Recorder : public RecordStage {
public:
    explicit Recorder(JobWorker &worker) : m_worker(worker) {}
    void record(RoutedPhoto photo, Resume resume) override { m_worker.ended(std::move(photo), std::move(resume)); }
    void complete(const RoutedPhoto &photo) override { writeModeration(photo); }
    void hold(const std::vector<qint64> &rows) override;

private:
    JobWorker &m_worker;
};

namespace job_worker {

inline MetricLabels workerLabel(const QString &worker)
{
    return {{QStringLiteral("worker"), worker}};
}

// What waits in the worker's queues: uploads handed over and finished photos
// for the writer. Past these, takeUpload() waits a moment (hasRoom() turns
// uploads away well before) and the claims thread waits on the writer.
inline constexpr qint64 kQueuedBytes = 512LL * 1024 * 1024;

} // namespace job_worker

} // namespace listinglens
