#pragma once

#include "photo_result.h"

#include <QString>

namespace listinglens::ui {

// What the presentation card says above a listing's title, empty when nothing:
// that the photo duplicates a listing already stored (for review, not a new
// listing), and that the title is a seller's own, taken from a similar listing,
// not one written from this photo.
QString cardNote(const PhotoResult &result);

} // namespace listinglens::ui
