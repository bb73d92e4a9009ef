// The lane's first stage (text_gate.h): where text could be on the search
// image. A small phone number passes it and is still found by the search
// that looks only there; a smooth photo of an item, and a textured one
// (edges everywhere, but no row of letters), leave nothing to search; a
// sheet of text is one area, found in bounded time; bad images give none.
#include "line_finder.h"
#include "text_gate.h"
#include "text_reader.h"

#include <QTest>

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>

Q_DECLARE_METATYPE(cv::Scalar)

using namespace listinglens;

namespace {

// A photo of an item as the search sees it (640 x 480): a soft ground, a
// rounded brown item out of focus with a highlight, a little grain.
cv::Mat smoothItem()
{
    cv::Mat img(480, 640, CV_8UC3);
    for (int y = 0; y < img.rows; ++y)
        for (int x = 0; x < img.cols; ++x)
            img.at<cv::Vec3b>(y, x) = cv::Vec3b(uchar(200 - y / 8), uchar(190 - y / 10), uchar(180 - x / 20));
    cv::ellipse(img, {330, 250}, {150, 110}, 15, 0, 360, cv::Scalar(90, 110, 140), cv::FILLED, cv::LINE_AA);
    cv::circle(img, {290, 210}, 30, cv::Scalar(150, 165, 190), cv::FILLED, cv::LINE_AA);
    cv::GaussianBlur(img, img, cv::Size(0, 0), 6);
    cv::Mat grain(img.size(), CV_8UC3);
    cv::randn(grain, cv::Scalar::all(0), cv::Scalar::all(2));
    return img + grain;
}

// A textured photo as the search sees it (640 x 480), brown, with a grain:
// wood (streaks along the image, bent) or twill (diagonal ribs, as denim).
// Edges everywhere, thin shapes everywhere, no row of letter-shaped ones.
cv::Mat texture(bool wood)
{
    cv::Mat bend(480, 640, CV_32F), grain(480, 640, CV_32F);
    cv::RNG rng(11);
    rng.fill(bend, cv::RNG::NORMAL, 0, 1);
    cv::GaussianBlur(bend, bend, cv::Size(0, 0), 25);
    cv::normalize(bend, bend, -1, 1, cv::NORM_MINMAX);
    rng.fill(grain, cv::RNG::NORMAL, 0, 8);
    cv::Mat img(480, 640, CV_8UC3);
    for (int y = 0; y < img.rows; ++y) {
        for (int x = 0; x < img.cols; ++x) {
            const float v = grain.at<float>(y, x)
                + (wood ? 45 * std::sin(x * 0.9f + 14 * bend.at<float>(y, x)) : 45 * std::sin((x + y) * 0.8f) + 20 * std::sin((x - y) * 0.25f));
            img.at<cv::Vec3b>(y, x) = cv::Vec3b(cv::saturate_cast<uchar>(70 + v), cv::saturate_cast<uchar>(100 + v), cv::saturate_cast<uchar>(140 + v));
        }
    }
    cv::GaussianBlur(img, img, cv::Size(0, 0), 0.7);
    return img;
}

bool covers(const std::vector<cv::Rect> &areas, const cv::Rect &box)
{
    for (const cv::Rect &a : areas) {
        if ((a & box) == box)
            return true;
    }
    return false;
}

} // namespace

