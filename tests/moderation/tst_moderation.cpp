// Text on photos and the contact details in it (core/moderation): parsing on
// a table with its false friends, and the region finder and OCR on images
// drawn here.
#include "brand_list.h"
#include "branded_title.h"
#include "classifier.h"
#include "contact_details.h"
#include "face_detector.h"
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
#include <map>
#include <mutex>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <thread>

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

namespace {

// The one sample photo with a face in it (../shared/testdata/photos): a young
// man at a laptop, his head tilted, the face at about (342, 39) 64 x 64.
QString facePhotoPath() { return test::samplePhotosDir() + QStringLiteral("/laptop.jpg"); }
const QRect kLaptopFace(342, 39, 64, 64);

double laplacianVariance(const cv::Mat &bgr, const cv::Rect &box)
{
    cv::Mat g, lap;
    cv::cvtColor(bgr(box & cv::Rect(0, 0, bgr.cols, bgr.rows)), g, cv::COLOR_BGR2GRAY);
    cv::Laplacian(g, lap, CV_64F);
    cv::Scalar mean, sd;
    cv::meanStdDev(lap, mean, sd);
    return sd[0] * sd[0];
}

QString rectText(const QRect &r) { return QStringLiteral("%1,%2 %3x%4").arg(r.x()).arg(r.y()).arg(r.width()).arg(r.height()); }

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
        // OCR's Cyrillic look-alikes in a Latin contact are read as Latin; Cyrillic words stay.
        QTest::newRow("handle with cyrillic look-alikes") << QString::fromUtf8("telegram @\u043Elg\u043025") << "messenger:telegram handle:@olga25";
        QTest::newRow("link with cyrillic look-alikes") << QString::fromUtf8("t.m\u0435/\u0430nn\u043089") << "url:t.me/anna89";
        QTest::newRow("e-mail with cyrillic look-alikes") << QString::fromUtf8("b\u043Eb@m\u0430il.ru") << "email:bob@mail.ru";
        QTest::newRow("cyrillic word beside a handle stays") << QString::fromUtf8("\u0442\u0435\u043B\u0435\u0433\u0440\u0430\u043C @olga25") << "messenger:telegram handle:@olga25";
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

    // ---- Brands and models read off the photo (core/moderation/brand_list.h, core/suggest/branded_title.h) ----
    static PhotoText textOf(const QStringList &lines)
    {
        PhotoText text;
        int y = 0;
        for (const QString &l : lines)
            text.lines.push_back({l, QRect(0, y += 40, 300, 30), 0.9});
        return text;
    }

