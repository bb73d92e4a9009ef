#include "result_panel.h"

#include <QButtonGroup>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPainter>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QRadioButton>
#include <QStackedWidget>
#include <QVBoxLayout>

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

namespace {

enum Page { EmptyPage, ResultPage, MessagePage, WaitPage };

QString money(const QString &currency, double v)
{
    return QStringLiteral("%1 %2").arg(currency, QString::number(v, 'f', v >= 100 || v == int(v) ? 0 : 2));
}

QString basisInWords(const PhotoResult &r)
{
    switch (r.price.basis) {
    case PriceBasis::Prior: return ResultPanel::tr("sample price for the category");
    case PriceBasis::Category: return ResultPanel::tr("median of %1 confirmed %2").arg(r.price.neighbours).arg(r.category.name.toLower());
    case PriceBasis::Neighbours: return ResultPanel::tr("from %1 similar listings").arg(r.price.neighbours);
    }
    return {};
}

QLabel *badge(const QString &text, const QString &colour)
{
    auto *l = new QLabel(text);
    l->setStyleSheet(QStringLiteral("QLabel { background: %1; color: white; border-radius: 9px; padding: 2px 10px; font-weight: 600; }").arg(colour));
    return l;
}

} // namespace

ResultPanel::ResultPanel(QWidget *parent) : QWidget(parent)
{
    m_pages = new QStackedWidget(this);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_pages);

    // Empty: how to begin.
    auto *empty = new QWidget;
    auto *el = new QVBoxLayout(empty);
    el->addStretch();
    auto *hello = new QLabel(tr("<h2>Drop photos or a folder anywhere on this window</h2>"
                                "<p>ListingLens suggests the category, a price and a description for each photo.</p>"));
    hello->setAlignment(Qt::AlignCenter);
    el->addWidget(hello);
    auto *buttons = new QHBoxLayout;
    buttons->addStretch();
    auto *open = new QPushButton(tr("Open photos…"));
    auto *samples = new QPushButton(tr("Try sample photos"));
    buttons->addWidget(open);
    buttons->addWidget(samples);
    buttons->addStretch();
    el->addLayout(buttons);
    el->addStretch();
    connect(open, &QPushButton::clicked, this, &ResultPanel::openPhotosRequested);
    connect(samples, &QPushButton::clicked, this, &ResultPanel::samplesRequested);

    m_pages->insertWidget(EmptyPage, empty);
    m_pages->insertWidget(ResultPage, buildResultPage());
    m_pages->insertWidget(MessagePage, buildMessagePage(m_messageTitle, m_messageBody));
    m_pages->insertWidget(WaitPage, buildMessagePage(m_waitTitle, m_waitBody));
    showEmpty();
}

QWidget *ResultPanel::buildMessagePage(QLabel *&title, QLabel *&body)
{
    auto *page = new QWidget;
    auto *l = new QVBoxLayout(page);
    l->addStretch();
    title = new QLabel;
    body = new QLabel;
    for (QLabel *label : {title, body}) {
        label->setAlignment(Qt::AlignCenter);
        label->setWordWrap(true);
        l->addWidget(label);
    }
    l->addStretch();
    return page;
}

