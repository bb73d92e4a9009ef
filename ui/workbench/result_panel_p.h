#pragma once

// What the result panel's own files share (not part of its interface).
#include <QImage>
#include <QPainter>
#include <QString>
#include <QWidget>

namespace listinglens::ui {

// The photo, as large as the space allows, aspect kept.
class PhotoView : public QWidget {
public:
    using QWidget::QWidget;
    void setImage(const QImage &image)
    {
        m_image = image;
        update();
    }

protected:
    void paintEvent(QPaintEvent *) override
    {
        QPainter p(this);
        p.fillRect(rect(), palette().window());
        if (m_image.isNull())
            return;
        const QSize s = m_image.size().scaled(size(), Qt::KeepAspectRatio);
        p.setRenderHint(QPainter::SmoothPixmapTransform);
        p.drawImage(QRect(QPoint((width() - s.width()) / 2, (height() - s.height()) / 2), s), m_image);
    }
    QSize sizeHint() const override { return {520, 390}; }

private:
    QImage m_image;
};

namespace result_panel {

enum Page { EmptyPage, ResultPage, MessagePage, WaitPage };

} // namespace result_panel

} // namespace listinglens::ui