    void findBrands_data()
    {
        QTest::addColumn<QStringList>("lines");
        QTest::addColumn<QString>("brands"); // names found, strongest first, comma-joined
        QTest::newRow("capitals") << QStringList{QStringLiteral("SAMSUNG")} << QStringLiteral("Samsung");
        QTest::newRow("full stop") << QStringList{QStringLiteral("Samsung.")} << QStringLiteral("Samsung");
        QTest::newRow("brackets") << QStringList{QStringLiteral("(bosch) drill")} << QStringLiteral("Bosch");
        QTest::newRow("cyrillic") << QStringList{QStringLiteral("Самсунг Galaxy")} << QStringLiteral("Samsung");
        QTest::newRow("alias") << QStringList{QStringLiteral("Hewlett-Packard LaserJet")} << QStringLiteral("HP");
        QTest::newRow("alias, spaced") << QStringList{QStringLiteral("hewlett packard")} << QStringLiteral("HP");
        QTest::newRow("short name in capitals") << QStringList{QStringLiteral("HP 250 G7")} << QStringLiteral("HP");
        QTest::newRow("short name lower case is noise") << QStringList{QStringLiteral("hp lg aeg")} << QString();
        QTest::newRow("inside a word") << QStringList{QStringLiteral("Pineapple juice"), QStringLiteral("Applewood SAMSUNGS")} << QString();
        QTest::newRow("common word, lower case") << QStringList{QStringLiteral("apple pie"), QStringLiteral("next day")} << QString();
        QTest::newRow("common word, capitalised") << QStringList{QStringLiteral("Apple pie")} << QStringLiteral("Apple");
        QTest::newRow("two words") << QStringList{QStringLiteral("LE CREUSET casserole")} << QStringLiteral("Le Creuset");
        QTest::newRow("half of two words") << QStringList{QStringLiteral("creuset")} << QString();
        QTest::newRow("OCR digit for a letter") << QStringList{QStringLiteral("B0SCH")} << QStringLiteral("Bosch");
        QTest::newRow("plus sign") << QStringList{QStringLiteral("BLACK+DECKER")} << QStringLiteral("Black+Decker");
        QTest::newRow("apostrophe") << QStringList{QStringLiteral("Levi's 501")} << QStringLiteral("Levi's");
        QTest::newRow("accent") << QStringList{QStringLiteral("KARCHER K2")} << QStringLiteral("Kärcher");
        QTest::newRow("product line") << QStringList{QStringLiteral("iPhone 12")} << QStringLiteral("Apple");
        QTest::newRow("strongest first") << QStringList{QStringLiteral("Sony"), QStringLiteral("SAMSUNG"), QStringLiteral("Samsung TV")}
                                         << QStringLiteral("Samsung,Sony");
        QTest::newRow("once a line") << QStringList{QStringLiteral("Apple iPhone Apple")} << QStringLiteral("Apple");
        QTest::newRow("words run together") << QStringList{QStringLiteral("OpentheAppleWatch app"), QStringLiteral("GenuineMakitaParts")}
                                            << QStringLiteral("Apple,Makita");
        QTest::newRow("a camel-case name is not split") << QStringList{QStringLiteral("PlayStation"), QStringLiteral("Play Station")}
                                                        << QStringLiteral("PlayStation");
        QTest::newRow("nothing") << QStringList{QString(), QStringLiteral("!!! ..."), QStringLiteral("for sale")} << QString();
    }

    void findBrands()
    {
        QFETCH(QStringList, lines);
        QFETCH(QString, brands);
        PhotoText text = textOf(lines);
        listinglens::findBrands(text);
        QStringList names;
        for (const FoundBrand &b : text.brands)
            names << b.name;
        QCOMPARE(names.join(QLatin1Char(',')), brands);
    }

    void brandCategoryAndBox()
    {
        PhotoText text = textOf({QStringLiteral("Apple"), QStringLiteral("iPhone 13 Pro")});
        listinglens::findBrands(text);
        QCOMPARE(text.brands.size(), size_t(1));
        QCOMPARE(text.brands[0].categoryId, QStringLiteral("phones")); // from the iPhone row
        QCOMPARE(text.brands[0].box, text.lines[0].box);
        PhotoText ikea = textOf({QStringLiteral("IKEA")});
        listinglens::findBrands(ikea);
        QCOMPARE(ikea.brands.at(0).categoryId, QStringLiteral("furniture"));
    }

    void models_data()
    {
        QTest::addColumn<QString>("token");
        QTest::addColumn<bool>("model");
        for (const char *yes : {"A2337", "WH-1000XM4", "KDL-40W4500", "SM-G991B", "DHP482", "CO600", "i7-8700K"})
            QTest::newRow(yes) << QString::fromLatin1(yes) << true;
        for (const char *no : {"£12.99", "12.99", "120cm", "2019", "07911123456", "16GB", "500GB", "2x16GB", "1920x1080", "10-12yrs", "5th",
                               "DDR4", "USB3", "12Jan2019", "2019-Jan", "12-Mar-2020", "EC1A1BB", "1080p", "4K", "A1", "l1l1", "Samsung", "john@x1.com", "a-123456789012",
                               "-A2337", "A2337-"})
            QTest::newRow(no) << QString::fromUtf8(no) << false;
    }

    void models()
    {
        QFETCH(QString, token);
        QFETCH(bool, model);
        QCOMPARE(looksLikeModel(token), model);
    }