QWidget *ResultPanel::buildResultPage()
{
    auto *page = new QWidget;
    auto *row = new QHBoxLayout(page);

    auto *left = new QVBoxLayout;
    m_photo = new PhotoView;
    m_photo->setMinimumSize(320, 240);
    m_badges = new QWidget;
    new QHBoxLayout(m_badges);
    m_badges->layout()->setContentsMargins(0, 0, 0, 0);
    left->addWidget(m_photo, 1);
    left->addWidget(m_badges);
    row->addLayout(left, 3);

    auto *right = new QVBoxLayout;
    auto *categoryBox = new QGroupBox(tr("Category"));
    auto *cl = new QGridLayout(categoryBox);
    m_choices = new QButtonGroup(this);
    for (int i = 0; i < 3; ++i) {
        m_choice[i] = new QRadioButton;
        m_bar[i] = new QProgressBar;
        m_bar[i]->setRange(0, 1000);
        m_bar[i]->setTextVisible(false);
        m_bar[i]->setFixedHeight(8);
        m_choices->addButton(m_choice[i], i);
        cl->addWidget(m_choice[i], i * 2, 0);
        cl->addWidget(m_bar[i], i * 2 + 1, 0);
    }
    right->addWidget(categoryBox);

    auto *priceBox = new QGroupBox(tr("Price"));
    auto *pl = new QVBoxLayout(priceBox);
    m_price = new QLabel;
    QFont big = m_price->font();
    big.setPointSizeF(big.pointSizeF() * 1.5);
    big.setBold(true);
    m_price->setFont(big);
    m_priceBasis = new QLabel;
    pl->addWidget(m_price);
    pl->addWidget(m_priceBasis);
    right->addWidget(priceBox);

    auto *textBox = new QGroupBox(tr("Listing text"));
    auto *tl = new QFormLayout(textBox);
    m_title = new QLineEdit;
    m_description = new QPlainTextEdit;
    m_description->setTabChangesFocus(true);
    m_description->setMinimumHeight(90);
    // Photos dropped here go to the window, not into the text as a file URL.
    m_title->setAcceptDrops(false);
    m_description->setAcceptDrops(false);
    tl->addRow(tr("Title"), m_title);
    tl->addRow(tr("Description"), m_description);
    right->addWidget(textBox, 1);

    auto *similarBox = new QGroupBox(tr("Similar earlier listings"));
    auto *sl = new QVBoxLayout(similarBox);
    m_similar = new QListWidget;
    m_similar->setMaximumHeight(90);
    m_similar->hide(); // filled once prediction history is stored
    m_similar->setIconSize(QSize(48, 48));
    m_noSimilar = new QLabel(tr("None yet: similar earlier listings appear here as history grows."));
    m_noSimilar->setWordWrap(true);
    m_noSimilar->setEnabled(false);
    sl->addWidget(m_similar);
    sl->addWidget(m_noSimilar);
    right->addWidget(similarBox);

    auto *actions = new QHBoxLayout;
    m_decision = new QLabel;
    m_correct = new QPushButton(tr("Correct…"));
    m_accept = new QPushButton(tr("Accept"));
    m_accept->setDefault(true);
    m_accept->setToolTip(tr("Enter"));
    actions->addWidget(m_decision, 1);
    actions->addWidget(m_correct);
    actions->addWidget(m_accept);
    right->addLayout(actions);
    connect(m_accept, &QPushButton::clicked, this, &ResultPanel::acceptRequested);
    connect(m_correct, &QPushButton::clicked, this, &ResultPanel::correctRequested);

    row->addLayout(right, 2);
    return page;
}

void ResultPanel::showEmpty()
{
    m_shownId = -1;
    m_pages->setCurrentIndex(EmptyPage);
}

