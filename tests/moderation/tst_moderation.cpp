// Text on photos and the contact details in it (core/moderation): parsing on
// a table with its false friends, and the region finder and OCR on images
// drawn here.
#include "brand_list.h"
#include "classifier.h"
#include "contact_details.h"
#include "face_detector.h"
#include "moderation_photos.h"
#include "fixtures.h"
#include "photo_text.h"
#include "route.h"
#include "moderated_result.h"
#include "moderation_lane.h"
#include "text_reader.h"

#include <QElapsedTimer>
#include <QFile>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <thread>

using namespace listinglens;
using listinglens::test::facePhoto;
using listinglens::test::facePhotoPath;
using listinglens::test::laplacianVariance;
using listinglens::test::photoWithText;
using listinglens::test::shippedClassifier;

namespace {

// An image in memory read as the lane reads a photo decoded at 1/scale.
std::vector<TextLine> readImage(TextReader &reader, const cv::Mat &img, int scale, ReadCosts *costs = nullptr)
{
    ModerationInput input;
    input.decoded.bgr = img;
    input.decoded.width = img.cols * scale;
    input.decoded.height = img.rows * scale;
    input.decoded.decodeScale = scale;
    return readPhotoText(reader, input, {}, BrandList::builtin(), {nullptr, costs}).lines;
}

} // namespace

namespace {

// One line drawn on a plain ground and read by the reader alone: what each
// recognition read, and how sure it was.
struct LineReads {
    std::vector<std::pair<QString, double>> reads;
};

LineReads readDrawnLine(const std::string &text, double contrast, double blur, double noise)
{
    const cv::Scalar ground(200, 200, 200), ink = ground - cv::Scalar::all(contrast);
    cv::Mat img(60, 560, CV_8UC3, ground);
    cv::putText(img, text, {10, 42}, cv::FONT_HERSHEY_SIMPLEX, 1.0, ink, 2, cv::LINE_AA);
    if (blur > 0)
        cv::GaussianBlur(img, img, cv::Size(0, 0), blur);
    if (noise > 0) {
        cv::Mat grain(img.size(), CV_16SC3);
        cv::theRNG().state = 24;
        cv::randn(grain, 0, noise);
        cv::Mat wide;
        img.convertTo(wide, CV_16SC3);
        cv::add(wide, grain, wide);
        wide.convertTo(img, CV_8UC3);
    }
    LineReads out;
    TextReaderOptions options;
    options.onRecognition = [&](const cv::Mat &, const QRect &, const QString &read, double confidence) { out.reads.emplace_back(read, confidence); };
    auto reader = TextReader::open(options);
    if (!reader)
        return out;
    LineToRead line;
    line.image = &img;
    line.box = cv::RotatedRect(cv::Point2f(280, 30), cv::Size2f(556, 56), 0);
    line.colour = cv::Vec3f(float(ink[0]), float(ink[1]), float(ink[2]));
    line.glyphs = int(text.size());
    ReadBudget budget{nullptr, 0, 8, 0};
    reader.value()->read({line}, budget);
    return out;
}

} // namespace

