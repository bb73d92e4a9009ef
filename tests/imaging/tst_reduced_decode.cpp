// PNG, WebP and TIFF are decoded a row at a time and reduced as they are
// read (AreaReducer): the result matches a full decode reduced with
// cv::resize(INTER_AREA), for every layout each format has; damaged and
// hostile files are refused cleanly.
#include "area_reducer.h"
#include "fixtures.h"
#include "hostile_images.h"
#include "image_loader.h"
#include "png_decoder.h"
#include "tiff_decoder.h"
#include "webp_decoder.h"

#include <QTemporaryDir>
#include <QTest>
#include <QtEndian>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <png.h>
#include <tiffio.h>

#include <csetjmp>

using namespace listinglens;

namespace {

// A photo-like test picture: smooth gradients, edges, a little texture, and
// (with alpha) a transparency that varies across it.
cv::Mat picture(int width, int height, int type)
{
    cv::Mat bgra(height, width, CV_8UC4);
    for (int y = 0; y < height; ++y) {
        for (int x = 0; x < width; ++x) {
            const bool box = x > width / 3 && x < width / 2 && y > height / 4 && y < height * 3 / 4;
            bgra.at<cv::Vec4b>(y, x) = cv::Vec4b(uchar(x * 255 / width), uchar(y * 255 / height),
                                                 uchar(box ? 30 : 128 + ((x / 7 + y / 5) % 2) * 60), uchar(255 * x / width));
        }
    }
    cv::Mat out;
    switch (type) {
    case CV_8UC4: return bgra;
    case CV_8UC3: cv::cvtColor(bgra, out, cv::COLOR_BGRA2BGR); return out;
    case CV_8UC1: cv::cvtColor(bgra, out, cv::COLOR_BGRA2GRAY); return out;
    case CV_16UC3: cv::cvtColor(bgra, out, cv::COLOR_BGRA2BGR); out.convertTo(out, CV_16U, 257.0); return out;
    case CV_16UC4: bgra.convertTo(out, CV_16U, 257.0); return out;
    default: return {};
    }
}

// A full decode made 8-bit BGR the way ImageLoader makes it (alpha onto
// white), then reduced to the decoder's size with INTER_AREA.
cv::Mat reference(const cv::Mat &decoded, int factor)
{
    const double scale = decoded.depth() == CV_16U ? 255.0 / 65535.0 : 1.0;
    cv::Mat eight;
    decoded.convertTo(eight, CV_8U, scale);
    cv::Mat bgr(eight.rows, eight.cols, CV_8UC3);
    const int channels = eight.channels();
    for (int y = 0; y < eight.rows; ++y) {
        for (int x = 0; x < eight.cols; ++x) {
            const uchar *p = eight.ptr<uchar>(y) + x * channels;
            const int a = channels == 4 || channels == 2 ? p[channels - 1] : 255;
            for (int c = 0; c < 3; ++c) {
                const int v = p[channels >= 3 ? c : 0];
                bgr.at<cv::Vec3b>(y, x)[c] = uchar((v * a + 255 * (255 - a) + 127) / 255);
            }
        }
    }
    // The whole blocks only: INTER_AREA spreads a size that does not divide
    // over every output pixel, the reducer averages the edge's part-blocks.
    const cv::Mat whole = bgr(cv::Rect(0, 0, bgr.cols - bgr.cols % factor, bgr.rows - bgr.rows % factor));
    cv::Mat out;
    cv::resize(whole, out, cv::Size(whole.cols / factor, whole.rows / factor), 0, 0, cv::INTER_AREA);
    return out;
}

// A PNG written with libpng: palette, interlacing and colour types OpenCV does not write.
QByteArray writePng(const cv::Mat &image, bool palette, bool interlaced)
{
    QByteArray out;
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
    png_infop info = png_create_info_struct(png);
    png_set_write_fn(png, &out, [](png_structp p, png_bytep data, png_size_t n) {
        static_cast<QByteArray *>(png_get_io_ptr(p))->append(reinterpret_cast<const char *>(data), qsizetype(n));
    }, nullptr);
    std::vector<png_color> colours(256);
    cv::Mat rows;
    if (palette) { // 256 greys as a palette, with transparency for the darkest 64 (a tRNS chunk)
        for (int i = 0; i < 256; ++i)
            colours[std::size_t(i)] = png_color{png_byte(i), png_byte(255 - i), png_byte(i / 2)};
        png_set_IHDR(png, info, png_uint_32(image.cols), png_uint_32(image.rows), 8, PNG_COLOR_TYPE_PALETTE,
                     interlaced ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
        png_set_PLTE(png, info, colours.data(), 256);
        std::vector<png_byte> alpha(64);
        for (int i = 0; i < 64; ++i)
            alpha[std::size_t(i)] = png_byte(i * 4);
        png_set_tRNS(png, info, alpha.data(), 64, nullptr);
        cv::cvtColor(image, rows, cv::COLOR_BGR2GRAY);
    } else {
        png_set_IHDR(png, info, png_uint_32(image.cols), png_uint_32(image.rows), 8, PNG_COLOR_TYPE_RGB,
                     interlaced ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
        cv::cvtColor(image, rows, cv::COLOR_BGR2RGB);
    }
    std::vector<png_bytep> pointers;
    for (int y = 0; y < rows.rows; ++y)
        pointers.push_back(rows.ptr<png_byte>(y));
    png_set_rows(png, info, pointers.data());
    png_write_png(png, info, PNG_TRANSFORM_IDENTITY, nullptr);
    png_destroy_write_struct(&png, &info);
    return out;
}

// The full decode of a palette PNG: each grey index as its palette colour and tRNS alpha.
cv::Mat paletteDecoded(const cv::Mat &image)
{
    cv::Mat grey, out(image.rows, image.cols, CV_8UC4);
    cv::cvtColor(image, grey, cv::COLOR_BGR2GRAY);
    for (int y = 0; y < grey.rows; ++y) {
        for (int x = 0; x < grey.cols; ++x) {
            const int i = grey.at<uchar>(y, x);
            out.at<cv::Vec4b>(y, x) = cv::Vec4b(uchar(i / 2), uchar(255 - i), uchar(i), uchar(i < 64 ? i * 4 : 255));
        }
    }
    return out;
}

// A TIFF in tiles (OpenCV writes strips only), written with libtiff.
QByteArray tiledTiff(const cv::Mat &bgr, const QString &path, int tileSide, int tileLength = 0)
{
    tileLength = tileLength > 0 ? tileLength : tileSide;
    TIFF *tif = TIFFOpen(path.toLocal8Bit().constData(), "w");
    TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, bgr.cols);
    TIFFSetField(tif, TIFFTAG_IMAGELENGTH, bgr.rows);
    TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, 8);
    TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, 3);
    TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_RGB);
    TIFFSetField(tif, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
    TIFFSetField(tif, TIFFTAG_COMPRESSION, COMPRESSION_ADOBE_DEFLATE);
    TIFFSetField(tif, TIFFTAG_TILEWIDTH, tileSide);
    TIFFSetField(tif, TIFFTAG_TILELENGTH, tileLength);
    cv::Mat rgb;
    cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
    std::vector<uchar> tile(std::size_t(tileSide) * tileLength * 3);
    for (int ty = 0; ty < bgr.rows; ty += tileLength) {
        for (int tx = 0; tx < bgr.cols; tx += tileSide) {
            std::fill(tile.begin(), tile.end(), 0);
            for (int y = 0; y < tileLength && ty + y < bgr.rows; ++y) {
                const int n = std::min(tileSide, bgr.cols - tx);
                std::copy_n(rgb.ptr<uchar>(ty + y) + tx * 3, n * 3, tile.data() + std::size_t(y) * tileSide * 3);
            }
            TIFFWriteTile(tif, tile.data(), uint32_t(tx), uint32_t(ty), 0, 0);
        }
    }
    TIFFClose(tif);
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// A little-endian TIFF of three samples with its BitsPerSample values (stored at an offset) set to `bits`.
QByteArray withTiffBits(QByteArray tiff, quint16 bits)
{
    const quint32 ifd = qFromLittleEndian<quint32>(tiff.constData() + 4);
    const quint16 entries = qFromLittleEndian<quint16>(tiff.constData() + ifd);
    for (quint16 i = 0; i < entries; ++i) {
        const char *entry = tiff.constData() + ifd + 2 + 12 * i;
        if (qFromLittleEndian<quint16>(entry) == 258) {
            const quint32 at = qFromLittleEndian<quint32>(entry + 8);
            for (int s = 0; s < 3; ++s)
                qToLittleEndian(bits, tiff.data() + at + 2 * s);
        }
    }
    return tiff;
}

cv::Mat decodedByOpenCv(const QByteArray &bytes)
{
    const cv::Mat raw(1, int(bytes.size()), CV_8U, const_cast<char *>(bytes.constData()));
    return cv::imdecode(raw, cv::IMREAD_UNCHANGED | cv::IMREAD_IGNORE_ORIENTATION);
}

enum class Format { Png, WebP, Tiff };

// `expected`: the size the decoder is told the header declares (empty: the file's own).
Result<cv::Mat> decodeReduced(Format format, const QByteArray &bytes, int factor, cv::Size expected = {})
{
    if (expected.empty()) {
        const cv::Mat full = decodedByOpenCv(bytes);
        expected = full.size();
    }
    switch (format) {
    case Format::Png: return decodePng(bytes, factor, expected);
    case Format::WebP: return decodeWebP(bytes, factor, expected);
    case Format::Tiff: return decodeTiff(bytes, factor, LoadLimits().maxDecodedBytes, expected);
    }
    return Error{ErrorCode::Internal, {}};
}

} // namespace