class TestTextGate : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void aSmallPhoneNumberPassesAndIsFound_data()
    {
        QTest::addColumn<cv::Scalar>("ink");
        QTest::addColumn<double>("size");
        QTest::newRow("dark, 9 px letters") << cv::Scalar(30, 30, 30) << 0.35;
        QTest::newRow("dark, 16 px letters") << cv::Scalar(30, 30, 30) << 0.6;
        // Blue on the item's brown at about its brightness: only the colour passes see it.
        QTest::newRow("blue on brown, 14 px letters") << cv::Scalar(170, 90, 50) << 0.5;
    }
    void aSmallPhoneNumberPassesAndIsFound()
    {
        QFETCH(cv::Scalar, ink);
        QFETCH(double, size);
        cv::Mat img = smoothItem();
        const std::string number = "07911 123456";
        int base = 0;
        const cv::Size text = cv::getTextSize(number, cv::FONT_HERSHEY_SIMPLEX, size, 1, &base);
        const cv::Point at(250, 260);
        cv::putText(img, number, at, cv::FONT_HERSHEY_SIMPLEX, size, ink, 1, cv::LINE_AA);
        const cv::Rect box(at.x, at.y - text.height, text.width, text.height + base);

        const TextAreas gate = findTextAreas(img);
        QVERIFY(gate.share > 0 && gate.share < 0.5); // the number's neighbourhood, not the photo
        QVERIFY(covers(gate.search.grey, box) || covers(gate.search.colour, box));
        // The search that looks only there finds the line.
        const std::vector<FoundLine> lines = findLines(img, gate.search, 16);
        const bool found = std::any_of(lines.begin(), lines.end(), [&](const FoundLine &l) {
            return (l.box.boundingRect() & box).area() > box.area() / 2;
        });
        QVERIFY2(found, qPrintable(QStringLiteral("%1 lines, none on the number").arg(lines.size())));
    }

    void aSmoothPhotoOfAnItemIsRuledOut()
    {
        const TextAreas gate = findTextAreas(smoothItem());
        QVERIFY(gate.search.grey.empty());
        QVERIFY(gate.search.colour.empty());
        QCOMPARE(gate.share, 0.0);
    }

    void aTexturedPhotoIsRuledOutButNotANumberOnIt_data()
    {
        QTest::addColumn<bool>("wood");
        QTest::newRow("wood") << true;
        QTest::newRow("twill") << false;
    }
    void aTexturedPhotoIsRuledOutButNotANumberOnIt()
    {
        QFETCH(bool, wood);
        cv::Mat img = texture(wood);
        QVERIFY2(findTextAreas(img).share < 0.02, qPrintable(QString::number(findTextAreas(img).share)));
        const std::string number = "07911 123456";
        int base = 0;
        const cv::Size text = cv::getTextSize(number, cv::FONT_HERSHEY_SIMPLEX, 0.8, 2, &base);
        const cv::Point at(200, 260);
        cv::putText(img, number, at, cv::FONT_HERSHEY_SIMPLEX, 0.8, cv::Scalar(245, 245, 245), 2, cv::LINE_AA);
        const cv::Rect box(at.x, at.y - text.height, text.width, text.height + base);
        const TextAreas gate = findTextAreas(img);
        QVERIFY2(gate.share < 0.1, qPrintable(QString::number(gate.share))); // the number's row, not the texture
        QVERIFY(covers(gate.search.grey, box) || covers(gate.search.colour, box));
        const std::vector<FoundLine> lines = findLines(img, gate.search, 16);
        QVERIFY(std::any_of(lines.begin(), lines.end(), [&](const FoundLine &l) { return (l.box.boundingRect() & box).area() > box.area() / 2; }));
    }

    void aSheetOfTextIsOneAreaInBoundedTime()
    {
        cv::Mat sheet(640, 640, CV_8UC3, cv::Scalar(245, 245, 245));
        for (int y = 20; y < sheet.rows; y += 18)
            cv::putText(sheet, "Call 07911 123456 or mail bob@example.com today", {4, y}, cv::FONT_HERSHEY_SIMPLEX, 0.5,
                        cv::Scalar(20, 20, 20), 1, cv::LINE_AA);
        const double start = threadCpuMs();
        const TextAreas gate = findTextAreas(sheet);
        const double ms = threadCpuMs() - start;
        QCOMPARE(int(gate.search.grey.size()), 1); // the lines, once
        const cv::Rect lines(4, 8, 400, 620);
        QVERIFY((gate.search.grey.front() & lines) == lines);
        QVERIFY(gate.share > 0.2 && gate.share <= 1.0); // the brightness pass's work: black on white has no hue
        QVERIFY2(ms < 200, qPrintable(QStringLiteral("%1 ms of CPU").arg(ms))); // a few ms; generous for a loaded machine
        QVERIFY(findLines(sheet, gate.search, 16).size() <= 16);
    }

    void badImagesHaveNoAreas()
    {
        QCOMPARE(findTextAreas(cv::Mat()).share, 0.0);
        QVERIFY(findTextAreas(cv::Mat(100, 100, CV_8UC1, cv::Scalar(0))).search.grey.empty());
        QVERIFY(findTextAreas(cv::Mat(100, 100, CV_16UC3, cv::Scalar::all(0))).search.grey.empty());
        QVERIFY(findTextAreas(cv::Mat(1, 1, CV_8UC3, cv::Scalar::all(9))).search.grey.empty());
        const cv::Mat flat(3, 4000, CV_8UC3, cv::Scalar(10, 200, 30));
        QVERIFY(findTextAreas(flat).search.grey.empty());
        QVERIFY(findLines(flat, SearchAreas{{cv::Rect(-50, -50, 10000, 10000)}, {cv::Rect(5, 5, -3, 2)}}, 16).empty());
    }
};

QTEST_GUILESS_MAIN(TestTextGate)
#include "tst_text_gate.moc"