    void modelsOnTheLines()
    {
        PhotoText text = analysePhotoText({{QStringLiteral("SONY WH-1000XM4, 2019"), QRect(0, 0, 400, 30), 0.9},
                                           {QStringLiteral("call 07911 123456 now £12.99 16GB 120cm"), QRect(0, 40, 400, 30), 0.9},
                                           {QStringLiteral("Model: A2337 (a2337)"), QRect(0, 80, 400, 30), 0.9}});
        listinglens::findBrands(text);
        QCOMPARE(text.models, (QStringList{QStringLiteral("WH-1000XM4"), QStringLiteral("A2337")}));
        QCOMPARE(text.brands.size(), size_t(1));
        QCOMPARE(text.brands[0].name, QStringLiteral("Sony"));
    }

    void hostileTextIsBounded()
    {
        QString junk;
        for (int i = 0; i < 20000; ++i)
            junk += QStringLiteral("Sam%1 A%2 ").arg(i % 7).arg(1000 + i);
        PhotoText text = textOf(QStringList(500, junk));
        QElapsedTimer t;
        t.start();
        listinglens::findBrands(text);
        QVERIFY2(t.elapsed() < 20000, qPrintable(QString::number(t.elapsed()))); // a hang guard, not a speed target
        QVERIFY(text.brands.empty());
    }

    void brandedTitle_data()
    {
        QTest::addColumn<QString>("title");
        QTest::addColumn<QStringList>("brands");     // name:category, strongest first
        QTest::addColumn<QString>("category");
        QTest::addColumn<QString>("expected");
        QTest::newRow("sentence case") << QStringLiteral("Phone") << QStringList{QStringLiteral("Samsung:")} << QStringLiteral("phones")
                                       << QStringLiteral("Samsung phone");
        QTest::newRow("its category") << QStringLiteral("Chest of drawers") << QStringList{QStringLiteral("IKEA:furniture")}
                                      << QStringLiteral("furniture") << QStringLiteral("IKEA chest of drawers");
        QTest::newRow("title case kept") << QStringLiteral("Gas Cooker 50 cm") << QStringList{QStringLiteral("Beko:appliances")}
                                         << QStringLiteral("appliances") << QStringLiteral("Beko Gas Cooker 50 cm");
        QTest::newRow("capitals kept") << QStringLiteral("TV stand") << QStringList{QStringLiteral("Sony:")} << QStringLiteral("tv-audio")
                                       << QStringLiteral("Sony TV stand");
        QTest::newRow("iPod kept") << QStringLiteral("iPod") << QStringList{QStringLiteral("Apple:")} << QStringLiteral("tv-audio")
                                   << QStringLiteral("Apple iPod");
        QTest::newRow("already named") << QStringLiteral("Samsung Galaxy S21") << QStringList{QStringLiteral("Samsung:")}
                                       << QStringLiteral("phones") << QStringLiteral("Samsung Galaxy S21");
        QTest::newRow("already names another") << QStringLiteral("Sony headphones") << QStringList{QStringLiteral("Bose:tv-audio"), QStringLiteral("Sony:")}
                                               << QStringLiteral("tv-audio") << QStringLiteral("Sony headphones");
        QTest::newRow("category preferred") << QStringLiteral("Drill") << QStringList{QStringLiteral("Samsung:"), QStringLiteral("Makita:tools")}
                                            << QStringLiteral("tools") << QStringLiteral("Makita drill");
        QTest::newRow("other category never") << QStringLiteral("Sofa") << QStringList{QStringLiteral("Makita:tools")}
                                              << QStringLiteral("furniture") << QStringLiteral("Sofa");
        QTest::newRow("at most one") << QStringLiteral("Bag") << QStringList{QStringLiteral("Nike:"), QStringLiteral("Adidas:")}
                                     << QStringLiteral("bags-accessories") << QStringLiteral("Nike bag");
        QTest::newRow("no brand") << QStringLiteral("Bike") << QStringList{} << QStringLiteral("bicycles") << QStringLiteral("Bike");
        QTest::newRow("empty title") << QString() << QStringList{QStringLiteral("Sony:")} << QStringLiteral("tv-audio") << QString();
        QTest::newRow("word inside a word is not the brand") << QStringLiteral("Pineapple slicer") << QStringList{QStringLiteral("Apple:")}
                                                             << QStringLiteral("home-garden") << QStringLiteral("Apple pineapple slicer");
    }

