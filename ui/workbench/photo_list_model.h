#pragma once

#include "photo_result.h"

#include <QAbstractListModel>
#include <QDateTime>
#include <QImage>

namespace listinglens::ui {

enum class PhotoState { Queued, Working, Done, Failed, Cancelled };
QString photoStateName(PhotoState state);

// A moderator's decision on one photo's suggestions.
struct Decision {
    bool made = false;
    bool corrected = false;   // anything differs from the suggestion
    QString categoryId;
    double price = 0;
    QString currency;
    QString title;
    QString description;
    QDateTime at;
};

struct PhotoItem {
    int id = 0;               // stable while the item exists, unlike its row
    QString source;           // file path, or a name for pasted images
    QString name;
    PhotoState state = PhotoState::Queued;
    PhotoResult result;
    QString errorCode;
    QString errorMessage;
    QString errorAdvice;
    QImage preview;
    QImage thumbnail;
    int duplicateOfId = -1;   // an earlier photo with nearly the same perceptual hash
    qint64 predictionId = 0;  // its row in the store (0: not stored)
    QString database;         // the store that row is in (masked URL): a decision goes there only
    Decision decision;
};

// Every photo brought into the workbench, in the order it arrived.
class PhotoListModel : public QAbstractListModel {
    Q_OBJECT
public:
    enum Roles { IdRole = Qt::UserRole + 1, StateRole, CategoryRole, ConfidenceRole, DecisionRole };

    using QAbstractListModel::QAbstractListModel;

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;

    // Appends items in the Queued state; returns their ids.
    QList<int> add(const QStringList &sources, const QStringList &names);
    void remove(int row);

    int rowOf(int id) const;
    const PhotoItem *item(int row) const;
    const PhotoItem *itemById(int id) const;
    int count(PhotoState state) const;
    QList<Decision> decisions() const;

    void setWorking(int id);
    void setResult(int id, const PhotoResult &result, const QImage &preview, const QImage &thumbnail, qint64 predictionId = 0,
                   const QString &database = {});
    void setFailed(int id, const QString &code, const QString &message, const QString &advice);
    void setDecision(int id, const Decision &decision);
    void setPredictionId(int id, qint64 predictionId, const QString &database);

Q_SIGNALS:
    void itemChanged(int id);
    void decisionRecorded(int id);

private:
    void changed(int row);

    QList<PhotoItem> m_items;
    int m_nextId = 1;
};

} // namespace listinglens::ui
