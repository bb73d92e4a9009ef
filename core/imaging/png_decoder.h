#pragma once

#include "error.h"

#include <QByteArray>

#include <chrono>

#include <opencv2/core/mat.hpp>
#include <opencv2/core/types.hpp>

namespace listinglens {

// The most pixels of an interlaced PNG: its seven passes fill the whole image
// before any row is complete, so it is decoded whole (4 bytes a pixel).
inline constexpr qint64 kMaxInterlacedPngPixels = 16'000'000;

// Decodes a PNG of any colour type and depth with libpng, a row at a time,
// into 8-bit BGR `factor` times smaller on each side (AreaReducer): alpha
// (or a tRNS colour) composited onto white, 16-bit samples scaled to 8 bits.
// A non-interlaced PNG never has more than one row decoded at once; an
// interlaced one over kMaxInterlacedPngPixels is refused (UnsupportedFormat).
// A damaged file (truncated, a bad CRC in a critical chunk, bad deflate data)
// and an image of another size than `expected` (the header's, which the
// memory check was made for) are Corrupt, and so is deflate data that goes on
// past the last row (a bomb: a few KiB that inflate to gigabytes); the chunks
// after the image are not read, text and ICC chunks are skipped uninflated,
// and a decode still running
// at `deadline` (a deflate bomb) stops as TooManyPixels. Nothing throws or
// longjmps out.
Result<cv::Mat> decodePng(const QByteArray &bytes, int factor, cv::Size expected,
                          std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max());

} // namespace listinglens
