#include "photo_list_model.h"

#include "photo_quality.h"

namespace listinglens::ui {

QString photoStateName(PhotoState state)
{
    switch (state) {
    case PhotoState::Queued: return QObject::tr("queued");
    case PhotoState::Working: return QObject::tr("working");
    case PhotoState::Done: return QObject::tr("done");
    case PhotoState::Failed: return QObject::tr("failed");
    case PhotoState::Cancelled: return QObject::tr("cancelled");
    }
    return {};
}

int PhotoListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_items.size());
}

QVariant PhotoListModel::data(const QModelIndex &index, int role) const
{
    const PhotoItem *it = item(index.row());
    if (!it)
        return {};
    switch (role) {
    case Qt::DisplayRole: return it->name;
    case Qt::DecorationRole: return it->thumbnail;
    case Qt::ToolTipRole: return it->source;
    case IdRole: return it->id;
    case StateRole: return int(it->state);
    case CategoryRole: return it->state == PhotoState::Done ? it->result.category.name : QString();
    case ConfidenceRole: return it->result.category.confidence;
    case DecisionRole: return it->decision.made ? (it->decision.corrected ? tr("corrected") : tr("accepted")) : QString();
    default: return {};
    }
}

QList<int> PhotoListModel::add(const QStringList &sources, const QStringList &names)
{
    QList<int> ids;
    if (sources.isEmpty())
        return ids;
    beginInsertRows({}, int(m_items.size()), int(m_items.size() + sources.size() - 1));
    for (qsizetype i = 0; i < sources.size(); ++i) {
        PhotoItem it;
        it.id = m_nextId++;
        it.source = sources[i];
        it.name = names.value(i, sources[i]);
        ids << it.id;
        m_items << it;
    }
    endInsertRows();
    return ids;
}

void PhotoListModel::remove(int row)
{
    if (row < 0 || row >= m_items.size())
        return;
    beginRemoveRows({}, row, row);
    m_items.removeAt(row);
    endRemoveRows();
}

int PhotoListModel::rowOf(int id) const
{
    for (qsizetype i = 0; i < m_items.size(); ++i) {
        if (m_items[i].id == id)
            return int(i);
    }
    return -1;
}

const PhotoItem *PhotoListModel::item(int row) const
{
    return row >= 0 && row < m_items.size() ? &m_items[row] : nullptr;
}

const PhotoItem *PhotoListModel::itemById(int id) const
{
    return item(rowOf(id));
}

int PhotoListModel::count(PhotoState state) const
{
    return int(std::count_if(m_items.begin(), m_items.end(), [&](const PhotoItem &i) { return i.state == state; }));
}

QList<Decision> PhotoListModel::decisions() const
{
    QList<Decision> out;
    for (const PhotoItem &i : m_items) {
        if (i.decision.made)
            out << i.decision;
    }
    return out;
}

void PhotoListModel::changed(int row)
{
    const QModelIndex i = index(row);
    Q_EMIT dataChanged(i, i);
    Q_EMIT itemChanged(m_items[row].id);
}

void PhotoListModel::setWorking(int id)
{
    const int row = rowOf(id);
    if (row < 0 || m_items[row].state != PhotoState::Queued)
        return;
    m_items[row].state = PhotoState::Working;
    changed(row);
}

void PhotoListModel::setResult(int id, const PhotoResult &result, const QImage &preview, const QImage &thumbnail,
                               qint64 predictionId, const QString &database)
{
    const int row = rowOf(id);
    if (row < 0)
        return;
    PhotoItem &it = m_items[row];
    it.predictionId = predictionId;
    it.database = database;
    it.state = PhotoState::Done;
    it.result = result;
    it.result.preview.clear(); // the decoded QImage is kept instead
    it.result.thumbnail.clear();
    it.preview = preview;
    it.thumbnail = thumbnail;
    // Duplicate of an earlier photo: the first one within the perceptual-hash distance.
    const QualityThresholds thresholds;
    for (int r = 0; r < row; ++r) {
        const PhotoItem &earlier = m_items[r];
        if (earlier.state == PhotoState::Done
            && hammingDistance(earlier.result.quality.phash, result.quality.phash) <= thresholds.duplicateMaxHamming) {
            it.duplicateOfId = earlier.id;
            break;
        }
    }
    changed(row);
}

void PhotoListModel::setFailed(int id, const QString &code, const QString &message, const QString &advice)
{
    const int row = rowOf(id);
    if (row < 0)
        return;
    PhotoItem &it = m_items[row];
    it.state = code == QLatin1String("cancelled") ? PhotoState::Cancelled : PhotoState::Failed;
    it.errorCode = code;
    it.errorMessage = message;
    it.errorAdvice = advice;
    changed(row);
}

void PhotoListModel::setPredictionId(int id, qint64 predictionId, const QString &database)
{
    const int row = rowOf(id);
    if (row < 0)
        return;
    m_items[row].predictionId = predictionId;
    m_items[row].database = database;
}

void PhotoListModel::setDecision(int id, const Decision &decision)
{
    const int row = rowOf(id);
    if (row < 0)
        return;
    m_items[row].decision = decision;
    changed(row);
    Q_EMIT decisionRecorded(id);
}

} // namespace listinglens::ui
