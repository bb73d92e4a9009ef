#include "image_loader.h"

#include "decode_errors_p.h"
#include "jpeg_decoder.h"
#include "logging.h"
#include "png_decoder.h"
#include "sqlite_files.h"
#include "tiff_decoder.h"
#include "webp_decoder.h"

#include <QFile>
#include <QFileInfo>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <span>

namespace listinglens {

namespace {

QString megabytes(qint64 bytes)
{
    return QString::number(double(bytes) / (1024.0 * 1024.0), 'f', 1) + QStringLiteral(" MiB");
}

// A BMP through OpenCV at full size (kMaxBmpPixels at most), then reduced.
Result<cv::Mat> decodeBmp(const QByteArray &bytes, int factor)
{
    const cv::Mat raw(1, int(bytes.size()), CV_8U, const_cast<char *>(bytes.constData()));
    cv::Mat decoded = cv::imdecode(raw, cv::IMREAD_COLOR | cv::IMREAD_IGNORE_ORIENTATION);
    if (decoded.empty())
        return undecodable(ImageFormat::Bmp);
    if (factor <= 1)
        return decoded;
    cv::Mat reduced;
    cv::resize(decoded, reduced, cv::Size((decoded.cols + factor - 1) / factor, (decoded.rows + factor - 1) / factor), 0, 0,
               cv::INTER_AREA);
    return reduced;
}

// The decoder's output, 8-bit BGR at 1/scale, alpha composited onto white.
// JPEGs through libjpeg, held to the budget and the deadline; PNG, WebP and
// TIFF a row at a time, never at full resolution unless it is what they ask.
Result<cv::Mat> decodePixels(const QByteArray &bytes, const ImageHeader &h, int scale, const LoadLimits &limits)
{
    switch (h.format) {
    case ImageFormat::Jpeg: {
        const JpegBudget budget{limits.maxJpegDecodedBytes,
                                std::chrono::steady_clock::now() + std::chrono::milliseconds(limits.maxDecodeMs)};
        return decodeJpeg(bytes, scale, budget);
    }
    case ImageFormat::Png:
        return decodePng(bytes, scale, cv::Size(h.width, h.height),
                         std::chrono::steady_clock::now() + std::chrono::milliseconds(limits.maxDecodeMs));
    case ImageFormat::WebP: return decodeWebP(bytes, scale, cv::Size(h.width, h.height));
    case ImageFormat::Tiff: return decodeTiff(bytes, scale, limits.maxDecodedBytes, cv::Size(h.width, h.height));
    case ImageFormat::Bmp: return decodeBmp(bytes, scale);
    }
    return Error{ErrorCode::UnsupportedFormat, QStringLiteral("not a supported image")};
}

} // namespace

int decodeScaleFor(const ImageHeader &h, const LoadLimits &limits)
{
    if (h.format == ImageFormat::Jpeg) {
        const int shortSide = std::min(h.width, h.height);
        for (int scale : {8, 4, 2}) {
            if (limits.targetShortSide > 0 && shortSide / scale >= limits.targetShortSide)
                return scale;
        }
        return 1;
    }
    if (limits.maxReducedPixels <= 0)
        return 1;
    const auto pixelsAt = [&h](qint64 f) { return ((h.width + f - 1) / f) * ((h.height + f - 1) / f); };
    const double pixels = double(h.width) * double(h.height);
    int f = std::max(1, int(std::sqrt(pixels / double(limits.maxReducedPixels))));
    while (f > 1 && pixelsAt(f - 1) <= limits.maxReducedPixels)
        --f;
    while (pixelsAt(f) > limits.maxReducedPixels && f < std::max(h.width, h.height))
        ++f;
    return f;
}

qint64 decodePeakBytes(const ImageHeader &h, int scale)
{
    ImageHeader bgr = h; // the 8-bit BGR picture every decoder hands over
    bgr.channels = 3;
    bgr.bitsPerSample = 8;
    bgr.hasAlpha = false;
    bgr.workBytes = 0;
    const qint64 picture = bgr.decodedBytes(scale);
    qint64 decoding = picture + h.workBytes;
    if (h.format == ImageFormat::WebP && h.hasAlpha)
        decoding += bgr.decodedBytes(scale) / 3 * 4; // premultiplied BGRA before compositing
    else if (h.format == ImageFormat::Bmp)
        decoding += bgr.decodedBytes(1); // decoded whole, then reduced
    else if (h.format == ImageFormat::Png)
        decoding += qint64(std::min(h.width, 1 << 24)) * 16; // a row of sums and a decoded row
    const qint64 rotating = h.swapsAxes() ? 2 * picture : picture;
    return std::max(decoding, rotating);
}

cv::Mat applyOrientation(const cv::Mat &image, int orientation)
{
    cv::Mat out;
    switch (orientation) {
    case 2: cv::flip(image, out, 1); break;
    case 3: cv::flip(image, out, -1); break;
    case 4: cv::flip(image, out, 0); break;
    case 5: cv::transpose(image, out); break;
    case 6: cv::transpose(image, out); cv::flip(out, out, 1); break;
    case 7: cv::transpose(image, out); cv::flip(out, out, -1); break;
    case 8: cv::transpose(image, out); cv::flip(out, out, 0); break;
    default: return image;
    }
    return out;
}

Result<LoadedImage> ImageLoader::loadFile(const QString &path) const
{
    auto bytes = readFile(path);
    if (!bytes)
        return bytes.error();
    return loadBytes(bytes.value());
}

Result<QByteArray> ImageLoader::readFile(const QString &path) const
{
    const QFileInfo info(path);
    if (!info.exists())
        return Error{ErrorCode::IoError, QStringLiteral("file not found: %1").arg(path)};
    if (info.isDir())
        return Error{ErrorCode::IoError, QStringLiteral("%1 is a folder, not a photo").arg(path)};
    if (isOpenSqliteFile(path)) // opening it would drop SQLite's locks (sqlite_files.h)
        return Error{ErrorCode::UnsupportedFormat,
                     QStringLiteral("%1 is ListingLens's open database, not a photo").arg(info.fileName())};
    if (info.size() == 0)
        return Error{ErrorCode::Empty, QStringLiteral("the file is empty")};
    if (info.size() > m_limits.maxFileBytes)
        return Error{ErrorCode::TooLarge, QStringLiteral("the file is %1, over the %2 limit")
                                              .arg(megabytes(info.size()), megabytes(m_limits.maxFileBytes))};
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Error{ErrorCode::IoError, QStringLiteral("cannot read %1: %2").arg(path, file.errorString())};
    QByteArray bytes = file.readAll();
    if (file.error() != QFileDevice::NoError)
        return Error{ErrorCode::IoError, QStringLiteral("cannot read %1: %2").arg(path, file.errorString())};
    return bytes;
}

Result<ImageHeader> ImageLoader::inspect(const QByteArray &bytes) const
{
    if (bytes.isEmpty())
        return Error{ErrorCode::Empty, QStringLiteral("the file is empty")};
    if (bytes.size() > m_limits.maxFileBytes)
        return Error{ErrorCode::TooLarge, QStringLiteral("the photo is %1, over the %2 limit")
                                              .arg(megabytes(bytes.size()), megabytes(m_limits.maxFileBytes))};
    const std::span<const std::uint8_t> data(reinterpret_cast<const std::uint8_t *>(bytes.constData()),
                                             std::size_t(bytes.size()));
    auto header = readImageHeader(data);
    if (!header)
        return header;
    const ImageHeader &h = header.value();
    const qint64 pixels = qint64(h.width) * qint64(h.height);
    if (pixels > m_limits.maxPixels)
        return Error{ErrorCode::TooManyPixels,
                     QStringLiteral("the photo is %1 x %2 pixels (%3 MP), over the %4 MP limit")
                         .arg(h.width).arg(h.height)
                         .arg(double(pixels) / 1e6, 0, 'f', 1)
                         .arg(double(m_limits.maxPixels) / 1e6, 0, 'f', 0)};
    if (h.format == ImageFormat::Bmp && pixels > kMaxBmpPixels)
        return Error{ErrorCode::TooManyPixels,
                     QStringLiteral("the BMP is %1 x %2 pixels (%3 MP); BMPs over %4 MP are not supported, send it as PNG or JPEG")
                         .arg(h.width).arg(h.height)
                         .arg(double(pixels) / 1e6, 0, 'f', 1)
                         .arg(double(kMaxBmpPixels) / 1e6, 0, 'f', 0)};
    const qint64 decoded = decodePeakBytes(h, decodeScaleFor(h, m_limits));
    const qint64 budget = h.format == ImageFormat::Jpeg ? m_limits.maxJpegDecodedBytes : m_limits.maxDecodedBytes;
    if (decoded > budget)
        return Error{ErrorCode::TooManyPixels,
                     QStringLiteral("the photo is %1 x %2 pixels of %3 channel(s) at %4 bits; decoded it would take %5, over the %6 limit")
                         .arg(h.width).arg(h.height).arg(h.channels + (h.hasAlpha ? 1 : 0)).arg(h.bitsPerSample)
                         .arg(megabytes(decoded), megabytes(budget))};
    if (std::min(h.width, h.height) < m_limits.minSide)
        return Error{ErrorCode::TooSmall, QStringLiteral("the photo is %1 x %2 pixels; it needs at least %3 pixels on each side")
                                              .arg(h.width).arg(h.height).arg(m_limits.minSide)};
    if (std::max(h.width, h.height) > qint64(m_limits.maxAspect) * std::min(h.width, h.height))
        return Error{ErrorCode::TooSmall, QStringLiteral("the photo is %1 x %2 pixels; its short side must be at least 1/%3 of its long side")
                                              .arg(h.width).arg(h.height).arg(m_limits.maxAspect)};
    return header;
}

Result<LoadedImage> ImageLoader::loadBytes(const QByteArray &bytes) const
{
    auto header = inspect(bytes);
    if (!header)
        return header.error();
    const ImageHeader &h = header.value();

    LoadedImage out;
    out.header = h;
    out.byteSize = bytes.size();
    out.width = h.displayWidth();
    out.height = h.displayHeight();
    out.decodeScale = decodeScaleFor(h, m_limits);

    try {
        auto decoded = decodePixels(bytes, h, out.decodeScale, m_limits);
        if (!decoded)
            return decoded.error();
        // Only a rotation copies: the budget counts the picture twice then.
        cv::Mat picture = std::move(decoded).value();
        if (h.orientation >= 2 && h.orientation <= 4) // a flip works in place: only a rotation copies
            cv::flip(picture, picture, h.orientation == 2 ? 1 : h.orientation == 3 ? -1 : 0);
        else
            picture = applyOrientation(picture, h.orientation);
        out.bgr = picture;
    } catch (const cv::Exception &e) {
        qCWarning(lcImage) << "OpenCV refused an image:" << e.what();
        return undecodable(h.format);
    } catch (const std::exception &e) {
        return Error{ErrorCode::Internal, QStringLiteral("decoding failed: %1").arg(QString::fromUtf8(e.what()))};
    }
    return out;
}

QByteArray encodePreview(const cv::Mat &bgr, int side)
{
    cv::Mat small = bgr;
    const int longSide = std::max(bgr.cols, bgr.rows);
    if (longSide > side) {
        const double f = double(side) / longSide;
        cv::resize(bgr, small, cv::Size(), f, f, cv::INTER_AREA);
    }
    std::vector<uchar> jpeg;
    if (!cv::imencode(".jpg", small, jpeg, {cv::IMWRITE_JPEG_QUALITY, 88}))
        return {};
    return QByteArray(reinterpret_cast<const char *>(jpeg.data()), qsizetype(jpeg.size()));
}

} // namespace listinglens
