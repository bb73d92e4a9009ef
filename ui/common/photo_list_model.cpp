#include "photo_list_model.h"

#include "percent_text.h"
#include "photo_quality.h"
#include "price_text.h"

#include <algorithm>
#include <numeric>
#include <utility>

namespace listinglens::ui {

namespace {

// Least confident first: results (lowest confidence first), then the photos
// still waiting, then those without a result; arrival order within each.
bool leastConfidentBefore(const PhotoItem &a, const PhotoItem &b)
{
    const auto group = [](const PhotoItem &i) {
        switch (i.state) {
        case PhotoState::Done: return 0;
        case PhotoState::Queued:
        case PhotoState::Working: return 1;
        case PhotoState::Failed:
        case PhotoState::Cancelled: return 2;
        }
        return 2;
    };
    if (group(a) != group(b))
        return group(a) < group(b);
    if (group(a) == 0 && a.result.category.confidence != b.result.category.confidence)
        return a.result.category.confidence < b.result.category.confidence;
    return a.id < b.id;
}

} // namespace

// The lane's answer is the photo's, whatever category the photo is described as.
void PhotoListModel::takeModeration(PhotoResult &to, const PhotoResult &from) const
{
    to.moderation = from.moderation;
    to.quality.flags = from.quality.flags;
    to.review = from.review;
    // As Classifier::describedAs does with a photo already read: the moderator chose the category.
    if (to.moderation.state == PhotoModeration::State::Done)
        describeWithPhotoText(to, m_sellers, true);
}

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

QString reviewInWords(const ReviewAdvice &review)
{
    if (!review.needed)
        return {};
    static const QHash<QString, QString> words = {
        {QStringLiteral("unsure_category"), QObject::tr("unsure of the category")},
        {QStringLiteral("outside_taxonomy"), QObject::tr("outside the taxonomy")},
        {QStringLiteral("duplicate"), QObject::tr("a duplicate")},
        {QStringLiteral("poor_photo"), QObject::tr("poor photo")},
        {QStringLiteral("contact_details"), QObject::tr("contact details on the photo")},
        {QStringLiteral("stock_photo_text"), QObject::tr("stock photo text on it")},
        {QStringLiteral("person_in_photo"), QObject::tr("a person in the photo")},
        {QStringLiteral("not_moderated"), QObject::tr("its text and faces could not be checked")}};
    QStringList reasons;
    for (const QString &reason : review.reasons)
        reasons << words.value(reason, QString(reason).replace(QLatin1Char('_'), QLatin1Char(' ')));
    return reasons.isEmpty() ? QObject::tr("Needs review") : QObject::tr("Needs review: %1").arg(reasons.join(QStringLiteral("; ")));
}

bool decidesTheSame(const Decision &standing, const Decision &again)
{
    return standing.made && again.made && standing.corrected == again.corrected && standing.categoryId == again.categoryId
           && standing.price == again.price && standing.currency == again.currency && standing.title == again.title
           && standing.description == again.description;
}

Decision withRedoneSuggestion(const PhotoItem &item)
{
    Decision d = item.decision;
    const PhotoResult &now = item.shown();
    if (!d.titleSet)
        d.title = now.title;
    if (!d.descriptionSet)
        d.description = now.description;
    if (!d.priceSet) {
        d.price = now.price.figure();
        d.currency = now.price.currency;
    }
    return d;
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
    case Qt::ToolTipRole: {
        const QString review = it->state == PhotoState::Done ? reviewInWords(it->result.review) : QString();
        return review.isEmpty() ? it->source : it->source + QLatin1Char('\n') + review;
    }
    case IdRole: return it->id;
    case StateRole: return int(it->state);
    case CategoryRole:
        if (it->state != PhotoState::Done)
            return QString();
        return it->decision.made && !it->decision.categoryName.isEmpty() ? it->decision.categoryName : it->shown().category.name;
    case SummaryRole: {
        if (it->state != PhotoState::Done)
            return QString();
        const Decision &d = it->decision;
        if (d.made) {
            const QString name = d.categoryName.isEmpty() ? d.categoryId : d.categoryName;
            // Waiting for the suggestion redone for its category: the price comes with it, unless typed.
            if (it->decisionWaits && !d.priceSet)
                return QStringLiteral("%1 · …").arg(name);
            return QStringLiteral("%1 · %2").arg(name, formatPrice(d.currency, d.price));
        }
        const PhotoResult &s = it->shown();
        if (s.category.id != it->result.category.id) // chosen by the moderator: the model's confidence was for another
            return QStringLiteral("%1 · %2").arg(s.category.name, formatSuggestedPrice(s.price));
        return QStringLiteral("%1 · %2%").arg(s.category.name, confidencePercent(s.category.confidence, 0));
    }
    case ConfidenceRole: return it->shown().category.confidence;
    case DecisionRole: return it->decision.made ? (it->decision.corrected ? tr("corrected") : tr("accepted")) : QString();
    case ReviewRole: return it->state == PhotoState::Done ? reviewInWords(it->result.review) : QString();
    case StorageRole: return it->decision.made ? QVariant(int(it->decision.storage)) : QVariant();
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
    reorder(); // ahead of the photos that failed
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

bool PhotoListModel::restore(const PhotoItem &item, int row)
{
    if (rowOf(item.id) >= 0)
        return false; // here already
    row = std::clamp(row, 0, int(m_items.size()));
    beginInsertRows({}, row, row);
    m_items.insert(row, item);
    PhotoItem &it = m_items[row];
    if (it.state == PhotoState::Queued || it.state == PhotoState::Working) {
        it.state = PhotoState::Cancelled;
        it.errorCode = QStringLiteral("cancelled");
        it.errorMessage = tr("It was removed before its result came.");
        it.errorAdvice = tr("Remove it and open the photo again.");
    }
    // Its redone suggestion, had it not come before the photo was removed, went with
    // it: asked for again (a decision waiting for it keeps waiting).
    it.describing = it.state == PhotoState::Done && !it.chosenCategoryId.isEmpty() && !it.described;
    if (!it.describing)
        it.decisionWaits = false;
    const bool describe = it.describing;
    endInsertRows();
    reorder();
    return describe;
}

bool PhotoListModel::restoreDecision(int id, const PhotoItem &before)
{
    const int row = rowOf(id);
    if (row < 0)
        return false;
    PhotoItem &it = m_items[row];
    it.decision = before.decision;
    it.decisionWaits = false;
    it.chosenCategoryId = before.chosenCategoryId;
    it.described = before.described;
    it.describing = !it.chosenCategoryId.isEmpty() && !it.described;
    changed(row);
    return it.describing;
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
    it.result.thumbnail.clear();
    it.preview = preview;
    it.thumbnail = thumbnail;
    // Duplicate of an earlier photo: the first to arrive within the perceptual-hash distance.
    const QualityThresholds thresholds;
    for (const PhotoItem &earlier : std::as_const(m_items)) {
        if (earlier.id < id && earlier.state == PhotoState::Done
            && (it.duplicateOfId < 0 || earlier.id < it.duplicateOfId)
            && hammingDistance(earlier.result.quality.phash, result.quality.phash) <= thresholds.duplicateMaxHamming)
            it.duplicateOfId = earlier.id;
    }
    reorder(id); // its result is in: it goes to its place, under the focus or not
    changed(rowOf(id));
}

void PhotoListModel::setModerated(int id, const PhotoResult &result)
{
    const int row = rowOf(id);
    if (row < 0 || m_items[row].state != PhotoState::Done)
        return; // removed meanwhile, or never had its result
    PhotoItem &it = m_items[row];
    it.result = result;
    it.result.thumbnail.clear();
    if (it.described) // redone for another category: the photo's moderation is the same
        takeModeration(*it.described, result);
    reorder();
    changed(rowOf(id));
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
    reorder();
    changed(rowOf(id));
}

void PhotoListModel::setPredictionId(int id, qint64 predictionId, const QString &database)
{
    const int row = rowOf(id);
    if (row < 0)
        return;
    m_items[row].predictionId = predictionId;
    m_items[row].database = database;
}

void PhotoListModel::setDecision(int id, const Decision &decision, bool waitsForDescription)
{
    const int row = rowOf(id);
    if (row < 0)
        return;
    m_items[row].decision = decision;
    m_items[row].decisionWaits = waitsForDescription;
    changed(row);
    Q_EMIT decisionRecorded(id);
}

QList<int> PhotoListModel::idsIn(PhotoState state) const
{
    QList<int> ids;
    for (const PhotoItem &it : m_items)
        if (it.state == state)
            ids << it.id;
    return ids;
}

void PhotoListModel::setDecisionStorage(int id, DecisionStorage storage, const QString &note)
{
    const int row = rowOf(id);
    if (row < 0 || !m_items[row].decision.made)
        return;
    m_items[row].decision.storage = storage;
    m_items[row].decision.storageNote = note;
    changed(row);
}

QList<int> PhotoListModel::decisionsIn(DecisionStorage storage, const QString &database) const
{
    QList<int> ids;
    for (const PhotoItem &it : m_items)
        if (it.decision.made && it.decision.storage == storage && (database.isEmpty() || it.database == database))
            ids << it.id;
    return ids;
}

bool PhotoListModel::chooseCategory(int id, const QString &categoryId)
{
    const int row = rowOf(id);
    if (row < 0 || m_items[row].state != PhotoState::Done)
        return false;
    PhotoItem &it = m_items[row];
    const QString chosen = categoryId == it.result.category.id ? QString() : categoryId;
    if (chosen == it.chosenCategoryId && (chosen.isEmpty() || it.described || it.describing))
        return false; // chosen already
    it.chosenCategoryId = chosen;
    it.described.reset();
    it.describing = !chosen.isEmpty();
    if (it.decisionWaits) { // decided for the previous choice and not stored: the moderator changed their mind
        it.decision = {};
        it.decisionWaits = false;
    }
    changed(row);
    return it.describing;
}

void PhotoListModel::setDescribed(int id, const PhotoResult &described)
{
    const int row = rowOf(id);
    if (row < 0 || !m_items[row].describing || described.category.id != m_items[row].chosenCategoryId)
        return; // an answer for an earlier choice
    PhotoItem &it = m_items[row];
    it.described = described;
    it.described->thumbnail.clear();
    // Asked for before the lane answered, which it did meanwhile (setModerated): the
    // answer was redone from the result without the lane's flags and review.
    if (described.moderation.state != it.result.moderation.state)
        takeModeration(*it.described, it.result);
    it.describing = false;
    changed(row);
}

void PhotoListModel::setDescribeFailed(int id, const QString &categoryId)
{
    const int row = rowOf(id);
    if (row < 0 || !m_items[row].describing || categoryId != m_items[row].chosenCategoryId)
        return;
    m_items[row].describing = false; // the chosen category with the suggestion's price and text
    changed(row);
}

int PhotoListModel::decisionsWaiting() const
{
    return int(std::count_if(m_items.begin(), m_items.end(), [](const PhotoItem &i) { return i.decisionWaits; }));
}

void PhotoListModel::setOrder(Order order)
{
    m_order = order;
    const int pinned = std::exchange(m_pinnedId, 0); // asked for: every row to its place
    reorder();
    m_pinnedId = pinned;
}

void PhotoListModel::setPinned(int id)
{
    m_pinnedId = id;
}

void PhotoListModel::reorder(int settledId)
{
    QList<int> rows(m_items.size());
    std::iota(rows.begin(), rows.end(), 0);
    std::stable_sort(rows.begin(), rows.end(), [this](int a, int b) {
        return m_order == Order::Arrival ? m_items[a].id < m_items[b].id : leastConfidentBefore(m_items[a], m_items[b]);
    });
    // The photo under the keyboard focus keeps its row while others find their place around it.
    if (const int pinned = m_order == Order::Arrival || m_pinnedId == settledId ? -1 : rowOf(m_pinnedId); pinned >= 0) {
        rows.removeOne(pinned);
        rows.insert(std::min<qsizetype>(pinned, rows.size()), pinned);
    }
    if (std::is_sorted(rows.begin(), rows.end()))
        return;
    Q_EMIT layoutAboutToBeChanged({}, QAbstractItemModel::VerticalSortHint);
    QList<PhotoItem> items;
    items.reserve(m_items.size());
    QList<int> newRow(m_items.size());
    for (qsizetype r = 0; r < rows.size(); ++r) {
        items << std::move(m_items[rows[r]]);
        newRow[rows[r]] = int(r);
    }
    m_items = std::move(items);
    const QModelIndexList from = persistentIndexList();
    QModelIndexList to;
    for (const QModelIndex &i : from)
        to << index(newRow.value(i.row()));
    changePersistentIndexList(from, to);
    Q_EMIT layoutChanged({}, QAbstractItemModel::VerticalSortHint);
}

} // namespace listinglens::ui
