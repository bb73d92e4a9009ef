#include "correction_dialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>

namespace listinglens::ui {

CorrectionDialog::CorrectionDialog(const QStringList &categoryIds, const QStringList &categoryNames, const Decision &draft,
                                   const PhotoResult &suggestion, QWidget *parent)
    : QDialog(parent), m_draft(draft), m_suggestion(suggestion)
{
    setWindowTitle(tr("Correct the suggestion"));
    m_category = new QComboBox;
    for (qsizetype i = 0; i < categoryIds.size(); ++i)
        m_category->addItem(categoryNames.value(i), categoryIds[i]);
    m_category->setCurrentIndex(std::max(0, int(categoryIds.indexOf(draft.categoryId))));
    m_price = new QDoubleSpinBox;
    m_price->setRange(0, 10'000'000);
    m_price->setDecimals(2);
    m_price->setSuffix(QLatin1Char(' ') + draft.currency);
    m_price->setValue(suggestion.price.point);
    m_filledPrice = m_price->value(); // as the spin box rounds it
    m_price->setValue(draft.price);
    m_title = new QLineEdit(draft.title);
    m_description = new QPlainTextEdit(draft.description);
    m_description->setTabChangesFocus(true);
    m_filledTitle = suggestion.title;
    m_filledDescription = suggestion.description;
    m_waitNote = new QLabel(tr("Redoing the price and text for this category…"));
    m_waitNote->setEnabled(false);

    auto *form = new QFormLayout(this);
    form->addRow(tr("Category"), m_category);
    form->addRow(tr("Price"), m_price);
    form->addRow(tr("Title"), m_title);
    form->addRow(tr("Description"), m_description);
    form->addRow(m_waitNote);
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel);
    form->addRow(m_buttons);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_category, &QComboBox::currentIndexChanged, this, [this] { Q_EMIT categoryChanged(categoryId()); });
    setWaiting(categoryId() != suggestion.category.id);
    resize(520, 360);
}

QString CorrectionDialog::categoryId() const
{
    return m_category->currentData().toString();
}

void CorrectionDialog::setSuggestion(const PhotoResult &suggestion)
{
    if (suggestion.category.id != categoryId())
        return; // for a category chosen before
    if (m_price->value() == m_filledPrice)
        m_price->setValue(suggestion.price.point);
    m_filledPrice = m_price->value();
    if (m_title->text() == m_filledTitle)
        m_title->setText(suggestion.title);
    m_filledTitle = suggestion.title;
    if (m_description->toPlainText() == m_filledDescription)
        m_description->setPlainText(suggestion.description);
    m_filledDescription = suggestion.description;
    m_suggestion = suggestion;
    setWaiting(false);
}

void CorrectionDialog::setWaiting(bool waiting)
{
    m_waitNote->setVisible(waiting);
    m_buttons->button(QDialogButtonBox::Save)->setEnabled(!waiting);
}

Decision CorrectionDialog::decision() const
{
    Decision d = m_draft;
    d.made = true;
    d.corrected = true;
    d.categoryId = categoryId();
    d.price = m_price->value();
    d.title = m_title->text().trimmed();
    d.description = m_description->toPlainText().trimmed();
    d.at = QDateTime::currentDateTime();
    return d;
}

} // namespace listinglens::ui
