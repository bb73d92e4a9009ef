#include "similar_listings_view.h"

#include "listing_index.h"
#include "price_text.h"

#include <QLabel>
#include <QListWidget>
#include <QVBoxLayout>

namespace listinglens::ui {

SimilarListingsView::SimilarListingsView(CategoryName categoryName, QWidget *parent)
    : QGroupBox(tr("Similar earlier listings"), parent), m_categoryName(std::move(categoryName))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 4, 6, 4);
    m_list = new QListWidget;
    m_list->setObjectName(QStringLiteral("similar"));
    m_list->setIconSize(QSize(48, 48));
    m_list->setWordWrap(true);
    m_list->setTextElideMode(Qt::ElideRight);
    m_list->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_list->setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    m_list->setMinimumHeight(2 * 54 + 6); // two cards at least
    m_list->setFocusPolicy(Qt::NoFocus);
    m_none = new QLabel;
    m_none->setObjectName(QStringLiteral("similarNone"));
    m_none->setWordWrap(true);
    m_none->setEnabled(false);
    m_none->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    layout->addWidget(m_list, 1);
    layout->addWidget(m_none, 1);
}

void SimilarListingsView::showListings(const PhotoResult &s, qint64 self)
{
    m_list->clear();
    const int cardHeight = std::max(m_list->iconSize().height() + 6, m_list->fontMetrics().lineSpacing() * 2 + 10);
    for (const SimilarListing &l : s.similar) {
        // A title the moderator confirmed, else what it is; a file name only when nothing else is known.
        const bool titled = l.confirmed && !l.title.isEmpty();
        QString heading = titled ? l.title : m_categoryName(l.categoryId);
        if (heading.isEmpty())
            heading = l.fileName.section(QLatin1Char('/'), -1);
        QStringList parts;
        parts << (!l.confirmed ? tr("not confirmed")
                  : l.price ? tr("%1 confirmed").arg(formatPrice(s.price.currency, *l.price))
                            : tr("confirmed, no price"));
        if (titled)
            parts << m_categoryName(l.categoryId);
        parts << tr("%1 % alike").arg(qRound(l.similarity * 100));
        const QString details = parts.join(QStringLiteral(" · "));
        auto *entry = new QListWidgetItem(QStringLiteral("%1\n%2").arg(heading, details));
        entry->setData(Qt::UserRole, l.id);
        entry->setToolTip(l.fileName.isEmpty() ? details : tr("%1\n%2").arg(details, l.fileName));
        entry->setSizeHint(QSize(0, cardHeight));
        if (const QPixmap thumb = m_thumbnails.value(l.id); !thumb.isNull())
            entry->setIcon(thumb);
        m_list->addItem(entry);
    }
    m_list->setVisible(!s.similar.isEmpty());
    m_none->setVisible(s.similar.isEmpty());
    if (s.similar.isEmpty())
        m_none->setText(noneText(self));
}

void SimilarListingsView::setListingIndex(std::shared_ptr<const ListingIndex> index)
{
    m_index = std::move(index);
}

// Why no card: the cards are confirmed listings at least kSimilarFloor alike, so
// a history of unconfirmed listings, or of none alike enough, is said as such. The
// shown photo is in the history once stored but never among its own similar listings:
// it is not counted.
QString SimilarListingsView::noneText(qint64 self) const
{
    const ListingIndex::Counts counts = m_index ? m_index->counts(self) : ListingIndex::Counts{};
    const qsizetype listings = qsizetype(counts.listings);
    const qsizetype confirmed = qsizetype(counts.confirmed);
    if (listings == 0)
        return tr("None yet: confirmed listings that look like this photo appear here once the history has some.");
    if (confirmed == 0)
        return listings == 1 ? tr("None confirmed yet: the 1 listing in the history is not confirmed, and only confirmed listings are shown here.")
                             : tr("None confirmed yet: none of the %1 listings in the history is confirmed, and only confirmed listings are shown here.")
                                   .arg(listings);
    const int floor = qRound(ListingIndex::kSimilarFloor * 100);
    return confirmed == 1 ? tr("None alike enough: the 1 confirmed listing is less than %1 % alike.").arg(floor)
                          : tr("None alike enough: none of the %1 confirmed listings is %2 % alike or more.").arg(confirmed).arg(floor);
}

void SimilarListingsView::setThumbnails(const QList<qint64> &predictionIds, const QList<QImage> &images)
{
    if (m_thumbnails.size() > 2000) // a long session: keep memory bounded
        m_thumbnails.clear();
    for (qsizetype i = 0; i < predictionIds.size(); ++i) {
        const QImage image = images.value(i);
        if (!m_thumbnails.contains(predictionIds[i])) // not asked for since the database was last opened
            continue;
        if (image.isNull()) // none yet (the moderation lane makes it): asked again when shown anew
            m_thumbnails.remove(predictionIds[i]);
        else
            m_thumbnails.insert(predictionIds[i], QPixmap::fromImage(image));
    }
    for (int row = 0; row < m_list->count(); ++row) {
        QListWidgetItem *entry = m_list->item(row);
        if (const QPixmap thumb = m_thumbnails.value(entry->data(Qt::UserRole).toLongLong()); !thumb.isNull())
            entry->setIcon(thumb);
    }
}

QList<qint64> SimilarListingsView::ids() const
{
    QList<qint64> ids;
    for (int row = 0; row < m_list->count(); ++row)
        ids << m_list->item(row)->data(Qt::UserRole).toLongLong();
    return ids;
}

QList<qint64> SimilarListingsView::thumbnailsToLoad()
{
    QList<qint64> ids = this->ids();
    ids.removeIf([this](qint64 id) { return m_thumbnails.contains(id); });
    for (qint64 id : std::as_const(ids))
        m_thumbnails.insert(id, QPixmap()); // asked for: not asked again while the answer is on its way
    return ids;
}

void SimilarListingsView::forgetThumbnails()
{
    m_thumbnails.clear();
}

} // namespace listinglens::ui
