#pragma once

#include "error.h"

#include <QByteArray>

#include <opencv2/core/mat.hpp>

namespace listinglens {

// Decodes a still WebP with libwebp straight to 8-bit BGR `factor` times
// smaller on each side (ceil), scaling while it decodes: a lossy image is
// decoded a row of macroblocks at a time, so only its output (and an alpha
// plane, a byte a pixel) is held; a lossless image is held whole as ARGB by
// libwebp (4 bytes a pixel: ImageHeader::workBytes). Alpha is composited
// onto white. A damaged file is Corrupt. Nothing throws.
Result<cv::Mat> decodeWebP(const QByteArray &bytes, int factor);

} // namespace listinglens
