#include "classification_worker.h"

#include "classifier.h"
#include "pipeline.h"

namespace listinglens::ui {

ClassificationWorker::ClassificationWorker() = default;
ClassificationWorker::~ClassificationWorker() = default;

void ClassificationWorker::loadModel(const QString &modelDir, const QString &device, int threads)
{
    ClassifierOptions options;
    options.modelDir = modelDir;
    options.engine.device = device;
    options.engine.threads = threads;
    auto classifier = Classifier::create(options);
    if (!classifier) {
        Q_EMIT modelFailed(classifier.error().message);
        return;
    }
    m_classifier = std::move(classifier).value();
    Q_EMIT modelLoaded(m_classifier->manifest().name, m_classifier->manifest().version,
                       m_classifier->engineInfo().deviceName);
}

void ClassificationWorker::classify(int firstIndex, const QStringList &files, int batchSize)
{
    m_cancel = false;
    if (!m_classifier) {
        for (int i = 0; i < files.size(); ++i)
            Q_EMIT photoFailed(firstIndex + i, QStringLiteral("model_error"), QStringLiteral("the model is not loaded"));
        Q_EMIT batchFinished();
        return;
    }
    std::vector<PhotoSource> sources;
    for (const QString &f : files)
        sources.push_back(PhotoSource::fromFile(f));
    Pipeline pipeline(*m_classifier, PipelineOptions{batchSize, 0});
    pipeline.run(sources, [&](int i, const Result<PhotoResult> &r) {
        if (r)
            Q_EMIT photoDone(firstIndex + i, r.value());
        else
            Q_EMIT photoFailed(firstIndex + i, r.error().codeName(), r.error().message);
    }, &m_cancel);
    Q_EMIT batchFinished();
}

} // namespace listinglens::ui
