// The result panel's decision: the draft the form shows, the decision line in
// words, and correcting in place (the category search and the price field in
// place of the top three and the price; the window saves or cancels).
#include "result_panel.h"

#include "price_text.h"

#include <QDoubleSpinBox>
#include <QHash>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QStackedWidget>

namespace listinglens::ui {

QString ResultPanel::decisionInWords(const PhotoItem &item) const
{
    const Decision &d = item.decision;
    if (!d.made)
        return {};
    const QString name = d.categoryName.isEmpty() ? categoryName(d.categoryId) : d.categoryName;
    if (item.decisionWaits)
        return tr("Decided: stored once the price and text for %1 are ready").arg(name);
    const QString who = d.moderator.isEmpty() ? QString() : tr(" by %1").arg(d.moderator);
    const QString undo = item.id == m_undoableId ? tr(" · Ctrl+Z undoes") : QString();
    // Said as done only once it is in the database.
    switch (d.storage) {
    case DecisionStorage::Stored: break;
    case DecisionStorage::Writing: return tr("Decided%1: being stored…%2").arg(who, undo);
    case DecisionStorage::Waiting: return tr("Decided%1, not stored yet: %2%3").arg(who, d.storageNote, undo);
    case DecisionStorage::NotStored: return tr("NOT STORED%1: %2 · Retry in the status bar%3").arg(who, d.storageNote, undo);
    }
    if (!d.corrected)
        return tr("Accepted%1 at %2%3").arg(who, d.at.toString(QStringLiteral("HH:mm")), undo);
    // What changed, from the model's suggestion to the final values.
    const PhotoResult &r = item.result;
    QStringList changes;
    if (d.categoryId != r.category.id)
        changes << tr("%1 → %2").arg(categoryName(r.category.id), name);
    const QString before = formatPrice(r.price.currency, r.price.point), after = formatPrice(d.currency, d.price);
    if (before != after)
        changes << tr("%1 → %2").arg(before, after);
    // The text as suggested for the decided category (a correction redoes it): only the moderator's own edits count.
    const PhotoResult *asDecided = item.describedAs(d.categoryId);
    const PhotoResult &suggested = asDecided ? *asDecided : r;
    if (d.title != suggested.title || d.description != suggested.description)
        changes << tr("text edited");
    return tr("Corrected%1: %2%3").arg(who, changes.isEmpty() ? name : changes.join(QStringLiteral(", ")), undo);
}

void ResultPanel::showPages(int page)
{
    // Each stack as tall as the page it shows (the search list would make the top three tall).
    for (QStackedWidget *stack : {m_categoryPages, m_pricePages}) {
        stack->setCurrentIndex(page);
        for (int i = 0; i < stack->count(); ++i)
            stack->widget(i)->setSizePolicy(QSizePolicy::Preferred, i == page ? QSizePolicy::Preferred : QSizePolicy::Ignored);
        stack->updateGeometry();
    }
}

QString ResultPanel::titleEvidenceInWords(const PhotoResult &r)
{
    const QHash<QString, QString> from = {{QStringLiteral("photo_text"), tr("read on the photo")},
                                          {QStringLiteral("nearest"), tr("the nearest confirmed listing")},
                                          {QStringLiteral("similar"), tr("most similar listings")},
                                          {QStringLiteral("market"), tr("this market's word for the category")},
                                          {QStringLiteral("label"), tr("the model's label")},
                                          {QStringLiteral("category"), tr("the category")},
                                          {QStringLiteral("colour"), tr("the photo's colour")}};
    // Runs of words from the same evidence together: "Gaming laptop: most similar listings".
    QStringList parts;
    QStringList run;
    for (qsizetype i = 0; i < r.titleWords.size(); ++i) {
        run << r.titleWords[i].word;
        if (i + 1 == r.titleWords.size() || r.titleWords[i + 1].from != r.titleWords[i].from) {
            parts << tr("%1: %2").arg(run.join(QLatin1Char(' ')), from.value(r.titleWords[i].from, r.titleWords[i].from));
            run.clear();
        }
    }
    return parts.isEmpty() ? QString() : tr("From %1").arg(parts.join(QStringLiteral(" · ")));
}

QString ResultPanel::correctingHint()
{
    return tr("Correcting: type to find the category, change the price or text; Enter saves, Esc cancels");
}

bool ResultPanel::beginCorrection()
{
    if (m_correcting)
        return true;
    if (m_shownId < 0 || !showsResult())
        return false;
    m_correcting = true;
    fillCategoryList();
    m_filling = true;
    m_search->clear();
    m_filling = false;
    m_priceEdit->setValue(m_shown.price.point);
    m_filledPrice = m_priceEdit->value();
    showPages(1);
    m_correct->setText(tr("Cancel"));
    m_correct->setToolTip(tr("Esc"));
    m_accept->setText(tr("Save"));
    m_decision->setText(correctingHint());
    m_search->setFocus();
    return true;
}

void ResultPanel::endCorrection()
{
    if (!m_correcting)
        return;
    m_correcting = false;
    showPages(0);
    m_correct->setText(tr("Correct…"));
    m_correct->setToolTip(tr("C: correct here; Esc cancels"));
    m_accept->setText(tr("Accept"));
}

void ResultPanel::fillCategoryList()
{
    m_filling = true;
    m_categoryList->clear();
    // The model's top three first, with their confidence; then every other, by name.
    QStringList ids;
    for (const CategoryScore &c : std::as_const(m_result.categories))
        ids << c.id;
    QStringList rest = m_categoryIds;
    rest.removeIf([&](const QString &id) { return ids.contains(id); });
    std::sort(rest.begin(), rest.end(), [this](const QString &a, const QString &b) {
        return categoryName(a).localeAwareCompare(categoryName(b)) < 0;
    });
    for (const QString &id : std::as_const(ids)) {
        const auto c = std::find_if(m_result.categories.begin(), m_result.categories.end(), [&](const CategoryScore &x) { return x.id == id; });
        auto *entry = new QListWidgetItem(tr("%1  ·  %2 %").arg(categoryName(id)).arg(qRound(c->confidence * 100)));
        entry->setData(Qt::UserRole, id);
        m_categoryList->addItem(entry);
    }
    for (const QString &id : std::as_const(rest)) {
        auto *entry = new QListWidgetItem(categoryName(id));
        entry->setData(Qt::UserRole, id);
        m_categoryList->addItem(entry);
    }
    for (int row = 0; row < m_categoryList->count(); ++row) {
        if (m_categoryList->item(row)->data(Qt::UserRole).toString() == m_chosenId)
            m_categoryList->setCurrentRow(row);
    }
    m_filling = false;
}

void ResultPanel::filterCategories(const QString &text)
{
    const QString wanted = text.trimmed();
    QListWidgetItem *first = nullptr;
    for (int row = 0; row < m_categoryList->count(); ++row) {
        QListWidgetItem *entry = m_categoryList->item(row);
        const QString id = entry->data(Qt::UserRole).toString();
        const bool match = wanted.isEmpty() || categoryName(id).contains(wanted, Qt::CaseInsensitive)
                           || id.contains(wanted, Qt::CaseInsensitive);
        entry->setHidden(!match);
        if (match && !first)
            first = entry;
    }
    // Typing picks the best match at once (Up / Down for another); nothing matching keeps the choice.
    QListWidgetItem *current = m_categoryList->currentItem();
    if (first && (!current || current->isHidden() || !wanted.isEmpty()))
        m_categoryList->setCurrentItem(first);
}

Decision ResultPanel::draftDecision() const
{
    Decision d;
    d.made = true;
    d.categoryId = m_chosenId;
    d.categoryName = categoryName(m_chosenId);
    d.price = m_shown.price.point;
    d.currency = m_shown.price.currency;
    if (m_correcting && m_priceEdit->value() != m_filledPrice) {
        d.price = m_priceEdit->value();
        d.priceSet = true;
    } else if (!m_correcting && m_decided.made && m_decided.priceSet && m_decided.categoryId == m_chosenId) {
        d.price = m_decided.price; // decided again: the price the moderator set stays
        d.currency = m_decided.currency;
        d.priceSet = true;
    }
    d.title = m_title->text().trimmed();
    d.description = m_description->toPlainText().trimmed();
    d.corrected = d.categoryId != m_result.category.id || d.title != m_result.title || d.description != m_result.description
                  || formatPrice(d.currency, d.price) != formatPrice(m_result.price.currency, m_result.price.point);
    d.at = QDateTime::currentDateTime();
    return d;
}

} // namespace listinglens::ui
