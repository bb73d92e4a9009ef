#pragma once

#include "photo_list_model.h"

#include <QWidget>

class QButtonGroup;
class QLabel;
class QLineEdit;
class QListWidget;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QRadioButton;
class QStackedWidget;

namespace listinglens::ui {

class PhotoView;

// Everything about the selected photo: the photo with its review and quality
// badges, the category choices and the model (and category head) behind them,
// the price, the editable text with what to ask the seller, similar listings,
// and the moderator's Accept / Correct. Choosing another category says so
// (categoryChosen); the photo is then shown again with the suggestion redone
// for it (PhotoItem::shown), text the moderator has edited kept as it is.
class ResultPanel : public QWidget {
    Q_OBJECT
public:
    explicit ResultPanel(QWidget *parent = nullptr);

    void showEmpty();
    void showItem(const PhotoItem &item, const QString &duplicateOfName);
    void setPresentation(bool on);

    int selectedChoice() const;    // -1: a category outside the top three (the Correct… dialog)
    void selectChoice(int choice); // 0..2: one of the top three categories
    QString chosenCategoryId() const { return m_chosenId; }
    // The decision the form shows now, against the suggestion it started from.
    Decision draftDecision() const;
    int shownId() const { return m_shownId; }
    // Thumbnails for the similar listings of the shown photo, as they arrive.
    void setSimilarThumbnails(const QList<qint64> &predictionIds, const QList<QImage> &images);
    QList<qint64> similarIds() const; // of the similar listings shown

Q_SIGNALS:
    // The moderator picked one of the top three categories.
    void categoryChosen(const QString &categoryId);
    void acceptRequested();
    void correctRequested();
    void openPhotosRequested();
    void samplesRequested();

private:
    QWidget *buildResultPage();
    QWidget *buildMessagePage(QLabel *&title, QLabel *&body);
    void showBadges(const PhotoItem &item, const QString &duplicateOfName);
    void showSimilar(const PhotoResult &shown, bool again);
    void showHints(const QStringList &hints, bool again);

    QStackedWidget *m_pages = nullptr;
    PhotoView *m_photo = nullptr;
    QLabel *m_review = nullptr;
    QWidget *m_badges = nullptr;
    QLabel *m_model = nullptr;
    QRadioButton *m_choice[3] = {};
    QProgressBar *m_bar[3] = {};
    QButtonGroup *m_choices = nullptr;
    QLabel *m_price = nullptr;
    QLabel *m_priceBasis = nullptr;
    QLineEdit *m_title = nullptr;
    QLabel *m_titleBasis = nullptr;
    QPlainTextEdit *m_description = nullptr;
    QWidget *m_hintsColumn = nullptr;
    QListWidget *m_hints = nullptr;
    QListWidget *m_similar = nullptr;
    QLabel *m_noSimilar = nullptr;
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
    QString m_filledTitle;    // the text the form put in: what differs was edited by the moderator
    QString m_filledDescription;
    bool m_filling = false;   // the form is being filled, not changed by the moderator
    int m_shownId = -1;
};

} // namespace listinglens::ui
