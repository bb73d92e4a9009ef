#pragma once

#include "error.h"
#include "image_header.h"

#include <QByteArray>
#include <QString>

#include <opencv2/core/mat.hpp>

namespace listinglens {

struct LoadLimits {
    qint64 maxFileBytes = 30LL * 1024 * 1024; // 30 MiB
    qint64 maxPixels = 100'000'000;           // from the header, before decoding
    // The most memory one decode may take at once, every decoder alike: its
    // output and work buffers (a TIFF strip, libjpeg's coefficients, libwebp's
    // canvas), the conversion to 8-bit BGR beside them, a rotated copy.
    // 100 MP of 8-bit RGB fits, 100 MP of 16-bit RGBA (800 MB) does not.
    qint64 maxDecodedBytes = 400LL * 1024 * 1024;
    // A JPEG's work is not bounded by its pixels (scans; jpeg_decoder.h): past
    // this its decode stops. Other formats cost time in proportion to pixels.
    int maxDecodeMs = 10'000;
    int minSide = 32;                         // smallest side, in pixels
    // JPEGs are decoded at 1/2, 1/4 or 1/8 scale (libjpeg DCT scaling) as long as
    // the shorter side stays at least this long. 0 decodes at full size.
    int targetShortSide = 256;
};

struct LoadedImage {
    cv::Mat bgr;            // 8-bit, 3 channels, BGR, EXIF orientation applied
    ImageHeader header;     // as read from the file
    int width = 0;          // full-resolution size as displayed (orientation applied)
    int height = 0;
    int decodeScale = 1;    // 1, 2, 4 or 8: bgr is about width/decodeScale wide
    qint64 byteSize = 0;
};

// Decodes photos safely: every failure is an Error with a stable code, nothing
// throws, and no decode takes more memory than maxDecodedBytes (checked from
// the header before decoding; libjpeg is held to it while decoding).
// Thread-safe (no shared state).
class ImageLoader {
public:
    explicit ImageLoader(LoadLimits limits = {}) : m_limits(limits) {}

    const LoadLimits &limits() const { return m_limits; }

    Result<LoadedImage> loadFile(const QString &path) const;
    // The file's bytes, refused (too_large, empty, io_error) before reading when the size is wrong.
    Result<QByteArray> readFile(const QString &path) const;
    Result<LoadedImage> loadBytes(const QByteArray &bytes) const;

    // Header-only check (size, format, pixel limits) without decoding.
    Result<ImageHeader> inspect(const QByteArray &bytes) const;

private:
    LoadLimits m_limits;
};

// The most memory loadBytes() takes at once for this header at 1/scale: the
// decoder's output beside its work buffers, then beside the 8-bit BGR picture
// converted from it, then that picture beside its rotated copy.
qint64 decodePeakBytes(const ImageHeader &header, int scale);

// Applies an EXIF orientation (1..8) so the image reads as displayed.
cv::Mat applyOrientation(const cv::Mat &image, int orientation);

// The decoded (often already reduced) pixels as a JPEG no longer than
// `side` (previews and thumbnails); empty when it cannot be encoded.
QByteArray encodePreview(const cv::Mat &bgr, int side);

} // namespace listinglens
