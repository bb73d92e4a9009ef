#pragma once

#include "moderation_result.h"

#include <QColor>
#include <QSize>
#include <QWidget>

class QPainter;

namespace listinglens::ui {

// The boxes of what moderation found, drawn over the photo as it is shown:
// text lines thin and grey, contact details red and labelled by kind, brands
// blue, faces yellow. Lies over its parent (the photo view), follows its size
// and lets the mouse through. Boxes come in the photo's full-size pixels and
// are scaled to the image drawn (aspect kept, centred, as the view draws it).
class ModerationOverlay : public QWidget {
    Q_OBJECT
public:
    explicit ModerationOverlay(QWidget *photoView);

    // photoSize: the full-size photo the boxes are in; imageSize: the preview the view draws.
    void setModeration(const PhotoModeration &moderation, const QSize &photoSize, const QSize &imageSize);
    void clear();
    void setBoxesShown(bool on);
    bool boxesShown() const { return m_shown; }
    // Where a box of the photo lands in this widget (empty when there is nothing to scale by).
    QRectF mapped(const QRect &photoBox) const;

    static QColor lineColour() { return QColor(0x8a, 0x8a, 0x8a); }
    static QColor contactColour() { return QColor(0xe7, 0x1d, 0x1d); }
    static QColor brandColour() { return QColor(0x1f, 0x6f, 0xe5); }
    static QColor faceColour() { return QColor(0xf5, 0xc4, 0x00); }

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;
    void paintEvent(QPaintEvent *event) override;

private:
    QRectF imageRect() const; // where the preview is drawn
    void paintBox(QPainter &p, const QRect &box, const QColor &colour, qreal width, const QString &label) const;

    PhotoModeration m_moderation;
    QSize m_photoSize;
    QSize m_imageSize;
    bool m_shown = true;
};

} // namespace listinglens::ui
