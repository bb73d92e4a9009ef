#pragma once

#include "moderation_result.h"

#include <QString>

#include <vector>

namespace listinglens {

// The suggested title with the brand read on the photo put in front:
// "Phone" -> "Samsung phone", "Chest of drawers" -> "IKEA chest of drawers".
// `brands` is strongest first (findBrands' order); the first whose list
// category is `categoryId` is used, else the first tied to no category; a
// brand tied to another category is never used. Unchanged when the title is
// empty or already names one of the brands. At most one brand; a sentence-case
// title's first word is lowered after it ("Samsung phone"), a Title Case,
// capitals or iPod-style word is kept. Model numbers are never put in titles.
QString brandedTitle(const QString &title, const std::vector<FoundBrand> &brands, const QString &categoryId);

// The brand that fits `categoryId`: the first tied to it, else the first tied
// to no category; null when none fits (a brand tied to another category never does).
const FoundBrand *brandFor(const std::vector<FoundBrand> &brands, const QString &categoryId);

// Whether `title` has `name` as whole words, ignoring case and the punctuation between words.
bool titleNames(const QString &title, const QString &name);

} // namespace listinglens
