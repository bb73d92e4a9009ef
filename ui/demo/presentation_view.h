#pragma once

#include <QImage>
#include <QList>
#include <QSet>
#include <QTimer>
#include <QUrl>
#include <QWidget>

class QLabel;
class QStackedWidget;
class QVBoxLayout;

namespace listinglens::ui {

class PhoneUpload;
class PhotoListModel;
class ScaledPhoto;
struct PhotoItem;

// Presentation mode: the whole window tells "take a photo with your phone,
// we do the rest". The current photo, then its suggestion building up in
// sequence (category chips, price with comparable listings, title), then the
// listing as a buyer would see it and the time it took. Beside it, a QR code
// for the phone upload page (phone_upload.h), served only while this view is
// active. Reads the photo list (results as the workbench has them); photos
// that failed are skipped. Photos brought in while it is active (the phone,
// Ctrl+O, a drop) are shown as soon as the first of each lot has a result. Keys: Page Up/Down and the arrows move, Home/End,
// Space shows the whole listing at once; Esc (the window's) leaves.
//
// It covers its parent window (an overlay that follows its size) rather
// than replacing the workbench's widgets, so nothing there is rebuilt.
class PresentationView : public QWidget {
    Q_OBJECT
public:
    enum Stage { PhotoStage, CategoryStage, PriceStage, TitleStage, ListingStage };
    static constexpr int kStageMs = 900;

    PresentationView(PhotoListModel *photos, QWidget *window);
    ~PresentationView() override;

    // Shows over the window and opens the phone page (false: hides, closes it).
    // startId: the photo to begin with (when it has a result), else the first.
    void setActive(bool on, int startId = -1);
    bool isActive() const { return m_active; }

    int shownId() const { return m_shownId; } // -1: none
    Stage stage() const { return m_stage; }
    QString positionText() const;             // "3 / 20"; empty without results
    void step(int delta);
    void showId(int id);
    void finishSequence();                    // straight to the listing
    QSize shownPhotoSize() const;             // the photo as drawn beside the build-up (never past 2x its pixels)

    // The phone page: its address (empty when it could not start: see phoneError()) and its QR code.
    QUrl phoneUrl() const;
    QString phoneError() const { return m_phoneError; }
    QImage qrImage() const { return m_qr; }
    PhoneUpload *phoneUpload() const { return m_phone; }

Q_SIGNALS:
    void photoFromPhone(const QString &path);
    void stageChanged(int stage);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;

private:
    void buildUi();
    QWidget *buildStory();
    QWidget *buildBuildUp();
    void applyScale();
    QWidget *buildPhonePanel();
    QWidget *buildListingCard();
    void refreshDone();
    void itemChanged(int id);
    void rowsAdded(int first, int last);
    void present(const PhotoItem &item, bool animate);
    void showStage(Stage stage);
    void showEmpty();
    void showUrl(const QUrl &url);
    void updatePosition();

    PhotoListModel *m_photos;
    PhoneUpload *m_phone;
    QList<int> m_done; // ids with a result, in the photo list's order
    QSet<int> m_expected;
    bool m_active = false;
    int m_shownId = -1;
    Stage m_stage = PhotoStage;
    QTimer m_sequence;
    double m_scale = 0; // of the sizes of a 1280 x 800 window
    QImage m_qr;
    QString m_phoneError;

    QLabel *m_position = nullptr;
    QWidget *m_phonePanel = nullptr;
    QWidget *m_stepsBox = nullptr;
    QStackedWidget *m_body = nullptr; // the empty page, the build-up, the listing
    ScaledPhoto *m_photo = nullptr;
    QWidget *m_categoryStep = nullptr;
    QWidget *m_chips = nullptr;
    QWidget *m_priceStep = nullptr;
    QLabel *m_price = nullptr;
    QLabel *m_priceBasis = nullptr;
    QWidget *m_titleStep = nullptr;
    QLabel *m_title = nullptr;
    QLabel *m_working = nullptr;
    ScaledPhoto *m_cardPhoto = nullptr;
    QLabel *m_cardTitle = nullptr;
    QLabel *m_cardNote = nullptr; // said above the title: a duplicate, or a title taken from a listing (cardNote)
    QLabel *m_cardPrice = nullptr;
    QLabel *m_cardCategory = nullptr;
    QLabel *m_cardDescription = nullptr;
    QLabel *m_ready = nullptr;
    QLabel *m_qrLabel = nullptr;
    QLabel *m_urlLabel = nullptr;
    QLabel *m_phoneNote = nullptr;
};

} // namespace listinglens::ui
