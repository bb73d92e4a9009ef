#include "correction_editor.h"

#include "percent_text.h"
#include "price_text.h"

#include <QDoubleSpinBox>
#include <QKeyEvent>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QVBoxLayout>

namespace listinglens::ui {

namespace {

// Up and Down in the category search move through the list under it.
class SearchKeys : public QObject {
public:
    SearchKeys(QListWidget *list, QObject *parent) : QObject(parent), m_list(list) {}

protected:
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (event->type() != QEvent::KeyPress)
            return QObject::eventFilter(watched, event);
        const int key = static_cast<QKeyEvent *>(event)->key();
        if (key != Qt::Key_Up && key != Qt::Key_Down)
            return false;
        const int step = key == Qt::Key_Down ? 1 : -1;
        for (int row = m_list->currentRow() + step; row >= 0 && row < m_list->count(); row += step) {
            if (!m_list->item(row)->isHidden()) {
                m_list->setCurrentRow(row);
                break;
            }
        }
        return true;
    }

private:
    QListWidget *m_list;
};

} // namespace

CorrectionEditor::CorrectionEditor(CategoryNames names, QWidget *parent) : QObject(parent), m_names(std::move(names))
{
    buildPicker(parent);
    buildFields(parent);
}

// Any category, found by typing part of its name.
void CorrectionEditor::buildPicker(QWidget *parent)
{
    m_pickerPage = new QWidget(parent);
    auto *sp = new QVBoxLayout(m_pickerPage);
    sp->setContentsMargins(0, 0, 0, 0);
    sp->setSpacing(2);
    m_search = new QLineEdit;
    m_search->setObjectName(QStringLiteral("categorySearch"));
    m_search->setPlaceholderText(tr("Type to find a category"));
    m_search->setClearButtonEnabled(true);
    m_search->setAcceptDrops(false);
    m_categoryList = new QListWidget;
    m_categoryList->setObjectName(QStringLiteral("categoryList"));
    m_categoryList->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_categoryList->setFocusPolicy(Qt::ClickFocus);
    m_categoryList->setMinimumHeight(m_categoryList->fontMetrics().lineSpacing() * 4 + 8);
    m_categoryList->setMaximumHeight(m_categoryList->fontMetrics().lineSpacing() * 9 + 8);
    m_search->installEventFilter(new SearchKeys(m_categoryList, this));
    sp->addWidget(m_search);
    sp->addWidget(m_categoryList, 1);
    connect(m_search, &QLineEdit::textChanged, this, &CorrectionEditor::filterCategories);
    connect(m_categoryList, &QListWidget::currentItemChanged, this, [this](QListWidgetItem *current) {
        if (!current || m_filling || !m_correcting)
            return;
        const QString id = current->data(Qt::UserRole).toString();
        if (id == m_chosenId)
            return;
        m_chosenId = id;
        Q_EMIT categoryChosen(id);
    });
}

// The price field, the title and the description.
void CorrectionEditor::buildFields(QWidget *parent)
{
    m_priceEdit = new QDoubleSpinBox(parent);
    m_priceEdit->setObjectName(QStringLiteral("priceEdit"));
    m_priceEdit->setRange(0, 10'000'000);
    m_priceEdit->setDecimals(2);
    m_priceEdit->setGroupSeparatorShown(true);
    // Typed, even the figure it was filled with: a suggestion without a price fills 0,
    // and a 0 the moderator types is a price of 0, not "no price".
    if (auto *edit = m_priceEdit->findChild<QLineEdit *>())
        connect(edit, &QLineEdit::textEdited, this, [this] { m_priceTyped = true; });
    QFont big = m_priceEdit->font();
    big.setPointSizeF(big.pointSizeF() * 1.5);
    big.setBold(true);
    m_priceEdit->setFont(big);
    m_title = new QLineEdit(parent);
    m_title->setObjectName(QStringLiteral("title"));
    m_description = new QPlainTextEdit(parent);
    m_description->setObjectName(QStringLiteral("description"));
    m_description->setTabChangesFocus(true);
    // Room for a few lines; the similar listings below get the rest.
    m_description->setMinimumHeight(m_description->fontMetrics().lineSpacing() * 3 + 12);
    m_description->setMaximumHeight(m_description->fontMetrics().lineSpacing() * 6 + 12);
    m_description->setPlaceholderText(tr("Description"));
    // Photos dropped here go to the window, not into the text as a file URL.
    m_title->setAcceptDrops(false);
    m_description->setAcceptDrops(false);
}

void CorrectionEditor::showText(const QString &title, const QString &description, bool again)
{
    if (!again || m_title->text() == m_filledTitle) {
        m_title->setText(title);
        m_title->setCursorPosition(0); // a narrow field shows the title's start, not its end
    }
    if (!again || m_description->toPlainText() == m_filledDescription)
        m_description->setPlainText(description);
    m_filledTitle = title;
    m_filledDescription = description;
}

