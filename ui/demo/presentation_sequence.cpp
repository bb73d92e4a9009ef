// Presentation mode's sequence: following the strip, stepping through the
// photos, and presenting one (the suggestion building up, then the card).
#include "presentation_view.h"

#include "card_note.h"
#include "percent_text.h"
#include "price_text.h"

#include "phone_upload.h"
#include "photo_list_model.h"
#include "qr_code.h"

#include <QEvent>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QPainter>
#include <QRegularExpression>
#include <QStackedWidget>
#include <QVBoxLayout>

#include "scaled_photo.h"

namespace listinglens::ui {

namespace {

QString percent(double p)
{
    return QStringLiteral("%1 %").arg(confidencePercent(p, 0));
}

} // namespace

void PresentationView::refreshDone()
{
    m_done.clear();
    for (int r = 0; r < m_photos->rowCount(); ++r)
        if (const PhotoItem *item = m_photos->item(r); item->state == PhotoState::Done)
            m_done << item->id;
    updatePosition();
}

void PresentationView::rowsAdded(int first, int last)
{
    if (!m_active)
        return;
    m_expected.clear(); // the newest lot is the one to show
    for (int r = first; r <= last; ++r)
        if (const PhotoItem *item = m_photos->item(r))
            m_expected.insert(item->id);
    if (m_body->currentIndex() == 0)
        m_working->setText(tr("Working on it…"));
}

void PresentationView::itemChanged(int id)
{
    const PhotoItem *item = m_photos->itemById(id);
    if (!item)
        return;
    const bool wasDone = m_done.contains(id);
    refreshDone();
    if (!m_active)
        return;
    if (item->state == PhotoState::Failed && m_expected.remove(id)) {
        m_phoneNote->setText(tr("That photo could not be used: %1").arg(item->errorMessage));
        if (m_expected.isEmpty())
            m_working->clear();
        return;
    }
    if (item->state != PhotoState::Done)
        return;
    if (m_expected.remove(id)) {
        m_expected.clear(); // the rest of a batch is there to page through
        m_phoneNote->clear();
        m_working->clear();
        showId(id);
    } else if (m_shownId < 0) {
        showId(id);
    } else if (id == m_shownId && wasDone) {
        present(*item, false); // a redone suggestion: shown as it now is
    }
}

QString PresentationView::positionText() const
{
    const int at = int(m_done.indexOf(m_shownId));
    return at < 0 ? QString() : QStringLiteral("%1 / %2").arg(at + 1).arg(m_done.size());
}

void PresentationView::updatePosition()
{
    m_position->setText(positionText());
}

void PresentationView::step(int delta)
{
    if (m_done.isEmpty())
        return;
    const int at = int(m_done.indexOf(m_shownId));
    const int next = at < 0 ? 0 : std::clamp(at + delta, 0, int(m_done.size()) - 1);
    if (m_done.at(next) != m_shownId)
        showId(m_done.at(next));
}

void PresentationView::showId(int id)
{
    if (const PhotoItem *item = m_photos->itemById(id); item && item->state == PhotoState::Done)
        present(*item, true);
}

void PresentationView::present(const PhotoItem &item, bool animate)
{
    m_shownId = item.id;
    const PhotoResult &r = item.shown();
    m_photo->setImage(item.preview);
    m_cardPhoto->setImage(item.preview);

    // Category chips: the top one first, highlighted.
    auto *chipRow = static_cast<QVBoxLayout *>(m_chips->layout());
    while (QLayoutItem *old = chipRow->takeAt(0)) {
        delete old->widget();
        delete old;
    }
    const QVector<CategoryScore> categories = r.categories.isEmpty() ? QVector<CategoryScore>{r.category} : r.categories;
    for (int i = 0; i < categories.size() && i < 3; ++i) {
        const CategoryScore &c = categories.at(i);
        auto *chip = new QLabel(QStringLiteral("%1  %2").arg(c.name.isEmpty() ? c.id : c.name, percent(c.confidence)));
        chip->setObjectName(i == 0 ? QStringLiteral("chipTop") : QStringLiteral("chip"));
        chip->setTextFormat(Qt::PlainText);
        chipRow->addWidget(chip, 0, Qt::AlignLeft);
    }

    const PriceSuggestion &p = r.price;
    m_price->setText(formatSuggestedPrice(p));
    QString basis;
    switch (p.basis) {
    case PriceBasis::Neighbours:
        basis = p.neighbours == 1 ? tr("from 1 comparable listing") : tr("from %1 comparable listings").arg(p.neighbours);
        break;
    case PriceBasis::Category:
        basis = tr("typical for %1 listings", nullptr).arg(r.category.name);
        break;
    case PriceBasis::Prior:
        basis = tr("a first estimate: no comparable listings yet");
        break;
    case PriceBasis::None:
        basis = tr("no price yet: no listing confirmed in %1").arg(p.currency);
        break;
    }
    QStringList comparables;
    for (const SimilarListing &s : r.similar)
        if (s.confirmed && s.price.value_or(0) > 0 && comparables.size() < 3)
            comparables << formatPrice(p.currency, *s.price);
    const QString range = suggestionRangeText(p);
    QString priceText = range.isEmpty() ? basis : tr("%1, %2").arg(range, basis);
    if (!comparables.isEmpty())
        priceText += QLatin1Char('\n') + tr("similar listings confirmed at %1").arg(comparables.join(QStringLiteral(", ")));
    m_priceBasis->setText(priceText);
    m_title->setText(r.title);

    m_cardTitle->setText(r.title);
    m_cardNote->setText(cardNote(r));
    m_cardNote->setVisible(!m_cardNote->text().isEmpty());
    m_cardPrice->setText(formatSuggestedPrice(p));
    m_cardCategory->setText(r.category.name.isEmpty() ? r.category.id : r.category.name);
    m_cardDescription->setText(r.description);
    const double seconds = r.timing.total / 1000.0;
    m_ready->setText(tr("Ready in %1 s  ·  posting by hand takes about 2 minutes")
                         .arg(QString::number(std::max(seconds, 0.1), 'f', seconds < 10 ? 1 : 0)));

    updatePosition();
    if (animate) {
        showStage(PhotoStage);
        m_sequence.start();
    } else {
        showStage(m_stage);
    }
}

void PresentationView::showStage(Stage stage)
{
    m_stage = stage;
    m_body->setCurrentIndex(stage == ListingStage ? 2 : 1);
    m_categoryStep->setVisible(stage >= CategoryStage);
    m_priceStep->setVisible(stage >= PriceStage);
    m_titleStep->setVisible(stage >= TitleStage);
    Q_EMIT stageChanged(stage);
}

void PresentationView::finishSequence()
{
    if (m_shownId < 0)
        return;
    m_sequence.stop();
    showStage(ListingStage);
}

QSize PresentationView::shownPhotoSize() const
{
    return m_photo->photoRect().size();
}

void PresentationView::showEmpty()
{
    m_shownId = -1;
    m_sequence.stop();
    m_stage = PhotoStage;
    m_body->setCurrentIndex(0);
    updatePosition();
}

bool PresentationView::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == parentWidget() && event->type() == QEvent::Resize && m_active)
        setGeometry(parentWidget()->rect());
    return QWidget::eventFilter(watched, event);
}

void PresentationView::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    applyScale();
}

void PresentationView::keyPressEvent(QKeyEvent *event)
{
    switch (event->key()) {
    case Qt::Key_PageDown:
    case Qt::Key_Right:
    case Qt::Key_Down:
        step(1);
        break;
    case Qt::Key_PageUp:
    case Qt::Key_Left:
    case Qt::Key_Up:
        step(-1);
        break;
    case Qt::Key_Home:
        step(-int(m_done.size()));
        break;
    case Qt::Key_End:
        step(int(m_done.size()));
        break;
    case Qt::Key_Space:
        if (m_stage == ListingStage && m_shownId >= 0)
            showId(m_shownId); // again from the photo
        else
            finishSequence();
        break;
    default:
        QWidget::keyPressEvent(event);
    }
}

} // namespace listinglens::ui
