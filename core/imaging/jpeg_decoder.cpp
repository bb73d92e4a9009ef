#include "jpeg_decoder.h"

#include <algorithm>
#include <climits>
#include <csetjmp>
#include <cstdio>

#include <jerror.h>
#include <jpeglib.h>

namespace listinglens {

namespace {

using Clock = std::chrono::steady_clock;

// Why a decode stopped, beyond what libjpeg itself calls an error.
enum class Stop { None, Truncated, Inconsistent, TooManyScans, TooManyPasses, Deadline, Memory };

struct ErrorManager {
    jpeg_error_mgr base;
    std::jmp_buf jump;
    Stop stop = Stop::None;
    char message[JMSG_LENGTH_MAX] = {};
};

[[noreturn]] void stopWith(j_common_ptr cinfo, Stop why)
{
    auto *e = reinterpret_cast<ErrorManager *>(cinfo->err);
    e->stop = why;
    std::longjmp(e->jump, 1);
}

void onError(j_common_ptr cinfo)
{
    auto *e = reinterpret_cast<ErrorManager *>(cinfo->err);
    (*cinfo->err->format_message)(cinfo, e->message);
    // libjpeg asks for a temporary file when its memory limit is reached.
    stopWith(cinfo, e->base.msg_code == JERR_NO_BACKING_STORE ? Stop::Memory : Stop::None);
}

// libjpeg carries on after these warnings; a decode that follows them
// returns a picture that is not the file's, or spends work the file only
// pretends to need. Other warnings (extraneous bytes before a marker, an
// unknown JFIF revision) are harmless and common in phones' files.
void onMessage(j_common_ptr cinfo, int level)
{
    if (level >= 0)
        return; // trace messages
    switch (cinfo->err->msg_code) {
    case JWRN_HIT_MARKER:
    case JWRN_JPEG_EOF:
        stopWith(cinfo, Stop::Truncated);
    case JWRN_BOGUS_PROGRESSION:
    case JWRN_NOT_SEQUENTIAL:
    case JWRN_HUFF_BAD_CODE:
    case JWRN_MUST_RESYNC:
        stopWith(cinfo, Stop::Inconsistent);
    default:
        break;
    }
}

// Called by libjpeg before each row of coefficients it reads and each row it
// outputs: counts the scans and the coefficients they visit as each scan
// begins, and watches the deadline.
struct Progress {
    jpeg_progress_mgr base;
    int scansSeen = 0;
    qint64 visits = 0;
    qint64 maxVisits = 0;
    Clock::time_point deadline;
};

void onProgress(j_common_ptr common)
{
    auto *cinfo = reinterpret_cast<j_decompress_ptr>(common);
    auto *p = reinterpret_cast<Progress *>(cinfo->progress);
    if (cinfo->input_scan_number != p->scansSeen) {
        p->scansSeen = cinfo->input_scan_number;
        if (p->scansSeen > kMaxJpegScans)
            stopWith(common, Stop::TooManyScans);
        for (int i = 0; i < cinfo->comps_in_scan; ++i) {
            const jpeg_component_info *c = cinfo->cur_comp_info[i];
            p->visits += qint64(c->width_in_blocks) * c->height_in_blocks * (cinfo->Se - cinfo->Ss + 1);
        }
        if (p->visits > p->maxVisits)
            stopWith(common, Stop::TooManyPasses);
    }
    if (Clock::now() > p->deadline)
        stopWith(common, Stop::Deadline);
}

// OpenCV's conversion of Adobe's inverted CMYK, as its JPEG decoder does it.
void cmykRowToBgr(const JSAMPLE *cmyk, uchar *bgr, JDIMENSION width)
{
    for (JDIMENSION x = 0; x < width; ++x, cmyk += 4, bgr += 3) {
        const int k = cmyk[3];
        bgr[2] = uchar(k - (((255 - cmyk[0]) * k) >> 8));
        bgr[1] = uchar(k - (((255 - cmyk[1]) * k) >> 8));
        bgr[0] = uchar(k - (((255 - cmyk[2]) * k) >> 8));
    }
}

// The libjpeg part: no C++ object with a destructor lives between setjmp and
// a longjmp. Returns false with `e` saying why on a fatal error.
bool decode(jpeg_decompress_struct &cinfo, ErrorManager &e, Progress &progress, const QByteArray &bytes, int scale,
            qint64 memoryBytes, cv::Mat &out)
{
    if (setjmp(e.jump))
        return false;
    jpeg_mem_src(&cinfo, reinterpret_cast<const unsigned char *>(bytes.constData()), static_cast<unsigned long>(bytes.size()));
    jpeg_read_header(&cinfo, TRUE);
    const bool cmyk = cinfo.num_components == 4;
    if (cinfo.num_components != 1 && cinfo.num_components != 3 && !cmyk)
        ERREXIT1(&cinfo, JERR_BAD_J_COLORSPACE, cinfo.num_components);
    cinfo.scale_num = 1;
    cinfo.scale_denom = unsigned(scale);
    cinfo.out_color_space = cmyk ? JCS_CMYK : JCS_EXT_BGR;
    jpeg_calc_output_dimensions(&cinfo);
    // One budget: the picture this returns, then whatever libjpeg needs.
    const qint64 picture = qint64(cinfo.output_width) * cinfo.output_height * 3;
    if (picture >= memoryBytes)
        stopWith(reinterpret_cast<j_common_ptr>(&cinfo), Stop::Memory);
    cinfo.mem->max_memory_to_use = long(std::min<qint64>(memoryBytes - picture, LONG_MAX));
    qint64 coefficients = 0;
    for (int i = 0; i < cinfo.num_components; ++i)
        coefficients += qint64(cinfo.comp_info[i].width_in_blocks) * cinfo.comp_info[i].height_in_blocks * 64;
    progress.maxVisits = coefficients * kMaxJpegCoefficientPasses;
    cinfo.progress = &progress.base;
    jpeg_start_decompress(&cinfo);
    out.create(int(cinfo.output_height), int(cinfo.output_width), CV_8UC3);
    JSAMPARRAY cmykRow = cmyk ? (*cinfo.mem->alloc_sarray)(reinterpret_cast<j_common_ptr>(&cinfo), JPOOL_IMAGE,
                                                           cinfo.output_width * 4, 1)
                              : nullptr;
    while (cinfo.output_scanline < cinfo.output_height) {
        uchar *target = out.ptr<uchar>(int(cinfo.output_scanline));
        JSAMPROW row = cmyk ? cmykRow[0] : target;
        jpeg_read_scanlines(&cinfo, &row, 1);
        if (cmyk)
            cmykRowToBgr(row, target, cinfo.output_width);
    }
    jpeg_finish_decompress(&cinfo);
    return true;
}

QString megabytes(qint64 bytes)
{
    return QString::number(double(bytes) / (1024.0 * 1024.0), 'f', 0) + QStringLiteral(" MiB");
}

Error refusal(const ErrorManager &e, const JpegBudget &budget)
{
    switch (e.stop) {
    case Stop::Truncated:
        return {ErrorCode::Corrupt, QStringLiteral("the JPEG data ends before the image does (the file is truncated)")};
    case Stop::Inconsistent:
        return {ErrorCode::Corrupt, QStringLiteral("the JPEG data is inconsistent (a scan contradicts the ones before it)")};
    case Stop::TooManyScans:
        return {ErrorCode::Corrupt, QStringLiteral("the JPEG has more than %1 scans").arg(kMaxJpegScans)};
    case Stop::TooManyPasses:
        return {ErrorCode::Corrupt,
                QStringLiteral("the JPEG's scans go over its pixels more than %1 times").arg(kMaxJpegCoefficientPasses)};
    case Stop::Deadline:
        return {ErrorCode::TooManyPixels, QStringLiteral("the JPEG takes too long to decode")};
    case Stop::Memory:
        return {ErrorCode::TooManyPixels,
                QStringLiteral("decoding the JPEG would take more than %1").arg(megabytes(budget.memoryBytes))};
    case Stop::None:
        break;
    }
    return {ErrorCode::Corrupt, QStringLiteral("the JPEG data could not be decoded (%1)").arg(QString::fromLatin1(e.message))};
}

} // namespace

Result<cv::Mat> decodeJpeg(const QByteArray &bytes, int scale, const JpegBudget &budget)
{
    jpeg_decompress_struct cinfo{};
    ErrorManager e{};
    cinfo.err = jpeg_std_error(&e.base);
    e.base.error_exit = onError;
    e.base.emit_message = onMessage;
    Progress progress{};
    progress.base.progress_monitor = onProgress;
    progress.deadline = budget.deadline;
    jpeg_create_decompress(&cinfo);
    cv::Mat out;
    bool ok = false;
    try {
        ok = decode(cinfo, e, progress, bytes, scale, budget.memoryBytes, out);
    } catch (const std::exception &ex) { // the output buffer could not be allocated
        jpeg_destroy_decompress(&cinfo);
        return Error{ErrorCode::Internal, QStringLiteral("decoding failed: %1").arg(QString::fromLocal8Bit(ex.what()))};
    }
    jpeg_destroy_decompress(&cinfo);
    if (!ok)
        return refusal(e, budget);
    return out;
}

} // namespace listinglens
