#include "photo_reading.h"

#include "jpeg_decoder.h"
#include "photo_text.h"

namespace listinglens {

cv::Mat largerDecode(const ModerationInput &input, int scale)
{
    auto larger = decodeJpeg(input.bytes, scale, qint64(256) << 20);
    return larger ? applyOrientation(larger.value(), input.decoded.header.orientation) : cv::Mat();
}

PhotoText readPhotoText(TextReader &reader, const ModerationInput &input, const ContactOptions &contacts, const BrandList &brands)
{
    const LoadedImage &img = input.decoded;
    if (img.bgr.empty())
        return {};
    PhotoText text = analysePhotoText(reader.read(img.bgr, img.decodeScale, [&](int scale) { return largerDecode(input, scale); }), contacts);
    findBrands(text, brands);
    // A line's margins may reach past the photo's edge: boxes stay on the photo.
    const QRect photo(0, 0, img.width, img.height);
    for (TextLine &line : text.lines)
        line.box &= photo;
    for (FoundContact &c : text.contacts)
        c.box &= photo;
    return text;
}

} // namespace listinglens
