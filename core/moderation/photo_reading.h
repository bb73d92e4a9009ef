#pragma once

#include "brand_list.h"
#include "contact_details.h"
#include "image_loader.h"
#include "moderation_result.h"
#include "text_reader.h"

#include <QByteArray>

namespace listinglens {

// What the lane reads: the photo as the model's decode saw it, and its bytes
// for a larger decode of small text.
struct ModerationInput {
    LoadedImage decoded;
    QByteArray bytes;
    int thumbnailSide = 0; // > 0: make the stored thumbnail, faces blurred
};

// The photo decoded at 1/scale, orientation applied, within the loader's
// memory bound; empty when it cannot be (not a JPEG: the reduced decode of
// other formats is already full size).
cv::Mat largerDecode(const ModerationInput &input, int scale);

// Text, contacts, stock marks and brands of one photo, on the calling
// thread, as the lane reads them; boxes kept on the photo.
PhotoText readPhotoText(TextReader &reader, const ModerationInput &input, const ContactOptions &contacts,
                        const BrandList &brands = BrandList::builtin());

} // namespace listinglens
