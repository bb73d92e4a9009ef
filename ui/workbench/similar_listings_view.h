#pragma once

#include "photo_list_model.h"

#include <QGroupBox>
#include <QHash>
#include <QPixmap>

#include <functional>
#include <memory>

class QLabel;
class QListWidget;

namespace listinglens {
class ListingIndex;
}

namespace listinglens::ui {

// The result panel's similar earlier listings: one card a row (thumbnail,
// title, confirmed price, category, how alike), or a line saying why there
// are none: no listing yet, none confirmed yet, or none alike enough (from
// the listing index in use). Thumbnails are kept by listing, whichever photo shows them; the
// window loads those not here yet (thumbnailsToLoad) and hands them back.
class SimilarListingsView : public QGroupBox {
    Q_OBJECT
public:
    using CategoryName = std::function<QString(const QString &id)>;
    explicit SimilarListingsView(CategoryName categoryName, QWidget *parent = nullptr);

    // `self`: the shown photo's stored listing (0: not stored), never one of its own similar listings.
    void showListings(const PhotoResult &shown, qint64 self);
    // The listings the cards are chosen from (null: none), for what the empty state says.
    void setListingIndex(std::shared_ptr<const ListingIndex> index);
    void setThumbnails(const QList<qint64> &predictionIds, const QList<QImage> &images);
    QList<qint64> ids() const; // of the listings shown
    // Of those, the ones whose thumbnail is neither here nor asked for; they count as asked for from now.
    QList<qint64> thumbnailsToLoad();
    void forgetThumbnails(); // another database: its prediction ids are other listings

private:
    QString noneText(qint64 self) const;

    CategoryName m_categoryName;
    QListWidget *m_list = nullptr;
    QLabel *m_none = nullptr;
    std::shared_ptr<const ListingIndex> m_index;
    QHash<qint64, QPixmap> m_thumbnails; // by prediction id (null: asked for, the answer on its way)
};

} // namespace listinglens::ui
