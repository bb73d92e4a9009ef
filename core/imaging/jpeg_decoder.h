#pragma once

#include "error.h"

#include <QByteArray>

#include <opencv2/core/mat.hpp>

#include <chrono>

namespace listinglens {

// What one JPEG decode may spend.
struct JpegBudget {
    JpegBudget(qint64 memory, std::chrono::steady_clock::time_point until = std::chrono::steady_clock::time_point::max())
        : memoryBytes(memory), deadline(until)
    {
    }
    // The output picture and libjpeg's own memory together (a progressive
    // file keeps full-resolution coefficients whatever the output scale).
    qint64 memoryBytes;
    // Past it the decode stops (checked between rows and between scans).
    std::chrono::steady_clock::time_point deadline;
};

// A progressive JPEG may hold any number of scans, each a pass over the
// coefficients it names, and libjpeg decodes them all: one scan repeated
// 3,000 times is a 200 KB file that costs tens of seconds of CPU. Encoders
// write 6 to 20 scans (libjpeg's standard script: 10; a pass per bit plane
// of every band and component stays within 16 passes over the image).
inline constexpr int kMaxJpegScans = 64;
// The coefficients all scans visit together, in whole images' worth.
inline constexpr int kMaxJpegCoefficientPasses = 16;

// Decodes a JPEG of 1, 3 or 4 components (grey, YCbCr or RGB, CMYK or YCCK)
// to 8-bit BGR at 1/scale (1, 2, 4 or 8) with libjpeg, exactly as OpenCV's
// decoder does (same library, same settings, OpenCV's CMYK conversion), but
// refusing what OpenCV lets through with a warning or without a bound:
// - entropy data that ends before the image does (a truncated upload with an
//   end-of-image marker appended decoded with its lower part grey);
// - a scan that contradicts the ones before it (a refinement of bits already
//   refined: the way a scan bomb repeats itself), more than kMaxJpegScans
//   scans, or scans that visit more than kMaxJpegCoefficientPasses times the
//   image's coefficients (Corrupt);
// - memory beyond the budget, the output included, or a decode past its
//   deadline (TooManyPixels).
// Nothing throws or longjmps out.
Result<cv::Mat> decodeJpeg(const QByteArray &bytes, int scale, const JpegBudget &budget);

} // namespace listinglens
