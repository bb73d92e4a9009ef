#pragma once

#include <QHash>
#include <QStringList>

namespace listinglens::ui {

// Display names of the categories for the console pages ("Phones & tablets",
// not "phones"). Starts with the built-in taxonomy's names, so the pages read
// well before a model is loaded, and takes the loaded taxonomy's when the
// session has one. An id it does not know (a category of an older taxonomy
// still in the database) is shown as the id itself.
class CategoryNames {
public:
    CategoryNames();
    CategoryNames(const QStringList &ids, const QStringList &names);

    QString name(const QString &id) const;
    QStringList ids() const { return m_ids; }

private:
    QStringList m_ids;
    QHash<QString, QString> m_names;
};

} // namespace listinglens::ui
