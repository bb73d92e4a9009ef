#include "presentation_view.h"

#include "card_note.h"
#include "price_text.h"

#include "phone_upload.h"
#include "photo_list_model.h"
#include "qr_code.h"
#include "scaled_photo.h"

#include <QEvent>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QPainter>
#include <QRegularExpression>
#include <QStackedWidget>
#include <QVBoxLayout>

namespace listinglens::ui {

namespace {

QLabel *label(const QString &objectName, const QString &text = {})
{
    auto *l = new QLabel(text);
    l->setObjectName(objectName);
    l->setWordWrap(true);
    l->setTextFormat(Qt::PlainText); // model, database and phone text: never rich text
    return l;
}

QWidget *retained(QWidget *w)
{
    QSizePolicy p = w->sizePolicy();
    p.setRetainSizeWhenHidden(true); // the build-up does not shift what is already shown
    w->setSizePolicy(p);
    return w;
}

// Sizes are for a 1280 x 800 window; scaledSheet() scales every px to the screen.
const char kSheet[] =
    "#presentationView{background:#0f1720;}"
    "QLabel{color:#e8eef5;}"
    "#brand{font-size:26px;font-weight:700;color:#64b5f6;}"
    "#position{font-size:26px;font-weight:600;color:#e8eef5;}"
    "#escHint{font-size:18px;color:#9fb1c4;}"
    "#stepCaption{font-size:16px;font-weight:700;letter-spacing:2px;color:#64b5f6;}"
    "#chip{font-size:24px;font-weight:600;color:#e8eef5;background:#243447;border-radius:22px;padding:8px 20px;}"
    "#chipTop{font-size:28px;font-weight:700;color:#0f1720;background:#64b5f6;border-radius:24px;padding:8px 22px;}"
    "#price{font-size:64px;font-weight:800;color:#a5d6a7;}"
    "#priceBasis{font-size:20px;color:#c3d0dd;}"
    "#title{font-size:38px;font-weight:700;}"
    "#story{font-size:44px;font-weight:700;}"
    "#storySub{font-size:24px;color:#c3d0dd;}"
    "#phonePanel{background:#17222e;border-radius:18px;}"
    "#phoneHead{font-size:24px;font-weight:700;}"
    "#phoneText{font-size:17px;color:#c3d0dd;}"
    "#phoneUrl{font-size:13px;color:#8da2b8;}"
    "#phoneNote{font-size:17px;color:#ffcc80;}"
    "#card{background:#ffffff;border-radius:20px;}"
    "#card QLabel{color:#1d2733;}"
    "#cardTitle{font-size:34px;font-weight:700;}"
    "#cardPrice{font-size:48px;font-weight:800;color:#1b5e20;}"
    "#cardCategory{font-size:18px;font-weight:600;color:#1565c0;background:#e3f0fc;border-radius:14px;padding:4px 14px;}"
    "#cardDescription{font-size:20px;color:#34414e;}"
    "#cardMeta{font-size:15px;color:#7a8794;}"
    "#cardNote{font-size:17px;font-weight:600;color:#8a4b00;background:#fff3e0;border-radius:8px;padding:6px 10px;}"
    "#ready{font-size:24px;font-weight:600;color:#a5d6a7;}";

QString scaledSheet(double scale)
{
    QString sheet = QString::fromLatin1(kSheet);
    static const QRegularExpression px(QStringLiteral("(\\d+)px"));
    QString out;
    qsizetype at = 0;
    for (auto it = px.globalMatch(sheet); it.hasNext();) {
        const auto m = it.next();
        out += sheet.mid(at, m.capturedStart() - at) + QString::number(std::max(1, qRound(m.captured(1).toInt() * scale))) + QStringLiteral("px");
        at = m.capturedEnd();
    }
    return out + sheet.mid(at);
}

} // namespace

PresentationView::PresentationView(PhotoListModel *photos, QWidget *window)
    : QWidget(window), m_photos(photos), m_phone(new PhoneUpload(this))
{
    setObjectName(QStringLiteral("presentationView"));
    setAttribute(Qt::WA_StyledBackground);
    setFocusPolicy(Qt::StrongFocus);
    hide();
    buildUi();
    window->installEventFilter(this);

    m_sequence.setInterval(kStageMs);
    connect(&m_sequence, &QTimer::timeout, this, [this] {
        if (m_stage < ListingStage)
            showStage(Stage(m_stage + 1));
        if (m_stage == ListingStage)
            m_sequence.stop();
    });
    connect(m_photos, &PhotoListModel::itemChanged, this, &PresentationView::itemChanged);
    connect(m_photos, &QAbstractItemModel::rowsInserted, this, [this](const QModelIndex &, int first, int last) { rowsAdded(first, last); });
    connect(m_photos, &QAbstractItemModel::layoutChanged, this, [this] { refreshDone(); });
    connect(m_photos, &QAbstractItemModel::modelReset, this, [this] { refreshDone(); });
    connect(m_photos, &QAbstractItemModel::rowsRemoved, this, [this] {
        refreshDone();
        if (m_shownId >= 0 && !m_done.contains(m_shownId)) {
            if (m_done.isEmpty())
                showEmpty();
            else
                showId(m_done.first());
        }
    });
    connect(m_phone, &PhoneUpload::urlChanged, this, &PresentationView::showUrl);
    connect(m_phone, &PhoneUpload::photoReceived, this, [this](const QString &path) {
        m_phoneNote->setText(tr("Photo received — working on it…"));
        Q_EMIT photoFromPhone(path);
    });
    connect(m_phone, &PhoneUpload::uploadRefused, this, [this](const QString &why) { m_phoneNote->setText(why); });
}

PresentationView::~PresentationView() = default;

void PresentationView::buildUi()
{
    auto *top = new QHBoxLayout;
    top->addWidget(label(QStringLiteral("brand"), tr("ListingLens")));
    top->addStretch(1);
    m_position = label(QStringLiteral("position"));
    m_position->setWordWrap(false);
    top->addWidget(m_position);
    top->addStretch(1);
    auto *esc = label(QStringLiteral("escHint"), tr("Page Up / Page Down: photos   ·   Ctrl+O: open photos   ·   Esc: leave"));
    esc->setWordWrap(false);
    top->addWidget(esc);

    m_body = new QStackedWidget;

    m_body->addWidget(buildStory());

    m_body->addWidget(buildBuildUp());

    // 2: the listing as a buyer sees it.
    m_body->addWidget(buildListingCard());

    auto *main = new QHBoxLayout;
    main->setSpacing(32);
    main->addWidget(m_body, 4);
    main->addWidget(buildPhonePanel(), 1);

    auto *v = new QVBoxLayout(this);
    v->addLayout(top);
    v->addLayout(main, 1);
    applyScale();
}

// Nothing to show yet: the story and the way in.
QWidget *PresentationView::buildStory()
{
    auto *empty = new QWidget;
    auto *ev = new QVBoxLayout(empty);
    ev->addStretch(1);
    auto *story = label(QStringLiteral("story"), tr("Take a photo with your phone.\nWe do the rest."));
    story->setAlignment(Qt::AlignCenter);
    ev->addWidget(story);
    auto *storySub = label(QStringLiteral("storySub"),
                           tr("Scan the code on the right: category, price, title and description in a moment.\n"
                              "Or press Ctrl+O to open photos."));
    storySub->setAlignment(Qt::AlignCenter);
    ev->addWidget(storySub);
    m_working = label(QStringLiteral("storySub"));
    m_working->setAlignment(Qt::AlignCenter);
    ev->addWidget(m_working);
    ev->addStretch(1);
    return empty;
}

// The suggestion building up beside the photo: category, price, title.
QWidget *PresentationView::buildBuildUp()
{
    auto *build = new QWidget;
    auto *bh = new QHBoxLayout(build);
    bh->setSpacing(36);
    m_photo = new ScaledPhoto;
    m_photo->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    bh->addWidget(m_photo, 5);
    auto *stepsBox = new QWidget;
    m_stepsBox = stepsBox;
    auto *steps = new QVBoxLayout(stepsBox);
    steps->setContentsMargins(0, 0, 0, 0);
    steps->setSpacing(10);
    steps->addStretch(1);
    auto step = [&](const QString &caption, QWidget *content) {
        auto *w = new QWidget;
        auto *v = new QVBoxLayout(w);
        v->setContentsMargins(0, 0, 0, 18);
        v->addWidget(label(QStringLiteral("stepCaption"), caption));
        v->addWidget(content);
        steps->addWidget(retained(w));
        return w;
    };
    m_chips = new QWidget; // one chip a line, most likely first: long names never clip
    auto *chipRow = new QVBoxLayout(m_chips);
    chipRow->setContentsMargins(0, 0, 0, 0);
    chipRow->setSpacing(8);
    m_categoryStep = step(tr("CATEGORY"), m_chips);
    auto *priceBox = new QWidget;
    auto *pv = new QVBoxLayout(priceBox);
    pv->setContentsMargins(0, 0, 0, 0);
    m_price = label(QStringLiteral("price"));
    m_priceBasis = label(QStringLiteral("priceBasis"));
    pv->addWidget(m_price);
    pv->addWidget(m_priceBasis);
    m_priceStep = step(tr("PRICE"), priceBox);
    m_title = label(QStringLiteral("title"));
    m_titleStep = step(tr("TITLE"), m_title);
    steps->addStretch(1);
    bh->addWidget(stepsBox, 4);
    return build;
}

void PresentationView::applyScale()
{
    // Large type on a big screen, and everything still in on a small one.
    const double scale = std::clamp(std::min(width() / 1280.0, height() / 800.0), 0.55, 2.5);
    if (std::abs(scale - m_scale) < 0.02)
        return;
    m_scale = scale;
    auto px = [scale](int v) { return std::max(1, qRound(v * scale)); };
    setStyleSheet(scaledSheet(scale));
    layout()->setContentsMargins(px(40), px(24), px(40), px(32));
    layout()->setSpacing(px(20));
    m_phonePanel->setFixedWidth(px(300));
    m_phonePanel->layout()->setContentsMargins(px(24), px(24), px(24), px(24));
    m_stepsBox->setMinimumWidth(px(300));
    showUrl(m_phone->url()); // the QR code to the panel's width
}

QWidget *PresentationView::buildPhonePanel()
{
    auto *panel = new QWidget;
    m_phonePanel = panel;
    panel->setObjectName(QStringLiteral("phonePanel"));
    panel->setAttribute(Qt::WA_StyledBackground);
    auto *v = new QVBoxLayout(panel);
    v->setContentsMargins(24, 24, 24, 24);
    v->addWidget(label(QStringLiteral("phoneHead"), tr("Try it with your phone")));
    v->addWidget(label(QStringLiteral("phoneText"), tr("Scan, take a photo of something to sell, and watch it become a listing here.")));
    m_qrLabel = new QLabel;
    m_qrLabel->setObjectName(QStringLiteral("qrCode"));
    m_qrLabel->setTextFormat(Qt::PlainText); // its text is an error message
    m_qrLabel->setAlignment(Qt::AlignCenter);
    v->addWidget(m_qrLabel);
    m_urlLabel = label(QStringLiteral("phoneUrl"));
    m_urlLabel->setAlignment(Qt::AlignCenter);
    m_urlLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    v->addWidget(m_urlLabel);
    v->addWidget(label(QStringLiteral("phoneText"), tr("Same Wi-Fi as this computer. Each code takes one photo.")));
    m_phoneNote = label(QStringLiteral("phoneNote"));
    v->addWidget(m_phoneNote);
    v->addStretch(1);
    return panel;
}

QWidget *PresentationView::buildListingCard()
{
    auto *page = new QWidget;
    auto *pv = new QVBoxLayout(page);
    pv->setContentsMargins(0, 0, 0, 0);
    auto *card = new QWidget;
    card->setObjectName(QStringLiteral("card"));
    card->setAttribute(Qt::WA_StyledBackground);
    auto *ch = new QHBoxLayout(card);
    ch->setContentsMargins(28, 28, 28, 28);
    ch->setSpacing(28);
    m_cardPhoto = new ScaledPhoto(460);
    ch->addWidget(m_cardPhoto, 1);
    auto *text = new QVBoxLayout;
    text->setSpacing(12);
    m_cardTitle = label(QStringLiteral("cardTitle"));
    m_cardPrice = label(QStringLiteral("cardPrice"));
    m_cardCategory = label(QStringLiteral("cardCategory"));
    m_cardCategory->setWordWrap(false);
    m_cardDescription = label(QStringLiteral("cardDescription"));
    m_cardNote = label(QStringLiteral("cardNote")); // a duplicate, a title that is not written for this photo
    m_cardNote->setObjectName(QStringLiteral("cardNote"));
    text->addWidget(m_cardNote);
    text->addWidget(m_cardTitle);
    text->addWidget(m_cardPrice);
    text->addWidget(m_cardCategory, 0, Qt::AlignLeft);
    text->addWidget(m_cardDescription);
    text->addStretch(1);
    text->addWidget(label(QStringLiteral("cardMeta"), tr("Listed just now · from one photo")));
    ch->addLayout(text, 1);
    pv->addWidget(card, 1);
    m_ready = label(QStringLiteral("ready"));
    m_ready->setWordWrap(false);
    m_ready->setAlignment(Qt::AlignCenter);
    pv->addWidget(m_ready);
    return page;
}

void PresentationView::setActive(bool on, int startId)
{
    if (on == m_active)
        return;
    m_active = on;
    if (!on) {
        m_sequence.stop();
        m_phone->stop();
        m_expected.clear();
        hide();
        return;
    }
    if (QWidget *w = parentWidget())
        setGeometry(w->rect());
    m_phoneNote->clear();
    // LISTINGLENS_PHONE_PORT: a fixed port for the phone page (a firewall rule); unset or invalid: any free one.
    bool portOk = false;
    const int port = qEnvironmentVariableIntValue("LISTINGLENS_PHONE_PORT", &portOk);
    if (const auto started = m_phone->start({}, portOk && port > 0 && port < 65536 ? quint16(port) : 0); !started) {
        m_phoneError = started.error().message;
        showUrl({});
    } else {
        m_phoneError.clear();
    }
    refreshDone();
    if (m_done.contains(startId))
        showId(startId);
    else if (!m_done.isEmpty())
        showId(m_done.first());
    else
        showEmpty();
    show();
    raise();
    setFocus();
}

QUrl PresentationView::phoneUrl() const
{
    return m_phone->url();
}

void PresentationView::showUrl(const QUrl &url)
{
    if (url.isEmpty()) {
        m_qr = {};
        m_qrLabel->setPixmap({});
        m_qrLabel->setText(m_phoneError.isEmpty() ? QString() : tr("The phone page could not start:\n%1").arg(m_phoneError));
        m_urlLabel->clear();
        return;
    }
    const QByteArray text = url.toEncoded();
    m_qr = qrCodeImage(text, 1);
    const int module = std::max(2, qRound(250 * m_scale) / std::max(1, m_qr.width()));
    m_qr = qrCodeImage(text, module);
    m_qrLabel->setPixmap(QPixmap::fromImage(m_qr));
    // Breaks may fall after "/p/" and mid-token: the token is one long word.
    QString shown = QString::fromLatin1(text);
    const qsizetype token = shown.indexOf(QStringLiteral("/p/")) + 3;
    shown.insert(token + (shown.size() - token) / 2, QChar(0x200b));
    shown.insert(token, QChar(0x200b));
    m_urlLabel->setText(shown);
}


} // namespace listinglens::ui