void CorrectionEditor::showPrice(const PriceSuggestion &price, bool describing)
{
    m_priceEdit->setPrefix(price.currency.isEmpty() ? QString() : price.currency + QLatin1Char(' '));
    // A price the moderator typed stays; one left as filled follows the suggestion.
    if (m_correcting && !m_priceTyped && m_priceEdit->value() == m_filledPrice && !describing)
        fillPrice(price.point);
}

void CorrectionEditor::fillPrice(double price)
{
    m_priceEdit->setValue(price);
    m_filledPrice = m_priceEdit->value();
    m_priceTyped = false;
}

void CorrectionEditor::addDetail(const QString &detail)
{
    const QString text = m_description->toPlainText();
    if (!text.contains(detail))
        m_description->setPlainText(text.isEmpty() ? detail : text + QLatin1Char('\n') + detail);
}

void CorrectionEditor::begin(const QList<CategoryScore> &top, const QStringList &categoryIds, const QString &chosenId, double price)
{
    m_correcting = true;
    m_chosenId = chosenId;
    fillPicker(top, categoryIds);
    m_filling = true;
    m_search->clear();
    m_filling = false;
    fillPrice(price);
    m_search->setFocus();
}

void CorrectionEditor::end()
{
    m_correcting = false;
}

void CorrectionEditor::fillPicker(const QList<CategoryScore> &top, const QStringList &categoryIds)
{
    m_filling = true;
    m_categoryList->clear();
    // The model's top three first, with their confidence; then every other, by name.
    QStringList rest = categoryIds;
    rest.removeIf([&](const QString &id) {
        return std::any_of(top.begin(), top.end(), [&](const CategoryScore &c) { return c.id == id; });
    });
    std::sort(rest.begin(), rest.end(), [this](const QString &a, const QString &b) { return m_names(a).localeAwareCompare(m_names(b)) < 0; });
    for (const CategoryScore &c : top) {
        auto *entry = new QListWidgetItem(tr("%1  ·  %2 %").arg(m_names(c.id), confidencePercent(c.confidence, 0)));
        entry->setData(Qt::UserRole, c.id);
        m_categoryList->addItem(entry);
    }
    for (const QString &id : std::as_const(rest)) {
        auto *entry = new QListWidgetItem(m_names(id));
        entry->setData(Qt::UserRole, id);
        m_categoryList->addItem(entry);
    }
    for (int row = 0; row < m_categoryList->count(); ++row) {
        if (m_categoryList->item(row)->data(Qt::UserRole).toString() == m_chosenId)
            m_categoryList->setCurrentRow(row);
    }
    m_filling = false;
}

void CorrectionEditor::filterCategories(const QString &text)
{
    const QString wanted = text.trimmed();
    QListWidgetItem *first = nullptr;
    for (int row = 0; row < m_categoryList->count(); ++row) {
        QListWidgetItem *entry = m_categoryList->item(row);
        const QString id = entry->data(Qt::UserRole).toString();
        const bool match = wanted.isEmpty() || m_names(id).contains(wanted, Qt::CaseInsensitive) || id.contains(wanted, Qt::CaseInsensitive);
        entry->setHidden(!match);
        if (match && !first)
            first = entry;
    }
    // Typing picks the best match at once (Up / Down for another); nothing matching keeps the choice.
    QListWidgetItem *current = m_categoryList->currentItem();
    if (first && (!current || current->isHidden() || !wanted.isEmpty()))
        m_categoryList->setCurrentItem(first);
}

Decision CorrectionEditor::draft(const QString &chosenId, const PhotoResult &result, const PhotoResult &shown, const Decision &decided) const
{
    Decision d;
    d.made = true;
    d.categoryId = chosenId;
    d.categoryName = m_names(chosenId);
    d.price = shown.price.figure();
    d.currency = shown.price.currency;
    if (m_correcting && (m_priceTyped || m_priceEdit->value() != m_filledPrice)) {
        d.price = m_priceEdit->value();
        d.priceSet = true;
    } else if (!m_correcting && decided.made && decided.priceSet && decided.categoryId == chosenId) {
        d.price = decided.price; // decided again: the price the moderator set stays
        d.currency = decided.currency;
        d.priceSet = true;
    }
    d.title = m_title->text().trimmed();
    d.description = m_description->toPlainText().trimmed();
    // Typed now, or filled with the text the moderator typed for an earlier decision in this category.
    const bool decidedHere = decided.made && decided.categoryId == chosenId;
    d.titleSet = d.title != m_filledTitle.trimmed() || (decidedHere && decided.titleSet && m_filledTitle == decided.title);
    d.descriptionSet = d.description != m_filledDescription.trimmed()
                       || (decidedHere && decided.descriptionSet && m_filledDescription == decided.description);
    // Only the moderator's own text counts: the result's text changes under a decision
    // (the lane's read words), so comparing with it would call an untouched text edited.
    d.corrected = d.categoryId != result.category.id || d.titleSet || d.descriptionSet
                  || formatPrice(d.currency, d.price) != formatSuggestedPrice(result.price);
    d.at = QDateTime::currentDateTime();
    return d;
}

} // namespace listinglens::ui
