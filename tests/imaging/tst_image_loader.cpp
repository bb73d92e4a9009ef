#include "fixtures.h"
#include "image_loader.h"
#include "jpeg_decoder.h"
#include "jpeg_exif.h"

#include <QDir>
#include <QFile>
#include <QtEndian>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

using namespace listinglens;

Q_DECLARE_METATYPE(listinglens::LoadLimits)

namespace {

// Mean colour (B, G, R) of a small patch around (x, y).
cv::Scalar patch(const cv::Mat &m, int x, int y)
{
    return cv::mean(m(cv::Rect(std::max(0, x - 2), std::max(0, y - 2), 5, 5)));
}

bool near(const cv::Scalar &bgr, int b, int g, int r, int tolerance = 40)
{
    return std::abs(bgr[0] - b) <= tolerance && std::abs(bgr[1] - g) <= tolerance && std::abs(bgr[2] - r) <= tolerance;
}

QString describe(const Result<LoadedImage> &r)
{
    return r.ok() ? QStringLiteral("ok") : r.error().codeName() + QStringLiteral(": ") + r.error().message;
}

} // namespace

class TestImageLoader : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void loadsBytes_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<LoadLimits>("limits");
        QTest::addColumn<QString>("expected"); // "ok" or an error code
        QTest::addColumn<int>("width");
        QTest::addColumn<int>("height");

        const cv::Mat q = test::quadrants(64, 48);
        const LoadLimits defaults;
        QTest::newRow("jpeg") << test::encode(q, ".jpg") << defaults << "ok" << 64 << 48;
        QTest::newRow("png") << test::encode(q, ".png") << defaults << "ok" << 64 << 48;
        QTest::newRow("webp lossy") << test::encode(q, ".webp", {cv::IMWRITE_WEBP_QUALITY, 90}) << defaults << "ok" << 64 << 48;
        QTest::newRow("webp lossless") << test::encode(q, ".webp", {cv::IMWRITE_WEBP_QUALITY, 101}) << defaults << "ok" << 64 << 48;
        QTest::newRow("bmp") << test::encode(q, ".bmp") << defaults << "ok" << 64 << 48;
        QTest::newRow("tiff") << test::encode(q, ".tiff") << defaults << "ok" << 64 << 48;

        cv::Mat gray;
        cv::cvtColor(q, gray, cv::COLOR_BGR2GRAY);
        QTest::newRow("grayscale png") << test::encode(gray, ".png") << defaults << "ok" << 64 << 48;
        QTest::newRow("grayscale jpeg") << test::encode(gray, ".jpg") << defaults << "ok" << 64 << 48;

        cv::Mat q16;
        q.convertTo(q16, CV_16U, 257.0);
        QTest::newRow("16-bit png") << test::encode(q16, ".png") << defaults << "ok" << 64 << 48;
        cv::Mat gray16;
        gray.convertTo(gray16, CV_16U, 257.0);
        QTest::newRow("16-bit grayscale png") << test::encode(gray16, ".png") << defaults << "ok" << 64 << 48;
        QTest::newRow("16-bit tiff") << test::encode(q16, ".tiff") << defaults << "ok" << 64 << 48;

        cv::Mat alpha;
        cv::cvtColor(q, alpha, cv::COLOR_BGR2BGRA);
        QTest::newRow("png with alpha") << test::encode(alpha, ".png") << defaults << "ok" << 64 << 48;
        QTest::newRow("cmyk jpeg") << test::cmykJpeg(64, 48, 0, 100, 100, 0) << defaults << "ok" << 64 << 48;

        const QByteArray jpeg = test::encode(q, ".jpg");
        QTest::newRow("truncated jpeg") << jpeg.left(jpeg.size() * 2 / 3) << defaults << "corrupt" << 0 << 0;
        QTest::newRow("jpeg cut in its header") << jpeg.left(40) << defaults << "corrupt" << 0 << 0;
        const QByteArray png = test::encode(q, ".png");
        QTest::newRow("truncated png") << png.left(png.size() / 2) << defaults << "corrupt" << 0 << 0;
        QByteArray garbled = png;
        for (qsizetype i = 60; i < garbled.size() - 20; ++i)
            garbled[i] = char(i * 7);
        QTest::newRow("png with garbage data") << garbled << defaults << "corrupt" << 0 << 0;
        QTest::newRow("zero bytes") << QByteArray() << defaults << "empty" << 0 << 0;
        QTest::newRow("text named .jpg") << QByteArray("this is not a photo\n") << defaults << "unsupported_format" << 0 << 0;
        QTest::newRow("gif") << QByteArray("GIF89a\x01\x00\x01\x00\x00\x00\x00;", 14) << defaults << "unsupported_format" << 0 << 0;
        QTest::newRow("1x1 png") << test::encode(cv::Mat(1, 1, CV_8UC3, cv::Scalar(1, 2, 3)), ".png") << defaults << "too_small" << 0 << 0;
        QTest::newRow("31x200 jpeg") << test::encode(cv::Mat(200, 31, CV_8UC3, cv::Scalar::all(90)), ".jpg") << defaults << "too_small" << 0 << 0;
        // Thinner than 1:50 is no photo (a 40000 x 32 PNG reached the quality measure's resize as 512 x 0).
        QTest::newRow("1:51 png") << test::encode(cv::Mat(32, 51 * 32, CV_8UC3, cv::Scalar::all(90)), ".png") << defaults << "too_small" << 0 << 0;
        QTest::newRow("1:50 png") << test::encode(cv::Mat(50 * 32, 32, CV_8UC3, cv::Scalar::all(90)), ".png") << defaults << "ok" << 32 << 1600;
        QTest::newRow("header claims 60000x60000") << test::pngHeaderOnly(60000, 60000) << defaults << "too_many_pixels" << 0 << 0;
        LoadLimits tiny;
        tiny.maxFileBytes = 100;
        QTest::newRow("over the size limit") << test::encode(q, ".png") << tiny << "too_large" << 0 << 0;
    }

    void loadsBytes()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(LoadLimits, limits);
        QFETCH(QString, expected);
        QFETCH(int, width);
        QFETCH(int, height);

        const auto r = ImageLoader(limits).loadBytes(bytes);
        if (expected != QLatin1String("ok")) {
            QVERIFY2(!r.ok(), qPrintable(describe(r)));
            QCOMPARE(r.error().codeName(), expected);
            QVERIFY(!r.error().message.isEmpty());
            return;
        }
        QVERIFY2(r.ok(), qPrintable(describe(r)));
        const LoadedImage &img = r.value();
        QCOMPARE(img.width, width);
        QCOMPARE(img.height, height);
        QCOMPARE(img.bgr.type(), CV_8UC3);
        QCOMPARE(img.bgr.cols, width);
        QCOMPARE(img.bgr.rows, height);
    }

    void colourLayoutsDecodeToTheRightColours()
    {
        const cv::Mat q = test::quadrants(64, 48);
        cv::Mat q16;
        q.convertTo(q16, CV_16U, 257.0);
        auto r16 = ImageLoader().loadBytes(test::encode(q16, ".png"));
        QVERIFY(r16.ok());
        QVERIFY(near(patch(r16.value().bgr, 16, 12), 0, 0, 255, 2)); // red, exactly scaled down

        // Transparent pixels are composited onto white; opaque ones keep their colour.
        cv::Mat bgra(48, 64, CV_8UC4, cv::Scalar(0, 0, 0, 0));
        bgra(cv::Rect(0, 0, 32, 48)).setTo(cv::Scalar(255, 0, 0, 255));
        auto ra = ImageLoader().loadBytes(test::encode(bgra, ".png"));
        QVERIFY(ra.ok());
        QVERIFY(near(patch(ra.value().bgr, 16, 24), 255, 0, 0, 2));
        QVERIFY(near(patch(ra.value().bgr, 48, 24), 255, 255, 255, 2));

        auto rc = ImageLoader().loadBytes(test::cmykJpeg(64, 48, 0, 100, 100, 0)); // magenta + yellow ink = red
        QVERIFY(rc.ok());
        const cv::Scalar c = patch(rc.value().bgr, 32, 24);
        QVERIFY2(c[2] > 180 && c[1] < 80 && c[0] < 80, qPrintable(QStringLiteral("CMYK red decoded as BGR %1,%2,%3").arg(c[0]).arg(c[1]).arg(c[2])));
    }

    void appliesExifOrientation_data()
    {
        QTest::addColumn<int>("orientation");
        for (int o = 1; o <= 8; ++o)
            QTest::addRow("orientation %d", o) << o;
    }

    void appliesExifOrientation()
    {
        QFETCH(int, orientation);
        // The photo as it should be displayed, and how a camera would store it
        // for each orientation (built from the EXIF definitions, not from our code).
        const cv::Mat display = test::quadrants(64, 48);
        cv::Mat stored;
        switch (orientation) {
        case 1: stored = display.clone(); break;
        case 2: cv::flip(display, stored, 1); break;
        case 3: cv::rotate(display, stored, cv::ROTATE_180); break;
        case 4: cv::flip(display, stored, 0); break;
        case 5: cv::transpose(display, stored); break;
        case 6: cv::rotate(display, stored, cv::ROTATE_90_COUNTERCLOCKWISE); break;
        case 7: cv::transpose(display, stored); cv::flip(stored, stored, -1); break;
        case 8: cv::rotate(display, stored, cv::ROTATE_90_CLOCKWISE); break;
        }
        const QByteArray jpeg = withExifOrientation(test::encode(stored, ".jpg", {cv::IMWRITE_JPEG_QUALITY, 98}), orientation);
        const auto r = ImageLoader().loadBytes(jpeg);
        QVERIFY2(r.ok(), qPrintable(describe(r)));
        QCOMPARE(r.value().header.orientation, orientation);
        const cv::Mat &m = r.value().bgr;
        QCOMPARE(m.cols, 64);
        QCOMPARE(m.rows, 48);
        QCOMPARE(r.value().width, 64);
        QCOMPARE(r.value().height, 48);
        QVERIFY(near(patch(m, 16, 12), 0, 0, 255));     // top-left red
        QVERIFY(near(patch(m, 48, 12), 0, 255, 0));     // top-right green
        QVERIFY(near(patch(m, 16, 36), 255, 0, 0));     // bottom-left blue
        QVERIFY(near(patch(m, 48, 36), 255, 255, 255)); // bottom-right white
    }

    void decodesLargeJpegsAtReducedScale()
    {
        cv::Mat big(3000, 4000, CV_8UC3);
        cv::resize(test::quadrants(64, 48), big, big.size(), 0, 0, cv::INTER_NEAREST);
        const QByteArray jpeg = withExifOrientation(test::encode(big, ".jpg"), 6);
        const auto r = ImageLoader().loadBytes(jpeg);
        QVERIFY2(r.ok(), qPrintable(describe(r)));
        QCOMPARE(r.value().decodeScale, 8);
        QCOMPARE(r.value().width, 3000);  // orientation 6 swaps the axes
        QCOMPARE(r.value().height, 4000);
        QCOMPARE(r.value().bgr.cols, 375);
        QCOMPARE(r.value().bgr.rows, 500);

        LoadLimits full;
        full.targetShortSide = 0;
        const auto f = ImageLoader(full).loadBytes(jpeg);
        QVERIFY(f.ok());
        QCOMPARE(f.value().decodeScale, 1);
        QCOMPARE(f.value().bgr.cols, 3000);
    }

    void refusesFilesBeforeReadingThem()
    {
        const QString missing = m_dir.filePath(QStringLiteral("missing.jpg"));
        auto r = ImageLoader().loadFile(missing);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().codeName(), QStringLiteral("io_error"));

        r = ImageLoader().loadFile(m_dir.path());
        QVERIFY(!r.ok());
        QCOMPARE(r.error().codeName(), QStringLiteral("io_error"));

        // A 31 MiB file (sparse: no data is written) is refused by its size alone.
        const QString huge = m_dir.filePath(QStringLiteral("huge.jpg"));
        QFile f(huge);
        QVERIFY(f.open(QIODevice::WriteOnly));
        QVERIFY(f.resize(31LL * 1024 * 1024));
        f.close();
        r = ImageLoader().loadFile(huge);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().codeName(), QStringLiteral("too_large"));
        QVERIFY(r.error().message.contains(QStringLiteral("MiB")));

        const QString empty = m_dir.filePath(QStringLiteral("empty.jpg"));
        QVERIFY(test::writeFile(empty, {}));
        r = ImageLoader().loadFile(empty);
        QCOMPARE(r.error().codeName(), QStringLiteral("empty"));
    }

    // JPEGs are decoded by libjpeg directly: pixel for pixel what OpenCV's
    // decoder gives, at every scale, on the sample photos.
    void jpegDecodeMatchesOpenCv()
    {
        const QDir dir(test::samplePhotosDir());
        const QStringList photos = dir.entryList({QStringLiteral("*.jpg")}, QDir::Files, QDir::Name);
        QVERIFY(photos.size() >= 20);
        const cv::Mat gray = [] { cv::Mat g; cv::cvtColor(test::quadrants(64, 48), g, cv::COLOR_BGR2GRAY); return g; }();
        QList<QByteArray> inputs{test::encode(gray, ".jpg")};
        for (const QString &name : photos.mid(0, 8)) {
            QFile f(dir.filePath(name));
            QVERIFY(f.open(QIODevice::ReadOnly));
            inputs << f.readAll();
        }
        for (const QByteArray &bytes : std::as_const(inputs)) {
            for (const auto &[scale, flag] : {std::pair{1, int(cv::IMREAD_COLOR)}, {2, int(cv::IMREAD_REDUCED_COLOR_2)},
                                              {4, int(cv::IMREAD_REDUCED_COLOR_4)}, {8, int(cv::IMREAD_REDUCED_COLOR_8)}}) {
                const cv::Mat raw(1, int(bytes.size()), CV_8U, const_cast<char *>(bytes.constData()));
                const cv::Mat reference = cv::imdecode(raw, flag | cv::IMREAD_IGNORE_ORIENTATION);
                const auto ours = decodeJpeg(bytes, scale, JpegBudget(LoadLimits().maxJpegDecodedBytes));
                QVERIFY(ours.ok());
                QCOMPARE(ours.value().size(), reference.size());
                QCOMPARE(cv::norm(ours.value(), reference, cv::NORM_INF), 0.0);
            }
        }
    }

    // A progressive JPEG keeps full-resolution coefficients at any output
    // scale: libjpeg's memory is bounded by the same limit as the pixels.
    void progressiveJpegMemoryIsBounded()
    {
        cv::Mat big(2000, 2000, CV_8UC3, cv::Scalar(40, 90, 160));
        cv::randu(big(cv::Rect(0, 0, 200, 200)), 0, 255);
        const QByteArray progressive = test::encode(big, ".jpg", {cv::IMWRITE_JPEG_PROGRESSIVE, 1});
        const QByteArray baseline = test::encode(big, ".jpg");
        LoadLimits small;
        small.maxJpegDecodedBytes = 1024 * 1024; // the 1/8-scale picture (250 x 250 x 3) fits, 12 MB of coefficients do not
        QVERIFY(ImageLoader(small).loadBytes(baseline).ok());
        const auto r = ImageLoader(small).loadBytes(progressive);
        QVERIFY2(!r.ok(), "a progressive JPEG decoded past the memory limit");
        QCOMPARE(r.error().codeName(), QStringLiteral("too_many_pixels"));
        QVERIFY(ImageLoader().loadBytes(progressive).ok());
    }

    // A truncated JPEG with an end-of-image marker appended must not pass
    // the header check and decode with its lower part grey.
    void truncatedJpegWithAFakeEndIsRefused()
    {
        const QByteArray jpeg = test::encode(test::quadrants(640, 480), ".jpg");
        const QByteArray faked = jpeg.left(jpeg.size() / 2) + QByteArray("\xFF\xD9", 2);
        const auto r = ImageLoader().loadBytes(faked);
        QVERIFY2(!r.ok(), qPrintable(describe(r)));
        QCOMPARE(r.error().codeName(), QStringLiteral("corrupt"));
        QVERIFY(r.error().message.contains(QStringLiteral("truncated")));
        QVERIFY(ImageLoader().loadBytes(jpeg).ok());
    }

    // An APP1 "Exif" segment whose length (2..7) is shorter than its own
    // identifier must not make the header reader wrap to a 4 GB span and read
    // far outside the buffer (a crash of classify and serve).
    void shortExifSegmentsAreRefusedOrSkipped_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        const QByteArray jpeg = test::encode(test::quadrants(64, 48), ".jpg");
        for (int length = 2; length <= 7; ++length) {
            // The 22-byte reproducer: SOI, the short APP1, a TIFF header, end of image.
            QByteArray tiny("\xFF\xD8\xFF\xE1", 4);
            tiny.append(char(0)).append(char(length)).append("Exif\0\0II*\0\x08\0\0\0\xFF\xD9", 18);
            QTest::addRow("22 bytes, length %d", length) << tiny.left(22);
            // The same segment in front of a real photo.
            QByteArray real = jpeg.left(2);
            real.append("\xFF\xE1", 2).append(char(0)).append(char(length)).append("Exif\0\0", 6);
            real.append(QByteArray(std::max(0, length - 8), '\0')).append(jpeg.mid(2));
            QTest::addRow("before a photo, length %d", length) << real;
        }
    }
    void shortExifSegmentsAreRefusedOrSkipped()
    {
        QFETCH(QByteArray, bytes);
        const auto r = ImageLoader().loadBytes(bytes);
        if (!r.ok())
            QVERIFY2(r.error().code == ErrorCode::Corrupt, qPrintable(describe(r)));
        else
            QCOMPARE(r.value().header.orientation, 1);
    }

    // Of duplicate width/height tags the header check keeps the first, as
    // libtiff decodes with the first: otherwise a TIFF declared 100x100 to the
    // check would decode as 20000x20000 (1.9 GB).
    void tiffDuplicateTagsReadAsTheDecoderReadsThem()
    {
        // An uncompressed 100x100 RGB TIFF whose IFD repeats width and height.
        const auto tiff = [](std::initializer_list<std::pair<quint16, quint32>> tags) {
            QByteArray t("II*\0\x08\0\0\0", 8);
            const quint32 dataAt = 8 + 2 + quint32(tags.size()) * 12 + 4;
            const auto u16 = [&t](quint32 v) { t.append(char(v & 0xFF)).append(char(v >> 8 & 0xFF)); };
            const auto u32 = [&](quint32 v) { u16(v & 0xFFFF); u16(v >> 16); };
            u16(quint32(tags.size()));
            for (const auto &[tag, value] : tags) {
                u16(tag);
                u16(4); // LONG
                u32(1);
                u32(tag == 273 ? dataAt : value);
            }
            u32(0);
            t.append(QByteArray(100 * 100 * 3, char(120)));
            return t;
        };
        const QByteArray dup = tiff({{256, 100}, {256, 20000}, {257, 100}, {257, 20000}, {258, 8}, {259, 1}, {262, 2},
                                     {273, 0}, {277, 3}, {278, 100}, {279, 30000}});
        const std::span<const std::uint8_t> data(reinterpret_cast<const std::uint8_t *>(dup.constData()), std::size_t(dup.size()));
        const auto header = readImageHeader(data);
        QVERIFY(header.ok());
        QCOMPARE(header.value().width, 100);
        QCOMPARE(header.value().height, 100);
        const auto r = ImageLoader().loadBytes(dup);
        if (r.ok()) { // what the decoder made of it must be what was checked
            QCOMPARE(r.value().bgr.cols, 100);
            QCOMPARE(r.value().bgr.rows, 100);
        } else {
            QCOMPARE(r.error().codeName(), QStringLiteral("corrupt"));
        }
        // The other way round, the large size comes first and is refused before decoding.
        const QByteArray big = tiff({{256, 20000}, {256, 100}, {257, 20000}, {257, 100}, {258, 8}, {259, 1}, {262, 2},
                                     {273, 0}, {277, 3}, {278, 100}, {279, 30000}});
        const auto refused = ImageLoader().inspect(big);
        QVERIFY(!refused.ok());
        QCOMPARE(refused.error().codeName(), QStringLiteral("too_many_pixels"));
        // Found by fuzzing: 10 million rows per strip made OpenCV allocate a 4 GB strip buffer.
        const QByteArray strip = tiff({{256, 100}, {257, 100}, {258, 8}, {259, 1}, {262, 2}, {273, 0}, {277, 3},
                                       {278, 10'000'000}, {279, 30000}});
        // Also found by fuzzing: huge tile sizes overflowed the byte count.
        const QByteArray tiles = tiff({{256, 100}, {257, 100}, {258, 8}, {259, 1}, {262, 2}, {273, 0}, {277, 3},
                                       {322, 0xFFFFFFFF}, {323, 0xFFFFFFFF}});
        QCOMPARE(ImageLoader().inspect(tiles).error().codeName(), QStringLiteral("too_many_pixels"));
        // The decoder reads a strip only as far as the image goes (libtiff and
        // the band alike): it costs what a 100-row strip costs, and decodes.
        const auto tall = ImageLoader().inspect(strip);
        QVERIFY(tall.ok());
        QVERIFY(decodePeakBytes(tall.value(), 1) < 1024 * 1024);
        const auto decoded = ImageLoader().loadBytes(strip);
        QVERIFY(decoded.ok());
        QCOMPARE(decoded.value().bgr.cols, 100);
        QCOMPARE(decoded.value().bgr.rows, 100);
    }

    // The limit counts what decoding allocates, not pixels alone.
    void limitsCountDecodedBytes()
    {
        // 10000 x 10000 is exactly the 100 MP limit. As 16-bit RGBA that is
        // 800 MB at full size, but a PNG is decoded a row at a time into 4 MP.
        QByteArray png = test::pngHeaderOnly(10000, 10000);
        png[24] = 16; // bit depth
        png[25] = 6;  // RGBA
        QVERIFY(ImageLoader().inspect(png).ok());
        QVERIFY(decodePeakBytes(ImageLoader().inspect(png).value(), 5) < qint64(16) << 20);
        // Interlaced, it is decoded whole (400 MB as 8-bit BGRA): refused from the header.
        png[28] = 1;
        auto r = ImageLoader().inspect(png);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().codeName(), QStringLiteral("too_many_pixels"));
        QVERIFY2(r.error().message.contains(QStringLiteral("MiB")), qPrintable(r.error().message));
        // A 12000 x 9000 JPEG is decoded at 1/8 scale: its decode is small.
        ImageHeader jpeg;
        jpeg.width = 12000;
        jpeg.height = 9000;
        QCOMPARE(jpeg.decodedBytes(8), qint64(1500) * 1125 * 3);
    }

    // BMP sizes are signed; INT32_MIN must not reach std::abs (undefined).
    void bmpWithExtremeSizesIsRefused_data()
    {
        QTest::addColumn<qint32>("width");
        QTest::addColumn<qint32>("height");
        QTest::newRow("width INT32_MIN") << qint32(INT32_MIN) << qint32(100);
        QTest::newRow("height INT32_MIN") << qint32(100) << qint32(INT32_MIN);
        QTest::newRow("negative width") << qint32(-100) << qint32(100);
    }
    void bmpWithExtremeSizesIsRefused()
    {
        QFETCH(qint32, width);
        QFETCH(qint32, height);
        QByteArray bmp = test::encode(test::quadrants(64, 48), ".bmp");
        qToLittleEndian(width, bmp.data() + 18);
        qToLittleEndian(height, bmp.data() + 22);
        const auto r = ImageLoader().loadBytes(bmp);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().codeName(), QStringLiteral("corrupt"));
    }

    // Damaged files of every format must give a result or a typed error, never a crash.
    void survivesMutatedFiles()
    {
        const cv::Mat q = test::quadrants(96, 72);
        const QList<QByteArray> seeds = {test::encode(q, ".jpg"), test::encode(q, ".png"), test::encode(q, ".webp"),
                                         test::encode(q, ".bmp"), test::encode(q, ".tiff"),
                                         test::cmykJpeg(64, 48, 10, 20, 30, 40)};
        QRandomGenerator rng(1234);
        int ok = 0, refused = 0;
        for (const QByteArray &seed : seeds) {
            for (int i = 0; i < 150; ++i) {
                QByteArray bytes = seed;
                const int flips = 1 + int(rng.bounded(8));
                for (int k = 0; k < flips; ++k)
                    bytes[qsizetype(rng.bounded(quint32(bytes.size())))] = char(rng.bounded(256));
                if (i % 5 == 0)
                    bytes.truncate(qsizetype(rng.bounded(quint32(bytes.size()))));
                const auto r = ImageLoader().loadBytes(bytes);
                if (r.ok()) {
                    QCOMPARE(r.value().bgr.type(), CV_8UC3);
                    ++ok;
                } else {
                    QVERIFY(r.error().code != ErrorCode::Internal);
                    ++refused;
                }
            }
        }
        qInfo("mutated files: %d decoded, %d refused", ok, refused);
        QVERIFY(refused > 0);
    }

private:
    QTemporaryDir m_dir;
};

QTEST_GUILESS_MAIN(TestImageLoader)
#include "tst_image_loader.moc"
