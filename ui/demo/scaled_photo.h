#pragma once

#include <QImage>
#include <QPainter>
#include <QWidget>

#include <algorithm>

namespace listinglens::ui {

inline constexpr double kMaxUpscale = 2.0; // past this a small photo goes soft

// A photo fitted into its area, never enlarged past kMaxUpscale, drawn with
// smooth scaling; centred.
class ScaledPhoto : public QWidget {
public:
    explicit ScaledPhoto(int maxSide = 0) : m_maxSide(maxSide) { setMinimumSize(120, 120); }
    void setImage(const QImage &image)
    {
        m_image = image;
        update();
    }
    QRect photoRect() const
    {
        if (m_image.isNull())
            return {};
        QSize box = size();
        if (m_maxSide > 0)
            box = box.boundedTo(QSize(m_maxSide, m_maxSide));
        const double scale = std::min({double(box.width()) / m_image.width(), double(box.height()) / m_image.height(), kMaxUpscale});
        const QSize s(qRound(m_image.width() * scale), qRound(m_image.height() * scale));
        return QRect(QPoint((width() - s.width()) / 2, (height() - s.height()) / 2), s);
    }

protected:
    void paintEvent(QPaintEvent *) override
    {
        if (m_image.isNull())
            return;
        QPainter p(this);
        p.setRenderHint(QPainter::SmoothPixmapTransform);
        p.drawImage(photoRect(), m_image);
    }

private:
    QImage m_image;
    int m_maxSide;
};

} // namespace listinglens::ui
