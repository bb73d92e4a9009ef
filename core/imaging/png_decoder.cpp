#include "png_decoder.h"

#include "area_reducer.h"
#include "decode_errors_p.h"
#include "logging.h"

#include <png.h>

#include <algorithm>
#include <chrono>
#include <csetjmp>
#include <cstdint>
#include <cstring>
#include <vector>

namespace listinglens {

namespace {

struct PngErrors {
    std::jmp_buf jump;
    char message[160] = {};
    bool pastDeadline = false;
};

struct PngInput {
    const png_byte *data;
    std::size_t size;
    std::size_t pos;
    std::chrono::steady_clock::time_point deadline;
    PngErrors *errors;
    std::size_t end = SIZE_MAX; // set once the last row is being read: no read may go past it
};

[[noreturn]] void onError(png_structp png, png_const_charp message)
{
    auto *e = static_cast<PngErrors *>(png_get_error_ptr(png));
    std::strncpy(e->message, message, sizeof(e->message) - 1);
    std::longjmp(e->jump, 1);
}

void onWarning(png_structp, png_const_charp) {}

void readInput(png_structp png, png_bytep out, png_size_t count)
{
    auto *in = static_cast<PngInput *>(png_get_io_ptr(png));
    // libpng reads a few KiB of compressed data at a time, however much they
    // inflate to: the deadline bounds a deflate bomb's CPU.
    if (std::chrono::steady_clock::now() > in->deadline) {
        in->errors->pastDeadline = true;
        png_error(png, "past the decode deadline");
    }
    if (count > in->size - in->pos)
        png_error(png, "the file ends before the image does");
    if (count > in->end - in->pos)
        png_error(png, "the image data goes on past its last row");
    std::memcpy(out, in->data + in->pos, count);
    in->pos += count;
}

struct Layout {
    png_uint_32 width = 0, height = 0;
    int channels = 3; // 8-bit BGR or BGRA after the transforms below
    bool interlaced = false;
    std::size_t rowBytes = 0;
};

// The header, and the transforms that turn any PNG into 8-bit BGR(A) rows.
// No C++ object with a destructor lives between setjmp and a longjmp.
bool readLayout(png_structp png, png_infop info, PngErrors &e, Layout &out)
{
    if (setjmp(e.jump))
        return false;
    png_read_info(png, info);
    png_set_expand(png);   // palette to RGB, grey of 1-4 bits to 8, a tRNS colour to alpha
    png_set_scale_16(png); // 16 bits to 8, rounded
    png_set_gray_to_rgb(png);
    png_set_bgr(png);
    out.interlaced = png_get_interlace_type(png, info) != PNG_INTERLACE_NONE;
    if (out.interlaced)
        png_set_interlace_handling(png);
    png_read_update_info(png, info);
    out.width = png_get_image_width(png, info);
    out.height = png_get_image_height(png, info);
    out.channels = png_get_channels(png, info);
    out.rowBytes = png_get_rowbytes(png, info);
    return true;
}

void addRow(AreaReducer &reducer, const png_byte *row, int channels)
{
    static const int bgr[3] = {0, 1, 2};
    if (channels == 4)
        reducer.addWithAlpha(row, bgr, false);
    else
        reducer.addBgr(row);
}

// The rows into the reducer: one at a time, or (interlaced) the whole image
// pass by pass into `rows`, then each into the reducer.
// Before the last row: libpng inflates whatever deflate data follows the
// image once that row is read, and a few KiB of it can inflate to gigabytes.
// The last row's own data, its filter byte and the stream's end are at most
// twice the 8-bit row (16-bit samples) and a margin; no read may go further.
void lastRowFollows(png_structp png, const Layout &layout)
{
    auto *in = static_cast<PngInput *>(png_get_io_ptr(png));
    in->end = in->pos + std::min(2 * layout.rowBytes + 1 + 65536, in->size - in->pos);
}

bool readRows(png_structp png, PngErrors &e, const Layout &layout, std::vector<png_byte> &rows, AreaReducer &reducer)
{
    if (setjmp(e.jump))
        return false;
    const std::size_t stride = layout.rowBytes;
    if (!layout.interlaced) {
        for (png_uint_32 y = 0; y < layout.height; ++y) {
            if (y + 1 == layout.height)
                lastRowFollows(png, layout);
            png_read_row(png, rows.data(), nullptr);
            addRow(reducer, rows.data(), layout.channels);
        }
    } else {
        const int passes = png_set_interlace_handling(png);
        for (int pass = 0; pass < passes; ++pass) {
            for (png_uint_32 y = 0; y < layout.height; ++y) {
                if (pass + 1 == passes && y + 1 == layout.height)
                    lastRowFollows(png, layout);
                png_read_row(png, rows.data() + y * stride, nullptr);
            }
        }
        for (png_uint_32 y = 0; y < layout.height; ++y)
            addRow(reducer, rows.data() + y * stride, layout.channels);
    }
    // No png_read_end: the chunks after the image are not needed.
    return true;
}

Error damaged(const PngErrors &e)
{
    if (e.pastDeadline)
        return {ErrorCode::TooManyPixels, QStringLiteral("the PNG takes too long to decode")};
    qCWarning(lcImage) << "libpng refused a PNG:" << e.message;
    return undecodable(ImageFormat::Png);
}

} // namespace

Result<cv::Mat> decodePng(const QByteArray &bytes, int factor, cv::Size expected, std::chrono::steady_clock::time_point deadline)
{
    PngErrors e;
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &e, onError, onWarning);
    png_infop info = png ? png_create_info_struct(png) : nullptr;
    if (!info) {
        png_destroy_read_struct(&png, nullptr, nullptr);
        return Error{ErrorCode::Internal, QStringLiteral("libpng could not start")};
    }
    PngInput input{reinterpret_cast<const png_byte *>(bytes.constData()), std::size_t(bytes.size()), 0, deadline, &e};
    png_set_read_fn(png, &input, readInput);
    png_set_chunk_malloc_max(png, 8 << 20); // any chunk kept: never more than this each
    // Text and colour profiles are never used: skipped unread (CRC only), not inflated.
    static const png_byte unused[] = {'t', 'E', 'X', 't', '\0', 'z', 'T', 'X', 't', '\0', 'i', 'T', 'X', 't', '\0',
                                      'i', 'C', 'C', 'P', '\0'};
    png_set_keep_unknown_chunks(png, PNG_HANDLE_CHUNK_NEVER, unused, 4);
    Layout layout;
    Result<cv::Mat> result = Error{ErrorCode::Corrupt, {}};
    try {
        if (!readLayout(png, info, e, layout)) {
            result = damaged(e);
        } else if (qint64(layout.width) != expected.width || qint64(layout.height) != expected.height) {
            result = sizeOtherThanHeader(QStringLiteral("PNG"), layout.width, layout.height, expected);
        } else if (layout.interlaced && qint64(layout.width) * layout.height > kMaxInterlacedPngPixels) {
            result = Error{ErrorCode::UnsupportedFormat,
                           QStringLiteral("an interlaced PNG of more than %1 MP is not supported (it is decoded whole); save it without interlacing")
                               .arg(kMaxInterlacedPngPixels / 1'000'000)};
        } else {
            std::vector<png_byte> rows(layout.rowBytes * (layout.interlaced ? layout.height : 1));
            AreaReducer reducer(int(layout.width), int(layout.height), factor);
            if (readRows(png, e, layout, rows, reducer))
                result = reducer.result();
            else
                result = damaged(e);
        }
    } catch (const std::exception &ex) { // a buffer could not be allocated
        result = Error{ErrorCode::Internal, QStringLiteral("decoding failed: %1").arg(QString::fromLocal8Bit(ex.what()))};
    }
    png_destroy_read_struct(&png, &info, nullptr);
    return result;
}

} // namespace listinglens
