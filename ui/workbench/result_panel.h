#pragma once

#include "photo_list_model.h"

#include <QHash>
#include <QPixmap>
#include <QWidget>

class QButtonGroup;
class QGroupBox;
class QHBoxLayout;
class QVBoxLayout;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QRadioButton;
class QStackedWidget;

namespace listinglens::ui {

class ModerationBox;
class ModerationOverlay;
class PhotoView;
class SimilarListingsView;

// Everything about the selected photo: the photo with its review and quality
// badges, the category choices and the model (and category head) behind them,
// the price, the editable text with what to ask the seller, similar listings,
// and the moderator's Accept / Correct. Choosing another category says so
// (categoryChosen); the photo is then shown again with the suggestion redone
// for it (PhotoItem::shown), text the moderator has edited kept as it is.
// Correcting happens here, in place (beginCorrection): the top three give way
// to a search over every category, the price becomes a field; the window
// saves (Enter) or cancels (Esc). Every figure shown is the final one: once
// decided, the decision's category, price and text, in display names. The
// similar listings are a view of their own (similar_listings_view.h).
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
    bool isCorrecting() const { return m_correcting; }

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
    void showBadges(const PhotoItem &item, const QString &duplicateOfName);
    void showHints(const QStringList &hints, bool again);
    void showPrice(const PhotoItem &item);
    void showCategories(const PhotoResult &r);
    void showText(const PhotoItem &item, const PhotoResult &s, bool again);
    bool showsResult() const; // a classified photo, not a message or the empty page
    static QString correctingHint();
    // Where the suggested title's words came from ("Samsung: read on the photo · phone: the category"); empty for a stored result.
    static QString titleEvidenceInWords(const PhotoResult &result);
    void showPages(int page); // 0: the top three and the price; 1: the category search and the price field
    void fillCategoryList();
    void filterCategories(const QString &text);

    QStackedWidget *m_pages = nullptr;
    PhotoView *m_photo = nullptr;
    QLabel *m_review = nullptr;
    QWidget *m_badges = nullptr;
    QLabel *m_model = nullptr;
    ModerationOverlay *m_overlay = nullptr;
    ModerationBox *m_moderation = nullptr;
    QLabel *m_otherChoice = nullptr; // the category chosen when it is none of the top three
    QRadioButton *m_choice[3] = {};
    QProgressBar *m_bar[3] = {};
    QButtonGroup *m_choices = nullptr;
    QStackedWidget *m_categoryPages = nullptr; // the top three, or (correcting) the search
    QLineEdit *m_search = nullptr;
    QListWidget *m_categoryList = nullptr;
    QStackedWidget *m_pricePages = nullptr;    // the price, or (correcting) its field
    QDoubleSpinBox *m_priceEdit = nullptr;
    QLabel *m_price = nullptr;
    QLabel *m_priceBasis = nullptr;
    QLineEdit *m_title = nullptr;
    QLabel *m_titleBasis = nullptr;
    QPlainTextEdit *m_description = nullptr;
    QWidget *m_hintsColumn = nullptr;
    QListWidget *m_hints = nullptr;
    SimilarListingsView *m_similar = nullptr;
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
    QString m_filledTitle;    // the text the form put in: what differs was edited by the moderator
    QString m_filledDescription;
    bool m_filling = false;   // the form is being filled, not changed by the moderator
    int m_shownId = -1;
    int m_undoableId = -1;
    bool m_correcting = false;
    double m_filledPrice = 0; // what the price field was filled with: a different value was typed
    QStringList m_categoryIds;
    QHash<QString, QString> m_categoryNames; // by id
};

} // namespace listinglens::ui
