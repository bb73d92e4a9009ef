#pragma once

// The errors every decoder gives alike (image_loader, png_decoder,
// webp_decoder, tiff_decoder), worded in one place.

#include "error.h"
#include "image_header.h"

#include <opencv2/core/types.hpp>

namespace listinglens {

// Data the format's library could not decode: damaged, truncated or hostile.
inline Error undecodable(ImageFormat format)
{
    return {ErrorCode::Corrupt,
            QStringLiteral("the %1 data could not be decoded (damaged file?)").arg(imageFormatName(format).toUpper())};
}

// The library reads another size than the header check was made for.
inline Error sizeOtherThanHeader(const QString &name, qint64 width, qint64 height, const cv::Size &expected)
{
    return {ErrorCode::Corrupt, QStringLiteral("the %1's image is %2 x %3 pixels, its header says %4 x %5")
                                    .arg(name).arg(width).arg(height).arg(expected.width).arg(expected.height)};
}

} // namespace listinglens
