#include "dominant_colour.h"
#include "fixtures.h"
#include "image_loader.h"
#include "phone_photos.h"
#include "photo_quality.h"
#include "price_suggester.h"
#include "statistics.h"
#include "text_suggester.h"

#include <QTest>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

using namespace listinglens;

namespace {

cv::Mat samplePhoto(const char *name)
{
    LoadLimits full;
    full.targetShortSide = 0;
    auto r = ImageLoader(full).loadFile(test::samplePhotosDir() + QLatin1Char('/') + QLatin1String(name));
    return r.ok() ? r.value().bgr : cv::Mat();
}

Category phones()
{
    return {QStringLiteral("phones"), QStringLiteral("Phones & tablets"), QStringLiteral("phone"),
            QStringLiteral("Add the model."), {QStringLiteral("EUR"), 90, 220, 420}};
}

} // namespace

class TestSuggestions : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void flagsPhotoQuality()
    {
        const cv::Mat photo = samplePhoto("reflex_camera.jpg");
        QVERIFY(!photo.empty());
        const PhotoQuality good = assessQuality(photo, 4000, 3000);
        QVERIFY2(good.flags.isEmpty(), qPrintable(good.flags.join(',')));

        cv::Mat blurred;
        cv::GaussianBlur(photo, blurred, cv::Size(0, 0), 6);
        QVERIFY(assessQuality(blurred, 4000, 3000).flags.contains(QStringLiteral("blurry")));
        QVERIFY(assessQuality(blurred, 4000, 3000).sharpness < good.sharpness / 10);

        cv::Mat dark = photo * 0.15;
        QVERIFY(assessQuality(dark, 4000, 3000).flags.contains(QStringLiteral("too_dark")));
        cv::Mat bright;
        photo.convertTo(bright, -1, 0.2, 220);
        QVERIFY(assessQuality(bright, 4000, 3000).flags.contains(QStringLiteral("too_bright")));
        QVERIFY(assessQuality(photo, 320, 240).flags.contains(QStringLiteral("low_resolution")));
    }

    void perceptualHashFindsDuplicates()
    {
        const cv::Mat a = samplePhoto("laptop.jpg");
        const cv::Mat b = samplePhoto("toaster.jpg");
        QVERIFY(!a.empty() && !b.empty());
        // The same photo re-encoded hard and scaled down stays within the duplicate distance.
        cv::Mat smaller, reencoded;
        cv::resize(a, smaller, cv::Size(), 0.5, 0.5, cv::INTER_AREA);
        std::vector<uchar> jpeg;
        cv::imencode(".jpg", smaller, jpeg, {cv::IMWRITE_JPEG_QUALITY, 40});
        reencoded = cv::imdecode(jpeg, cv::IMREAD_COLOR);
        const QualityThresholds t;
        QVERIFY(hammingDistance(perceptualHash(a), perceptualHash(reencoded)) <= t.duplicateMaxHamming);
        QVERIFY(hammingDistance(perceptualHash(a), perceptualHash(b)) > 3 * t.duplicateMaxHamming);
        QCOMPARE(phashToHex(0x0123456789abcdefULL), QStringLiteral("0123456789abcdef"));
    }

    void namesTheItemColourNotTheBackground_data()
    {
        QTest::addColumn<cv::Scalar>("item");
        QTest::addColumn<cv::Scalar>("background");
        QTest::addColumn<QString>("expected");
        QTest::newRow("red on white") << cv::Scalar(30, 30, 220) << cv::Scalar(250, 250, 250) << "red";
        QTest::newRow("blue on green grass") << cv::Scalar(200, 80, 20) << cv::Scalar(40, 160, 60) << "blue";
        QTest::newRow("black on grey") << cv::Scalar(15, 15, 15) << cv::Scalar(150, 150, 150) << "black";
        QTest::newRow("yellow on black") << cv::Scalar(20, 220, 240) << cv::Scalar(10, 10, 10) << "yellow";
        QTest::newRow("white on white fills it") << cv::Scalar(250, 250, 250) << cv::Scalar(250, 250, 250) << "white";
    }

    void namesTheItemColourNotTheBackground()
    {
        QFETCH(cv::Scalar, item);
        QFETCH(cv::Scalar, background);
        QFETCH(QString, expected);
        cv::Mat photo(300, 400, CV_8UC3, background);
        cv::ellipse(photo, cv::Point(200, 150), cv::Size(110, 90), 0, 0, 360, item, cv::FILLED);
        const DominantColour c = dominantColour(photo);
        QCOMPARE(c.name, expected);
        QVERIFY(c.share >= TextSuggester::kColourShare);
    }

    void textSaysOnlyWhatThePhotoSupports()
    {
        const Category c = phones();
        PhotoQuality q;
        const LabelScore confident{487, QStringLiteral("mobile phone"), 0.9};
        SuggestedText t = TextSuggester::suggest(c, confident, true, QStringLiteral("black"), 0.7, q);
        QCOMPARE(t.title, QStringLiteral("Black mobile phone"));
        QVERIFY(t.description.startsWith(QStringLiteral("For sale: black mobile phone.")));
        QVERIFY(t.description.contains(QStringLiteral("Phones & tablets")));

        const LabelScore likely{487, QStringLiteral("mobile phone"), 0.3};
        t = TextSuggester::suggest(c, likely, true, QStringLiteral("black"), 0.2, q); // colour too uncertain
        QCOMPARE(t.title, QStringLiteral("Mobile phone"));
        QVERIFY(t.description.contains(QStringLiteral("to be confirmed")));

        // A label from another category, or a weak one, is not named: the category's noun is.
        t = TextSuggester::suggest(c, {620, QStringLiteral("laptop"), 0.9}, false, QString(), 0, q);
        QCOMPARE(t.title, QStringLiteral("Phone"));
        t = TextSuggester::suggest(c, {487, QStringLiteral("mobile phone"), 0.1}, true, QString(), 0, q);
        QCOMPARE(t.title, QStringLiteral("Phone"));
        QVERIFY(!t.description.contains(QStringLiteral("mobile phone")));

        q.flags = {QStringLiteral("blurry"), QStringLiteral("too_dark")};
        t = TextSuggester::suggest(c, confident, true, QString(), 0, q);
        QVERIFY(t.description.contains(QStringLiteral("a sharper photo and a brighter photo")));
        t = TextSuggester::suggest(c, {605, QStringLiteral("iPod"), 0.9}, true, QString(), 0, {});
        QCOMPARE(t.title, QStringLiteral("iPod"));
    }

    void pricesFromPriorCategoryOrNeighbours()
    {
        const Category c = phones();
        PriceSuggestion p = PriceSuggester::suggest(c);
        QCOMPARE(p.basis, PriceBasis::Prior);
        QCOMPARE(p.low, 90.0);
        QCOMPARE(p.point, 220.0);
        QCOMPARE(p.high, 420.0);
        QCOMPARE(p.neighbours, 0);
        QCOMPARE(p.currency, QStringLiteral("EUR"));

        PriceEvidence e;
        e.categoryPrices = {100, 200, 300, 400};
        QCOMPARE(PriceSuggester::suggest(c, e).basis, PriceBasis::Prior); // 4 < 5
        e.categoryPrices.push_back(500);
        p = PriceSuggester::suggest(c, e);
        QCOMPARE(p.basis, PriceBasis::Category);
        QCOMPARE(p.point, 300.0);
        QCOMPARE(p.low, 200.0);
        QCOMPARE(p.high, 400.0);
        QCOMPARE(p.neighbours, 5);

        e.neighbours = {{100, 0.9}, {1000, 0.1}};
        QCOMPARE(PriceSuggester::suggest(c, e).basis, PriceBasis::Category); // 2 < 3
        e.neighbours = {{100, 0.9}, {120, 0.8}, {1000, 0.1}};
        p = PriceSuggester::suggest(c, e);
        QCOMPARE(p.basis, PriceBasis::Neighbours);
        QCOMPARE(p.point, 120.0); // the weighted median ignores the dissimilar outlier
        QCOMPARE(p.neighbours, 3);
        QCOMPARE(priceBasisName(p.basis), QStringLiteral("neighbours"));
    }

    void quantiles()
    {
        QCOMPARE(quantile({}, 0.5), 0.0);
        QCOMPARE(quantile({5}, 0.99), 5.0);
        QCOMPARE(quantile({1, 2, 3, 4}, 0.5), 2.5);
        QCOMPARE(quantile({4, 1, 3, 2}, 1.0), 4.0);
        QCOMPARE(weightedQuantile({{1, 1}, {2, 1}, {3, 10}}, 0.5), 3.0);
        QCOMPARE(weightedQuantile({{1, 0}, {2, -1}}, 0.5), 0.0);
    }
};

QTEST_GUILESS_MAIN(TestSuggestions)
#include "tst_suggestions.moc"