Q_DECLARE_METATYPE(Format)

class TestReducedDecode : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    // Each layout at several factors, sides that the factor does not divide
    // among them: the mean difference from the full decode reduced with
    // INTER_AREA is within `meanTolerance` levels (lossy WebP is scaled in
    // YUV by libwebp, so it differs a little more on this fine texture).
    void matchesAFullDecodeReduced_data()
    {
        QTest::addColumn<Format>("format");
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<cv::Mat>("full"); // the full decode; empty: OpenCV's decode of the bytes
        QTest::addColumn<double>("meanTolerance");
        const int w = 480, h = 360;
        const cv::Mat bgr = picture(w, h, CV_8UC3), odd = picture(w + 5, h + 3, CV_8UC3);
        const auto png = [](const cv::Mat &m) { return test::encode(m, ".png"); };
        QTest::newRow("PNG 8-bit RGB") << Format::Png << png(bgr) << cv::Mat() << 0.5;
        QTest::newRow("PNG 8-bit RGB, sides not divisible") << Format::Png << png(odd) << cv::Mat() << 0.5;
        QTest::newRow("PNG grey") << Format::Png << png(picture(w, h, CV_8UC1)) << cv::Mat() << 0.5;
        QTest::newRow("PNG 16-bit RGB") << Format::Png << png(picture(w, h, CV_16UC3)) << cv::Mat() << 0.6;
        QTest::newRow("PNG 8-bit RGBA") << Format::Png << png(picture(w, h, CV_8UC4)) << cv::Mat() << 0.6;
        QTest::newRow("PNG 16-bit RGBA") << Format::Png << png(picture(w, h, CV_16UC4)) << cv::Mat() << 0.6;
        QTest::newRow("PNG palette with tRNS") << Format::Png << writePng(bgr, true, false) << paletteDecoded(bgr) << 0.6;
        QTest::newRow("PNG interlaced RGB") << Format::Png << writePng(bgr, false, true) << bgr << 0.5;
        QTest::newRow("PNG interlaced palette") << Format::Png << writePng(bgr, true, true) << paletteDecoded(bgr) << 0.6;
        QTest::newRow("WebP lossy") << Format::WebP << test::encode(bgr, ".webp", {cv::IMWRITE_WEBP_QUALITY, 90}) << cv::Mat() << 4.0;
        QTest::newRow("WebP lossless") << Format::WebP << test::encode(bgr, ".webp", {cv::IMWRITE_WEBP_QUALITY, 101}) << cv::Mat() << 1.0;
        QTest::newRow("WebP lossy with alpha")
            << Format::WebP << test::encode(picture(w, h, CV_8UC4), ".webp", {cv::IMWRITE_WEBP_QUALITY, 90}) << cv::Mat() << 4.0;
        // Sharp alpha edges over a hidden colour far from the visible one:
        // averaging colour and alpha apart (and multiplying after) would darken the edges.
        cv::Mat cutOut(h, w, CV_8UC4, cv::Scalar(0, 0, 0, 0));
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w; ++x)
                if ((x / 5 + y / 7) % 2 == 0)
                    cutOut.at<cv::Vec4b>(y, x) = cv::Vec4b(250, 240, 255, 255);
        const QByteArray lossyCutOut = test::encode(cutOut, ".webp", {cv::IMWRITE_WEBP_QUALITY, 90});
        QVERIFY(lossyCutOut.contains("VP8 ") && lossyCutOut.contains("ALPH")); // lossy, with an alpha plane
        QTest::newRow("WebP lossy with alpha, white cut out of transparent black")
            << Format::WebP << lossyCutOut << cv::Mat() << 1.5;
        QTest::newRow("WebP lossless with alpha")
            << Format::WebP << test::encode(picture(w, h, CV_8UC4), ".webp", {cv::IMWRITE_WEBP_QUALITY, 101}) << cv::Mat() << 1.0;
        QTest::newRow("TIFF strips 8-bit") << Format::Tiff << test::encode(bgr, ".tiff") << cv::Mat() << 0.5;
        QTest::newRow("TIFF strips 16-bit") << Format::Tiff << test::encode(picture(w, h, CV_16UC3), ".tiff") << cv::Mat() << 0.6;
        QTest::newRow("TIFF strips grey") << Format::Tiff << test::encode(picture(w, h, CV_8UC1), ".tiff") << cv::Mat() << 0.5;
        QTest::newRow("TIFF tiles") << Format::Tiff << tiledTiff(odd, m_dir.filePath(QStringLiteral("tiles.tiff")), 64) << odd << 0.5;
    }
    void matchesAFullDecodeReduced()
    {
        QFETCH(Format, format);
        QFETCH(QByteArray, bytes);
        QFETCH(cv::Mat, full);
        QFETCH(double, meanTolerance);
        QVERIFY(!bytes.isEmpty());
        if (full.empty())
            full = decodedByOpenCv(bytes);
        QVERIFY(!full.empty());
        for (int factor : {1, 2, 3, 4, 8}) {
            const auto ours = decodeReduced(format, bytes, factor);
            QVERIFY2(ours.ok(), qPrintable(ours.ok() ? QString() : ours.error().message));
            const cv::Mat expected = reference(full, factor);
            QCOMPARE(ours.value().type(), CV_8UC3);
            QCOMPARE(ours.value().size(), cv::Size((full.cols + factor - 1) / factor, (full.rows + factor - 1) / factor));
            cv::Mat diff;
            cv::absdiff(ours.value()(cv::Rect(0, 0, expected.cols, expected.rows)), expected, diff);
            const double mean = cv::mean(diff.reshape(1))[0];
            QVERIFY2(mean <= meanTolerance, qPrintable(QStringLiteral("factor %1: mean difference %2").arg(factor).arg(mean)));
        }
    }

    // The memory check is made for the header's size: a decoder that finds
    // another (a header read wrongly, or a file that lies) refuses it before
    // allocating anything of the image's size.
    void aSizeOtherThanTheHeadersIsRefused_data()
    {
        QTest::addColumn<Format>("format");
        QTest::addColumn<QByteArray>("bytes");
        const cv::Mat bgr = picture(160, 120, CV_8UC3);
        QTest::newRow("PNG") << Format::Png << test::encode(bgr, ".png");
        QTest::newRow("WebP") << Format::WebP << test::encode(bgr, ".webp");
        QTest::newRow("TIFF") << Format::Tiff << test::encode(bgr, ".tiff");
    }
    void aSizeOtherThanTheHeadersIsRefused()
    {
        QFETCH(Format, format);
        QFETCH(QByteArray, bytes);
        QVERIFY(decodeReduced(format, bytes, 1, cv::Size(160, 120)).ok());
        for (const cv::Size told : {cv::Size(64, 72), cv::Size(160, 119), cv::Size(161, 120)}) {
            const auto r = decodeReduced(format, bytes, 1, told);
            QVERIFY(!r.ok());
            QCOMPARE(r.error().codeName(), QStringLiteral("corrupt"));
        }
    }

    // The flat lossless WebP the hostile tests declare 81 MP with is a real
    // file: small, bare or after VP8X and ALPH chunks, it decodes (so the
    // large one is refused for its size, not for being damaged).
    void flatLosslessWebPDecodes()
    {
        for (const bool wrapped : {false, true}) {
            const auto loaded = ImageLoader().loadBytes(test::flatLosslessWebP(300, 200, wrapped));
            QVERIFY2(loaded.ok(), qPrintable(loaded.ok() ? QString() : loaded.error().message));
            QCOMPARE(loaded.value().bgr.size(), cv::Size(300, 200));
        }
    }

    // libtiff decodes a whole tile, however far it reaches past the image:
    // the work counted is the declared tile's, not the part inside the image.
    void tilesCountWhollyPastTheImage()
    {
        const cv::Mat bgr = picture(160, 120, CV_8UC3);
        // Tiles of 64 x 4096 over 120 rows: 0.8 MB a decoded tile, 2.6 MB a band of RGBA rows 4096 tall.
        const QByteArray tall = tiledTiff(bgr, m_dir.filePath(QStringLiteral("tall.tiff")), 64, 4096);
        QVERIFY(decodeTiff(tall, 1, 8 << 20, bgr.size()).ok());
        const auto r = decodeTiff(tall, 1, 1 << 20, bgr.size());
        QVERIFY2(!r.ok(), "a tile 4096 rows long was counted as 120");
        QCOMPARE(r.error().codeName(), QStringLiteral("too_many_pixels"));
    }

    // The header charges what libwebp holds besides the output: nothing for
    // lossy, 4 bytes a pixel for lossless (bare or after VP8X and ALPH), 5
    // for lossy with a compressed alpha plane (decoded as lossless ARGB).
    void webpHeaderChargesWhatLibwebpHolds()
    {
        const int w = 160, h = 120;
        const cv::Mat bgr = picture(w, h, CV_8UC3), bgra = picture(w, h, CV_8UC4);
        const auto work = [](const QByteArray &bytes) { return ImageLoader().inspect(bytes).value().workBytes; };
        QCOMPARE(work(test::encode(bgr, ".webp", {cv::IMWRITE_WEBP_QUALITY, 90})), qint64(0));
        QCOMPARE(work(test::encode(bgra, ".webp", {cv::IMWRITE_WEBP_QUALITY, 90})), qint64(5) * w * h);
        QCOMPARE(work(test::encode(bgra, ".webp", {cv::IMWRITE_WEBP_QUALITY, 101})), qint64(4) * w * h);
        QCOMPARE(work(test::flatLosslessWebP(w, h, true)), qint64(4) * w * h);
    }

    // A block at the right or bottom edge averages the pixels it has.
    void edgeBlocksAverageWhatTheyHave()
    {
        // 5 x 3 by a factor of 2: 3 x 2 blocks, the last column one pixel wide, the last row one pixel tall.
        cv::Mat image(3, 5, CV_8UC3);
        for (int y = 0; y < 3; ++y)
            for (int x = 0; x < 5; ++x)
                image.at<cv::Vec3b>(y, x) = cv::Vec3b(uchar(10 * x + y), uchar(40 + x), uchar(200 - 20 * y));
        AreaReducer reducer(5, 3, 2);
        for (int y = 0; y < 3; ++y) {
            QVERIFY(reducer.result().empty()); // not before every row is in
            reducer.addBgr(image.ptr<uchar>(y));
        }
        const cv::Mat out = reducer.result();
        QCOMPARE(out.size(), cv::Size(3, 2));
        QCOMPARE(out.at<cv::Vec3b>(0, 0), cv::Vec3b(6, 41, 190)); // (0+1+10+11)/4 rounded, (40+41+40+41)/4, (200+200+180+180)/4
        QCOMPARE(out.at<cv::Vec3b>(0, 2), cv::Vec3b(41, 44, 190)); // one column: (40 + 41) / 2 rounded up
        QCOMPARE(out.at<cv::Vec3b>(1, 0), cv::Vec3b(7, 41, 160));  // one row: (2 + 12) / 2
        QCOMPARE(out.at<cv::Vec3b>(1, 2), image.at<cv::Vec3b>(2, 4)); // the corner pixel alone
    }

    // A factor of thousands (a 100 MP image a pixel wide reduced to 4 MP,
    // or a caller's own small limit) sums more than 32 bits hold.
    void aLargeFactorDoesNotOverflow()
    {
        const int side = 5000; // 25 M pixels of 255 a block: 6.4e9
        const std::vector<std::uint8_t> row(std::size_t(side) * 3, 255);
        AreaReducer reducer(side, side, side);
        for (int y = 0; y < side; ++y)
            reducer.addBgr(row.data());
        QCOMPARE(reducer.result().size(), cv::Size(1, 1));
        QCOMPARE(reducer.result().at<cv::Vec3b>(0, 0), cv::Vec3b(255, 255, 255));
    }

    // The loader picks the factor: the smallest that brings the picture
    // within maxReducedPixels; the size it reports stays the photo's.
    void loaderReducesLargePhotos()
    {
        const cv::Mat bgr = picture(3000, 2000, CV_8UC3); // 6 MP: halved to 1500 x 1000
        const auto loaded = ImageLoader().loadBytes(test::encode(bgr, ".png"));
        QVERIFY(loaded.ok());
        QCOMPARE(loaded.value().decodeScale, 2);
        QCOMPARE(loaded.value().bgr.cols, 1500);
        QCOMPARE(loaded.value().bgr.rows, 1000);
        QCOMPARE(loaded.value().width, 3000);
        LoadLimits full;
        full.maxReducedPixels = 0;
        QCOMPARE(ImageLoader(full).loadBytes(test::encode(bgr, ".png")).value().decodeScale, 1);
        const cv::Mat small = picture(1600, 1200, CV_8UC3); // 1.9 MP: decoded as it is
        QCOMPARE(ImageLoader().loadBytes(test::encode(small, ".webp")).value().decodeScale, 1);
    }

    // Damaged and hostile files: a clean refusal with the loader's codes.
    void hostileFilesAreRefused_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("code");
        const cv::Mat bgr = picture(640, 480, CV_8UC3);
        const QByteArray png = test::encode(bgr, ".png");
        QTest::newRow("PNG cut in its image data") << png.left(png.size() / 2) << "corrupt";
        QByteArray badCrc = png;
        const qsizetype idat = badCrc.indexOf("IDAT");
        badCrc[idat + 4 + 10] = char(badCrc[idat + 4 + 10] ^ 0x5A);
        QTest::newRow("PNG with a damaged IDAT (bad CRC)") << badCrc << "corrupt";
        QTest::newRow("interlaced PNG of 24 MP") << test::interlacedPngStart(6000, 4000) << "unsupported_format";
        // 340,000 rows (64 MiB) past the last: read to its end, it was accepted after inflating them all.
        QTest::newRow("PNG whose data goes on past its last row") << test::flatPng(64, 64, 8, 2, 340'000) << "corrupt";
        const QByteArray webp = test::encode(bgr, ".webp", {cv::IMWRITE_WEBP_QUALITY, 80});
        QTest::newRow("WebP cut short") << webp.left(webp.size() / 2) << "corrupt";
        const QByteArray tiff = test::encode(bgr, ".tiff");
        QTest::newRow("TIFF cut short") << tiff.left(tiff.size() / 3) << "corrupt";
        QTest::newRow("TIFF of 32-bit samples") << withTiffBits(tiff, 32) << "unsupported_format";
        QByteArray bmp = test::encode(picture(64, 64, CV_8UC3), ".bmp");
        qToLittleEndian(qint32(5000), bmp.data() + 18);
        qToLittleEndian(qint32(4000), bmp.data() + 22);
        QTest::newRow("BMP declaring 20 MP") << bmp << "too_many_pixels";
    }
    void hostileFilesAreRefused()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, code);
        const auto loaded = ImageLoader().loadBytes(bytes);
        QVERIFY(!loaded.ok());
        QCOMPARE(loaded.error().codeName(), code);
        QVERIFY(!loaded.error().message.isEmpty());
    }

private:
    QTemporaryDir m_dir;
};

QTEST_GUILESS_MAIN(TestReducedDecode)
#include "tst_reduced_decode.moc"
