// Contact details in text read off a photo (core/moderation/contact_details.h,
// phone_numbers.h) and stock marks (photo_text.h): the forms sellers write,
// what OCR makes of them, and their false friends.
#include "contact_details.h"
#include "csv.h"
#include "fixtures.h"
#include "moderation_json.h"
#include "photo_text.h"

#include <QFile>
#include <QJsonArray>
#include <QTest>

using namespace listinglens;

namespace {

// What is found, as "kind:value" ("kind?:value" for a possible number).
QString foundWith(const QString &text, const ContactOptions &options)
{
    QStringList parts;
    for (const ContactDetail &d : findContactDetails(text, options))
        parts << contactKindName(d.kind) + (d.possible ? QStringLiteral("?:") : QStringLiteral(":")) + d.value;
    return parts.join(QLatin1Char(' '));
}

// With GB and the given other regions only.
QString found(const QString &text, const QStringList &otherRegions = {})
{
    return foundWith(text, {QStringLiteral("GB"), otherRegions});
}

} // namespace

class TestContactDetails : public QObject {
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
        QTest::newRow("short number, no word") << "+998 91-279" << "";
        QTest::newRow("short number, no plus") << "tel: 4591 279" << "";
        QTest::newRow("e-mail is not a handle") << "ann@mail.ru" << "email:ann@mail.ru";
        // Phone-shaped but valid nowhere: a possible number, for review.
        QTest::newRow("fictional uk range") << "07700 900123" << "phone?:07700900123";
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
        // Valid in a region not configured: phone-shaped, so possible (for review), not certain.
        QCOMPARE(found(QStringLiteral("8 (916) 123-45-67")), QStringLiteral("phone?:89161234567"));
        QCOMPARE(found(QStringLiteral("8 (916) 123-45-67"), {QStringLiteral("RU")}), QStringLiteral("phone:+79161234567"));
        QVERIFY(!isKnownPhoneRegion(QStringLiteral("XX")));
        QCOMPARE(found(QStringLiteral("+44 7911 123456"), {QStringLiteral("XX")}), QStringLiteral("phone:+447911123456"));
    }

    // The forms sellers of the UK and the CIS markets write, with the default
    // regions; '?' marks a possible number (for review, not certain).
    void localNumberFormats_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("expected");
        QTest::newRow("ru, trunk 8 and brackets") << "8 (973) 766-54-50" << "phone:+79737665450";
        QTest::newRow("kg, international in threes") << "+996 526 144 967" << "phone:+996526144967";
        QTest::newRow("ua, a backslash read inside it") << QStringLiteral("ftelz +380)31\\18.63389") << "phone:+380311863389";
        QTest::newRow("kz, national") << QStringLiteral("Тел.: 8 (701) 234-56-78") << "phone:+77012345678";
        QTest::newRow("kz, whatsapp") << "WhatsApp +7 701 123 45 67" << "messenger:whatsapp phone:+77011234567";
        QTest::newRow("by, national") << "8 029 491-19-11" << "phone:+375294911911";
        QTest::newRow("uz, international") << "+998 91 234 56 78" << "phone:+998912345678";
        QTest::newRow("kg before ua, same digits") << "0501 288 468" << "phone:+996501288468";
        QTest::newRow("uk, dots") << "call 0740.030.1372" << "phone:+447400301372";
        QTest::newRow("uk, in a sentence") << "Selling, text me on 07377 110517 thanks" << "phone:+447377110517";
        QTest::newRow("uk, l read for 1") << "07377 l10517" << "phone:+447377110517";
        QTest::newRow("valid nowhere, dashes") << "0312-326-5805" << "phone?:03123265805";
        QTest::newRow("valid nowhere, tel:") << "tel: 0588-994-9250" << "phone?:05889949250";
        QTest::newRow("one digit too many") << "107377 110517" << "phone?:107377110517";
        QTest::newRow("O read for 0") << "0740O30137" << "phone?:0740030137";
        QTest::newRow("O starting the number") << "O3118 95870" << "phone:+380311895870";
        QTest::newRow("comma read for a space") << "tel: 8 91 387,09 44" << "phone:+998913870944";
        QTest::newRow("dashed groups are not a date") << "8 029 441-21-90" << "phone:+375294412190";
        QTest::newRow("e-mail, ending misread") << "Sara@gmail comm" << "email:sara@gmail.com";
        QTest::newRow("e-mail, dot lost before the ending") << "mike_7739@aratticom" << "email:mike_7739@aratti.com";
        QTest::newRow("e-mail, cut after the @") << "jane.doe53@ma" << "email:jane.doe53@ma";
        QTest::newRow("e-mail, words after") << "Sara@gmail comm today" << "email:sara@gmail.com";
        QTest::newRow("e-mail, space and co.uk misread") << "sara7 @hotmail.do.uk" << "email:sara7@hotmail.co.uk";
        QTest::newRow("e-mail, name unreadable") << "mike 771/@gqmail.com" << "email:@gqmail.com";
        QTest::newRow("telegram link, spaced") << "t. me/anna89" << "url:t.me/anna89";
        QTest::newRow("whatsapp link, spaced") << "wa.me /sam28" << "url:wa.me/sam28";
        QTest::newRow("e-mail, spaced dot") << "sara@gmail . com" << "email:sara@gmail.com";
        QTest::newRow("number cut short after tel: and +") << "tel: +998 91-279" << "phone?:+99891279";
        QTest::newRow("whatsapp, +7") << "WhatsApp +7 912 389-52-61" << "messenger:whatsapp phone:+79123895261";
        QTest::newRow("digits split over two tokens") << "8 912 389 5 261" << "phone:+79123895261";
        QTest::newRow("kg, trunk 0 joined") << "0312-326-580" << "phone:+996312326580";
        QTest::newRow("degree sign read for a dash") << QStringLiteral("8 301-143°67-32") << "phone:+73011436732";
        QTest::newRow("S read for 5") << "8 (973) 766-S4-50" << "phone:+79737665450";
        QTest::newRow("B read for 8") << "0501 2B8 468" << "phone:+996501288468";
        QTest::newRow("$ read for +") << "$375 29 491-96-74" << "phone:+375294919674";
        QTest::newRow("+ read as 1") << "1375 29 491-96-74" << "phone?:+375294919674";
        QTest::newRow("a group before the number") << "221 0312 530 137" << "phone?:+996312530137";
        QTest::newRow("tel: read as digits") << "51050 173 3018" << "phone?:+996501733018";
        QTest::newRow("+ read as two digits") << "45380 3118.63389" << "phone?:+380311863389";
        QTest::newRow("link, accent on a letter") << QStringLiteral("wa.m\u00E9/sara42") << "url:wa.me/sara42";
        QTest::newRow("e-mail, slash read for the dot") << "jane.doe17@mail/ru" << "email:jane.doe17@mail.ru";
        QTest::newRow("e-mail, comma read for the dot") << "jane.doe17@mail,ru" << "email:jane.doe17@mail.ru";
        QTest::newRow("e-mail, cut after a spaced @") << "anna78@ mail" << "email:anna78@mail";
        QTest::newRow("network page, space for the dot") << "vk com/sam_seller" << "url?:vk.com/sam_seller";
        QTest::newRow("network page, comma for the dot") << "ok,ru / anna.k88" << "url?:ok.ru/anna.k88";
        QTest::newRow("e-mail, @ read as copyright inside a word") << QStringLiteral("ania S\u00A9oheil, om") << "email:s@oheil.com";
        QTest::newRow("e-mail, copyright between name and domain") << QStringLiteral("anna5\u00A9gmail.com") << "email:anna5@gmail.com";
        QTest::newRow("e-mail, @ read twice") << QStringLiteral("anna5@\u00A9gmail.com") << "email:anna5@gmail.com";
        QTest::newRow("e-mail, ending cut to a letter") << "bob. smith58@mail.r" << "email:smith58@mail";
        QTest::newRow("link after www, dots spaced and ending misread") << "ww, dcals4u-shop. comm" << "url?:www.dcals4u-shop.com";
        // Still none of these.
        QTest::newRow("price in dollars") << "$12 500" << "";
        QTest::newRow("isbn barcode") << "9 780241 399705" << "";
        QTest::newRow("ean barcode, spaced") << "5 012345 678900" << "";
        QTest::newRow("serial number") << "SN 1B2S 3456 7890" << "";
        QTest::newRow("date and time") << "12:30 15.06.2023" << "";
        QTest::newRow("time after a number") << "call 07377 110517 at 12:30" << "phone:+447377110517";
        QTest::newRow("ean barcode") << "EAN 5012345678900" << "";
        QTest::newRow("upc barcode") << "0 12345 67890 5" << "";
        QTest::newRow("price, rubles") << "Price: 12500000 RUB" << "";
        QTest::newRow("storage") << "iPhone 13 128GB" << "";
        QTest::newRow("short number, no word") << "+998 91-279" << "";
        QTest::newRow("short number, no plus") << "tel: 4591 279" << "";
        QTest::newRow("e-mail is not a handle") << "ann@mail.ru" << "email:ann@mail.ru";
        QTest::newRow("a path with an ending is no page") << "docs/com/readme" << "";
        QTest::newRow("a word before com is no page") << "welcome com/ing soon" << "";
        QTest::newRow("sizes with a slash") << "UK 10/12 EU 38/40" << "";
        QTest::newRow("a name without a digit cut after a spaced @") << "write me@ mail" << "";
        QTest::newRow("a copyright sign after a word") << QStringLiteral("Brand\u00A9 2021") << "";
        QTest::newRow("a copyright sign before a year") << QStringLiteral("\u00A92021 Acme") << "";
        QTest::newRow("a registered sign beside an @ before a year") << QStringLiteral("Acme\u00AE@2021") << "";
        QTest::newRow("a sentence after a name") << "Ask Mr. W. Smith. Comes boxed" << "";
    }

    void localNumberFormats()
    {
        QFETCH(QString, text);
        QFETCH(QString, expected);
        QCOMPARE(foundWith(text, ContactOptions{}), expected);
    }

    // "tel" and handles as OCR misreads them, and the words, product names
    // and specifications written the same way that must stay unflagged.
    void misreadContacts_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("expected");
        QTest::newRow("tel read with its l misread, the number's start lost") << "Tes 121 979 43" << "phone?:12197943";
        QTest::newRow("tel read with a Cyrillic look-alike") << QStringLiteral("\u0422\u0415\u0417 121 979 43") << "phone?:12197943";
        QTest::newRow("tel's T lost before its colon") << "el: 07002964 3" << "phone?:070029643";
        QTest::newRow("handle, @ read as copyright") << QStringLiteral("\u00A9olga25") << "handle:@olga25";
        QTest::newRow("handle, space after the @") << "Insta @ sara43" << "handle:@sara43";
        QTest::newRow("handle, @ run into the word before") << "TGJ@aidana38" << "handle?:@aidana38";
        QTest::newRow("handle, @ read as a letter") << "Price on request 76. Wtimur_k43 any" << "handle?:@Wtimur_k43";
        QTest::newRow("handle, @ lost") << "TG: sam_seller78" << "handle?:@sam_seller78";
        QTest::newRow("file name is no handle") << "IMG_1234 max_size" << "";
        QTest::newRow("address's name is no handle") << "sam_seller78@mail.ru" << "email:sam_seller78@mail.ru";
        QTest::newRow("handle, @ run into a long word") << "WeleGram@jane_doe92" << "handle?:@jane_doe92";
        QTest::newRow("handle, @ read twice, glued to the word before") << QStringLiteral("Selling, text me@\u00AEsara43") << "handle:@sara43";
        QTest::newRow("handle, @ read as a digit") << "5f_deaisi2" << "handle?:@5f_deaisi2";
        QTest::newRow("handle, @ lost, after a dash") << "foo-sam_seller78" << "handle?:@sam_seller78";
        QTest::newRow("handle, @ lost, before a dash") << "sam_seller78-shop" << "handle?:@sam_seller78";
        // None of these.
        QTest::newRow("eight digits in two groups after tel") << "tel: 4591 2790" << "";
        QTest::newRow("seven digits after a misread tel") << "Tes 121 979 4" << "";
        QTest::newRow("eight digits in three groups after a word not tel") << QStringLiteral("\u041D\u043E\u043C\u0435\u0440 123 456 78") << "";
        QTest::newRow("eight digits after contact") << "contact 123 456 78" << "";
        QTest::newRow("a word, fast in Kazakh") << QStringLiteral("\u0442\u0435\u0437 121 979 43") << "";
        QTest::newRow("a word that starts with Tes") << "Tests 121 979 43" << "";
        QTest::newRow("an emission class before sizes") << QStringLiteral("\u041A\u043B\u0430\u0441\u0441 E1. 280 207 16") << "";
        QTest::newRow("an emission class, a colon and a long run") << "e1: 2800207016" << "";
        QTest::newRow("a part's prefix") << "TE1 121 979 43" << "";
        QTest::newRow("a product's name and number") << "Galaxy-Note10" << "";
        QTest::newRow("a product's name, small letters") << "galaxy-note10" << "";
        QTest::newRow("another product's name") << "redmi-note12" << "";
        QTest::newRow("a shoe's name") << "air-max90" << "";
        QTest::newRow("a sale") << "summer-sale24" << "";
        QTest::newRow("a sale's day") << "black-friday23" << "";
        QTest::newRow("an expiry date") << "exp.dec25" << "";
        QTest::newRow("a tax") << "incl.vat20" << "";
        QTest::newRow("a Cyrillic product name") << QStringLiteral("\u0441\u0443\u043F\u0435\u0440-\u043A\u043E\u0432\u0435\u044012") << "";
        QTest::newRow("a hyphened word and a digit") << "Wi-Fi6 ready" << "";
        QTest::newRow("a word before an underscore and digits") << "v2_1080" << "";
        QTest::newRow("memory") << "16gb_ddr4" << "";
        QTest::newRow("a screen") << "4k_hdr10" << "";
        QTest::newRow("a video mode") << "1080p_hdr10" << "";
        QTest::newRow("a network") << "5g_lte4" << "";
    }

    void misreadContacts()
    {
        QFETCH(QString, text);
        QFETCH(QString, expected);
        QCOMPARE(foundWith(text, ContactOptions{}), expected);
    }

    // Real sellers' titles (the 2,000 marketplace listings) name products
    // and specifications the way the misread forms above are written: none
    // may give a possible contact. Two give a sure one, and are one: a
    // number as the title, a salon's name after an @. Asserted at what was
    // measured.
    void marketplaceTitlesGiveNoPossibleContacts()
    {
        QFile csv(test::sharedDir() + QStringLiteral("/testdata/marketplace/listings.csv"));
        if (!csv.open(QIODevice::ReadOnly))
            QSKIP("../shared/testdata/marketplace is not here");
        int titles = 0;
        QStringList sure, possible;
        readCsv(csv, [&](int line, const QStringList &f) {
            if (line == 1 || f.size() < 4)
                return;
            ++titles;
            if (const QString found = foundWith(f[3], ContactOptions{}); !found.isEmpty())
                (found.contains(QStringLiteral("?:")) ? possible : sure) << f[3] + QStringLiteral(" -> ") + found;
        });
        qInfo("of %d marketplace titles, %d give a contact, %d a possible one: %s", titles, int(sure.size()), int(possible.size()),
              qPrintable((sure + possible).join(QStringLiteral("; "))));
        QCOMPARE(titles, 2000);
        QVERIFY2(possible.isEmpty(), qPrintable(possible.join(QStringLiteral("; "))));
        QVERIFY2(sure.size() <= 2, qPrintable(sure.join(QStringLiteral("; ")))); // measured 2
    }

    void stockMarks_data()
    {
        QTest::addColumn<QString>("line");
        QTest::addColumn<QString>("mark");
        QTest::newRow("plain") << "shutterstock" << "shutterstock";
        QTest::newRow("spaced") << "Getty Images" << "gettyimages";
        QTest::newRow("one letter misread") << "shuttersteck" << "shutterstock";
        QTest::newRow("one letter lost") << "depositphoos" << "depositphotos";
        QTest::newRow("copyright sign") << QStringLiteral("\u00A9 2021") << QStringLiteral("\u00A9");
        QTest::newRow("not a mark") << "shutter speed" << "";
        QTest::newRow("two letters off") << "shutterspeck" << "";
    }

    void stockMarks()
    {
        QFETCH(QString, line);
        QFETCH(QString, mark);
        QCOMPARE(stockMark(line), mark);
    }

    void regionLists()
    {
        QCOMPARE(ContactOptions().regions(), QStringList({"GB", "RU", "KZ", "KG", "UA", "BY", "UZ"}));
        auto kg = contactOptionsFor(QStringLiteral("kg, ru"));
        QVERIFY(kg.ok());
        QCOMPARE(kg.value().regions(), QStringList({"KG", "RU"}));
        auto gb = contactOptionsFor(QStringLiteral("GB"));
        QVERIFY(gb.ok());
        QCOMPARE(gb.value().regions(), ContactOptions().regions()); // one region keeps the default others
        QCOMPARE(contactOptionsFor(QStringLiteral("GB,XX")).error().code, ErrorCode::InvalidArgument);
        QCOMPARE(contactOptionsFor(QString()).error().code, ErrorCode::InvalidArgument);
        // The market's own region decides a national number valid in two.
        QCOMPARE(findContactDetails(QStringLiteral("0501 288 468"), contactOptionsFor(QStringLiteral("UA,KG")).value())[0].value,
                 QStringLiteral("+380501288468"));
    }

    // A possible number says so in the result, and keeps saying so once stored.
    void possibleNumbersInTheResult()
    {
        PhotoModeration m;
        m.state = PhotoModeration::State::Done;
        m.text = analysePhotoText({{QStringLiteral("tel: 0588-994-9250"), QRect(0, 0, 300, 30), 0.9}, {QStringLiteral("07911 123456"), QRect(0, 40, 300, 30), 0.9}});
        QCOMPARE(int(m.text.contacts.size()), 2);
        QVERIFY(m.flags().contains(QStringLiteral("contact_details")));
        const QJsonObject stored = moderationToStoredJson(m);
        const QJsonArray contacts = stored[QStringLiteral("text")][QStringLiteral("contacts")].toArray();
        QCOMPARE(contacts[0][QStringLiteral("possible")].toBool(), true);
        QVERIFY(!contacts[1].toObject().contains(QStringLiteral("possible"))); // certain numbers do not carry the key
        const PhotoModeration back = moderationFromStoredJson(stored);
        QVERIFY(back.text.contacts[0].detail.possible);
        QVERIFY(!back.text.contacts[1].detail.possible);
    }

    // What a line's other reads and unsure words hold: a contact there is a
    // possible one, for review; a line with no sure word is still not shown.
    void unsureReadsGivePossibleContacts_data()
    {
        QTest::addColumn<QString>("shown");
        QTest::addColumn<QStringList>("unsure");
        QTest::addColumn<QString>("contact"); // the one contact found, or empty: none
        QTest::addColumn<bool>("possible");

        QTest::newRow("handle read unsurely") << QString() << QStringList{QStringLiteral("TG: @timur.k33")} << QStringLiteral("@timur") << true;
        QTest::newRow("address in the second read") << QStringLiteral("Contact:")
                                                    << QStringList{QStringLiteral("Wihass@icloud.com"), QStringLiteral("Bahbo98@icloud.com|")}
                                                    << QStringLiteral("wihass@icloud.com") << true;
        QTest::newRow("number of another image") << QString() << QStringList{QStringLiteral("tel: 8 712 308 73 41")} << QStringLiteral("+77123087341") << true;
        QTest::newRow("the shown read's contact stands") << QStringLiteral("07911 123456") << QStringList{QStringLiteral("07911 123459")}
                                                         << QStringLiteral("+447911123456") << false;
        QTest::newRow("handle of letters only, read unsurely") << QString() << QStringList{QStringLiteral("| @rails |")} << QString() << false;
        QTest::newRow("junk") << QString() << QStringList{QStringLiteral("SotSE"), QStringLiteral("a‘“ |")} << QString() << false;
        QTest::newRow("a label's words") << QStringLiteral("Hand wash") << QStringList{QStringLiteral("Hand wash in 30 Do not tumble dry")} << QString() << false;
    }

    void unsureReadsGivePossibleContacts()
    {
        QFETCH(QString, shown);
        QFETCH(QStringList, unsure);
        QFETCH(QString, contact);
        QFETCH(bool, possible);
        const PhotoText text = analysePhotoText({{shown, QRect(0, 0, 300, 30), 0.9, unsure}});
        QCOMPARE(int(text.lines.size()), shown.isEmpty() ? 0 : 1);
        QCOMPARE(int(text.contacts.size()), contact.isEmpty() ? 0 : 1);
        if (contact.isEmpty())
            return;
        QCOMPARE(text.contacts[0].detail.value, contact);
        QCOMPARE(text.contacts[0].detail.possible, possible);
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
};

QTEST_GUILESS_MAIN(TestContactDetails)
#include "tst_contact_details.moc"
