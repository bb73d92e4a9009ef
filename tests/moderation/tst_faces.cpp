// Faces on photos (core/moderation/face_detector.h): found where a face is,
// none on plain or hostile images, blurred only inside their boxes, and
// blurred in the thumbnails the products store.
#include "classifier.h"
#include "face_detector.h"
#include "moderation_photos.h"
#include "fixtures.h"
#include "route.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/objdetect.hpp>

#include <ctime>
#include <thread>

using namespace listinglens;
using namespace listinglens::test;

class TestFaces : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void faceIsFoundOnAPhotoWithAFace()
    {
        const cv::Mat photo = facePhoto();
        if (photo.empty())
            QSKIP("../shared/testdata/photos is not here");
        auto detector = FaceDetector::open();
        QVERIFY2(detector.ok(), qPrintable(detector.ok() ? QString() : detector.error().message)); // setup installs opencv-data
        const auto faces = detector.value()->detect(photo, 1);
        QCOMPARE(int(faces.size()), 1);
        QVERIFY2(faces[0].intersected(kLaptopFace).width() > 40, qPrintable(rectText(faces[0])));
        // The same pixels as the 1/2 decode of a photo twice as large: boxes in the full photo's pixels.
        const auto scaled = detector.value()->detect(photo, 2);
        QCOMPARE(int(scaled.size()), 1);
        QCOMPARE(scaled[0], QRect(faces[0].topLeft() * 2, faces[0].size() * 2));

        // Several threads at once (prepare() runs on several) find the same.
        std::vector<std::vector<QRect>> seen(4);
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t)
            threads.emplace_back([&, t] {
                for (int i = 0; i < 3; ++i)
                    seen[t] = detector.value()->detect(photo, 1);
            });
        for (std::thread &t : threads)
            t.join();
        for (const auto &s : seen)
            QVERIFY(s == faces);
    }

    // The skin-toned areas are found on a quarter-size copy of the image's
    // corner whose sides are multiples of four (face_detector.cpp): the last
    // rows and columns, three at most, are left out of it. A face that ends
    // in them is still found: laptop.jpg cut so that its face ends 1 px from
    // the right edge and 3 px from the bottom (its first 106 rows and 407
    // columns), under the photo's last 153 rows so that the short side, 259,
    // keeps the smallest face at 32 px. Both sides are 3 more than a multiple
    // of four (the most left out). The photo is coloured, so the areas are
    // looked for, but its wood and walls are skin-toned: they cover the whole
    // image, which is then scanned whole (on laptop.jpg as it is too). Cut
    // 1-3 px from these edges otherwise, or set on a plain background, the
    // face is missed by the cascade scanning the whole image too: its windows
    // reach past the face's box and need the photo round it.
    void faceAtTheBottomRightEdgeIsFound()
    {
        const cv::Mat photo = facePhoto();
        if (photo.empty())
            QSKIP("../shared/testdata/photos is not here");
        auto detector = FaceDetector::open();
        QVERIFY(detector.ok());
        const cv::Size size(407, 259);
        const int faceRows = 106;
        cv::Mat cut;
        cv::vconcat(photo(cv::Rect(0, photo.rows - (size.height - faceRows), size.width, size.height - faceRows)),
                    photo(cv::Rect(0, 0, size.width, faceRows)), cut);
        QCOMPARE(cut.cols % 4, 3);
        QCOMPARE(cut.rows % 4, 3);
        const QRect shifted = kLaptopFace.translated(0, size.height - faceRows);
        const int after[2] = {size.width - shifted.x() - shifted.width(), size.height - shifted.y() - shifted.height()};
        for (const int columnsOrRows : after) // left after the face: within the three the copy leaves out
            QVERIFY2(columnsOrRows >= 1 && columnsOrRows <= 3, qPrintable(rectText(shifted)));
        const auto faces = detector.value()->detect(cut, 1);
        QCOMPARE(int(faces.size()), 1);
        QVERIFY2(faces[0].intersected(shifted).width() > 40 && faces[0].intersected(shifted).height() > 40,
                 qPrintable(rectText(faces[0]) + QLatin1String(" against ") + rectText(shifted)));
    }

    // The smallest faces' sizes are scanned sparsely (face_detector.cpp):
    // on the sample photos at the size the lane sees them (a phone photo's
    // 1/8 decode is 500 x 375), made grey so that the whole image is
    // scanned, the detector finds the faces a full scan of the cascade finds,
    // box for box (the scan of the 256 px reduction adds none on them), and
    // prints the CPU of both (AMD EPYC: 0.67 of the full scan's without that
    // scan, about 1.0 with it; the detector without the sparse scan 1.0-1.06).
    void sparseScanFindsTheFullScansFaces()
    {
        const QStringList names = QDir(samplePhotosDir()).entryList({QStringLiteral("*.jpg")}, QDir::Files, QDir::Name);
        if (names.isEmpty())
            QSKIP("../shared/testdata/photos is not here");
        auto detector = FaceDetector::open();
        QVERIFY(detector.ok());
        cv::CascadeClassifier full(QFile::encodeName(FaceDetector::defaultCascadePath()).toStdString());
        QVERIFY(!full.empty());
        const auto processMs = [] {
            timespec t{};
            clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
            return double(t.tv_sec) * 1e3 + double(t.tv_nsec) / 1e6;
        };
        double sparseMs = 0, fullMs = 0;
        int sparseFaces = 0, fullFaces = 0;
        for (const QString &name : names) {
            const cv::Mat photo = cv::imread(QFile::encodeName(QDir(samplePhotosDir()).filePath(name)).toStdString());
            QVERIFY(!photo.empty());
            cv::Mat g, shown;
            cv::cvtColor(photo, g, cv::COLOR_BGR2GRAY);
            cv::cvtColor(g, shown, cv::COLOR_GRAY2BGR);
            cv::equalizeHist(g, g);
            const int minFace = std::max(32, int(0.125 * std::min(g.cols, g.rows)));
            double best[2] = {1e9, 1e9};
            std::vector<QRect> sparse;
            std::vector<cv::Rect> whole;
            for (int round = 0; round < 3; ++round) {
                double start = processMs();
                sparse = detector.value()->detect(shown, 1);
                best[0] = std::min(best[0], processMs() - start);
                start = processMs();
                full.detectMultiScale(g, whole, 1.2, 4, 0, cv::Size(minFace, minFace));
                best[1] = std::min(best[1], processMs() - start);
            }
            sparseMs += best[0];
            fullMs += best[1];
            sparseFaces += int(sparse.size());
            fullFaces += int(whole.size());
            for (const QRect &r : sparse)
                QVERIFY2(std::find(whole.begin(), whole.end(), cv::Rect(r.x(), r.y(), r.width(), r.height())) != whole.end(),
                         qPrintable(name + QLatin1Char(' ') + rectText(r)));
            if (name == QLatin1String("laptop.jpg")) {
                QCOMPARE(int(sparse.size()), 1);
                QVERIFY2(sparse[0].intersected(kLaptopFace).width() > 40, qPrintable(rectText(sparse[0])));
            }
        }
        QCOMPARE(sparseFaces, fullFaces);
        // What it saves is measured by `listinglens-bench faces` (docs/performance.md),
        // not asserted here: a CPU time depends on the machine and its load.
        qInfo().noquote() << QStringLiteral("%1 ms of CPU against %2 ms for a full scan (%3)").arg(sparseMs).arg(fullMs).arg(sparseMs / fullMs, 0, 'f', 2);
    }

    // A phone photo's decode (500 px, 1/8 of 4000) is also scanned reduced
    // to the marketplace's 256 px, its faces added to those the 500 px scan
    // finds: a marketplace photo enlarged to phone size, whose face (more
    // than half the photo) the 500 px scan alone loses, has it found; and
    // laptop.jpg's face, which the reduction alone loses on its phone-sized
    // photo, is kept (one box, the 500 px scan's).
    void faceOnAnEnlargedPhotoIsFoundAtMarketplaceSize()
    {
        const cv::Mat listing = cv::imread(QFile::encodeName(sharedDir() + QStringLiteral("/testdata/marketplace/photos/0f5d9af1-52e0-4b72-b463-56b3594d3883.jpg")).toStdString());
        const cv::Mat laptop = facePhoto();
        if (listing.empty() || laptop.empty())
            QSKIP("../shared/testdata is not here");
        auto detector = FaceDetector::open();
        QVERIFY(detector.ok());
        // As a phone would send them: 4000 px on the long side, JPEG, decoded at 1/8 as the lane decodes it.
        const auto phoneDecode = [](const cv::Mat &photo, double *k) {
            *k = 4000.0 / std::max(photo.cols, photo.rows);
            cv::Mat big;
            cv::resize(photo, big, {}, *k, *k, cv::INTER_CUBIC);
            std::vector<uchar> jpeg;
            cv::imencode(".jpg", big, jpeg, {cv::IMWRITE_JPEG_QUALITY, 90});
            return cv::imdecode(jpeg, cv::IMREAD_REDUCED_COLOR_8);
        };
        double k = 0;
        const cv::Mat listingDecode = phoneDecode(listing, &k);
        QCOMPARE(std::min(listingDecode.cols, listingDecode.rows), 500);
        const auto faces = detector.value()->detect(listingDecode, 8);
        QCOMPARE(int(faces.size()), 1);
        // Where the listing photo's own face is found (114-392 px across, 50-328 down, on its 512 px), enlarged.
        const QRect listingFace(QPointF(114 * k, 50 * k).toPoint(), QPointF(392 * k, 328 * k).toPoint());
        // The listing's face itself, not a larger box that covers it: over 0.3 of their union, as a face found again is counted.
        QVERIFY2(faceOverlap(faces[0], listingFace) > kSameFaceOverlap, qPrintable(rectText(faces[0])));
        const QRect common = faces[0].intersected(listingFace);
        QVERIFY2(common.width() * common.height() > 0.6 * listingFace.width() * listingFace.height(), qPrintable(rectText(faces[0])));

        const cv::Mat laptopDecode = phoneDecode(laptop, &k);
        const auto laptopFaces = detector.value()->detect(laptopDecode, 8);
        QCOMPARE(int(laptopFaces.size()), 1);
        const QRect enlargedFace(QPointF(kLaptopFace.x() * k, kLaptopFace.y() * k).toPoint(), QSize(int(kLaptopFace.width() * k), int(kLaptopFace.height() * k)));
        QVERIFY2(laptopFaces[0].intersected(enlargedFace).width() > enlargedFace.width() / 2, qPrintable(rectText(laptopFaces[0])));
        QVERIFY2(faceOverlap(laptopFaces[0], enlargedFace) > kSameFaceOverlap, qPrintable(rectText(laptopFaces[0])));
    }

    // An image type the first scan takes (converted to 8-bit grey) but the
    // second scan's INTER_LINEAR reduction rejects (32-bit integer), on a
    // decode that takes the second scan (laptop.jpg, 354 px short side):
    // the first scan's face is kept, not lost with the failed second scan.
    void firstScansFacesAreKeptWhenTheSecondScanFails()
    {
        const cv::Mat photo = facePhoto();
        if (photo.empty())
            QSKIP("../shared/testdata/photos is not here");
        QVERIFY(std::min(photo.cols, photo.rows) > 320 && std::max(photo.cols, photo.rows) <= 512);
        auto detector = FaceDetector::open();
        QVERIFY(detector.ok());
        cv::Mat wide;
        photo.convertTo(wide, CV_32SC3);
        const auto faces = detector.value()->detect(wide, 1);
        QCOMPARE(int(faces.size()), 1);
        QVERIFY2(faces[0].intersected(kLaptopFace).width() > 40, qPrintable(rectText(faces[0])));
    }

    void noFaceOnAPlainImage()
    {
        auto detector = FaceDetector::open();
        QVERIFY(detector.ok());
        cv::Mat gradient(300, 400, CV_8UC3);
        for (int y = 0; y < gradient.rows; ++y)
            for (int x = 0; x < gradient.cols; ++x)
                gradient.at<cv::Vec3b>(y, x) = cv::Vec3b(uchar(x * 255 / 400), uchar(y * 255 / 300), 128);
        QVERIFY(detector.value()->detect(gradient, 1).empty());
        QVERIFY(detector.value()->detect(photoWithText({{"Call 07911 123456", {20, 80}}}), 2).empty());
    }

    void blurFacesChangesOnlyTheBox()
    {
        cv::Mat noise(200, 200, CV_8UC3);
        cv::randu(noise, cv::Scalar::all(0), cv::Scalar::all(256));
        cv::Mat blurred = noise.clone();
        // A face at (80, 80) 40 x 40 in the full photo, decoded at 1/2: (40, 40) 20 x 20, padded by 4.
        blurFaces(blurred, {QRect(80, 80, 40, 40)}, 2);
        const cv::Rect padded(36, 36, 28, 28);
        const double before = laplacianVariance(noise, {40, 40, 20, 20});
        const double after = laplacianVariance(blurred, {40, 40, 20, 20});
        QVERIFY2(after < 0.05 * before, qPrintable(QStringLiteral("%1 vs %2").arg(after).arg(before)));
        cv::Mat outside(noise.size(), CV_8U, cv::Scalar(255));
        outside(padded).setTo(0);
        cv::Mat diff;
        cv::absdiff(noise, blurred, diff);
        cv::cvtColor(diff, diff, cv::COLOR_BGR2GRAY);
        QCOMPARE(cv::countNonZero(diff & outside), 0);
        QVERIFY(cv::countNonZero(diff(padded)) > padded.area() / 2);
    }

    void hostileImagesHaveNoFaces()
    {
        auto detector = FaceDetector::open();
        QVERIFY(detector.ok());
        const cv::Mat strip(1, 10000, CV_8UC3, cv::Scalar(0, 0, 0));
        const cv::Mat tall(10000, 1, CV_8UC3, cv::Scalar(255, 255, 255));
        const cv::Mat wide(20, 10000, CV_8UC3, cv::Scalar(90, 90, 90));
        cv::Mat huge(6000, 6000, CV_8UC3);
        cv::randu(huge, cv::Scalar::all(0), cv::Scalar::all(256));
        const cv::Mat sixteen(300, 300, CV_16UC3, cv::Scalar(1000, 2000, 3000));
        const cv::Mat four(300, 300, CV_8UC4, cv::Scalar(1, 2, 3, 4));
        const cv::Mat two(300, 300, CV_8UC2, cv::Scalar(1, 2));
        for (const cv::Mat *img : std::initializer_list<const cv::Mat *>{&strip, &tall, &wide, &huge, &sixteen, &four, &two}) {
            QElapsedTimer t;
            t.start();
            QVERIFY(detector.value()->detect(*img, 1).empty());
            QVERIFY2(t.elapsed() < 20000, qPrintable(QString::number(t.elapsed()))); // a hang guard, not a speed target
        }
        QVERIFY(detector.value()->detect(cv::Mat(), 1).empty());
        QVERIFY(detector.value()->detect(four, 0).empty());
        QVERIFY(detector.value()->detect(four, -3).empty());

        // Boxes off the image, empty, negative or enormous: clipped or skipped.
        cv::Mat img(50, 60, CV_8UC3, cv::Scalar(10, 20, 30));
        blurFaces(img, {QRect(-100, -100, 10, 10), QRect(1000, 1000, 50, 50), QRect(5, 5, 0, 0), QRect(5, 5, -20, -20),
                        QRect(-1000000, -1000000, 2000000, 2000000), QRect(58, 48, 10, 10)}, 1);
        blurFaces(img, {QRect(0, 0, 10, 10)}, 0);
        cv::Mat empty;
        blurFaces(empty, {QRect(0, 0, 10, 10)}, 1);
        QVERIFY(empty.empty());
        cv::Mat line(1, 10000, CV_8UC3, cv::Scalar(1, 2, 3));
        blurFaces(line, {QRect(0, 0, 10000, 1)}, 1);
    }

    void missingCascadeIsAnError()
    {
        auto missing = FaceDetector::open(QStringLiteral("/nonexistent/cascade.xml"));
        QVERIFY(!missing.ok());
        QCOMPARE(missing.error().code, ErrorCode::ModelError);
        QVERIFY(missing.error().message.contains(QLatin1String("/nonexistent/cascade.xml")));
        QTemporaryDir dir;
        const QString garbage = dir.filePath(QStringLiteral("garbage.xml"));
        QVERIFY(test::writeFile(garbage, QByteArrayLiteral("<opencv_storage><cascade>nonsense")));
        auto unreadable = FaceDetector::open(garbage);
        QVERIFY(!unreadable.ok());
        QCOMPARE(unreadable.error().code, ErrorCode::ModelError);
        QVERIFY(!FaceDetector::open(dir.path()).ok()); // a folder
    }

    // Face blur in stored thumbnails, without a lane: the route's thumbnail has
    // the face blurred and the result names the face; the model saw the photo as it is.
    void faceIsBlurredInStoredThumbnails()
    {
        const cv::Mat photo = facePhoto();
        if (photo.empty())
            QSKIP("../shared/testdata/photos is not here");
        auto c = shippedClassifier();
        QVERIFY2(c.ok(), qPrintable(c.ok() ? QString() : c.error().message));
        RouteOptions thumbnails;
        thumbnails.thumbnails = true;
        Route route(*c.value(), thumbnails), plain(*c.value(), {});

        // As it is, and as a phone would send it (8 x larger, decoded at 1/8).
        cv::Mat phone;
        cv::resize(photo, phone, {}, 8, 8, cv::INTER_CUBIC);
        const QByteArray phoneJpeg = test::encode(phone, ".jpg", {cv::IMWRITE_JPEG_QUALITY, 90});
        const std::vector<std::pair<PhotoSource, int>> sources{{PhotoSource::fromFile(facePhotoPath()), 1},
                                                               {PhotoSource::fromBytes(QStringLiteral("phone.jpg"), phoneJpeg), 8}};
        for (const auto &[source, scale] : sources) {
            auto r = route.classifyOne(source);
            QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().message));
            const PhotoResult &result = r.value();
            QCOMPARE(int(result.moderation.faces.size()), 1);
            const QRect face = result.moderation.faces[0];
            const QRect expected(kLaptopFace.topLeft() * scale, kLaptopFace.size() * scale);
            QVERIFY2(face.intersected(expected).width() > 40 * scale, qPrintable(rectText(face)));
            QVERIFY(result.moderation.flags().contains(QStringLiteral("person_in_photo")));

            const cv::Mat thumb = cv::imdecode(cv::Mat(1, int(result.thumbnail.size()), CV_8U, const_cast<char *>(result.thumbnail.data())), cv::IMREAD_COLOR);
            QVERIFY(!thumb.empty());
            QCOMPARE(std::max(thumb.cols, thumb.rows), kThumbnailSide);
            cv::Mat unblurred;
            cv::resize(photo, unblurred, thumb.size(), 0, 0, cv::INTER_AREA);
            const double k = double(thumb.cols) / (photo.cols * scale);
            const cv::Rect inThumb(int(face.x() * k), int(face.y() * k), int(face.width() * k), int(face.height() * k));
            const double blurredVar = laplacianVariance(thumb, inThumb);
            const double sharpVar = laplacianVariance(unblurred, inThumb);
            QVERIFY2(blurredVar < 0.2 * sharpVar, qPrintable(QStringLiteral("%1 vs %2").arg(blurredVar).arg(sharpVar)));
            // Away from the face (the laptop, bottom left) the thumbnail is the photo's.
            const cv::Rect away(int(thumb.cols * 0.05), int(thumb.rows * 0.6), thumb.cols / 4, thumb.rows / 4);
            const double awayRatio = laplacianVariance(thumb, away) / laplacianVariance(unblurred, away);
            QVERIFY2(awayRatio > 0.6 && awayRatio < 1.6, qPrintable(QString::number(awayRatio)));

            // The model's input is made from the unblurred photo: the same scores without a thumbnail.
            auto unthumbed = plain.classifyOne(source);
            QVERIFY(unthumbed.ok());
            QVERIFY(unthumbed.value().thumbnail.isEmpty());
            QCOMPARE(unthumbed.value().category.id, result.category.id);
            QCOMPARE(unthumbed.value().category.confidence, result.category.confidence);
        }
    }
};

QTEST_GUILESS_MAIN(TestFaces)
#include "tst_faces.moc"
