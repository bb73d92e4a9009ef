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
#include <QSet>
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

const QString kReviewColour = QStringLiteral("#b9770e"); // as the strip's "needs review"

QString badgeStyle(const QString &colour)
{
    return QStringLiteral("QLabel { background: %1; color: white; border-radius: 9px; padding: 2px 10px; font-weight: 600; }").arg(colour);
}

QLabel *badge(const QString &text, const QString &colour)
{
    auto *l = new QLabel(text);
    l->setStyleSheet(badgeStyle(colour));
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
    m_review = new QLabel;
    m_review->setObjectName(QStringLiteral("reviewBadge"));
    m_review->setWordWrap(true);
    m_review->setStyleSheet(badgeStyle(kReviewColour));
    m_badges = new QWidget;
    new QHBoxLayout(m_badges);
    m_badges->layout()->setContentsMargins(0, 0, 0, 0);
    left->addWidget(m_photo, 1);
    left->addWidget(m_review); // a line of its own: the reasons can be long
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
    m_model = new QLabel;
    m_model->setObjectName(QStringLiteral("modelLine"));
    m_model->setEnabled(false); // quiet: where the figures come from
    cl->addWidget(m_model, 6, 0);
    connect(m_choices, &QButtonGroup::idToggled, this, [this](int choice, bool on) {
        if (!on || m_filling)
            return;
        m_chosenId = m_result.categories.value(choice).id;
        Q_EMIT categoryChosen(m_chosenId);
    });
    right->addWidget(categoryBox);

    auto *priceBox = new QGroupBox(tr("Price"));
    auto *pl = new QVBoxLayout(priceBox);
    m_price = new QLabel;
    m_price->setObjectName(QStringLiteral("price"));
    QFont big = m_price->font();
    big.setPointSizeF(big.pointSizeF() * 1.5);
    big.setBold(true);
    m_price->setFont(big);
    m_priceBasis = new QLabel;
    m_priceBasis->setWordWrap(true);
    pl->addWidget(m_price);
    pl->addWidget(m_priceBasis);
    right->addWidget(priceBox);

    auto *textBox = new QGroupBox(tr("Listing text"));
    auto *tl = new QFormLayout(textBox);
    m_title = new QLineEdit;
    m_title->setObjectName(QStringLiteral("title"));
    m_titleBasis = new QLabel(tr("From similar listings"));
    m_titleBasis->setObjectName(QStringLiteral("titleBasis"));
    m_titleBasis->setEnabled(false);
    m_description = new QPlainTextEdit;
    m_description->setObjectName(QStringLiteral("description"));
    m_description->setTabChangesFocus(true);
    m_description->setMinimumHeight(90);
    // Photos dropped here go to the window, not into the text as a file URL.
    m_title->setAcceptDrops(false);
    m_description->setAcceptDrops(false);
    // Beside the buyer's text, what the seller should be asked for: a checklist, never listing text.
    m_hintsColumn = new QWidget;
    auto *hl = new QVBoxLayout(m_hintsColumn);
    hl->setContentsMargins(0, 0, 0, 0);
    auto *hintsLabel = new QLabel(tr("Ask the seller to add"));
    m_hints = new QListWidget;
    m_hints->setObjectName(QStringLiteral("hints"));
    m_hints->setWordWrap(true);
    hintsLabel->setBuddy(m_hints);
    hl->addWidget(hintsLabel);
    hl->addWidget(m_hints, 1);
    auto *descriptionRow = new QHBoxLayout;
    descriptionRow->addWidget(m_description, 3);
    descriptionRow->addWidget(m_hintsColumn, 2);
    tl->addRow(tr("Title"), m_title);
    tl->addRow(QString(), m_titleBasis);
    tl->addRow(tr("Description"), descriptionRow);
    right->addWidget(textBox, 1);

    auto *similarBox = new QGroupBox(tr("Similar earlier listings"));
    auto *sl = new QVBoxLayout(similarBox);
    m_similar = new QListWidget;
    m_similar->setObjectName(QStringLiteral("similar"));
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
    m_decision->setWordWrap(true);
    m_correct = new QPushButton(tr("Correct…"));
    m_correct->setObjectName(QStringLiteral("correct"));
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
    // The same result shown again (another category chosen, its suggestion redone, a decision):
    // what the moderator typed stays.
    const bool again = m_shownId == item.id && m_pages->currentIndex() == ResultPage;
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
    const PhotoResult &s = item.shown();
    m_result = r;
    m_shown = s;
    m_chosenId = item.chosenCategoryId.isEmpty() ? r.category.id : item.chosenCategoryId;
    m_photo->setImage(item.preview);
    showBadges(item, duplicateOfName);
    showSimilar(s, again);
    showHints(s.hints, again);

    m_filling = true;
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
    const auto chosen = std::find_if(r.categories.begin(), r.categories.end(), [&](const CategoryScore &c) { return c.id == m_chosenId; });
    if (chosen != r.categories.end() && chosen - r.categories.begin() < 3) {
        m_choice[chosen - r.categories.begin()]->setChecked(true);
    } else { // chosen in the Correct… dialog, outside the top three
        m_choices->setExclusive(false);
        for (QRadioButton *b : m_choice)
            b->setChecked(false);
        m_choices->setExclusive(true);
    }
    m_filling = false;
    m_model->setText(tr("%1 %2 on %3 · %4")
                         .arg(r.model.name, r.model.version, r.model.device,
                              r.model.head > 0 ? tr("head h%1").arg(r.model.head) : tr("built-in mapping")));

    // While the suggestion is redone for the category chosen, the figures shown are the old ones: greyed.
    m_price->setEnabled(!item.describing);
    m_price->setText(tr("%1   (%2 – %3)").arg(money(s.price.currency, s.price.point), money(s.price.currency, s.price.low),
                                               money(s.price.currency, s.price.high)));
    m_priceBasis->setText(item.describing ? tr("Redoing the price and text for the category chosen…") : basisInWords(s));

    const Decision &d = item.decision;
    const bool decidedHere = d.made && d.categoryId == m_chosenId; // the decision's own text, else the suggestion's
    const QString title = decidedHere ? d.title : s.title;
    const QString description = decidedHere ? d.description : s.description;
    if (!again || m_title->text() == m_filledTitle)
        m_title->setText(title);
    if (!again || m_description->toPlainText() == m_filledDescription)
        m_description->setPlainText(description);
    m_filledTitle = title;
    m_filledDescription = description;
    m_titleBasis->setVisible(s.titleBasis == QLatin1String("similar"));

    if (item.decisionWaits)
        m_decision->setText(tr("Accepted: stored once the price and text for %1 are ready").arg(d.categoryId));
    else if (d.made)
        m_decision->setText(d.corrected ? tr("Corrected: %1, %2").arg(d.categoryId, money(d.currency, d.price))
                                        : tr("Accepted at %1").arg(d.at.toString(QStringLiteral("HH:mm"))));
    else
        m_decision->clear();
    m_pages->setCurrentIndex(ResultPage);
}

