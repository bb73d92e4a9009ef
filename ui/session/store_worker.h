#pragma once

#include <QImage>
#include <QObject>

#include <memory>

namespace listinglens {
class PredictionStore;
}

namespace listinglens::ui {

// Database work for the window (moderator feedback, thumbnails) on its own
// thread with its own connection, so that a long batch never delays a
// decision being written.
class StoreWorker : public QObject {
    Q_OBJECT
public:
    StoreWorker();
    ~StoreWorker() override;

public Q_SLOTS:
    void open(const QString &url);
    void addFeedback(int itemId, qint64 predictionId, bool corrected, const QString &categoryId, double price,
                     const QString &currency, const QString &title, const QString &description);
    void loadThumbnails(int itemId, const QList<qint64> &predictionIds);
    void flush() {} // a blocking call to this returns once everything queued before it is done

Q_SIGNALS:
    void openFailed(const QString &message);
    void feedbackStored(int itemId);
    void feedbackFailed(int itemId, const QString &message);
    void thumbnailsLoaded(int itemId, const QList<qint64> &predictionIds, const QList<QImage> &images);

private:
    std::shared_ptr<PredictionStore> m_store;
};

} // namespace listinglens::ui
