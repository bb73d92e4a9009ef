#pragma once

#include "moderation_result.h"
#include "text_reader.h"

#include <QStringList>

#include <vector>

namespace listinglens {

// Contact details line by line (a number is not joined across lines), and
// the marks of stock-photo libraries.
PhotoText analysePhotoText(std::vector<TextLine> lines, const ContactOptions &options = {});

// The stock-photo library or copyright mark a line of text carries, or empty.
QString stockMark(const QString &line);

} // namespace listinglens
