#pragma once

#include "photo_list_model.h"

#include <QHash>
#include <QPixmap>
#include <QWidget>

#include <memory>

class QGroupBox;
class QHBoxLayout;
class QLabel;
class QPushButton;
class QStackedWidget;
class QVBoxLayout;

namespace listinglens {
class ListingIndex;
}

namespace listinglens::ui {

class CorrectionEditor;
class ModerationOverlay;
class PhotoView;
class SimilarListingsView;
class SuggestionView;

// Everything about the selected photo: the photo, the suggestion beside it
// (suggestion_view.h: categories, price, the text's evidence, quality and
// moderation), the moderator's text and correction (correction_editor.h),
// similar listings (similar_listings_view.h), and the decision line with
// Accept / Correct. The panel composes the three and joins them: each says
// what the moderator did with a signal, and only the panel acts on it.
// Choosing another category says so (categoryChosen); the photo is then
// shown again with the suggestion redone for it (PhotoItem::shown), text the
// moderator has edited kept as it is. Correcting happens here, in place
// (beginCorrection): the top three give way to the editor's category picker,
// the price to its field; the window saves (Enter) or cancels (Esc). Every
// figure shown is the final one: once decided, the decision's category,
// price and text, in display names.
class ResultPanel : public QWidget {
    Q_OBJECT
public:
    explicit ResultPanel(QWidget *parent = nullptr);

    void showEmpty();
    void showItem(const PhotoItem &item, const QString &duplicateOfName);
    // Display names for category ids (the model's), for the search and for every id shown.
    void setCategories(const QStringList &ids, const QStringList &names);
    QString categoryName(const QString &id) const; // the id itself when it has no name
    // The decision of this photo is the newest one Ctrl+Z takes back (the decision line says so).
    void setUndoableId(int itemId);
    // The decision line: who decided and what changed, in display names
    // ("Corrected by anna: Computers → Phones, EUR 63 → EUR 450 · Ctrl+Z undoes").
    QString decisionInWords(const PhotoItem &item) const;

    // Correcting in place, the shown result only (false: nothing to correct).
    bool beginCorrection();
    void endCorrection();
    bool isCorrecting() const;

    int selectedChoice() const;    // -1: a category outside the top three (chosen while correcting)
    void selectChoice(int choice); // 0..2: one of the top three categories
    QString chosenCategoryId() const { return m_chosenId; }
    // The decision the form shows now, against the suggestion it started from.
    Decision draftDecision() const;
    int shownId() const { return m_shownId; }
    // Thumbnails for the similar listings of the shown photo, as they arrive.
    void setSimilarThumbnails(const QList<qint64> &predictionIds, const QList<QImage> &images);
    QList<qint64> similarIds() const; // of the similar listings shown
    // Of those, the ones whose thumbnail is neither here nor asked for; they count as asked for from now.
    QList<qint64> thumbnailsToLoad();
    void forgetThumbnails(); // another database: its prediction ids are other listings
    // The listings similar ones are chosen from (null: none), for what an empty list says.
    void setListingIndex(std::shared_ptr<const ListingIndex> index);
    // The boxes of what moderation found, over the photo (the T key; the window remembers it).
    void setModerationBoxesShown(bool on);
    bool moderationBoxesShown() const;

Q_SIGNALS:
    // The moderator picked one of the top three categories.
    void categoryChosen(const QString &categoryId);
    void acceptRequested();
    void correctRequested();
    void correctionCancelRequested(); // the Cancel button while correcting (Save is acceptRequested)
    void openPhotosRequested();
    void samplesRequested();

private:
    QWidget *buildResultPage();
    QVBoxLayout *buildPhotoColumn();
    QGroupBox *buildCategoryBox();
    QGroupBox *buildPriceBox();
    QGroupBox *buildTextBox();
    QHBoxLayout *buildActions();
    QWidget *buildMessagePage(QLabel *&title, QLabel *&body);
    void showMessage(const PhotoItem &item); // a photo waiting, failed or cancelled
    bool showsResult() const; // a classified photo, not a message or the empty page
    static QString correctingHint();
    void chooseCategory(const QString &categoryId); // picked in the suggestion's top three or the editor's picker
    void showPages(int page); // 0: the top three and the price; 1: the category picker and the price field

    QStackedWidget *m_pages = nullptr;
    PhotoView *m_photo = nullptr;
    ModerationOverlay *m_overlay = nullptr;
    SuggestionView *m_suggestion = nullptr;
    CorrectionEditor *m_editor = nullptr;
    SimilarListingsView *m_similar = nullptr;
    QStackedWidget *m_categoryPages = nullptr; // the top three, or (correcting) the picker
    QStackedWidget *m_pricePages = nullptr;    // the price, or (correcting) its field
    QLabel *m_decision = nullptr;
    QPushButton *m_accept = nullptr;
    QPushButton *m_correct = nullptr;
    QLabel *m_messageTitle = nullptr;
    QLabel *m_messageBody = nullptr;
    QLabel *m_waitTitle = nullptr;
    QLabel *m_waitBody = nullptr;
    PhotoResult m_result;     // the suggestion as the model gave it
    PhotoResult m_shown;      // what the form shows: redone for the chosen category, else m_result
    QString m_chosenId;       // the category chosen now
    Decision m_decided;       // the photo's decision, as shown
    int m_shownId = -1;
    int m_undoableId = -1;
    QStringList m_categoryIds;
    QHash<QString, QString> m_categoryNames; // by id
};

} // namespace listinglens::ui
