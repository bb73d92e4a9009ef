#pragma once

#include "photo_list_model.h"

#include <QDialog>

class QComboBox;
class QDialogButtonBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;

namespace listinglens::ui {

// Correct a suggestion: any category from the full list, the price, the text.
// Choosing another category asks for the suggestion redone for it
// (categoryChanged); until it is in (setSuggestion) Save waits. Fields the
// moderator has not edited follow the suggestion of the category chosen.
class CorrectionDialog : public QDialog {
    Q_OBJECT
public:
    // suggestion: what the draft started from; when its category is not the
    // draft's, the one for the draft's is on its way.
    CorrectionDialog(const QStringList &categoryIds, const QStringList &categoryNames, const Decision &draft,
                     const PhotoResult &suggestion, QWidget *parent = nullptr);
    Decision decision() const;
    QString categoryId() const;
    // The suggestion for the category chosen (ignored for any other).
    void setSuggestion(const PhotoResult &suggestion);
    // The suggestion for the category chosen is being redone, or (false) could not be.
    void setWaiting(bool waiting);
    const PhotoResult &suggestion() const { return m_suggestion; }

Q_SIGNALS:
    void categoryChanged(const QString &categoryId);

private:
    QComboBox *m_category;
    QDoubleSpinBox *m_price;
    QLineEdit *m_title;
    QPlainTextEdit *m_description;
    QLabel *m_waitNote;
    QDialogButtonBox *m_buttons;
    Decision m_draft;
    PhotoResult m_suggestion;
    double m_filledPrice = 0; // the values the dialog put in: what differs was edited
    QString m_filledTitle;
    QString m_filledDescription;
};

} // namespace listinglens::ui
