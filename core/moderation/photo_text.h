#pragma once

#include "contact_details.h"
#include "text_reader.h"

#include <QStringList>

#include <vector>

namespace listinglens {

// What the text read off a photo means for moderation.
struct FoundContact {
    ContactDetail detail;
    QRect box; // the part of its line's box it takes, in the photo's pixels
};

struct PhotoText {
    std::vector<TextLine> lines;
    std::vector<FoundContact> contacts;
    QStringList stockMarks; // "shutterstock", "©"...

    // contact_details and/or stock_photo_text, for quality.flags.
    QStringList flags() const;
};

// Contact details line by line (a number is not joined across lines), and
// the marks of stock-photo libraries.
PhotoText analysePhotoText(std::vector<TextLine> lines, const ContactOptions &options = {});

// The stock-photo library or copyright mark a line of text carries, or empty.
QString stockMark(const QString &line);

} // namespace listinglens
