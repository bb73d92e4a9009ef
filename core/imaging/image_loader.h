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
    // output and work buffers (a band of TIFF strips or tiles, libwebp's
    // lossless canvas), a rotated copy. PNG, lossy WebP and TIFF in small
    // strips take little more than their reduced output whatever their
    // size; a lossless WebP takes 4 bytes a pixel (about 64 MP fit).
    qint64 maxDecodedBytes = 256LL * 1024 * 1024;
    // The same for a JPEG, which libjpeg is held to while it decodes: a
    // progressive JPEG holds its coefficients (2 to 6 bytes a pixel: 4:4:4
    // up to about 70 MP, 4:2:0 up to 100 MP fit), a full-size decode its
    // picture beside a rotated copy (6 bytes a pixel).
    qint64 maxJpegDecodedBytes = 400LL * 1024 * 1024;
    // Neither a JPEG's work (scans; jpeg_decoder.h) nor a PNG's (deflate data
    // that inflates a thousandfold) is bounded by its pixels: past this their
    // decode stops. WebP, TIFF and BMP cost time in proportion to pixels.
    int maxDecodeMs = 10'000;
    int minSide = 32;                         // smallest side, in pixels
    int maxAspect = 50;                       // the long side at most this many times the short (no photo is thinner)
    // JPEGs are decoded at 1/2, 1/4 or 1/8 scale (libjpeg DCT scaling) as long as
    // the shorter side stays at least this long. 0 decodes at full size.
    int targetShortSide = 256;
    // Other formats cannot be decoded again larger at little cost, so they are
    // decoded once at the largest size a caller reads (the moderation lane's
    // ReadLimits::maxPixels): reduced by the smallest whole factor that brings
    // them within this many pixels, the rows averaged as the decoder produces
    // them (AreaReducer), never the full resolution held. 0: full size.
    qint64 maxReducedPixels = 4'000'000;
};

struct LoadedImage {
    cv::Mat bgr;            // 8-bit, 3 channels, BGR, EXIF orientation applied
    ImageHeader header;     // as read from the file
    int width = 0;          // full-resolution size as displayed (orientation applied)
    int height = 0;
    int decodeScale = 1;    // bgr is about width/decodeScale wide: 1, 2, 4 or 8 for a JPEG, any whole factor otherwise
    qint64 byteSize = 0;
};

// Decodes photos safely: every failure is an Error with a stable code, nothing
// throws, and no decode takes more memory than maxDecodedBytes (a JPEG
// maxJpegDecodedBytes; checked from
// the header before decoding; libjpeg and libtiff are held to it while
// decoding). JPEGs go through libjpeg (jpeg_decoder.h), PNG, WebP and TIFF
// through their own libraries a row at a time (png_decoder.h,
// webp_decoder.h, tiff_decoder.h), BMP through OpenCV (at most kMaxBmpPixels).
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

// A BMP is decoded whole by OpenCV, then reduced: an uncompressed one within
// the 30 MiB file limit is at most about 10 MP, an RLE one can declare many
// pixels in few bytes. Larger ones are refused (TooManyPixels).
inline constexpr qint64 kMaxBmpPixels = 16'000'000;

// The whole factor loadBytes() reduces each side by: for a JPEG 1, 2, 4 or 8
// (its short side kept at targetShortSide or more), for the other formats
// the smallest that brings the picture within maxReducedPixels.
int decodeScaleFor(const ImageHeader &header, const LoadLimits &limits);

// The most memory loadBytes() takes at once for this header at 1/scale: the
// decoder's output (8-bit BGR, or BGRA before compositing) beside its work
// buffers, then the picture beside its rotated copy.
qint64 decodePeakBytes(const ImageHeader &header, int scale);

// Applies an EXIF orientation (1..8) so the image reads as displayed.
cv::Mat applyOrientation(const cv::Mat &image, int orientation);

// The decoded (often already reduced) pixels as a JPEG no longer than
// `side` (previews and thumbnails); empty when it cannot be encoded.
QByteArray encodePreview(const cv::Mat &bgr, int side);

} // namespace listinglens
