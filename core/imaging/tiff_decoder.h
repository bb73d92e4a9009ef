#pragma once

#include "error.h"

#include <QByteArray>

#include <opencv2/core/mat.hpp>
#include <opencv2/core/types.hpp>

namespace listinglens {

// The memory a TIFF decode takes besides its output: a band of RGBA rows as
// tall as a strip or a tile (the whole width), and libtiff's decoded strip
// or tile beside it. `stripRows`: RowsPerStrip (the height when absent), or
// the tile length of a tiled TIFF (then `tileWidth` > 0).
qint64 tiffWorkBytes(qint64 width, qint64 stripRows, qint64 tileWidth, int samplesPerPixel, int bitsPerSample);

// Decodes a TIFF's first image with libtiff's RGBA interface, a strip or a
// row of tiles at a time, into 8-bit BGR `factor` times smaller on each side
// (AreaReducer), in the order the file stores its rows (its Orientation is
// the caller's to apply). Any layout libtiff converts (grey, palette, RGB,
// CMYK, YCbCr; 1 to 16 bits; strips or tiles; contiguous or planar) is
// read; 32-bit and floating-point samples are refused (UnsupportedFormat).
// Alpha is composited onto white. A band of more than `maxWorkBytes` (a
// header that lies about its strips) is refused (TooManyPixels); an image
// of another size than `expected` (the header's, which the memory check was
// made for) and a damaged file are Corrupt. Nothing throws.
Result<cv::Mat> decodeTiff(const QByteArray &bytes, int factor, qint64 maxWorkBytes, cv::Size expected);

} // namespace listinglens
