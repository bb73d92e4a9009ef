#pragma once

#include "photo_list_model.h"

#include <QObject>

#include <functional>

class QButtonGroup;
class QLabel;
class QListWidget;
class QProgressBar;
class QRadioButton;
class QWidget;

namespace listinglens::ui {

class ModerationBox;

// What the model suggests for the shown photo, read-only: the top three
// categories with their confidence and the model (and category head) behind
// them, the price with its range and basis, where the title's words came
// from, the photo's quality and what moderation found on it, and what to ask
// the seller for. Every figure is the final one: once decided, the
// decision's price and who set it.
//
// Correcting happens in place, so the view is a set of parts the result
// panel lays out beside the correction editor's (choices() shares a box with
// the category picker, price() with the price field). It tells the panel two
// things only: the moderator picked one of the top three (categoryChosen),
// and offered a detail of moderation's findings for the text (detailOffered).
class SuggestionView : public QObject {
    Q_OBJECT
public:
    using CategoryNames = std::function<QString(const QString &id)>;
    // The parts are created as children of `parent` (the panel), which places them.
    SuggestionView(CategoryNames names, QWidget *parent);

    QWidget *choices() const { return m_choicesPage; } // the top three, the category chosen outside them, the model line
    QLabel *review() const { return m_review; }
    QWidget *badges() const { return m_badges; }
    ModerationBox *moderation() const { return m_moderation; }
    QLabel *price() const { return m_price; }
    QLabel *priceBasis() const { return m_priceBasis; }
    QLabel *titleEvidence() const { return m_titleBasis; }
    QWidget *hints() const { return m_hintsColumn; }

    // A classified photo's suggestion, `chosenId` checked when it is one of
    // the top three. `again`: the same photo shown again (what the moderator
    // ticked in the checklist stays).
    void showItem(const PhotoItem &item, const QString &chosenId, const QString &duplicateOfName, bool again);

    int selectedChoice() const;    // -1: none of the top three
    void selectChoice(int choice); // 0..2, when shown

    // Where the suggested title's words came from ("From Samsung: read on the photo · phone: the category"); empty for a stored result.
    static QString titleEvidenceInWords(const PhotoResult &result);

Q_SIGNALS:
    void categoryChosen(const QString &categoryId);
    void detailOffered(const QString &detail);

private:
    void buildChoices(QWidget *parent);
    void buildFindings(QWidget *parent);
    void buildPriceAndText(QWidget *parent);
    void showCategories(const PhotoResult &r, const QString &chosenId);
    void showPrice(const PhotoItem &item, const QString &chosenId);
    void showBadges(const PhotoItem &item, const QString &duplicateOfName);
    void showHints(const QStringList &hints, bool again);

    CategoryNames m_names;
    QList<CategoryScore> m_categories; // the top three shown, as the model gave them
    bool m_filling = false;            // the choices are being set, not picked by the moderator

    QWidget *m_choicesPage = nullptr;
    QRadioButton *m_choice[3] = {};
    QProgressBar *m_bar[3] = {};
    QButtonGroup *m_choices = nullptr;
    QLabel *m_otherChoice = nullptr; // the category chosen when it is none of the top three
    QLabel *m_model = nullptr;
    QLabel *m_review = nullptr;
    QWidget *m_badges = nullptr;
    ModerationBox *m_moderation = nullptr;
    QLabel *m_price = nullptr;
    QLabel *m_priceBasis = nullptr;
    QLabel *m_titleBasis = nullptr;
    QWidget *m_hintsColumn = nullptr;
    QListWidget *m_hints = nullptr;
};

} // namespace listinglens::ui
