#include "correction_dialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLineEdit>
#include <QPlainTextEdit>

namespace listinglens::ui {

CorrectionDialog::CorrectionDialog(const QStringList &categoryIds, const QStringList &categoryNames, const Decision &draft,
                                   QWidget *parent)
    : QDialog(parent), m_draft(draft)
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
    m_price->setValue(draft.price);
    m_title = new QLineEdit(draft.title);
    m_description = new QPlainTextEdit(draft.description);
    m_description->setTabChangesFocus(true);

    auto *form = new QFormLayout(this);
    form->addRow(tr("Category"), m_category);
    form->addRow(tr("Price"), m_price);
    form->addRow(tr("Title"), m_title);
    form->addRow(tr("Description"), m_description);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel);
    form->addRow(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    resize(520, 360);
}

Decision CorrectionDialog::decision() const
{
    Decision d = m_draft;
    d.made = true;
    d.corrected = true;
    d.categoryId = m_category->currentData().toString();
    d.price = m_price->value();
    d.title = m_title->text().trimmed();
    d.description = m_description->toPlainText().trimmed();
    d.at = QDateTime::currentDateTime();
    return d;
}

} // namespace listinglens::ui