void ResultPanel::showBadges(const PhotoItem &item, const QString &duplicateOfName)
{
    const PhotoResult &r = item.shown();
    const QString review = reviewInWords(item.result.review); // of the suggestion: what the moderator is to look at
    m_review->setText(review);
    m_review->setVisible(!review.isEmpty());
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
    if (r.quality.flags.isEmpty() && original.isEmpty())
        m_badges->layout()->addWidget(badge(tr("Photo quality OK"), QStringLiteral("#2e8b57")));
    static_cast<QHBoxLayout *>(m_badges->layout())->addStretch();
}

void ResultPanel::showSimilar(const PhotoResult &s, bool again)
{
    QHash<qint64, QIcon> icons; // thumbnails already there stay when the same photo is shown again
    for (int row = 0; again && row < m_similar->count(); ++row)
        icons.insert(m_similar->item(row)->data(Qt::UserRole).toLongLong(), m_similar->item(row)->icon());
    m_similar->clear();
    for (const SimilarListing &l : s.similar) {
        QStringList parts;
        if (l.confirmed && !l.title.isEmpty())
            parts << QStringLiteral("“%1”").arg(l.title);
        parts << l.fileName.section(QLatin1Char('/'), -1) << l.categoryId
              << (l.confirmed ? tr("%1 %2 confirmed").arg(s.price.currency).arg(l.price) : tr("not confirmed"))
              << tr("%1 % alike").arg(qRound(l.similarity * 100));
        auto *entry = new QListWidgetItem(icons.value(l.id), parts.join(QStringLiteral(" · ")));
        entry->setData(Qt::UserRole, l.id);
        m_similar->addItem(entry);
    }
    m_similar->setVisible(!s.similar.isEmpty());
    m_noSimilar->setVisible(s.similar.isEmpty());
}

void ResultPanel::showHints(const QStringList &hints, bool again)
{
    QSet<QString> ticked; // what the moderator has asked for already stays ticked
    for (int row = 0; again && row < m_hints->count(); ++row) {
        if (m_hints->item(row)->checkState() == Qt::Checked)
            ticked.insert(m_hints->item(row)->text());
    }
    m_hints->clear();
    for (const QString &hint : hints) {
        auto *entry = new QListWidgetItem(hint);
        entry->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable);
        entry->setCheckState(ticked.contains(hint) ? Qt::Checked : Qt::Unchecked);
        m_hints->addItem(entry);
    }
    m_hintsColumn->setVisible(!hints.isEmpty());
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

QList<qint64> ResultPanel::similarIds() const
{
    QList<qint64> ids;
    for (int row = 0; row < m_similar->count(); ++row)
        ids << m_similar->item(row)->data(Qt::UserRole).toLongLong();
    return ids;
}

int ResultPanel::selectedChoice() const
{
    return m_choices->checkedId();
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
    d.categoryId = m_chosenId;
    d.price = m_shown.price.point;
    d.currency = m_shown.price.currency;
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
