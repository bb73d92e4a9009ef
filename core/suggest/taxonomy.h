#pragma once

#include "error.h"

#include <QHash>
#include <QString>

#include <vector>

namespace listinglens {

struct PricePrior {
    QString currency;
    double p25 = 0;
    double median = 0;
    double p75 = 0;
};

struct Category {
    QString id;          // stable id, e.g. "phones"
    QString name;        // display name, e.g. "Phones & tablets"
    QString noun;        // generic noun for titles, e.g. "phone"
    QString detailsHint; // what a seller should add to the description
    PricePrior prior;
};

// The marketplace categories and how model classes map onto them
// (resources/taxonomy.json by default; a market can supply its own).
class Taxonomy {
public:
    static Result<Taxonomy> fromJson(const QByteArray &json);
    static Result<Taxonomy> fromFile(const QString &path);
    static Result<Taxonomy> builtIn();

    const std::vector<Category> &categories() const { return m_categories; }
    // Index into categories() for a model class, or -1 when unmapped.
    int categoryOfClass(int classIndex) const;
    int classCount() const { return int(m_classToCategory.size()); }
    const Category *find(const QString &id) const;
    int indexOf(const QString &id) const;
    bool isSampleConfiguration() const { return m_sample; }
    // The listing-friendly name of a model class ("label_names"), or fallback.
    QString listingName(int classIndex, const QString &fallback) const;

    // Every class in [0, classCount) must map to a category.
    Result<bool> checkCovers(int classCount) const;

private:
    std::vector<Category> m_categories;
    std::vector<int> m_classToCategory;
    QHash<int, QString> m_listingNames;
    bool m_sample = false;
};

} // namespace listinglens
