#pragma once

// Image files built byte by byte, as an attacker builds them: far more work
// or memory to decode than their size says. Each is a valid file of its
// format (or valid up to the one thing it abuses), written without holding
// its pixels in memory, so a test can make a 100 MP one in a moment.

#include <QByteArray>

namespace listinglens::test {

// How a progressive JPEG's extra scans abuse the decoder.
enum class ScanAbuse {
    None,              // a DC scan and, per component, one AC scan and its refinement
    RepeatRefinement,  // the refinement repeated: libjpeg warns and decodes it again each time
    RepeatFirstScan,   // the AC scan at full precision repeated: nothing to warn about
};

// A progressive JPEG of a flat grey (every coefficient but DC zero) with
// `components` components (1, 3 or 4; 4 is CMYK), sampled 1x1, whose
// abusing scan is repeated `repeats` times. Width and height: multiples of 8
// whose blocks per component are a multiple of 16384 (for example 4096 x 4096,
// 8192 x 8192, 6144 x 5120). Every coefficient row is visited, so a decoder
// holds all of them.
QByteArray progressiveJpeg(int width, int height, int components, ScanAbuse abuse = ScanAbuse::None, int repeats = 0);

// A baseline TIFF of flat 8-bit RGB in one deflated strip, without a
// RowsPerStrip field (so the whole image is one strip, as libtiff reads it).
QByteArray tiffOneStrip(int width, int height);

// The same in strips of `rowsPerStrip` rows (all sharing one deflated strip:
// the file stays small); 0: one strip, without a RowsPerStrip field.
QByteArray tiffInStrips(int width, int height, int rowsPerStrip);

// The header of a lossless WebP declaring width x height, without its data.
QByteArray webpLosslessHeader(int width, int height);

// A complete lossless WebP of one flat colour (a few bytes whatever its size):
// a bare VP8L chunk, or (`wrapped`) the same bitstream after a VP8X chunk and
// an ALPH chunk, which libwebp skips and decodes the VP8L as lossless.
QByteArray flatLosslessWebP(int width, int height, bool wrapped);

// A TIFF whose ImageWidth and ImageLength are LONG8 (type 16): 8 bytes, so
// stored at an offset, and a reader that takes every value as 4 bytes in
// the entry reads the offsets (64 x 72) while libtiff reads width x height.
// Uncompressed 8-bit RGB, one row per strip, every strip the same row.
QByteArray tiffSizeInLong8(int width, int height);

// A lossy WebP of flat bands, encoded by libwebp (about a second for 100 MP).
QByteArray lossyWebP(int width, int height);

// The start of an interlaced 8-bit RGB PNG: its header and the first bytes
// of its data (a decoder that reads past its header finds it cut short).
QByteArray interlacedPngStart(int width, int height);

// A PNG of flat 16-bit RGBA (half-transparent grey), deflated.
QByteArray png16Rgba(int width, int height);

// A PNG of flat mid grey of `bits` (8 or 16) per sample and PNG colour type
// `colourType` (0 grey, 2 RGB, 4 grey and alpha, 6 RGBA), deflated; with
// `extraRows`, its deflate data goes on for that many rows past the last (a
// bomb: a few KiB more that inflate to megabytes).
QByteArray flatPng(int width, int height, int bits, int colourType, int extraRows = 0);

} // namespace listinglens::test
