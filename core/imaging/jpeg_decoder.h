#pragma once

#include "error.h"

#include <QByteArray>

#include <opencv2/core/mat.hpp>

namespace listinglens {

// Decodes a 1- or 3-component JPEG to 8-bit BGR at 1/scale (1, 2, 4 or 8)
// with libjpeg, exactly as OpenCV's decoder does (same library, same
// settings), but refusing what OpenCV lets through with a warning: entropy
// data that ends before the image does. A truncated upload with an end-of-
// image marker appended passed the header check and decoded with its lower
// part grey. libjpeg's working memory is capped at maxMemoryBytes (a
// progressive file needs its full-resolution coefficients). Errors are
// Corrupt; nothing throws or longjmps out.
Result<cv::Mat> decodeJpeg(const QByteArray &bytes, int scale, qint64 maxMemoryBytes);

} // namespace listinglens
