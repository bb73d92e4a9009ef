#include "category_head.h"
#include "neighbour_votes.h"
#include "dominant_colour.h"
#include "fixtures.h"
#include "image_loader.h"
#include "phone_photos.h"
#include "photo_quality.h"
#include "price_suggester.h"
#include "result_json.h"
#include "statistics.h"
#include "text_suggester.h"

#include <QJsonObject>
#include <QTest>

#include <random>

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

    void barsOfAPaddedPhotoAreNotItsBackground()
    {
        // A black monitor before a brown wall, padded to a square with black bars (as the
        // marketplace photos are): the bars are not the background, the wall is.
        cv::Mat photo(280, 512, CV_8UC3, cv::Scalar(40, 75, 120));
        cv::rectangle(photo, cv::Rect(150, 50, 212, 180), cv::Scalar(25, 25, 25), cv::FILLED);
        cv::Mat padded;
        cv::copyMakeBorder(photo, padded, 116, 116, 0, 0, cv::BORDER_CONSTANT, cv::Scalar(0, 0, 0));
        QCOMPARE(dominantColour(padded).name, QStringLiteral("black"));
        cv::copyMakeBorder(photo, padded, 116, 116, 0, 0, cv::BORDER_CONSTANT, cv::Scalar(255, 255, 255));
        QCOMPARE(dominantColour(padded).name, QStringLiteral("black"));
        // A photo that is all one dark colour is not trimmed to nothing.
        const cv::Mat dark(300, 400, CV_8UC3, cv::Scalar(0, 0, 0));
        QCOMPARE(dominantColour(dark).name, QStringLiteral("black"));
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

    static TextSuggester::Input textInput(const Category &c, const LabelScore &label, bool inCategory, const QString &colour,
                                          double share, const PhotoQuality &q = {}, const QVector<NeighbourTitle> &neighbours = {})
    {
        static Category kept;
        kept = c;
        TextSuggester::Input in;
        in.category = &kept;
        in.topLabel = label;
        in.labelInCategory = inCategory;
        in.colour = colour;
        in.colourShare = share;
        in.quality = q;
        in.neighbours = neighbours;
        return in;
    }

    void textSaysOnlyWhatThePhotoSupports()
    {
        const Category c = phones();
        PhotoQuality q;
        const LabelScore confident{487, QStringLiteral("mobile phone"), 0.9};
        SuggestedText t = TextSuggester::suggest(textInput(c, confident, true, QStringLiteral("black"), 0.7, q));
        QCOMPARE(t.title, QStringLiteral("Black mobile phone"));
        QCOMPARE(t.titleBasis, QStringLiteral("label"));
        QCOMPARE(t.description, QStringLiteral("Black mobile phone. Listed in Phones & tablets."));

        // A label under kConfidentLabel is not named, nor a colour that is not the item's.
        const LabelScore likely{487, QStringLiteral("mobile phone"), 0.3};
        t = TextSuggester::suggest(textInput(c, likely, true, QStringLiteral("black"), 0.2, q));
        QCOMPARE(t.title, QStringLiteral("Phone"));
        QCOMPARE(t.titleBasis, QStringLiteral("category"));

        // A label from another category is not named: the category's noun is.
        t = TextSuggester::suggest(textInput(c, {620, QStringLiteral("laptop"), 0.9}, false, QString(), 0, q));
        QCOMPARE(t.title, QStringLiteral("Phone"));
        QVERIFY(!t.description.contains(QStringLiteral("laptop")));

        t = TextSuggester::suggest(textInput(c, {605, QStringLiteral("iPod"), 0.9}, true, QString(), 0));
        QCOMPARE(t.title, QStringLiteral("iPod"));
    }

    void adviceToTheSellerIsHintsNotListingText()
    {
        const Category c = phones();
        PhotoQuality q;
        q.flags = {QStringLiteral("blurry"), QStringLiteral("too_dark")};
        const SuggestedText t = TextSuggester::suggest(textInput(c, {487, QStringLiteral("mobile phone"), 0.9}, true, QString(), 0, q));
        QVERIFY(!t.description.contains(QStringLiteral("Add the")));
        QVERIFY(!t.description.contains(QStringLiteral("photo tip"), Qt::CaseInsensitive));
        QVERIFY(!t.description.contains(c.detailsHint));
        QCOMPARE(t.hints.value(0), c.detailsHint);
        QVERIFY(t.hints.contains(QStringLiteral("Take a sharper photo.")));
        QVERIFY(t.hints.contains(QStringLiteral("Take a brighter photo.")));
    }

    void titlesComeFromCloseConfirmedListings()
    {
        const Category c = phones();
        const LabelScore label{487, QStringLiteral("mobile phone"), 0.9};
        // A near copy: its title as it is.
        SuggestedText t = TextSuggester::suggest(textInput(c, label, true, QString(), 0, {},
                                                           {{QStringLiteral("iPhone 12 Pro 128GB blue"), 0.95},
                                                            {QStringLiteral("Samsung S21"), 0.80}}));
        QCOMPARE(t.title, QStringLiteral("iPhone 12 Pro 128GB blue"));
        QCOMPARE(t.titleBasis, QStringLiteral("nearest"));
        // Close ones: the words they share, in the nearest one's order.
        t = TextSuggester::suggest(textInput(c, label, true, QString(), 0, {},
                                             {{QStringLiteral("Apple iPhone 11 64GB unlocked"), 0.75},
                                              {QStringLiteral("iPhone 11 black, Apple"), 0.72},
                                              {QStringLiteral("Apple iPhone XR"), 0.70}}));
        QCOMPARE(t.title, QStringLiteral("Apple iPhone 11"));
        QCOMPARE(t.titleBasis, QStringLiteral("similar"));
        // Listings that share only filler words, or are not close, do not name it.
        t = TextSuggester::suggest(textInput(c, label, true, QString(), 0, {},
                                             {{QStringLiteral("Phone for sale"), 0.75}, {QStringLiteral("Charger for sale"), 0.7}}));
        QCOMPARE(t.titleBasis, QStringLiteral("label"));
        t = TextSuggester::suggest(textInput(c, label, true, QString(), 0, {},
                                             {{QStringLiteral("Apple iPhone 11"), TitleBuilder::kCloseListing - 0.01}, {QStringLiteral("Apple iPhone 11"), TitleBuilder::kCloseListing - 0.05}}));
        QCOMPARE(t.title, QStringLiteral("Mobile phone"));
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
        // Five prices: a range that holds half of the next price is wider than their quartiles.
        QCOMPARE(PriceSuggester::rangeLevel(5), 0.125);
        QCOMPARE(p.low, 150.0);
        QCOMPARE(p.high, 450.0);
        QCOMPARE(p.neighbours, 5);
        QCOMPARE(p.currency, QStringLiteral("EUR"));
        e.currency = QStringLiteral("GBP"); // the stored prices' currency, not the prior's
        QCOMPARE(PriceSuggester::suggest(c, e).currency, QStringLiteral("GBP"));
        QCOMPARE(PriceSuggester::suggest(c, {}).currency, QStringLiteral("EUR"));

        e.neighbours = {{100, 0.9}, {1000, 0.1}};
        QCOMPARE(PriceSuggester::suggest(c, e).basis, PriceBasis::Category); // 2 < 3
        e.neighbours = {{100, 0.9}, {120, 0.8}, {1000, 0.1}};
        p = PriceSuggester::suggest(c, e);
        QCOMPARE(p.basis, PriceBasis::Neighbours);
        QCOMPARE(p.point, 100.0); // the closest listing weighs most (similarity^4); the dissimilar outlier is ignored
        QCOMPARE(p.neighbours, 3);
        QCOMPARE(priceBasisName(p.basis), QStringLiteral("neighbours"));
    }

    void priceRangesHoldHalfOfTheNextPrice()
    {
        // Many prices from one market: the range is the interquartile range.
        QVERIFY(PriceSuggester::rangeLevel(1000) > 0.249 && PriceSuggester::rangeLevel(1000) <= 0.25);
        QVERIFY(PriceSuggester::rangeLevel(10) < 0.2);
        // Simulated: n prices and a next one from the same distribution fall inside about half the time.
        std::mt19937 random(3);
        std::lognormal_distribution<double> prices(4.0, 0.8);
        for (int n : {5, 10, 40}) {
            int inside = 0;
            const int trials = 4000;
            for (int t = 0; t < trials; ++t) {
                PriceEvidence e;
                for (int i = 0; i < n; ++i)
                    e.categoryPrices.push_back(prices(random));
                const PriceSuggestion p = PriceSuggester::suggest(phones(), e);
                const double next = prices(random);
                inside += next >= p.low && next <= p.high;
            }
            QVERIFY2(std::abs(double(inside) / trials - 0.5) < 0.04, qPrintable(QStringLiteral("n=%1: %2").arg(n).arg(double(inside) / trials)));
        }
    }

    // The job result and classify --json: a suggestion without a price has no
    // low/point/high (as history --json), never a price of 0.
    void noPriceIsLeftOutOfTheJson()
    {
        PhotoResult r;
        r.price = {QStringLiteral("GBP"), 0, 0, 0, PriceBasis::None, 2};
        QJsonObject price = resultToJson(r).value(QStringLiteral("price")).toObject();
        QCOMPARE(price.value(QStringLiteral("basis")).toString(), QStringLiteral("none"));
        QCOMPARE(price.value(QStringLiteral("neighbours")).toInt(), 2);
        for (const char *key : {"low", "point", "high"})
            QVERIFY2(!price.contains(QLatin1String(key)), key);
        r.price = {QStringLiteral("GBP"), 10, 20, 30, PriceBasis::Category, 5};
        price = resultToJson(r).value(QStringLiteral("price")).toObject();
        QCOMPARE(price.value(QStringLiteral("point")).toDouble(), 20.0);
        QCOMPARE(price.value(QStringLiteral("low")).toDouble(), 10.0);
    }

    void headFilesThatAreNotHeadsAreRefused_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("why");
        const QByteArray weights = QByteArray(8 * 4, '\0').toBase64(); // 2 categories x 4 values, all 0
        auto head = [&](const QByteArray &bias, const QByteArray &weight, const QByteArray &extra = {}) {
            return QByteArray("{\"format\":\"listinglens-head/1\",\"categories\":[\"a\",\"b\"],\"dimension\":4,\"bias\":") + bias
                   + ",\"weight\":\"" + weight + '"' + extra + '}';
        };
        QTest::newRow("not json") << QByteArray("{\"format\":") << QStringLiteral("not valid JSON");
        QTest::newRow("another format") << QByteArray("{\"format\":\"other\"}") << QStringLiteral("not a listinglens-head/1");
        QTest::newRow("infinite bias") << head("[1e39,0]", weights) << QStringLiteral("not a finite number");
        QTest::newRow("string bias") << head("[\"1\",0]", weights) << QStringLiteral("not a finite number");
        QTest::newRow("bias count") << head("[0]", weights) << QStringLiteral("do not match");
        QTest::newRow("short weights") << head("[0,0]", QByteArray(4, '\0').toBase64()) << QStringLiteral("do not match");
        QTest::newRow("bad base64") << head("[0,0]", "!!!") << QStringLiteral("do not match");
        QTest::newRow("temperature") << head("[0,0]", weights, ",\"temperature\":0") << QStringLiteral("out of range");
        QTest::newRow("share") << head("[0,0]", weights, ",\"builtin_share\":2") << QStringLiteral("out of range");
        QTest::newRow("neighbours' share") << head("[0,0]", weights, ",\"builtin_share\":0.5,\"neighbours\":{\"k\":10,\"share\":0.6}")
                                           << QStringLiteral("neighbours' share");
        QTest::newRow("neighbours' count") << head("[0,0]", weights, ",\"neighbours\":{\"k\":-1,\"share\":0.2}")
                                           << QStringLiteral("neighbours' share");
        QTest::newRow("unvoted temperature") << head("[0,0]", weights, ",\"neighbours\":{\"k\":5,\"share\":0.2,\"unvoted_temperature\":0}")
                                             << QStringLiteral("neighbours' share");
        QTest::newRow("huge dimension") << QByteArray("{\"format\":\"listinglens-head/1\",\"categories\":[\"a\",\"b\"],\"dimension\":100000000,\"bias\":[0,0],\"weight\":\"\"}")
                                        << QStringLiteral("do not match");
    }

    void headFilesThatAreNotHeadsAreRefused()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, why);
        const auto head = CategoryHead::fromJson(json);
        QVERIFY(!head.ok());
        QVERIFY2(head.error().message.contains(why), qPrintable(head.error().message));
    }

    void aHeadRoundTripsAndMixesAsDocumented()
    {
        CategoryHead h;
        h.categoryIds = {QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")};
        h.dimension = 2;
        h.weight = {1, 0, 0, 1, 0, 0};
        h.bias = {0, 0, CategoryHead::kLeftOut}; // c is left to the built-in mapping
        h.builtinShare = 0.2;
        h.temperature = 1;
        const float e[2] = {1, 0};
        const std::vector<double> builtin = {0.1, 0.1, 0.8};
        const std::vector<double> p = h.probabilities(e, builtin);
        const double ea = std::exp(1.0), head_a = ea / (ea + 1), head_b = 1 / (ea + 1);
        QVERIFY(std::abs(p[0] - (0.8 * head_a + 0.02)) < 1e-9);
        QVERIFY(std::abs(p[1] - (0.8 * head_b + 0.02)) < 1e-9);
        QVERIFY(std::abs(p[2] - 0.16) < 1e-9); // only the mapping's share
        const auto back = CategoryHead::fromJson(h.toJson());
        QVERIFY2(back.ok(), qPrintable(back.ok() ? QString() : back.error().message));
        QCOMPARE(back.value().probabilities(e, builtin), p);
        QVERIFY(!back.value().learned(2));
    }

    void aHeadMixesItsNeighboursVotesAsDocumented()
    {
        CategoryHead h;
        h.categoryIds = {QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")};
        h.dimension = 2;
        h.weight = {1, 0, 0, 1, 0, 0};
        h.bias = {0, 0, CategoryHead::kLeftOut};
        h.builtinShare = 0.2;
        h.neighbourK = 3;
        h.neighbourPower = 2;
        h.neighbourShare = 0.3;
        h.temperature = 1;
        h.unvotedTemperature = 2;
        const float e[2] = {1, 0};
        const std::vector<double> builtin = {0.1, 0.1, 0.8};
        // Three neighbours: b at 0.8 and 0.6, c at 0.2 (weights 0.64, 0.36, 0.04); one unlike (no vote).
        const std::vector<double> votes = neighbourVotes({{1, 0.8}, {1, 0.6}, {2, 0.2}, {0, -0.3}}, 3, 2.0);
        QCOMPARE(int(votes.size()), 3);
        QVERIFY(std::abs(votes[1] - 1.0 / 1.04) < 1e-9 && std::abs(votes[2] - 0.04 / 1.04) < 1e-9 && votes[0] == 0);
        QVERIFY(neighbourVotes({}, 3, 2.0).empty());          // no confirmed listings: no evidence
        QVERIFY(neighbourVotes({{0, -0.5}}, 3, 2.0).empty());  // nothing alike
        QVERIFY(neighbourVotes({{7, 0.9}}, 3, 2.0).empty());   // a category the head does not have
        const std::vector<double> p = h.probabilities(e, builtin, votes);
        const double ea = std::exp(1.0), head_a = ea / (ea + 1), head_b = 1 / (ea + 1);
        QVERIFY(std::abs(p[0] - (0.5 * head_a + 0.02)) < 1e-9);
        QVERIFY(std::abs(p[1] - (0.5 * head_b + 0.02 + 0.3 * votes[1])) < 1e-9);
        QVERIFY(std::abs(p[2] - (0.16 + 0.3 * votes[2])) < 1e-9);
        // Without votes the head stands in for them, at the temperature fitted for that.
        const std::vector<double> alone = h.probabilities(e, builtin);
        const double qa = std::sqrt(0.8 * head_a + 0.02), qb = std::sqrt(0.8 * head_b + 0.02), qc = std::sqrt(0.16);
        QVERIFY(std::abs(alone[0] - qa / (qa + qb + qc)) < 1e-9);
        QVERIFY(std::abs(alone[2] - qc / (qa + qb + qc)) < 1e-9);
        const auto back = CategoryHead::fromJson(h.toJson());
        QVERIFY2(back.ok(), qPrintable(back.ok() ? QString() : back.error().message));
        QCOMPARE(back.value().probabilities(e, builtin, votes), p);
        QCOMPARE(back.value().probabilities(e, builtin), alone);
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
