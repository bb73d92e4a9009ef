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

} // namespace listinglens
