#pragma once

#include "photo_list_model.h"

#include <QObject>

#include <functional>

class QDoubleSpinBox;
class QLineEdit;
class QListWidget;
class QPlainTextEdit;
class QWidget;

namespace listinglens::ui {

// The moderator's side of the shown result: the listing's title and
// description (editable whenever a result is shown), and, correcting, a
// picker over every category (the model's top three first, found by typing
// part of a name) and a field for the price. It makes the decision the form
// stands for (draft): what Accept, Save or a correction stores.
//
// Correcting happens in place, so the editor is a set of parts the result
// panel lays out beside the suggestion view's (the picker shares a box with
// the top three, the price field with the price). It tells the panel one
// thing: the moderator picked a category in the picker (categoryChosen).
class CorrectionEditor : public QObject {
    Q_OBJECT
public:
    using CategoryNames = std::function<QString(const QString &id)>;
    // The parts are created as children of `parent` (the panel), which places them.
    CorrectionEditor(CategoryNames names, QWidget *parent);

    QWidget *categoryPicker() const { return m_pickerPage; }
    QDoubleSpinBox *priceField() const { return m_priceEdit; }
    QLineEdit *title() const { return m_title; }
    QPlainTextEdit *description() const { return m_description; }

    // The text of the shown result. `again`: the same result shown again, so
    // a title or description the moderator has edited stays as it is.
    void showText(const QString &title, const QString &description, bool again);
    // The price field's currency; correcting, the suggestion's price unless
    // the moderator typed one (`describing`: a new suggestion is on its way).
    void showPrice(const PriceSuggestion &price, bool describing);
    // A line for the description (what moderation found), unless it is there already.
    void addDetail(const QString &detail);

    // Correcting begins: the picker filled (`top`, then every other of
    // `categoryIds` by name; `chosenId` current), the price field at `price`.
    void begin(const QList<CategoryScore> &top, const QStringList &categoryIds, const QString &chosenId, double price);
    void end();
    bool isCorrecting() const { return m_correcting; }

    // The decision the form shows now, for `chosenId`, against the suggestion
    // (`result`, redone for the category as `shown`) and the photo's
    // decision so far (`decided`).
    Decision draft(const QString &chosenId, const PhotoResult &result, const PhotoResult &shown, const Decision &decided) const;

Q_SIGNALS:
    void categoryChosen(const QString &categoryId);

private:
    void buildPicker(QWidget *parent);
    void buildFields(QWidget *parent);
    void fillPicker(const QList<CategoryScore> &top, const QStringList &categoryIds);
    void filterCategories(const QString &text);
    void fillPrice(double price); // the form's figure, not the moderator's

    CategoryNames m_names;
    QString m_chosenId;         // the category the picker has current
    bool m_filling = false;     // the form is being filled, not changed by the moderator
    bool m_correcting = false;
    QString m_filledTitle;      // the text the form put in: what differs was edited by the moderator
    QString m_filledDescription;
    double m_filledPrice = 0;   // what the price field was filled with: a different value was typed
    bool m_priceTyped = false;  // typed into since filled, whatever the figure

    QWidget *m_pickerPage = nullptr;
    QLineEdit *m_search = nullptr;
    QListWidget *m_categoryList = nullptr;
    QDoubleSpinBox *m_priceEdit = nullptr;
    QLineEdit *m_title = nullptr;
    QPlainTextEdit *m_description = nullptr;
};

} // namespace listinglens::ui
