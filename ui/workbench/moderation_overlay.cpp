#include "moderation_overlay.h"

#include <QEvent>
#include <QPainter>

namespace listinglens::ui {

ModerationOverlay::ModerationOverlay(QWidget *photoView) : QWidget(photoView)
{
    setObjectName(QStringLiteral("moderationOverlay"));
    setAttribute(Qt::WA_TransparentForMouseEvents);
    setAttribute(Qt::WA_NoSystemBackground);
    setFocusPolicy(Qt::NoFocus);
    setGeometry(photoView->rect());
    photoView->installEventFilter(this);
}

void ModerationOverlay::setModeration(const PhotoModeration &moderation, const QSize &photoSize, const QSize &imageSize)
{
    m_moderation = moderation;
    m_photoSize = photoSize.isValid() && !photoSize.isEmpty() ? photoSize : imageSize;
    m_imageSize = imageSize;
    update();
}

void ModerationOverlay::clear()
{
    setModeration({}, {}, {});
}

void ModerationOverlay::setBoxesShown(bool on)
{
    m_shown = on;
    update();
}

bool ModerationOverlay::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == parentWidget() && event->type() == QEvent::Resize)
        setGeometry(parentWidget()->rect());
    return QWidget::eventFilter(watched, event);
}

QRectF ModerationOverlay::mapped(const QRect &photoBox) const
{
    if (m_imageSize.isEmpty() || m_photoSize.isEmpty() || photoBox.isEmpty())
        return {};
    // As the photo view draws the preview: as large as fits, aspect kept, centred.
    const QSize s = m_imageSize.scaled(size(), Qt::KeepAspectRatio);
    const QPointF origin((width() - s.width()) / 2, (height() - s.height()) / 2);
    const qreal sx = qreal(s.width()) / m_photoSize.width();
    const qreal sy = qreal(s.height()) / m_photoSize.height();
    return QRectF(origin.x() + photoBox.x() * sx, origin.y() + photoBox.y() * sy, photoBox.width() * sx, photoBox.height() * sy);
}

QRectF ModerationOverlay::imageRect() const
{
    const QSize s = m_imageSize.scaled(size(), Qt::KeepAspectRatio);
    return QRectF(QPointF((width() - s.width()) / 2, (height() - s.height()) / 2), QSizeF(s));
}

void ModerationOverlay::paintBox(QPainter &p, const QRect &box, const QColor &colour, qreal width, const QString &label) const
{
    const QRectF r = mapped(box);
    if (r.isEmpty())
        return;
    p.setPen(QPen(colour, width));
    p.setBrush(Qt::NoBrush);
    p.drawRect(r);
    if (label.isEmpty())
        return;
    const QFontMetrics fm = p.fontMetrics();
    QRectF tag(r.left(), r.top() - fm.height() - 2, fm.horizontalAdvance(label) + 8, fm.height() + 2);
    if (tag.top() < imageRect().top()) // no room above: inside the box, at its top
        tag.moveTop(r.top());
    p.fillRect(tag, colour);
    p.setPen(Qt::white);
    p.drawText(tag, Qt::AlignCenter, label);
}

void ModerationOverlay::paintEvent(QPaintEvent *)
{
    if (!m_shown || m_moderation.state != PhotoModeration::State::Done)
        return;
    QPainter p(this);
    p.setClipRect(imageRect()); // a box past the photo's edge (a bad box) stays on the photo
    for (const TextLine &line : m_moderation.text.lines)
        paintBox(p, line.box, lineColour(), 1, {});
    for (const FoundBrand &brand : m_moderation.text.brands)
        paintBox(p, brand.box, brandColour(), 2, brand.name);
    for (const QRect &face : m_moderation.faces)
        paintBox(p, face, faceColour(), 2, tr("face"));
    for (const FoundContact &contact : m_moderation.text.contacts) // last: on top of the line and brand they are in
        paintBox(p, contact.box, contactColour(), 3, contactKindName(contact.detail.kind));
}

} // namespace listinglens::ui
