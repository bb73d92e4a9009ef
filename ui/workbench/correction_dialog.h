#pragma once

#include "photo_list_model.h"

#include <QDialog>

class QComboBox;
class QDoubleSpinBox;
class QLineEdit;
class QPlainTextEdit;

namespace listinglens::ui {

// Correct a suggestion: any category from the full list, the price, the text.
class CorrectionDialog : public QDialog {
    Q_OBJECT
public:
    CorrectionDialog(const QStringList &categoryIds, const QStringList &categoryNames, const Decision &draft,
                     QWidget *parent = nullptr);
    Decision decision() const;

private:
    QComboBox *m_category;
    QDoubleSpinBox *m_price;
    QLineEdit *m_title;
    QPlainTextEdit *m_description;
    Decision m_draft;
};

} // namespace listinglens::ui
