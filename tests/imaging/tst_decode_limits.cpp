// What a hostile photo may cost to decode: every decoder is held to a
// memory budget (LoadLimits::maxDecodedBytes, a JPEG's
// maxJpegDecodedBytes), measured as the peak resident
// memory of a child process that decodes one file; a 100 MP PNG, WebP or
// TIFF decodes reduced in far less; JPEG scan bombs stop within a CPU bound;
// any JPEG decode has a deadline.
#include "fixtures.h"
#include "hostile_images.h"
#include "image_loader.h"
#include "jpeg_decoder.h"
#include "process_cost.h"

#include <QCoreApplication>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>
#include <QtEndian>

#include <opencv2/imgcodecs.hpp>

#include <functional>

using namespace listinglens;

namespace {

// The child's work: decode one file as the services do (default limits).
int probe(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return 2;
    const QByteArray bytes = file.readAll();
    return test::printCost([&bytes] {
        const auto loaded = ImageLoader().loadBytes(bytes);
        return QJsonObject{{QStringLiteral("code"), loaded ? QStringLiteral("ok") : loaded.error().codeName()},
                           {QStringLiteral("message"), loaded ? QString() : loaded.error().message}};
    });
}

using Maker = std::function<QByteArray()>;

// What a 100 MP PNG, lossy WebP or TIFF in strips may cost to decode reduced
// (the output is at most LoadLimits::maxReducedPixels, 12 MB): +12 to +13 MiB
// and 0.2 s (WebP), 0.45 s (TIFF), 0.9 s (8-bit RGB PNG), 2.3 s (16-bit RGBA PNG, mostly inflating
// its 800 MB of samples) of CPU on an AMD EPYC; bounded with room for a
// slower or busier machine.
constexpr double kReducedMb = 32, kReducedCpuMs = 5000;

} // namespace

Q_DECLARE_METATYPE(Maker)

