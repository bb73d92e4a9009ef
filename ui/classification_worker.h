#pragma once

#include "error.h"
#include "photo_result.h"

#include <QObject>
#include <QStringList>

#include <atomic>
#include <memory>

namespace listinglens {
class Classifier;
struct ClassifierOptions;
}

namespace listinglens::ui {

// Lives on its own thread and owns the loaded model; the GUI thread only
// talks to it through queued signals.
class ClassificationWorker : public QObject {
    Q_OBJECT
public:
    ClassificationWorker();
    ~ClassificationWorker() override;

    // Safe from any thread: stops the running batch after its current photos.
    void cancel() { m_cancel = true; }

public Q_SLOTS:
    void loadModel(const QString &modelDir, const QString &device, int threads);
    void classify(int firstIndex, const QStringList &files, int batchSize);

Q_SIGNALS:
    void modelLoaded(const QString &name, const QString &version, const QString &device);
    void modelFailed(const QString &message);
    void photoDone(int index, const listinglens::PhotoResult &result);
    void photoFailed(int index, const QString &code, const QString &message);
    void batchFinished();

private:
    std::unique_ptr<Classifier> m_classifier;
    std::atomic_bool m_cancel{false};
};

} // namespace listinglens::ui
