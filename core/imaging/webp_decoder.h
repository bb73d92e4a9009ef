#pragma once

#include "error.h"

#include <QByteArray>

#include <opencv2/core/mat.hpp>
#include <opencv2/core/types.hpp>

namespace listinglens {

// Decodes a still WebP with libwebp straight to 8-bit BGR `factor` times
// smaller on each side (ceil), scaling while it decodes: a lossy image is
// decoded a row of macroblocks at a time, so only its output (and an alpha
// plane, a byte a pixel) is held; a lossless image is held whole as ARGB by
// libwebp (4 bytes a pixel: ImageHeader::workBytes). Alpha is composited
// onto white. A damaged file and an image of another size than `expected`
// (the header's, which the memory check was made for) are Corrupt. Nothing throws.
Result<cv::Mat> decodeWebP(const QByteArray &bytes, int factor, cv::Size expected);

} // namespace listinglens
