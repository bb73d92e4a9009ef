#include "photo_strip.h"

#include "photo_list_model.h"

#include <QKeyEvent>
#include <QPainter>
#include <QPainterPath>

namespace listinglens::ui {

namespace {

constexpr int kThumb = 72;
constexpr int kPad = 6;

QColor stateColour(PhotoState s)
{
    switch (s) {
    case PhotoState::Queued: return QColor(0x8a, 0x8f, 0x98);
    case PhotoState::Working: return QColor(0x2f, 0x6f, 0xd6);
    case PhotoState::Done: return QColor(0x2e, 0x8b, 0x57);
    case PhotoState::Failed: return QColor(0xc0, 0x39, 0x2b);
    case PhotoState::Cancelled: return QColor(0x8a, 0x6d, 0x3b);
    }
    return Qt::gray;
}

// The pill of a row: a result is "suggested" until a moderator decides, then
// says the decision ("accepted", "corrected") with where it is: "✓ accepted"
// only once it is stored, "accepted, saving", "…, waiting" (kept for its
// database), "…, not stored"; "needs review" for a result nobody has decided on
// that has a reason to be looked at. One pill, so the decision is never cut
// beside it in a narrow strip.
struct Pill {
    QString text;
    QColor colour;
};

Pill pillOf(const QModelIndex &index, bool review)
{
    const auto state = PhotoState(index.data(PhotoListModel::StateRole).toInt());
    const QVariant storage = index.data(PhotoListModel::StorageRole);
    const QString decision = index.data(PhotoListModel::DecisionRole).toString();
    if (review)
        return {PhotoStripDelegate::tr("needs review"), PhotoStripDelegate::reviewColour()};
    if (state != PhotoState::Done)
        return {photoStateName(state), stateColour(state)};
    if (!storage.isValid() || decision.isEmpty())
        return {PhotoStripDelegate::tr("suggested"), QColor(0x4a, 0x6f, 0xa5)};
    switch (DecisionStorage(storage.toInt())) {
    case DecisionStorage::Stored: return {QStringLiteral("✓ ") + decision, stateColour(PhotoState::Done)};
    case DecisionStorage::Writing: return {PhotoStripDelegate::tr("%1, saving").arg(decision), stateColour(PhotoState::Queued)};
    case DecisionStorage::Waiting: return {PhotoStripDelegate::tr("%1, waiting").arg(decision), stateColour(PhotoState::Cancelled)};
    case DecisionStorage::NotStored: return {PhotoStripDelegate::tr("%1, not stored").arg(decision), stateColour(PhotoState::Failed)};
    }
    return {photoStateName(state), stateColour(state)};
}

} // namespace

QString PhotoStripDelegate::fittedSummary(const QString &summary, const QFontMetrics &metrics, int width)
{
    const qsizetype split = summary.lastIndexOf(QStringLiteral(" · "));
    if (split < 0 || metrics.horizontalAdvance(summary) <= width)
        return metrics.elidedText(summary, Qt::ElideRight, width);
    const QString tail = summary.mid(split);
    const int room = width - metrics.horizontalAdvance(tail);
    const QString head = metrics.elidedText(summary.left(split), Qt::ElideRight, room);
    if (room <= 0 || head.isEmpty())
        return metrics.elidedText(summary.mid(split + 3), Qt::ElideRight, width);
    return head + tail;
}

QColor PhotoStripDelegate::reviewColour()
{
    return {0xb9, 0x77, 0x0e};
}

QSize PhotoStripDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &) const
{
    return {option.rect.width() > 0 ? option.rect.width() : 200, kThumb + 2 * kPad};
}

