#include "jpeg_decoder.h"

#include <algorithm>
#include <climits>
#include <csetjmp>
#include <cstdio>

#include <jerror.h>
#include <jpeglib.h>

namespace listinglens {

namespace {

struct ErrorManager {
    jpeg_error_mgr base;
    std::jmp_buf jump;
    int truncations = 0; // warnings that say the data ended early
    char message[JMSG_LENGTH_MAX] = {};
};

void onError(j_common_ptr cinfo)
{
    auto *e = reinterpret_cast<ErrorManager *>(cinfo->err);
    (*cinfo->err->format_message)(cinfo, e->message);
    std::longjmp(e->jump, 1);
}

void onMessage(j_common_ptr cinfo, int level)
{
    auto *e = reinterpret_cast<ErrorManager *>(cinfo->err);
    if (level < 0 && (e->base.msg_code == JWRN_HIT_MARKER || e->base.msg_code == JWRN_JPEG_EOF))
        ++e->truncations;
}

// The libjpeg part: no C++ object with a destructor lives between setjmp and
// a longjmp. Returns false with `e.message` set on a fatal error.
bool decode(jpeg_decompress_struct &cinfo, ErrorManager &e, const QByteArray &bytes, int scale, long maxMemory, cv::Mat &out)
{
    if (setjmp(e.jump))
        return false;
    // A progressive JPEG keeps full-resolution coefficients whatever the output
    // scale (about 2 bytes per pixel and component): bounded like the pixels.
    cinfo.mem->max_memory_to_use = maxMemory;
    jpeg_mem_src(&cinfo, reinterpret_cast<const unsigned char *>(bytes.constData()), static_cast<unsigned long>(bytes.size()));
    jpeg_read_header(&cinfo, TRUE);
    cinfo.scale_num = 1;
    cinfo.scale_denom = unsigned(scale);
    cinfo.out_color_space = JCS_EXT_BGR;
    jpeg_start_decompress(&cinfo);
    out.create(int(cinfo.output_height), int(cinfo.output_width), CV_8UC3);
    while (cinfo.output_scanline < cinfo.output_height) {
        JSAMPROW row = out.ptr<JSAMPLE>(int(cinfo.output_scanline));
        jpeg_read_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_decompress(&cinfo);
    return true;
}

} // namespace

Result<cv::Mat> decodeJpeg(const QByteArray &bytes, int scale, qint64 maxMemoryBytes)
{
    jpeg_decompress_struct cinfo{};
    ErrorManager e{};
    cinfo.err = jpeg_std_error(&e.base);
    e.base.error_exit = onError;
    e.base.emit_message = onMessage;
    jpeg_create_decompress(&cinfo);
    cv::Mat out;
    bool ok = false;
    try {
        ok = decode(cinfo, e, bytes, scale, long(std::min<qint64>(maxMemoryBytes, LONG_MAX)), out);
    } catch (const std::exception &ex) { // the output buffer could not be allocated
        jpeg_destroy_decompress(&cinfo);
        return Error{ErrorCode::Internal, QStringLiteral("decoding failed: %1").arg(QString::fromLocal8Bit(ex.what()))};
    }
    jpeg_destroy_decompress(&cinfo);
    if (!ok)
        return Error{ErrorCode::Corrupt, QStringLiteral("the JPEG data could not be decoded (%1)").arg(QString::fromLatin1(e.message))};
    if (e.truncations > 0)
        return Error{ErrorCode::Corrupt, QStringLiteral("the JPEG data ends before the image does (the file is truncated)")};
    return out;
}

} // namespace listinglens
