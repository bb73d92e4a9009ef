#pragma once

#include "taxonomy.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QString>

#include <vector>

namespace listinglens {

// Top-1 answers on the validation split, one entry per validation listing:
// what `model train` reports per category and what --activate judges.
struct ValidationOutcome {
    std::vector<int> truth;    // the confirmed category
    std::vector<int> head;     // the new head's top-1
    std::vector<int> builtin;  // the built-in mapping's top-1 (empty when it is unknown)
};

// A category "the mapping knows": at least one model class maps to it.
std::vector<bool> mappedCategories(const Taxonomy &taxonomy);

// Per category: examples, training and validation counts, learned, top-1 of
// the head and of the built-in mapping on its validation listings.
QJsonObject perCategoryReport(const Taxonomy &taxonomy, const std::vector<int> &trainCount, const std::vector<bool> &learned,
                              const ValidationOutcome &outcome);
// The five (category, suggested) pairs most often confused.
QJsonArray mostConfused(const Taxonomy &taxonomy, const ValidationOutcome &outcome);

// Whether a head loses to the built-in mapping on the categories the mapping
// knows, judged on validation listings (which it was not trained on) by an
// exact one-sided sign test on the listings where only one of the two is
// right: pooled over those categories (p < 0.05), and per category (p < 0.05
// divided by the number of categories tested).
struct MappedVerdict {
    bool loses = false;
    QString words;        // why, with the figures (empty when it does not lose)
    QJsonObject json;     // pooled and per-category figures
};
MappedVerdict judgeMappedCategories(const Taxonomy &taxonomy, const ValidationOutcome &outcome);

// P(X >= k) for X ~ Binomial(n, 1/2).
double signTestP(int k, int n);

} // namespace listinglens