void PhotoStripDelegate::paint(QPainter *p, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    p->save();
    p->setRenderHint(QPainter::Antialiasing);
    const bool selected = opt.state & QStyle::State_Selected;
    p->fillRect(opt.rect, selected ? opt.palette.highlight() : opt.palette.base());
    const QColor text = selected ? opt.palette.highlightedText().color() : opt.palette.text().color();

    const QRect thumbRect(opt.rect.left() + kPad, opt.rect.top() + kPad, kThumb, kThumb);
    const QImage thumb = index.data(Qt::DecorationRole).value<QImage>();
    if (!thumb.isNull()) {
        const QSize s = thumb.size().scaled(thumbRect.size(), Qt::KeepAspectRatio);
        p->drawImage(QRect(thumbRect.center() - QPoint(s.width() / 2, s.height() / 2), s), thumb);
    }
    const auto state = PhotoState(index.data(PhotoListModel::StateRole).toInt());
    if (thumb.isNull()) {
        p->fillRect(thumbRect, opt.palette.alternateBase());
        if (state == PhotoState::Failed) {
            QFont mark = opt.font;
            mark.setPointSizeF(mark.pointSizeF() * 2.2);
            mark.setBold(true);
            p->setFont(mark);
            p->setPen(stateColour(state));
            p->drawText(thumbRect, Qt::AlignCenter, QStringLiteral("!"));
        }
    }

    const int x = thumbRect.right() + 10;
    const int w = opt.rect.right() - x - kPad;
    QFont bold = opt.font;
    bold.setBold(true);
    p->setFont(bold);
    p->setPen(text);
    const QFontMetrics fm(bold);
    p->drawText(QRect(x, thumbRect.top(), w, fm.height()), Qt::AlignLeft | Qt::AlignVCenter,
                fm.elidedText(index.data(Qt::DisplayRole).toString(), Qt::ElideMiddle, w));

    // State pill; "needs review" for a result nobody has decided on yet.
    const QString decision = index.data(PhotoListModel::DecisionRole).toString();
    const bool review = decision.isEmpty() && !index.data(PhotoListModel::ReviewRole).toString().isEmpty();
    p->setFont(opt.font);
    const QFontMetrics small(opt.font);
    const Pill badge = pillOf(index, review);
    const QString pillText = small.elidedText(badge.text, Qt::ElideRight, std::max(w - 14, 0));
    const QRect pill(x, thumbRect.top() + fm.height() + 4, small.horizontalAdvance(pillText) + 14, small.height() + 2);
    QPainterPath path;
    path.addRoundedRect(pill, pill.height() / 2.0, pill.height() / 2.0);
    p->fillPath(path, badge.colour);
    p->setPen(Qt::white);
    p->drawText(pill, Qt::AlignCenter, pillText);

    const QString line = index.data(PhotoListModel::SummaryRole).toString();
    if (!line.isEmpty()) {
        p->setPen(text);
        p->drawText(QRect(x, pill.bottom() + 4, w, small.height()), Qt::AlignLeft | Qt::AlignVCenter,
                    fittedSummary(line, small, w));
    }
    p->restore();
}

PhotoStrip::PhotoStrip(QWidget *parent) : QListView(parent)
{
    setItemDelegate(new PhotoStripDelegate(this));
    setSelectionMode(QAbstractItemView::SingleSelection);
    setUniformItemSizes(true);
    setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    setMinimumWidth(200);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff); // every line is elided to the width instead
    setTextElideMode(Qt::ElideRight); // the photo beside it keeps the room at 1024 px wide
}

void PhotoStrip::keyPressEvent(QKeyEvent *event)
{
    // A workbench key reaches the strip when no shortcut took it (the window is
    // not the active one: X11 without a window manager after a dialog closed).
    // Ignored, it goes on to the window, which acts on it; the list view would
    // accept it to jump to a photo by name. Space stays the view's.
    const QString text = event->text();
    const bool plain = !(event->modifiers() & (Qt::ControlModifier | Qt::AltModifier | Qt::MetaModifier));
    if (plain && !text.isEmpty() && text.at(0).isPrint() && !text.at(0).isSpace()) {
        event->ignore();
        return;
    }
    QListView::keyPressEvent(event);
}

} // namespace listinglens::ui