class TestDecodeLimits : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    // Each file is decoded in a child process: its peak resident memory
    // grows by at most the budget (plus the allocator's slack), whatever the
    // decoder, and a scan bomb is stopped within a CPU bound.
    void everyDecoderStaysWithinTheBudget_data()
    {
        QTest::addColumn<Maker>("make");
        QTest::addColumn<QString>("expected"); // "ok" or the refusal's code
        QTest::addColumn<double>("maxGrownMb"); // 0: the budget plus the allocator's slack
        QTest::addColumn<double>("maxCpuMs");
        using test::ScanAbuse;
        QTest::newRow("scan bomb: a refinement repeated 2,000 times (4096x4096 grey)")
            << Maker([] { return test::progressiveJpeg(4096, 4096, 1, ScanAbuse::RepeatRefinement, 2000); }) << "corrupt" << 0.0 << 1500.0;
        QTest::newRow("scan bomb: a full-precision AC scan repeated 2,000 times, no warning")
            << Maker([] { return test::progressiveJpeg(4096, 4096, 1, ScanAbuse::RepeatFirstScan, 2000); }) << "corrupt" << 0.0 << 1500.0;
        QTest::newRow("progressive CMYK JPEG of 67 MP (537 MB of coefficients)")
            << Maker([] { return test::progressiveJpeg(8192, 8192, 4); }) << "too_many_pixels" << 0.0 << 1500.0;
        QTest::newRow("progressive YCbCr JPEG of 31 MP (189 MB of coefficients) decodes")
            << Maker([] { return test::progressiveJpeg(6144, 5120, 3); }) << "ok" << 0.0 << 5000.0;
        // JPEG keeps its own budget of 400 MiB (LoadLimits::maxJpegDecodedBytes): libjpeg is held to it while decoding.
        QTest::newRow("progressive YCbCr JPEG of 50 MP (302 MB of coefficients) decodes within JPEG's budget")
            << Maker([] { return test::progressiveJpeg(8192, 6144, 3); }) << "ok" << double(LoadLimits().maxJpegDecodedBytes >> 20) + 48 << 8000.0;
        QTest::newRow("TIFF of 100 MP in one strip (a 700 MB strip and band)")
            << Maker([] { return test::tiffOneStrip(10000, 10000); }) << "too_many_pixels" << 0.0 << 1500.0;
        QTest::newRow("TIFF of 20 MP in one strip decodes")
            << Maker([] { return test::tiffOneStrip(5000, 4000); }) << "ok" << 0.0 << 5000.0;
        // The 100 MP cases decode reduced, a row (PNG, lossy WebP) or a strip (TIFF) at a time.
        QTest::newRow("16-bit RGBA PNG of 100 MP (800 MB at full size) decodes reduced")
            << Maker([] { return test::png16Rgba(10000, 10000); }) << "ok" << kReducedMb << kReducedCpuMs;
        QTest::newRow("8-bit RGB PNG of 100 MP decodes reduced")
            << Maker([] { return test::flatPng(10000, 10000, 8, 2); }) << "ok" << kReducedMb << kReducedCpuMs;
        QTest::newRow("TIFF of 100 MP in strips of 8 rows decodes reduced")
            << Maker([] { return test::tiffInStrips(10000, 10000, 8); }) << "ok" << kReducedMb << kReducedCpuMs;
        QTest::newRow("lossy WebP of 100 MP decodes reduced")
            << Maker([] { return test::lossyWebP(10000, 10000); }) << "ok" << kReducedMb << kReducedCpuMs;
        QTest::newRow("lossless WebP of 100 MP (libwebp holds 400 MB of ARGB)")
            << Maker([] { return test::webpLosslessHeader(10000, 10000); }) << "too_many_pixels" << 0.0 << 1500.0;
        QTest::newRow("lossless WebP of 81 MP (324 MB of ARGB)")
            << Maker([] { return test::flatLosslessWebP(9000, 9000, false); }) << "too_many_pixels" << 0.0 << 1500.0;
        QTest::newRow("the same lossless WebP after a VP8X and an ALPH chunk")
            << Maker([] { return test::flatLosslessWebP(9000, 9000, true); }) << "too_many_pixels" << 0.0 << 1500.0;
        QTest::newRow("TIFF whose size is LONG8 (64 x 72 to a reader of 4-byte values, 400 MP to libtiff)")
            << Maker([] { return test::tiffSizeInLong8(20000, 20000); }) << "corrupt" << 0.0 << 1500.0;
    }
    void everyDecoderStaysWithinTheBudget()
    {
        QFETCH(Maker, make);
        QFETCH(QString, expected);
        QFETCH(double, maxGrownMb);
        QFETCH(double, maxCpuMs);
        const QString path = m_dir.filePath(QStringLiteral("hostile.bin"));
        const QByteArray bytes = make();
        QVERIFY(!bytes.isEmpty());
        QVERIFY(test::writeFile(path, bytes));
        QString error;
        const QJsonObject cost = test::runCostProbe({QStringLiteral("--decode"), path}, &error);
        QVERIFY2(!cost.isEmpty(), qPrintable(error));
        const double grownMb = cost.value(QStringLiteral("grown_kb")).toDouble() / 1024.0;
        const double cpuMs = cost.value(QStringLiteral("cpu_ms")).toDouble();
        qInfo("%s: %s, %lld bytes, peak resident memory +%.0f MiB, CPU %.0f ms", QTest::currentDataTag(),
              qPrintable(cost.value(QStringLiteral("code")).toString()), qint64(bytes.size()), grownMb, cpuMs);
        QCOMPARE(cost.value(QStringLiteral("code")).toString(), expected);
        const double budgetMb = double(LoadLimits().maxDecodedBytes) / (1024 * 1024);
        const double boundMb = maxGrownMb > 0 ? maxGrownMb : budgetMb + 48;
        QVERIFY2(grownMb < boundMb, qPrintable(QStringLiteral("+%1 MiB, over %2").arg(grownMb).arg(boundMb)));
        // A scan bomb takes tens of seconds unless it is stopped.
        QVERIFY2(cpuMs < maxCpuMs, qPrintable(QStringLiteral("%1 ms of CPU, over %2").arg(cpuMs).arg(maxCpuMs)));
    }

    // A full-size decode (targetShortSide 0, as the bench makes phone photos)
    // of a rotated 50 MP JPEG holds its picture and the rotated copy, 302 MB:
    // within JPEG's own budget, as it was before the other formats' budget
    // was lowered; the other formats' budget alone would refuse it.
    void aRotatedFullSizeJpegFitsJpegsBudget()
    {
        QByteArray jpeg = test::progressiveJpeg(8192, 6144, 3);
        // An APP1 EXIF segment right after the SOI marker: Orientation 6 (rotate 90).
        QByteArray exif("Exif\0\0II*\0\x08\0\0\0\x01\0\x12\x01\x03\0\x01\0\0\0\x06\0\0\0\0\0\0\0", 32);
        QByteArray app1("\xFF\xE1", 2);
        app1 += char((exif.size() + 2) >> 8);
        app1 += char((exif.size() + 2) & 0xFF);
        jpeg.insert(2, app1 + exif);
        LoadLimits fullSize;
        fullSize.targetShortSide = 0;
        const auto header = ImageLoader(fullSize).inspect(jpeg);
        QVERIFY2(header.ok(), qPrintable(header.ok() ? QString() : header.error().message));
        QCOMPARE(header.value().orientation, 6);
        QVERIFY(decodePeakBytes(header.value(), 1) > fullSize.maxDecodedBytes);
        QVERIFY(decodePeakBytes(header.value(), 1) <= fullSize.maxJpegDecodedBytes);
    }

    // A decode that runs past its deadline stops, with a refusal that says so.
    void aJpegDecodeHasADeadline()
    {
        const QByteArray jpeg = test::progressiveJpeg(6144, 5120, 3);
        const auto stopped = decodeJpeg(jpeg, 8, JpegBudget(LoadLimits().maxJpegDecodedBytes, std::chrono::steady_clock::now()));
        QVERIFY(!stopped.ok());
        QCOMPARE(stopped.error().codeName(), QStringLiteral("too_many_pixels"));
        QVERIFY2(stopped.error().message.contains(QStringLiteral("too long")), qPrintable(stopped.error().message));
        LoadLimits impatient;
        impatient.maxDecodeMs = 0;
        QCOMPARE(ImageLoader(impatient).loadBytes(jpeg).error().codeName(), QStringLiteral("too_many_pixels"));
        QVERIFY(ImageLoader().loadBytes(jpeg).ok());
    }

    // The scans of a well-formed progressive file are within the caps.
    void wellFormedProgressiveFilesDecode()
    {
        QVERIFY(ImageLoader().loadBytes(test::progressiveJpeg(4096, 4096, 1)).ok());
        const cv::Mat photo = test::quadrants(640, 480);
        const QByteArray encoded = test::encode(photo, ".jpg", {cv::IMWRITE_JPEG_PROGRESSIVE, 1});
        QVERIFY(ImageLoader().loadBytes(encoded).ok());
    }

    // libtiff would decode JPEG inside a TIFF outside the JPEG limits: refused.
    void tiffWithJpegCompressionIsRefused_data()
    {
        QTest::addColumn<quint16>("compression");
        QTest::newRow("JPEG (7)") << quint16(7);
        QTest::newRow("old-style JPEG (6)") << quint16(6);
    }
    void tiffWithJpegCompressionIsRefused()
    {
        QFETCH(quint16, compression);
        QByteArray tiff = test::encode(test::quadrants(), ".tiff");
        const quint32 ifd = qFromLittleEndian<quint32>(tiff.constData() + 4);
        const quint16 entries = qFromLittleEndian<quint16>(tiff.constData() + ifd);
        bool patched = false;
        for (quint16 i = 0; i < entries; ++i) {
            char *entry = tiff.data() + ifd + 2 + 12 * i;
            if (qFromLittleEndian<quint16>(entry) == 259) { // Compression, a SHORT in the value field
                qToLittleEndian(compression, entry + 8);
                patched = true;
            }
        }
        QVERIFY(patched);
        const auto r = ImageLoader().inspect(tiff);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().codeName(), QStringLiteral("unsupported_format"));
    }

    // CMYK goes through libjpeg directly too, with OpenCV's conversion.
    void cmykDecodeMatchesOpenCv()
    {
        const QByteArray cmyk = test::cmykJpeg(640, 480, 10, 70, 30, 20);
        for (const auto &[scale, flag] : {std::pair{1, int(cv::IMREAD_COLOR)}, {2, int(cv::IMREAD_REDUCED_COLOR_2)},
                                          {4, int(cv::IMREAD_REDUCED_COLOR_4)}, {8, int(cv::IMREAD_REDUCED_COLOR_8)}}) {
            const cv::Mat raw(1, int(cmyk.size()), CV_8U, const_cast<char *>(cmyk.constData()));
            const cv::Mat reference = cv::imdecode(raw, flag | cv::IMREAD_IGNORE_ORIENTATION);
            const auto ours = decodeJpeg(cmyk, scale, JpegBudget(LoadLimits().maxJpegDecodedBytes));
            QVERIFY(ours.ok());
            QCOMPARE(ours.value().size(), reference.size());
            QCOMPARE(cv::norm(ours.value(), reference, cv::NORM_INF), 0.0);
        }
    }

private:
    QTemporaryDir m_dir;
};

int main(int argc, char **argv)
{
    if (argc == 3 && qstrcmp(argv[1], "--decode") == 0)
        return probe(QString::fromLocal8Bit(argv[2]));
    QCoreApplication app(argc, argv);
    TestDecodeLimits test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_decode_limits.moc"
