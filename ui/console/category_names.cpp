#include "category_names.h"

#include "taxonomy.h"

namespace listinglens::ui {

CategoryNames::CategoryNames()
{
    auto taxonomy = Taxonomy::builtIn();
    if (!taxonomy)
        return; // ids are shown as they are
    for (const Category &c : taxonomy.value().categories()) {
        m_ids << c.id;
        m_names.insert(c.id, c.name);
    }
}

CategoryNames::CategoryNames(const QStringList &ids, const QStringList &names) : m_ids(ids)
{
    for (int i = 0; i < ids.size(); ++i)
        m_names.insert(ids[i], names.value(i).isEmpty() ? ids[i] : names[i]);
}

QString CategoryNames::name(const QString &id) const
{
    return m_names.value(id, id);
}

} // namespace listinglens::ui
