#pragma once

#include "error.h"

#include <QtGlobal>

#include <cstddef>
#include <cstdint>
#include <span>

namespace listinglens {

enum class ImageFormat { Jpeg, Png, WebP, Bmp, Tiff };

QString imageFormatName(ImageFormat format);

// What the container header says, read without decoding any pixels.
struct ImageHeader {
    ImageFormat format = ImageFormat::Jpeg;
    int width = 0;             // as stored, before EXIF orientation
    int height = 0;
    int bitsPerSample = 8;
    int channels = 3;          // 4 for CMYK JPEG/TIFF
    bool hasAlpha = false;
    int orientation = 1;       // EXIF orientation 1..8 (1 when absent or invalid)
    qint64 workBytes = 0;      // a decoder buffer beyond the pixels (a TIFF strip or tile, a lossless WebP canvas)

    // Bytes of the pixels a decoder produces at 1/scale of each side:
    // width x height x channels (alpha included) x bytes per sample, plus workBytes.
    qint64 decodedBytes(int scale = 1) const;

    bool swapsAxes() const { return orientation >= 5; }
    int displayWidth() const { return swapsAxes() ? height : width; }
    int displayHeight() const { return swapsAxes() ? width : height; }
};

// Identifies the format by its signature and reads dimensions, depth, alpha and
// orientation. Fails with UnsupportedFormat for unknown signatures and Corrupt
// for a known format whose header is malformed or whose data is cut short
// (a JPEG without its end-of-image marker).
Result<ImageHeader> readImageHeader(std::span<const std::uint8_t> data);

} // namespace listinglens
