// Brands and models read off the photo (core/moderation/brand_list.h,
// core/suggest/branded_title.h).
#include "brand_list.h"
#include "branded_title.h"
#include "photo_text.h"

#include <QElapsedTimer>
#include <QFile>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace listinglens;

class TestBrands : public QObject {
    Q_OBJECT

    static PhotoText textOf(const QStringList &lines)
    {
        PhotoText text;
        int y = 0;
        for (const QString &l : lines)
            text.lines.push_back({l, QRect(0, y += 40, 300, 30), 0.9});
        return text;
    }

private Q_SLOTS:
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
        PhotoText text = textOf(QStringList(50, junk)); // a million tokens: a read holds a few lines
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
};

QTEST_GUILESS_MAIN(TestBrands)
#include "tst_brands.moc"
