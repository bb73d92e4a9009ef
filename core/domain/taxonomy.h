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
    bool catchAll = false; // "other": a photo landing here is outside the taxonomy
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
    // The categories' ids in order, one per line, hashed: what a category head
    // was trained for (a head for other categories cannot be used).
    QString fingerprint() const;
    QStringList ids() const;

    // Calibration of the built-in mapping ("calibration" in the JSON): the
    // category mass summed from the model's classes is raised to 1/temperature
    // and normalised, so that its confidence matches its accuracy on real
    // listing photos. The order of categories does not change.
    double temperature() const { return m_temperature; }
    // The calibrated distribution over categories() from the model's class probabilities.
    std::vector<double> categoryProbabilities(const float *classProbabilities, int classes) const;
    // The same from a category mass already summed (uncalibrated).
    std::vector<double> calibrated(std::vector<double> mass) const;
    // The listing-friendly name of a model class ("label_names"), or fallback.
    QString listingName(int classIndex, const QString &fallback) const;

    // Every class in [0, classCount) must map to a category.
    Result<bool> checkCovers(int classCount) const;

private:
    std::vector<Category> m_categories;
    std::vector<int> m_classToCategory;
    QHash<int, QString> m_listingNames;
    bool m_sample = false;
    double m_temperature = 1.0;
};

} // namespace listinglens
