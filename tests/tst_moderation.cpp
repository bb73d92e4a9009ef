// Text on photos and the contact details in it (core/moderation): parsing on
// a table with its false friends, and the region finder and OCR on images
// drawn here.
#include "contact_details.h"
#include "text_reader.h"

#include <QElapsedTimer>
#include <QTest>

#include <opencv2/imgproc.hpp>

using namespace listinglens;

namespace {

QString found(const QString &text, const QStringList &otherRegions = {})
{
    QStringList parts;
    for (const ContactDetail &d : findContactDetails(text, {QStringLiteral("GB"), otherRegions}))
        parts << contactKindName(d.kind) + QLatin1Char(':') + d.value;
    return parts.join(QLatin1Char(' '));
}

cv::Mat photoWithText(const std::vector<std::pair<std::string, cv::Point>> &lines, double size = 1.0)
{
    cv::Mat img(354, 500, CV_8UC3, cv::Scalar(190, 175, 160));
    cv::rectangle(img, {300, 150, 150, 150}, cv::Scalar(60, 90, 120), cv::FILLED); // an "item"
    for (const auto &[text, at] : lines)
        cv::putText(img, text, at, cv::FONT_HERSHEY_SIMPLEX, size, cv::Scalar(20, 20, 20), 2, cv::LINE_AA);
    return img;
}

} // namespace

class TestModeration : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void contactDetails_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("expected");
        QTest::newRow("uk mobile, national") << "Call 07911 123456 today" << "phone:+447911123456";
        QTest::newRow("uk mobile, international") << "+44 7911 123456" << "phone:+447911123456";
        QTest::newRow("uk landline, brackets") << "tel (020) 7946 0958" << "phone:+442079460958";
        QTest::newRow("uk, no spaces") << "07911123456" << "phone:+447911123456";
        QTest::newRow("russian, international") << "+7 916 123-45-67" << "phone:+79161234567";
        QTest::newRow("german, international") << "+49 30 901820" << "phone:+4930901820";
        QTest::newRow("e-mail") << "mail John.Smith@Gmail.com please" << "email:john.smith@gmail.com";
        QTest::newRow("link with www") << "see www.example.com/item." << "url:www.example.com/item";
        QTest::newRow("link with scheme") << "https://shop.example.org/a?b=1" << "url:https://shop.example.org/a?b=1";
        QTest::newRow("telegram link") << "t.me/sellerbob" << "url:t.me/sellerbob";
        QTest::newRow("handle and cyrillic messenger") << "@seller_bob в телеграм" << "handle:@seller_bob messenger:telegram";
        QTest::newRow("whatsapp and number") << "WhatsApp 07911 123456" << "messenger:whatsapp phone:+447911123456";
        QTest::newRow("viber, cyrillic") << "пишите в вайбер" << "messenger:viber";
        // False friends: none of these is a contact.
        QTest::newRow("price, pounds") << "£1,250 ono" << "";
        QTest::newRow("price, long") << "Price: 12500000 RUB" << "";
        QTest::newRow("price, euro after") << "450 EUR" << "";
        QTest::newRow("date, slashes") << "bought 12/03/2024" << "";
        QTest::newRow("date, iso") << "2024-03-12" << "";
        QTest::newRow("size") << "120x60 cm" << "";
        QTest::newRow("size, long number") << "2000000 mm" << "";
        QTest::newRow("model number") << "WH-1000XM4 headphones" << "";
        QTest::newRow("apple model") << "model A2337" << "";
        QTest::newRow("storage") << "iPhone 13 128GB" << "";
        QTest::newRow("fictional uk range") << "07700 900123" << "";
        QTest::newRow("e-mail's domain is not a link too") << "bob@mail.ru" << "email:bob@mail.ru";
        QTest::newRow("a word after an at sign in an address") << "a@b" << "";
    }

    void contactDetails()
    {
        QFETCH(QString, text);
        QFETCH(QString, expected);
        QCOMPARE(found(text), expected);
    }

    void nationalNumbersOfAnotherRegion()
    {
        QCOMPARE(found(QStringLiteral("8 (916) 123-45-67")), QString());
        QCOMPARE(found(QStringLiteral("8 (916) 123-45-67"), {QStringLiteral("RU")}), QStringLiteral("phone:+79161234567"));
        QVERIFY(!isKnownPhoneRegion(QStringLiteral("XX")));
        QCOMPARE(found(QStringLiteral("+44 7911 123456"), {QStringLiteral("XX")}), QStringLiteral("phone:+447911123456"));
    }

    void positionsAndMasks()
    {
        const QString text = QStringLiteral("ёлка: 07911 123456, bob@mail.ru");
        const auto d = findContactDetails(text);
        QCOMPARE(int(d.size()), 2);
        QCOMPARE(text.mid(d[0].start, d[0].length), QStringLiteral("07911 123456"));
        QCOMPARE(d[0].display, QStringLiteral("+44 7911 123456"));
        QCOMPARE(maskedContact(d[0]), QStringLiteral("+xxxxxxxxxx56"));
        QCOMPARE(text.mid(d[1].start, d[1].length), QStringLiteral("bob@mail.ru"));
        QCOMPARE(maskedContact(d[1]), QStringLiteral("b***@mail.ru"));
    }

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
        const auto lines = reader.value()->read(img, 1);
        QVERIFY(!lines.empty());
        QVERIFY2(!findContactDetails(lines[0].text).empty(), qPrintable(lines[0].text));
    }

    void textIsReadAndItsContactsFound()
    {
        auto reader = TextReader::open();
        if (!reader)
            QFAIL(qPrintable(reader.error().message)); // setup installs Tesseract and its packs
        const cv::Mat img = photoWithText({{"Call 07911 123456", {20, 80}}, {"shutterstock", {20, 250}}});
        const auto lines = reader.value()->read(img, 2);
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
        cv::Mat reduced;
        cv::resize(full, reduced, {}, 0.25, 0.25, cv::INTER_AREA);
        int asked = 0;
        const auto lines = reader.value()->read(reduced, 4, [&](int scale) {
            ++asked;
            cv::Mat m;
            cv::resize(full, m, {}, 1.0 / scale, 1.0 / scale, cv::INTER_AREA);
            return m;
        });
        QCOMPARE(asked, 1);
        QVERIFY(!lines.empty());
        QVERIFY2(!findContactDetails(lines[0].text).empty(), qPrintable(lines[0].text));
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
            reader.value()->read(*img, 1);
            QVERIFY2(t.elapsed() < 20000, qPrintable(QString::number(t.elapsed()))); // a hang guard, not a speed target
        }
        QVERIFY(findTextRegions(cv::Mat(), 8).empty());
    }
};

QTEST_GUILESS_MAIN(TestModeration)
#include "tst_moderation.moc"
