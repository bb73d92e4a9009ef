#pragma once

#include "photo_result.h"
#include "title_builder.h"

#include <QAbstractListModel>
#include <QDateTime>
#include <QImage>

#include <optional>

namespace listinglens::ui {

enum class PhotoState { Queued, Working, Done, Failed, Cancelled };
QString photoStateName(PhotoState state);
// Why a moderator should look, in plain words ("Needs review: unsure of the
// category; outside the taxonomy"); empty when no review is needed.
QString reviewInWords(const ReviewAdvice &review);

// Where a decision is: being written, in its database, kept on disk until
// its database is back (or in use again), or not stored at all (said, with a retry).
enum class DecisionStorage { Writing, Stored, Waiting, NotStored };

// A moderator's decision on one photo's suggestions.
struct Decision {
    bool made = false;
    bool corrected = false;   // anything differs from the suggestion
    QString categoryId;
    QString categoryName;     // its display name, as the moderator saw it
    std::optional<double> price; // none: no price (the suggestion had none, and none was typed), never 0
    bool priceSet = false;    // typed by the moderator: a suggestion redone later leaves it as it is
    QString currency;
    QString title;
    QString description;
    // Typed by the moderator (the form's text changed): a suggestion redone or read
    // again later leaves it as it is, and only these make the decision "text edited".
    bool titleSet = false;
    bool descriptionSet = false;
    QDateTime at;
    QString moderator;        // who decided (WorkbenchSettings::moderatorName)
    DecisionStorage storage = DecisionStorage::Writing;
    QString storageNote;      // why it is waiting or not stored, in words
};

struct PhotoItem {
    int id = 0;               // stable while the item exists, unlike its row
    QString source;           // file path, or a name for pasted images
    QString name;
    PhotoState state = PhotoState::Queued;
    PhotoResult result;       // the suggestion, as the model gave it
    QString errorCode;
    QString errorMessage;
    QString errorAdvice;
    QImage preview;
    QImage thumbnail;
    int duplicateOfId = -1;   // an earlier photo with nearly the same perceptual hash
    qint64 predictionId = 0;  // its row in the store (0: not stored)
    QString database;         // the store that row is in (masked URL): a decision goes there only
    Decision decision;
    // The moderator's category when it is not the suggestion's, and the
    // suggestion redone for it by the classification worker (price, similar
    // listings, text, hints: Classifier::describedAs).
    QString chosenCategoryId;             // empty: the suggestion's
    std::optional<PhotoResult> described; // once the worker has answered
    bool describing = false;              // asked for, not answered yet
    bool decisionWaits = false;           // decided while describing: stored once the answer is in

    // What the workbench shows: the suggestion redone for the chosen category, else the suggestion.
    const PhotoResult &shown() const { return described ? *described : result; }
};

// Whether `again` decides what `standing` decided: the same category, price,
// currency, text and kind (accepted or corrected). Deciding that again adds no decision.
bool decidesTheSame(const Decision &standing, const Decision &again);

// A decision made before the suggestion for its category was redone, completed
// with it (item.shown()): the price and the text the moderator did not set are the
// redone suggestion's, whatever the lane changed in the result meanwhile.
Decision withRedoneSuggestion(const PhotoItem &item);

// Every photo brought into the workbench, in the order it arrived or least
// confident first (setOrder). Rows move when they are reordered; ids do not.
class PhotoListModel : public QAbstractListModel {
    Q_OBJECT
public:
    // CategoryRole: the final category's display name (the decision's, else the
    // one shown). SummaryRole: the strip's line under it, final values only:
    // "Phones · EUR 450" once decided, "Other · 40%" before.
    // StorageRole: the decision's DecisionStorage (an int), when one is made.
    enum Roles { IdRole = Qt::UserRole + 1, StateRole, CategoryRole, ConfidenceRole, DecisionRole, ReviewRole, SummaryRole, StorageRole };
    // LeastConfidentFirst: results by the confidence in their category,
    // lowest first, then the photos still waiting, then those that failed.
    enum class Order { Arrival, LeastConfidentFirst };