    void brandedTitle()
    {
        QFETCH(QString, title);
        QFETCH(QStringList, brands);
        QFETCH(QString, category);
        QFETCH(QString, expected);
        std::vector<FoundBrand> found;
        for (const QString &b : brands)
            found.push_back({b.section(QLatin1Char(':'), 0, 0), b.section(QLatin1Char(':'), 1), QRect()});
        QCOMPARE(listinglens::brandedTitle(title, found, category), expected);
    }

    void brandListFiles()
    {
        QVERIFY(BrandList::builtin().entries().size() > 80);
        const auto missing = BrandList::load(QStringLiteral("/nonexistent/brands.csv"));
        QVERIFY(!missing.ok());
        QCOMPARE(missing.error().code, ErrorCode::IoError);
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("row skipped")));
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("row skipped")));
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("row skipped")));
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("row skipped")));
        const auto mixed = BrandList::fromCsv("# a comment\nbrand,category_id,aliases,common_word\n"
                                              "Acme,tools,ACME Corp|Акме,\n"
                                              ",tools,,\n"                       // no name
                                              "Bad,Not A Category!,,\n"         // not an id
                                              "Too,many,columns,here,and more\n"
                                              "!!!,,,\n"                         // no letters
                                              "Widget,,,yes\n");
        QVERIFY(mixed.ok());
        QCOMPARE(mixed.value().entries().size(), size_t(2));
        PhotoText text = textOf({QStringLiteral("АКМЕ"), QStringLiteral("widget"), QStringLiteral("SAMSUNG")});
        listinglens::findBrands(text, mixed.value());
        QCOMPARE(text.brands.size(), size_t(1));
        QCOMPARE(text.brands[0].name, QStringLiteral("Acme"));
        QCOMPARE(text.brands[0].categoryId, QStringLiteral("tools"));

        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("row skipped")));
        QVERIFY(!BrandList::fromCsv("brand,category_id\n,,\n\n").ok());    // nothing usable
        QVERIFY(!BrandList::fromCsv("brand\n\"Acme,tools\n").ok());      // a quote never closed
        (void)BrandList::fromCsv(QByteArray("\x00\xff\xfe garbage\n\"\"\"\n", 16)); // no crash whatever it holds
        QTemporaryDir dir;
        QFile f(dir.filePath(QStringLiteral("brands.csv")));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("brand,category_id,aliases\nNerf,kids-toys,\n");
        f.close();
        const auto own = BrandList::load(f.fileName());
        QVERIFY(own.ok());
        QCOMPARE(own.value().entries().at(0).categoryId, QStringLiteral("kids-toys"));
    }

    // Faces (person_in_photo; blurred in previews and thumbnails).
    void faceIsFoundOnAPhotoWithAFace()
    {
        const cv::Mat photo = cv::imread(QFile::encodeName(facePhotoPath()).toStdString());
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
        const cv::Mat photo = cv::imread(QFile::encodeName(facePhotoPath()).toStdString());
        if (photo.empty())
            QSKIP("../shared/testdata/photos is not here");
        ClassifierOptions options;
        options.modelDir = test::modelDir();
        auto c = Classifier::create(options);
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

    // The path the products take: the route reports the result first
    // (moderation pending, no thumbnail yet), then the lane completes it on
    // its own thread: the face found and blurred in the thumbnail, the
    // number on the photo read, the flags and review in place.
    void laneCompletesTheResultAfterIt()
    {
        const cv::Mat photo = cv::imread(QFile::encodeName(facePhotoPath()).toStdString());
        if (photo.empty())
            QSKIP("../shared/testdata/photos is not here");
        ClassifierOptions options;
        options.modelDir = test::modelDir();
        auto c = Classifier::create(options);
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
};

QTEST_GUILESS_MAIN(TestModeration)
#include "tst_moderation.moc"
