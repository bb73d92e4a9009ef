#pragma once

#include <QFontMetrics>
#include <QListView>
#include <QStyledItemDelegate>

namespace listinglens::ui {

// Draws one photo of the strip: thumbnail, name, state and suggested
// category. A result that needs review and is not decided yet says so in its
// state pill ("needs review", reviewColour()), the reasons in its tooltip.
class PhotoStripDelegate : public QStyledItemDelegate {
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    static QColor reviewColour();
    // The summary line ("Cameras & optics · 85%") fitted to `width`: the
    // category gives up its room first, the confidence or price after the last
    // " · " (what least-confident-first sorts by) is cut only when nothing else is left.
    static QString fittedSummary(const QString &summary, const QFontMetrics &metrics, int width);
    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;
};

// Thumbnails of every photo brought in, with state and category; arrow keys move.
// Printable keys are the workbench's (C, 1-3, T): the strip has no type-to-search
// and passes them on to the window.
class PhotoStrip : public QListView {
    Q_OBJECT
public:
    explicit PhotoStrip(QWidget *parent = nullptr);
    void keyboardSearch(const QString &) override {}

protected:
    void keyPressEvent(QKeyEvent *event) override;
};

} // namespace listinglens::ui
