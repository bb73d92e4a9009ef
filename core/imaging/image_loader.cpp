#include "image_loader.h"

#include "jpeg_decoder.h"
#include "logging.h"
#include "sqlite_files.h"

#include <QFile>
#include <QFileInfo>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <chrono>
#include <span>

namespace listinglens {

namespace {

QString megabytes(qint64 bytes)
{
    return QString::number(double(bytes) / (1024.0 * 1024.0), 'f', 1) + QStringLiteral(" MiB");
}

int reducedScaleFor(const ImageHeader &h, int targetShortSide)
{
    if (h.format != ImageFormat::Jpeg || targetShortSide <= 0)
        return 1;
    const int shortSide = std::min(h.width, h.height);
    for (int scale : {8, 4, 2}) {
        if (shortSide / scale >= targetShortSide)
            return scale;
    }
    return 1;
}

// The scale loadBytes decodes at: JPEGs without alpha may shrink in the decoder.
int decodeScaleFor(const ImageHeader &h, int targetShortSide)
{
    return h.hasAlpha ? 1 : reducedScaleFor(h, targetShortSide);
}

int reducedFlag(int scale)
{
    switch (scale) {
    case 2: return cv::IMREAD_REDUCED_COLOR_2;
    case 4: return cv::IMREAD_REDUCED_COLOR_4;
    case 8: return cv::IMREAD_REDUCED_COLOR_8;
    default: return cv::IMREAD_COLOR;
    }
}

// Any decoded layout (gray, gray+alpha, BGRA, 16-bit, float) to 8-bit BGR,
// a row at a time into the one picture it returns; transparent pixels are
// composited onto white, as a marketplace page shows them.
cv::Mat toBgr8(const cv::Mat &decoded)
{
    if (decoded.type() == CV_8UC3)
        return decoded;
    double scale = 1.0;
    if (decoded.depth() == CV_16U)
        scale = 255.0 / 65535.0;
    else if (decoded.depth() == CV_32F || decoded.depth() == CV_64F)
        scale = 255.0;
    const int channels = decoded.channels();
    const bool alpha = channels == 2 || channels == 4;
    const int colour = channels >= 3 ? 3 : 1;
    cv::Mat bgr(decoded.rows, decoded.cols, CV_8UC3);
    cv::Mat row;
    for (int y = 0; y < decoded.rows; ++y) {
        decoded.row(y).convertTo(row, CV_8U, scale);
        const uchar *src = row.ptr<uchar>(0);
        uchar *dst = bgr.ptr<uchar>(y);
        for (int x = 0; x < decoded.cols; ++x, src += channels, dst += 3) {
            const int a = alpha ? src[channels - 1] : 255;
            for (int c = 0; c < 3; ++c) {
                const int v = src[colour == 3 ? c : 0];
                dst[c] = alpha ? cv::saturate_cast<uchar>((v * a + 255 * (255 - a) + 127) / 255) : uchar(v);
            }
        }
    }
    return bgr;
}

// The decoder's output: JPEGs through libjpeg, held to the budget and the
// deadline; the other formats through OpenCV, within the budget by the
// header check.
Result<cv::Mat> decodePixels(const QByteArray &bytes, const ImageHeader &h, int scale, const LoadLimits &limits)
{
    if (h.format == ImageFormat::Jpeg) {
        const JpegBudget budget{limits.maxDecodedBytes,
                                std::chrono::steady_clock::now() + std::chrono::milliseconds(limits.maxDecodeMs)};
        return decodeJpeg(bytes, scale, budget);
    }
    const cv::Mat raw(1, int(bytes.size()), CV_8U, const_cast<char *>(bytes.constData()));
    // Orientation is applied afterwards, the same way for every format, so OpenCV must not.
    const int flags = h.hasAlpha ? cv::IMREAD_UNCHANGED : reducedFlag(scale) | cv::IMREAD_IGNORE_ORIENTATION;
    cv::Mat decoded = cv::imdecode(raw, flags);
    if (decoded.empty())
        return Error{ErrorCode::Corrupt, QStringLiteral("the %1 data could not be decoded (damaged file?)")
                                             .arg(imageFormatName(h.format).toUpper())};
    return decoded;
}

} // namespace

qint64 decodePeakBytes(const ImageHeader &h, int scale)
{
    ImageHeader output = h; // what the decoder hands over
    if (!h.hasAlpha) {      // 8-bit BGR from the decoder itself (IMREAD_COLOR, libjpeg)
        output.channels = 3;
        output.bitsPerSample = 8;
    }
    ImageHeader bgr = output;
    bgr.channels = 3;
    bgr.bitsPerSample = 8;
    bgr.hasAlpha = false;
    bgr.workBytes = 0;
    const qint64 picture = bgr.decodedBytes(scale);
    const qint64 decoding = output.decodedBytes(scale); // with the work buffers
    const qint64 converting = h.hasAlpha ? output.decodedBytes(scale) - output.workBytes + picture : picture;
    const qint64 rotating = h.swapsAxes() ? 2 * picture : picture;
    return std::max({decoding, converting, rotating});
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
    const qint64 decoded = decodePeakBytes(h, decodeScaleFor(h, m_limits.targetShortSide));
    if (decoded > m_limits.maxDecodedBytes)
        return Error{ErrorCode::TooManyPixels,
                     QStringLiteral("the photo is %1 x %2 pixels of %3 channel(s) at %4 bits; decoded it would take %5, over the %6 limit")
                         .arg(h.width).arg(h.height).arg(h.channels + (h.hasAlpha ? 1 : 0)).arg(h.bitsPerSample)
                         .arg(megabytes(decoded), megabytes(m_limits.maxDecodedBytes))};
    if (std::min(h.width, h.height) < m_limits.minSide)
        return Error{ErrorCode::TooSmall, QStringLiteral("the photo is %1 x %2 pixels; it needs at least %3 pixels on each side")
                                              .arg(h.width).arg(h.height).arg(m_limits.minSide)};
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
    out.decodeScale = decodeScaleFor(h, m_limits.targetShortSide);

    try {
        auto decoded = decodePixels(bytes, h, out.decodeScale, m_limits);
        if (!decoded)
            return decoded.error();
        // Each step releases the one before it: the budget counts two at a time.
        cv::Mat picture = std::move(decoded).value();
        picture = toBgr8(picture);
        if (h.orientation >= 2 && h.orientation <= 4) // a flip works in place: only a rotation copies
            cv::flip(picture, picture, h.orientation == 2 ? 1 : h.orientation == 3 ? -1 : 0);
        else
            picture = applyOrientation(picture, h.orientation);
        out.bgr = picture;
    } catch (const cv::Exception &e) {
        qCWarning(lcImage) << "OpenCV refused an image:" << e.what();
        return Error{ErrorCode::Corrupt, QStringLiteral("the %1 data could not be decoded (damaged file?)")
                                             .arg(imageFormatName(h.format).toUpper())};
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
