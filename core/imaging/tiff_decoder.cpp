#include "tiff_decoder.h"

#include "area_reducer.h"
#include "decode_errors_p.h"
#include "logging.h"

#include <tiffio.h>

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

namespace listinglens {

namespace {

// The file in memory, as libtiff's client procedures read it.
struct TiffInput {
    const char *data;
    toff_t size;
    toff_t pos = 0;
    char message[256] = {};
};

tmsize_t readInput(thandle_t handle, void *out, tmsize_t count)
{
    auto *in = static_cast<TiffInput *>(handle);
    const toff_t n = std::min<toff_t>(toff_t(std::max<tmsize_t>(count, 0)), in->pos < in->size ? in->size - in->pos : 0);
    std::memcpy(out, in->data + in->pos, n);
    in->pos += n;
    return tmsize_t(n);
}

tmsize_t refuseWrite(thandle_t, void *, tmsize_t) { return -1; }

toff_t seekInput(thandle_t handle, toff_t offset, int whence)
{
    auto *in = static_cast<TiffInput *>(handle);
    const toff_t base = whence == SEEK_CUR ? in->pos : whence == SEEK_END ? in->size : 0;
    in->pos = base + offset;
    return in->pos;
}

int closeInput(thandle_t) { return 0; }
toff_t inputSize(thandle_t handle) { return static_cast<TiffInput *>(handle)->size; }

// libtiff reads strips and tiles straight from the bytes, without a copy.
int mapInput(thandle_t handle, void **base, toff_t *size)
{
    auto *in = static_cast<TiffInput *>(handle);
    *base = const_cast<char *>(in->data);
    *size = in->size;
    return 1;
}

void unmapInput(thandle_t, void *, toff_t) {}

int onError(TIFF *, void *user, const char *module, const char *format, va_list args)
{
    auto *in = static_cast<TiffInput *>(user);
    if (in->message[0] == 0) { // the first error says why
        // snprintf returns the length it wanted: a long module name fills the buffer.
        const int wanted = std::snprintf(in->message, sizeof(in->message), "%s: ", module ? module : "libtiff");
        const std::size_t n = std::min(std::size_t(std::max(wanted, 0)), sizeof(in->message) - 1);
        std::vsnprintf(in->message + n, sizeof(in->message) - n, format, args);
    }
    return 1;
}

int onWarning(TIFF *, void *, const char *, const char *, va_list) { return 1; }

struct TiffCloser {
    void operator()(TIFF *tif) const { TIFFClose(tif); }
};

Error damaged(const TiffInput &in)
{
    qCWarning(lcImage) << "libtiff refused a TIFF:" << in.message;
    return undecodable(ImageFormat::Tiff);
}

} // namespace

qint64 tiffWorkBytes(qint64 width, qint64 stripRows, qint64 tileWidth, int samplesPerPixel, int bitsPerSample)
{
    const qint64 band = width * stripRows * 4;
    const qint64 decoded = (tileWidth > 0 ? tileWidth : width) * stripRows * std::max(1, samplesPerPixel)
                           * std::max(1, (bitsPerSample + 7) / 8);
    return band + decoded;
}

Result<cv::Mat> decodeTiff(const QByteArray &bytes, int factor, qint64 maxWorkBytes, cv::Size expected)
{
    TiffInput in{bytes.constData(), toff_t(bytes.size())};
    TIFFOpenOptions *options = TIFFOpenOptionsAlloc();
    if (!options)
        return Error{ErrorCode::Internal, QStringLiteral("libtiff could not start")};
    TIFFOpenOptionsSetErrorHandlerExtR(options, onError, &in);
    TIFFOpenOptionsSetWarningHandlerExtR(options, onWarning, &in);
    TIFFOpenOptionsSetMaxSingleMemAlloc(options, tmsize_t(std::max<qint64>(maxWorkBytes, 1 << 20)));
    const std::unique_ptr<TIFF, TiffCloser> tif(TIFFClientOpenExt("photo", "r", &in, readInput, refuseWrite, seekInput,
                                                                  closeInput, inputSize, mapInput, unmapInput, options));
    TIFFOpenOptionsFree(options);
    if (!tif)
        return damaged(in);
    // The memory check was made for the header's size: any other is refused
    // before anything the size of the image is allocated.
    std::uint32_t declaredWidth = 0, declaredHeight = 0;
    TIFFGetField(tif.get(), TIFFTAG_IMAGEWIDTH, &declaredWidth);
    TIFFGetField(tif.get(), TIFFTAG_IMAGELENGTH, &declaredHeight);
    if (qint64(declaredWidth) != expected.width || qint64(declaredHeight) != expected.height)
        return sizeOtherThanHeader(QStringLiteral("TIFF"), declaredWidth, declaredHeight, expected);
    char why[1024] = {};
    if (!TIFFRGBAImageOK(tif.get(), why))
        return Error{ErrorCode::UnsupportedFormat, QStringLiteral("this kind of TIFF is not supported (%1)").arg(QString::fromLatin1(why))};
    TIFFRGBAImage image{};
    if (!TIFFRGBAImageBegin(&image, tif.get(), 1, why))
        return Error{ErrorCode::UnsupportedFormat, QStringLiteral("this kind of TIFF is not supported (%1)").arg(QString::fromLatin1(why))};
    // Rows in the order the file stores them: no flip by libtiff.
    image.req_orientation = image.orientation;
    const std::uint32_t width = image.width, height = image.height;
    std::uint32_t bandRows = 0, tileWidth = 0;
    const bool tiled = TIFFIsTiled(tif.get());
    if (tiled) {
        TIFFGetField(tif.get(), TIFFTAG_TILEWIDTH, &tileWidth);
        TIFFGetField(tif.get(), TIFFTAG_TILELENGTH, &bandRows);
    } else {
        TIFFGetFieldDefaulted(tif.get(), TIFFTAG_ROWSPERSTRIP, &bandRows);
    }
    // libtiff decodes a whole tile, however far past the image it reaches
    // (counted unclamped, as the header check does); a strip only as far as
    // the image goes. The band of RGBA rows never goes past the image.
    const std::uint32_t workRows = std::max<std::uint32_t>(1, tiled ? bandRows : std::min(bandRows, height));
    bandRows = std::clamp<std::uint32_t>(bandRows, 1, height);
    const qint64 work = tiffWorkBytes(width, workRows, tileWidth, image.samplesperpixel, image.bitspersample);
    Result<cv::Mat> result = Error{ErrorCode::Corrupt, {}};
    if (work > maxWorkBytes) {
        result = Error{ErrorCode::TooManyPixels,
                       QStringLiteral("the TIFF's strips or tiles of %1 rows would take %2 MiB to decode")
                           .arg(bandRows).arg(work >> 20)};
    } else {
        try {
            std::vector<std::uint32_t> band(std::size_t(width) * bandRows);
            AreaReducer reducer(int(width), int(height), factor);
            static const int bgr[3] = {2, 1, 0}; // libtiff's ABGR words are R, G, B, A in memory
            bool ok = true;
            for (std::uint32_t y = 0; ok && y < height; y += bandRows) {
                const std::uint32_t rows = std::min(bandRows, height - y);
                image.row_offset = int(y);
                ok = TIFFRGBAImageGet(&image, band.data(), width, rows) != 0;
                for (std::uint32_t r = 0; ok && r < rows; ++r)
                    reducer.addWithAlpha(reinterpret_cast<const std::uint8_t *>(band.data() + std::size_t(r) * width), bgr, true);
            }
            result = ok ? Result<cv::Mat>(reducer.result()) : Result<cv::Mat>(damaged(in));
        } catch (const std::exception &ex) {
            result = Error{ErrorCode::Internal, QStringLiteral("decoding failed: %1").arg(QString::fromLocal8Bit(ex.what()))};
        }
    }
    TIFFRGBAImageEnd(&image);
    return result;
}

} // namespace listinglens