    using QAbstractListModel::QAbstractListModel;

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;

    // Appends items in the Queued state; returns their ids.
    QList<int> add(const QStringList &sources, const QStringList &names);
    void remove(int row);
    // A removed item back at `row` (undo), with its id; a photo removed before
    // its result came is put back as cancelled (its result was dropped). True
    // when the suggestion for its chosen category has to be redone (ask the
    // worker); a decision that was waiting for it waits again.
    bool restore(const PhotoItem &item, int row);

    int rowOf(int id) const;
    const PhotoItem *item(int row) const;
    const PhotoItem *itemById(int id) const;
    int count(PhotoState state) const;
    QList<int> idsIn(PhotoState state) const; // in row order
    QList<Decision> decisions() const;

    void setWorking(int id);
    void setResult(int id, const PhotoResult &result, const QImage &preview, const QImage &thumbnail, qint64 predictionId = 0,
                   const QString &database = {});
    void setFailed(int id, const QString &code, const QString &message, const QString &advice);
    // The moderation lane's answer for a photo with its result in (ClassificationWorker::photoModerated):
    // its moderation, flags, review and text; what the moderator chose or decided stays.
    void setModerated(int id, const PhotoResult &result);
    // waitsForDescription: decided while the suggestion is being redone for the chosen category.
    void setDecision(int id, const Decision &decision, bool waitsForDescription = false);
    void setPredictionId(int id, qint64 predictionId, const QString &database);
    // Where the decision on `id` is now (the store's answer); nothing when it has none.
    void setDecisionStorage(int id, DecisionStorage storage, const QString &note = {});
    // The ids of decided photos whose decision is in `storage` (database: only photos stored there; empty: any).
    QList<int> decisionsIn(DecisionStorage storage, const QString &database = {}) const;
    // The moderator picked categoryId (keys 1-3, the category search while correcting). True
    // when the suggestion has to be redone for it (ask the worker). A decision
    // still waiting for the previous choice's description is dropped.
    bool chooseCategory(int id, const QString &categoryId);
    // The worker's answer: kept when it is for the category being described now.
    void setDescribed(int id, const PhotoResult &described);
    // How the market's sellers spell a word (the listing index in use; empty:
    // none): the lane's read words join a suggestion redone for the chosen
    // category before the lane answered, as they join one redone after it.
    void setSellersSpelling(SellersSpelling sellers) { m_sellers = std::move(sellers); }
    void setDescribeFailed(int id, const QString &categoryId);
    int decisionsWaiting() const;
    // Undo: the decision and the category choice as they were in `before` (the
    // same item earlier). True when the suggestion has to be redone for that
    // choice again (ask the worker).
    bool restoreDecision(int id, const PhotoItem &before);

    Order order() const { return m_order; }
    // Every row to its place in `order` (the pinned one too).
    void setOrder(Order order);
    // The photo under the keyboard focus (0: none): while rows are
    // reordered as results arrive, it keeps its row and the others move around it.
    void setPinned(int id);

Q_SIGNALS:
    void itemChanged(int id);
    void decisionRecorded(int id);

private:
    void changed(int row);
    // Rows in m_order again; persistent indexes (the strip's selection) follow
    // their items. The pinned photo keeps its row, unless it is settledId (its result just came).
    void reorder(int settledId = 0);
    // The lane's answer (in `from`) given to the suggestion redone for the
    // chosen category, which predates it: its flags and review, and its title
    // and description with the words read that the chosen category's sellers write.
    void takeModeration(PhotoResult &to, const PhotoResult &from) const;

    QList<PhotoItem> m_items;
    int m_nextId = 1;
    Order m_order = Order::Arrival;
    int m_pinnedId = 0;
    SellersSpelling m_sellers;
};

} // namespace listinglens::ui
