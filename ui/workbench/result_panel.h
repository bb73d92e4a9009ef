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

// Everything about the selected photo: the photo with its quality badges, the
// category choices, the price, the editable text, similar listings, and the
// moderator's Accept / Correct.
class ResultPanel : public QWidget {
    Q_OBJECT
public:
    explicit ResultPanel(QWidget *parent = nullptr);

    void showEmpty();
    void showItem(const PhotoItem &item, const QString &duplicateOfName);
    void setPresentation(bool on);

    int selectedChoice() const;
    void selectChoice(int choice); // 0..2: one of the top three categories
    // The decision the form shows now, against the suggestion it started from.
    Decision draftDecision() const;
    int shownId() const { return m_shownId; }
    // Thumbnails for the similar listings of the shown photo, as they arrive.
    void setSimilarThumbnails(const QList<qint64> &predictionIds, const QList<QImage> &images);

Q_SIGNALS:
    void acceptRequested();
    void correctRequested();
    void openPhotosRequested();
    void samplesRequested();

private:
    QWidget *buildResultPage();
    QWidget *buildMessagePage(QLabel *&title, QLabel *&body);

    QStackedWidget *m_pages = nullptr;
    PhotoView *m_photo = nullptr;
    QWidget *m_badges = nullptr;
    QRadioButton *m_choice[3] = {};
    QProgressBar *m_bar[3] = {};
    QButtonGroup *m_choices = nullptr;
    QLabel *m_price = nullptr;
    QLabel *m_priceBasis = nullptr;
    QLineEdit *m_title = nullptr;
    QPlainTextEdit *m_description = nullptr;
    QListWidget *m_similar = nullptr;
    QLabel *m_noSimilar = nullptr;
    QLabel *m_decision = nullptr;
    QPushButton *m_accept = nullptr;
    QPushButton *m_correct = nullptr;
    QLabel *m_messageTitle = nullptr;
    QLabel *m_messageBody = nullptr;
    QLabel *m_waitTitle = nullptr;
    QLabel *m_waitBody = nullptr;
    PhotoResult m_result;
    int m_shownId = -1;
};

} // namespace listinglens::ui