class TestModeration : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void regionsAreFoundWhereTextIs()
    {
        const cv::Mat img = photoWithText({{"Call 07911 123456", {20, 80}}});
        const auto regions = findTextRegions(img, 8);
        QVERIFY(!regions.empty());
        // One line, the words joined, covering the text's place.
        const cv::Rect box = regions[0].boundingRect();
        QVERIFY2(box.contains({30, 70}) && box.contains({300, 70}), qPrintable(QStringLiteral("%1,%2 %3x%4").arg(box.x).arg(box.y).arg(box.width).arg(box.height)));
        QVERIFY(std::abs(regions[0].angle) < 3 || std::abs(std::abs(regions[0].angle) - 180) < 3);
        QVERIFY(findTextRegions(cv::Mat(354, 500, CV_8UC3, cv::Scalar(128, 128, 128)), 8).empty());
    }

    void turnedTextIsFoundAtItsAngle()
    {
        cv::Mat img = photoWithText({{"Call 07911 123456", {60, 200}}});
        const cv::Mat turn = cv::getRotationMatrix2D({250, 177}, 15, 1.0); // 15 degrees, counter-clockwise
        cv::warpAffine(img, img, turn, img.size(), cv::INTER_LINEAR, cv::BORDER_REPLICATE);
        const auto regions = findTextRegions(img, 8);
        QVERIFY(!regions.empty());
        const float angle = regions[0].angle;
        QVERIFY2(std::abs(angle + 15) < 4 || std::abs(angle - 165) < 4, qPrintable(QString::number(angle)));
        auto reader = TextReader::open();
        QVERIFY(reader.ok());
        const auto lines = readImage(*reader.value(), img, 1);
        QVERIFY(!lines.empty());
        QVERIFY2(!findContactDetails(lines[0].text).empty(), qPrintable(lines[0].text));
    }

    void textIsReadAndItsContactsFound()
    {
        auto reader = TextReader::open();
        if (!reader)
            QFAIL(qPrintable(reader.error().message)); // setup installs Tesseract and its packs
        const cv::Mat img = photoWithText({{"Call 07911 123456", {20, 80}}, {"shutterstock", {20, 250}}});
        const auto lines = readImage(*reader.value(), img, 2);
        QStringList texts;
        for (const TextLine &l : lines)
            texts << l.text;
        QVERIFY2(texts.contains(QStringLiteral("Call 07911 123456")), qPrintable(texts.join(QLatin1String(" | "))));
        QVERIFY2(texts.contains(QStringLiteral("shutterstock")), qPrintable(texts.join(QLatin1String(" | "))));
        for (const TextLine &l : lines) {
            QVERIFY(l.confidence > 0.5 && l.confidence <= 1.0);
            if (l.text.startsWith(QLatin1String("Call"))) // in full-size pixels: twice the reduced image's
                QVERIFY2(QRect(20, 120, 700, 70).intersects(l.box) && l.box.width() > 400, qPrintable(QStringLiteral("%1,%2 %3x%4").arg(l.box.x()).arg(l.box.y()).arg(l.box.width()).arg(l.box.height())));
        }
    }

    void smallTextIsReadFromALargerDecode()
    {
        auto reader = TextReader::open();
        QVERIFY(reader.ok());
        // The photo at full size has readable text; at 1/4 it is about 8 px high.
        cv::Mat full(1416, 2000, CV_8UC3, cv::Scalar(200, 200, 200));
        cv::putText(full, "07911 123456", {100, 400}, cv::FONT_HERSHEY_SIMPLEX, 1.6, cv::Scalar(10, 10, 10), 4, cv::LINE_AA);
        const QByteArray bytes = test::encode(full, ".jpg", {cv::IMWRITE_JPEG_QUALITY, 92});
        auto decoded = ImageLoader().loadBytes(bytes);
        QVERIFY(decoded.ok());
        QCOMPARE(decoded.value().decodeScale, 4);
        const qint64 reducedPixels = qint64(decoded.value().bgr.total());
        ReadCosts costs;
        const PhotoText text = readPhotoText(*reader.value(), moderationInput(std::move(decoded).value(), bytes), {}, BrandList::builtin(), {nullptr, &costs});
        QVERIFY2(costs.largestPixels > reducedPixels, qPrintable(QString::number(costs.largestPixels)));
        QVERIFY(!text.lines.empty());
        QVERIFY2(!text.contacts.empty(), qPrintable(text.lines[0].text));
    }

    // A 4:3 phone photo of 3000 px is decoded at 1/8 for the model (375 px), too
    // small to search, so the search decodes it larger. libjpeg decodes at 1/1,
    // 1/2, 1/4 or 1/8 only (a 1/5 asked for comes back 1/4): a line's box is
    // where the text is on the photo, not a quarter further out.
    void aLargerDecodesLinesAreWhereTheTextIs()
    {
        auto reader = TextReader::open();
        QVERIFY(reader.ok());
        cv::Mat full(2250, 3000, CV_8UC3, cv::Scalar(200, 200, 200));
        const std::string written = "Call 07911 123456";
        int baseline = 0;
        const cv::Size size = cv::getTextSize(written, cv::FONT_HERSHEY_SIMPLEX, 4.4, 10, &baseline);
        const cv::Rect drawn(900, 1560 - size.height, size.width, size.height);
        cv::putText(full, written, {900, 1560}, cv::FONT_HERSHEY_SIMPLEX, 4.4, cv::Scalar(10, 10, 10), 10, cv::LINE_AA);
        const QByteArray bytes = test::encode(full, ".jpg", {cv::IMWRITE_JPEG_QUALITY, 92});
        auto decoded = ImageLoader().loadBytes(bytes);
        QVERIFY(decoded.ok());
        QCOMPARE(decoded.value().decodeScale, 8);
        const PhotoText text = readPhotoText(*reader.value(), moderationInput(std::move(decoded).value(), bytes), {}, BrandList::builtin());
        QVERIFY(!text.lines.empty());
        QVERIFY2(!text.contacts.empty(), qPrintable(text.lines[0].text));
        const QRect box = text.lines[0].box;
        const QString where = QStringLiteral("%1,%2 %3x%4").arg(box.x()).arg(box.y()).arg(box.width()).arg(box.height());
        const QRect expected(drawn.x, drawn.y, drawn.width, drawn.height);
        QVERIFY2(box.intersects(expected), qPrintable(where));
        QVERIFY2(std::abs(box.center().x() - expected.center().x()) < size.height && std::abs(box.center().y() - expected.center().y()) < size.height / 2,
                 qPrintable(where + QStringLiteral(" drawn %1,%2 %3x%4").arg(drawn.x).arg(drawn.y).arg(drawn.width).arg(drawn.height)));
    }

    // Hostile photos: the work is bounded by the number of regions, whatever the photo holds.
    void hostilePhotosCostBoundedTime()
    {
        auto reader = TextReader::open();
        QVERIFY(reader.ok());
        cv::Mat sheet(354, 500, CV_8UC3, cv::Scalar(255, 255, 255));
        for (int y = 8; y < sheet.rows; y += 6) // a sheet of tiny text
            cv::putText(sheet, "the quick brown fox jumps over the lazy dog 0123456789 the quick brown fox", {0, y},
                        cv::FONT_HERSHEY_PLAIN, 0.4, cv::Scalar(0, 0, 0), 1);
        const cv::Mat allText = photoWithText({{"AAAA BBBB CCCC", {0, 40}}, {"DDDD EEEE FFFF", {0, 100}}, {"GGGG HHHH IIII", {0, 160}},
                                         {"JJJJ KKKK LLLL", {0, 220}}, {"MMMM NNNN OOOO", {0, 280}}, {"PPPP QQQQ RRRR", {0, 340}}},
                                        1.4);
        const cv::Mat strip(1, 10000, CV_8UC3, cv::Scalar(0, 0, 0));
        const cv::Mat tall(10000, 1, CV_8UC3, cv::Scalar(255, 255, 255));
        for (const cv::Mat *img : std::initializer_list<const cv::Mat *>{&sheet, &allText, &strip, &tall}) {
            QVERIFY(int(findTextRegions(*img, 8).size()) <= 8);
            QElapsedTimer t;
            t.start();
            readImage(*reader.value(), *img, 1);
            QVERIFY2(t.elapsed() < 20000, qPrintable(QString::number(t.elapsed()))); // a hang guard, not a speed target
        }
        QVERIFY(findTextRegions(cv::Mat(), 8).empty());
    }

    // Faces (person_in_photo; blurred in previews and thumbnails).

    // A line of words read surely is read once; a line of marks that two
    // reads find nothing in, twice; a line that could hold a contact (digits,
    // an @, a dot between letters) whose first read is unsure, again under
    // another threshold, image or language.
    void aLineIsReadOnceWhenOnceIsEnough_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<double>("contrast");
        QTest::addColumn<double>("blur");
        QTest::addColumn<double>("noise");
        QTest::addColumn<int>("fewest");
        QTest::addColumn<int>("most");
        QTest::newRow("words, crisp") << QStringLiteral("PLAYSTATION HITS") << 180.0 << 0.0 << 0.0 << 1 << 1;
        QTest::newRow("marks") << QStringLiteral("=|-=|-=|-=|-=|") << 120.0 << 0.0 << 0.0 << 2 << 2;
        QTest::newRow("number, faint and blurred") << QStringLiteral("Call 07911 123456") << 50.0 << 2.2 << 20.0 << 2 << 8;
        QTest::newRow("address, faint and grainy") << QStringLiteral("sam.seller@gmail.com") << 60.0 << 1.2 << 22.0 << 2 << 8;
    }

    void aLineIsReadOnceWhenOnceIsEnough()
    {
        QFETCH(QString, text);
        QFETCH(double, contrast);
        QFETCH(double, blur);
        QFETCH(double, noise);
        QFETCH(int, fewest);
        QFETCH(int, most);
        const LineReads r = readDrawnLine(text.toStdString(), contrast, blur, noise);
        QString seen;
        for (const auto &[read, confidence] : r.reads)
            seen += QStringLiteral("'%1' %2; ").arg(read).arg(confidence, 0, 'f', 2);
        QVERIFY2(int(r.reads.size()) >= fewest && int(r.reads.size()) <= most, qPrintable(seen));
        if (fewest > 1 && most > 2) // the case the rule is for: a contact read unsurely first
            QVERIFY2(r.reads.front().second < 0.85, qPrintable(seen));
    }

    // The path the products take: the route reports the result first
    // (moderation pending, no thumbnail yet), then the lane completes it on
    // its own thread: the face found and blurred in the thumbnail, the
    // number on the photo read, the flags and review in place.
    void laneCompletesTheResultAfterIt()
    {
        const cv::Mat photo = facePhoto();
        if (photo.empty())
            QSKIP("../shared/testdata/photos is not here");
        auto c = shippedClassifier();
        QVERIFY(c.ok());
        auto lane = ModerationLane::open({});
        QVERIFY2(lane.ok(), qPrintable(lane.ok() ? QString() : lane.error().message));
        const QByteArray number = test::photoWithPhoneNumber();
        QVERIFY(!number.isEmpty());
        const std::vector<PhotoSource> sources{PhotoSource::fromFile(facePhotoPath()), PhotoSource::fromBytes(QStringLiteral("number.jpg"), number),
                                               PhotoSource::fromBytes(QStringLiteral("notes.jpg"), QByteArray("not a photo"))};
        std::mutex mutex;
        std::map<int, PhotoResult> first, completed;
        std::vector<int> order; // which came when: result (index) or completion (index + 100)
        RouteOptions thumbnails;
        thumbnails.thumbnails = true;
        Route route(*c.value(), thumbnails);
        route.plugLane(lane.value().get());
        route.setReports({{},
                          [&](RoutedPhoto &photo) {
                              std::lock_guard lock(mutex);
                              if (photo.ok())
                                  first.emplace(photo.index, photo.result());
                              order.push_back(photo.index);
                          },
                          [&](RoutedPhoto &photo) {
                              std::lock_guard lock(mutex);
                              if (photo.ok())
                                  completed.emplace(photo.index, photo.result());
                              order.push_back(photo.index + 100);
                          }});
        route.run(sources);
        route.waitForLane();
        QCOMPARE(int(first.size()), 2);
        QCOMPARE(int(completed.size()), 2); // the failure is not sent to the lane
        for (int i : {0, 1}) {
            QCOMPARE(first[i].moderation.state, PhotoModeration::State::Pending);
            QVERIFY(first[i].thumbnail.isEmpty()); // made in the lane, faces blurred
            QCOMPARE(completed[i].moderation.state, PhotoModeration::State::Done);
            QVERIFY(!completed[i].thumbnail.isEmpty());
            QVERIFY(std::find(order.begin(), order.end(), i) < std::find(order.begin(), order.end(), i + 100));
        }
        // The face: flagged, and blurred in the stored thumbnail.
        const PhotoResult &face = completed[0];
        QCOMPARE(int(face.moderation.faces.size()), 1);
        QVERIFY(face.quality.flags.contains(QStringLiteral("person_in_photo")));
        QVERIFY(face.review.reasons.contains(QStringLiteral("person_in_photo")));
        const cv::Mat thumb = cv::imdecode(cv::Mat(1, int(face.thumbnail.size()), CV_8U, const_cast<char *>(face.thumbnail.data())), cv::IMREAD_COLOR);
        QVERIFY(!thumb.empty());
        cv::Mat unblurred;
        cv::resize(photo, unblurred, thumb.size(), 0, 0, cv::INTER_AREA);
        const double k = double(thumb.cols) / photo.cols;
        const QRect f = face.moderation.faces[0];
        const cv::Rect inThumb(int(f.x() * k), int(f.y() * k), int(f.width() * k), int(f.height() * k));
        QVERIFY(laplacianVariance(thumb, inThumb) < 0.2 * laplacianVariance(unblurred, inThumb));
        // The number: read, flagged, a review reason and a hint to the seller.
        const PhotoResult &withNumber = completed[1];
        QCOMPARE(int(withNumber.moderation.text.contacts.size()), 1);
        QCOMPARE(withNumber.moderation.text.contacts[0].detail.value, QStringLiteral("+447911123456"));
        QVERIFY(withNumber.quality.flags.contains(QStringLiteral("contact_details")));
        QVERIFY(withNumber.review.needed && withNumber.review.reasons.contains(QStringLiteral("contact_details")));
        QVERIFY(!first[1].quality.flags.contains(QStringLiteral("contact_details")));
        QVERIFY(std::any_of(withNumber.hints.begin(), withNumber.hints.end(), [](const QString &h) { return h.contains(QLatin1String("contact details")); }));
    }

    // A caller waiting for the lane helps only with photos that would wait
    // for a lane thread: with the lane's one thread busy and one photo
    // queued (the thread takes it next), helpUntilIdle() opens no Tesseract
    // of its own (about 150 ms of CPU) and reads nothing on its thread.
    void theHelperOpensNoReaderForAPhotoTheLaneTakesNext()
    {
        ModerationOptions options;
        options.threads = 1;
        auto lane = ModerationLane::open(options);
        QVERIFY2(lane.ok(), qPrintable(lane.ok() ? QString() : lane.error().message));
        const auto input = [] {
            ModerationInput in;
            in.decoded.bgr = cv::Mat(300, 400, CV_8UC3, cv::Scalar(120, 140, 160));
            in.decoded.width = 400;
            in.decoded.height = 300;
            return in;
        };
        std::mutex mutex;
        std::condition_variable changed;
        bool reading = false, release = false;
        std::atomic_int reported = 0;
        // The first photo holds the lane's thread until released.
        lane.value()->submit(input(), [&](ModerationFindings, bool) {
            std::unique_lock lock(mutex);
            reading = true;
            changed.notify_all();
            changed.wait(lock, [&] { return release; });
            ++reported;
        });
        {
            std::unique_lock lock(mutex);
            QVERIFY(changed.wait_for(lock, std::chrono::seconds(30), [&] { return reading; }));
        }
        lane.value()->submit(input(), [&](ModerationFindings, bool ok) {
            QVERIFY(ok);
            ++reported;
        });
        double helperMs = 0;
        std::thread helper([&] {
            const double start = threadCpuMs();
            lane.value()->helpUntilIdle();
            helperMs = threadCpuMs() - start;
        });
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        {
            std::lock_guard lock(mutex);
            release = true;
        }
        changed.notify_all();
        helper.join();
        QCOMPARE(reported.load(), 2);
        QVERIFY2(helperMs < 60, qPrintable(QStringLiteral("%1 ms of the helper's CPU").arg(helperMs))); // a Tesseract opened: about 150
    }
};

QTEST_GUILESS_MAIN(TestModeration)
#include "tst_moderation.moc"