void ResultPanel::showItem(const PhotoItem &item, const QString &duplicateOfName)
{
    m_shownId = item.id;
    switch (item.state) {
    case PhotoState::Queued:
    case PhotoState::Working:
        m_waitTitle->setText(tr("<h2>%1</h2>").arg(item.name.toHtmlEscaped()));
        m_waitBody->setText(item.state == PhotoState::Queued ? tr("Waiting in the queue…") : tr("Working on it…"));
        m_pages->setCurrentIndex(WaitPage);
        return;
    case PhotoState::Failed:
    case PhotoState::Cancelled:
        m_messageTitle->setText(item.state == PhotoState::Failed
                                    ? tr("<h2>This photo could not be used</h2><p>%1</p>").arg(item.name.toHtmlEscaped())
                                    : tr("<h2>Cancelled</h2><p>%1</p>").arg(item.name.toHtmlEscaped()));
        m_messageBody->setText(tr("<p>%1</p><p><b>What to do:</b> %2</p>")
                                   .arg(item.errorMessage.toHtmlEscaped(), item.errorAdvice.toHtmlEscaped()));
        m_pages->setCurrentIndex(MessagePage);
        return;
    case PhotoState::Done:
        break;
    }

    const PhotoResult &r = item.result;
    m_result = r;
    m_photo->setImage(item.preview);
    QLayoutItem *child;
    while ((child = m_badges->layout()->takeAt(0))) {
        delete child->widget();
        delete child;
    }
    static const QHash<QString, QString> words = {{QStringLiteral("blurry"), tr("Blurry")},
                                                  {QStringLiteral("too_dark"), tr("Too dark")},
                                                  {QStringLiteral("too_bright"), tr("Too bright")},
                                                  {QStringLiteral("low_resolution"), tr("Low resolution")}};
    for (const QString &flag : r.quality.flags) {
        if (flag != QLatin1String("duplicate")) // shown with what it duplicates, below
            m_badges->layout()->addWidget(badge(words.value(flag, flag), QStringLiteral("#c0392b")));
    }
    const QString original = !duplicateOfName.isEmpty() ? duplicateOfName : r.duplicateOfFile.section(QLatin1Char('/'), -1);
    if (!original.isEmpty())
        m_badges->layout()->addWidget(badge(tr("Duplicate of %1").arg(original), QStringLiteral("#8e44ad")));

    m_similar->clear();
    for (const SimilarListing &s : r.similar) {
        const QString price = s.confirmed ? tr("%1 %2 confirmed").arg(r.price.currency).arg(s.price) : tr("not confirmed");
        auto *entry = new QListWidgetItem(tr("%1 · %2 · %3 · %4 % alike")
                                              .arg(s.fileName.section(QLatin1Char('/'), -1), s.categoryId, price)
                                              .arg(qRound(s.similarity * 100)));
        entry->setData(Qt::UserRole, s.id);
        m_similar->addItem(entry);
    }
    m_similar->setVisible(!r.similar.isEmpty());
    m_noSimilar->setVisible(r.similar.isEmpty());
    if (r.quality.flags.isEmpty() && duplicateOfName.isEmpty() && r.duplicateOfFile.isEmpty())
        m_badges->layout()->addWidget(badge(tr("Photo quality OK"), QStringLiteral("#2e8b57")));
    static_cast<QHBoxLayout *>(m_badges->layout())->addStretch();

    for (int i = 0; i < 3; ++i) {
        const bool has = i < r.categories.size();
        m_choice[i]->setVisible(has);
        m_bar[i]->setVisible(has);
        if (!has)
            continue;
        const CategoryScore &c = r.categories[i];
        QString name = c.name;
        name.replace(QLatin1Char('&'), QStringLiteral("&&")); // not a mnemonic
        m_choice[i]->setText(tr("%1  %2 %  (key %3)").arg(name).arg(c.confidence * 100, 0, 'f', 1).arg(i + 1));
        m_bar[i]->setValue(int(c.confidence * 1000));
    }
    const Decision &d = item.decision;
    const int decided = d.made ? int(std::find_if(r.categories.begin(), r.categories.end(),
                                                  [&](const CategoryScore &c) { return c.id == d.categoryId; }) - r.categories.begin())
                               : 0;
    m_choice[std::min(decided, 2)]->setChecked(true);

    m_price->setText(tr("%1   (%2 – %3)").arg(money(r.price.currency, r.price.point), money(r.price.currency, r.price.low),
                                               money(r.price.currency, r.price.high)));
    m_priceBasis->setText(basisInWords(r));
    m_title->setText(d.made ? d.title : r.title);
    m_description->setPlainText(d.made ? d.description : r.description);
    m_decision->setText(d.made ? (d.corrected ? tr("Corrected: %1, %2").arg(d.categoryId, money(d.currency, d.price))
                                              : tr("Accepted at %1").arg(d.at.toString(QStringLiteral("HH:mm"))))
                               : QString());
    m_pages->setCurrentIndex(ResultPage);
}

void ResultPanel::setSimilarThumbnails(const QList<qint64> &predictionIds, const QList<QImage> &images)
{
    for (int row = 0; row < m_similar->count(); ++row) {
        QListWidgetItem *entry = m_similar->item(row);
        const qsizetype at = predictionIds.indexOf(entry->data(Qt::UserRole).toLongLong());
        if (at >= 0 && !images.value(at).isNull())
            entry->setIcon(QPixmap::fromImage(images[at]));
    }
}

int ResultPanel::selectedChoice() const
{
    return std::max(0, m_choices->checkedId());
}

void ResultPanel::selectChoice(int choice)
{
    if (choice >= 0 && choice < 3 && m_choice[choice]->isVisible())
        m_choice[choice]->setChecked(true);
}

Decision ResultPanel::draftDecision() const
{
    Decision d;
    d.made = true;
    d.categoryId = m_result.categories.value(selectedChoice()).id;
    d.price = m_result.price.point;
    d.currency = m_result.price.currency;
    d.title = m_title->text().trimmed();
    d.description = m_description->toPlainText().trimmed();
    d.corrected = d.categoryId != m_result.category.id || d.title != m_result.title || d.description != m_result.description;
    d.at = QDateTime::currentDateTime();
    return d;
}

void ResultPanel::setPresentation(bool on)
{
    QFont f = font();
    f.setPointSizeF(on ? 16 : QFont().pointSizeF());
    setFont(f);
}

} // namespace listinglens::ui
