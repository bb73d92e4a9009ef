#pragma once

#include "moderation_result.h"
#include "text_reader.h"

#include <QStringList>

#include <vector>

namespace listinglens {

// Contact details line by line (a number is not joined across lines), and
// the marks of stock-photo libraries. A contact in a line's unsure reads
// only is a possible one; lines with no text shown are left out.
PhotoText analysePhotoText(std::vector<TextLine> lines, const ContactOptions &options = {});

// The stock-photo library or copyright mark a line of text carries, or empty.
QString stockMark(const QString &line);

} // namespace listinglens
