// One photo's read (core/moderation/photo_reading.h): bounded in memory and
// CPU for the largest photos the loader accepts, cancellable, never showing
// OCR noise as text, and what it finds on fonts it was not tuned on.
#include "fixtures.h"
#include "image_loader.h"
#include "line_images.h"
#include "photo_file_text.h"
#include "photo_text.h"
#include "photo_reading.h"
#include "text_photos.h"
#include "text_words.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <sys/resource.h>

#include <atomic>
#include <thread>

using namespace listinglens;

namespace {

// A field of /proc/self/status (VmRSS, VmHWM), in bytes.
qint64 statusBytes(const char *field)
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : f.readAll().split('\n')) {
        if (line.startsWith(field))
            return line.mid(qsizetype(qstrlen(field))).trimmed().split(' ').first().toLongLong() * 1024;
    }
    return -1;
}

// Sets the peak (VmHWM) back to the current RSS, so that the next peak is the read's.
bool resetPeak()
{
    QFile f(QStringLiteral("/proc/self/clear_refs"));
    return f.open(QIODevice::WriteOnly) && f.write("5") == 1;
}

double processCpuMs()
{
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return (u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1e3 + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e3;
}

// A flat photo with a phone number in letters 3 % of its height: it
// compresses to little, as an attacker's file would.
cv::Mat bigPhoto(int width, int height)
{
    cv::Mat img(height, width, CV_8UC3, cv::Scalar(205, 200, 190));
    const double scale = height * 0.03 / 22.0; // Hershey simplex capitals are about 22 px at scale 1
    cv::putText(img, "Call 07911 123456", {width / 10, height / 2}, cv::FONT_HERSHEY_SIMPLEX, scale, cv::Scalar(30, 30, 30),
                std::max(2, int(scale * 2)), cv::LINE_AA);
    return img;
}

ModerationInput inputOf(const cv::Mat &img)
{
    ModerationInput input;
    input.decoded.bgr = img;
    input.decoded.width = img.cols;
    input.decoded.height = img.rows;
    return input;
}

cv::Mat sheetOfText()
{
    cv::Mat sheet(800, 1000, CV_8UC3, cv::Scalar(250, 250, 250));
    for (int y = 30; y < sheet.rows; y += 26)
        cv::putText(sheet, "the quick brown fox 0123456789 jumps over the lazy dog", {10, y}, cv::FONT_HERSHEY_SIMPLEX, 0.7,
                    cv::Scalar(0, 0, 0), 2, cv::LINE_AA);
    return sheet;
}

// A reader that would read every line of a sheet of text but for its CPU budget.
Result<std::unique_ptr<TextReader>> readerForASheet(int cpuBudgetMs)
{
    TextReaderOptions options;
    options.maxLines = 30;
    options.maxReads = 90;
    options.cpuBudgetMs = cpuBudgetMs;
    return TextReader::open(options);
}

} // namespace

class TestPhotoReading : public QObject {
    Q_OBJECT
    std::unique_ptr<TextReader> m_reader;

private Q_SLOTS:
    void initTestCase()
    {
        auto reader = TextReader::open();
        if (!reader)
            QFAIL(qPrintable(reader.error().message)); // setup installs Tesseract and its packs
        m_reader = std::move(reader).value();
    }

    // The loader's largest photos: the read reduces them to ReadLimits::maxPixels
    // before anything else, stays within 300 MB above the memory the process had
    // once the photo was decoded, and within about a second of CPU.
    void bigPhotosAreReadWithinBounds_data()
    {
        QTest::addColumn<QByteArray>("format");
        QTest::addColumn<int>("width");
        QTest::addColumn<int>("height");
        QTest::newRow("png, 81 MP") << QByteArray(".png") << 9000 << 9000;
        QTest::newRow("png, 100 MP") << QByteArray(".png") << 10000 << 10000;
        // A lossless WebP is decoded through a 4-byte canvas: 56 MP is about the
        // largest within the loader's budget (a 100 MP one is refused before the read).
        QTest::newRow("webp, 56 MP, lossless") << QByteArray(".webp") << 7500 << 7500;
        QTest::newRow("tiff, 100 MP") << QByteArray(".tiff") << 10000 << 10000;
        QTest::newRow("jpeg, 100 MP") << QByteArray(".jpg") << 10000 << 10000;
    }

    void bigPhotosAreReadWithinBounds()
    {
        QFETCH(QByteArray, format);
        QFETCH(int, width);
        QFETCH(int, height);
        std::vector<int> params;
        if (format == ".webp")
            params = {cv::IMWRITE_WEBP_QUALITY, 101}; // lossless
        const QByteArray bytes = test::encode(bigPhoto(width, height), format.constData(), params);
        QVERIFY(!bytes.isEmpty());
        auto decoded = ImageLoader().loadBytes(bytes);
        QVERIFY2(decoded.ok(), qPrintable(decoded.ok() ? QString() : decoded.error().message));
        // The decode is the main lane's (the decoders have their own budget); from here on it is the read's.
        const qint64 before = statusBytes("VmRSS:");
        QVERIFY2(resetPeak(), "cannot reset the peak RSS (/proc/self/clear_refs)");
        const double cpuBefore = processCpuMs();
        ReadCosts costs;
        const ModerationInput input = moderationInput(std::move(decoded).value(), bytes);
        const PhotoText text = readPhotoText(*m_reader, input, {}, BrandList::builtin(), {nullptr, &costs});
        const double cpu = processCpuMs() - cpuBefore;
        const qint64 peak = statusBytes("VmHWM:") - before;
        qInfo("%s: peak %.0f MB above the decoded photo, %.0f ms CPU, largest image %.1f MP", format.constData(), peak / 1e6, cpu,
              costs.largestPixels / 1e6);
        QVERIFY(qint64(input.decoded.bgr.total()) <= ReadLimits().maxPixels); // what a queue holds
        QVERIFY(costs.largestPixels <= ReadLimits().maxPixels);
        QVERIFY2(peak < 300'000'000, qPrintable(QString::number(peak)));
        QVERIFY2(cpu < 2000, qPrintable(QString::number(cpu)));
        QVERIFY2(!text.contacts.empty(), "the number on it is still read");
    }

    // A read cancelled before it starts recognises nothing; one cancelled while
    // it reads stops sooner than it would have.
    void readsAreCancellable()
    {
        auto reader = readerForASheet(60000);
        QVERIFY(reader.ok());
        const ModerationInput input = inputOf(sheetOfText());
        std::atomic_bool cancel{true};
        ReadCosts costs;
        readPhotoText(*reader.value(), input, {}, BrandList::builtin(), {&cancel, &costs});
        QVERIFY(costs.cancelled);
        QCOMPARE(costs.recognitions, 0);

        ReadCosts whole;
        readPhotoText(*reader.value(), input, {}, BrandList::builtin(), {nullptr, &whole});
        QVERIFY2(whole.recognitions > 6, qPrintable(QString::number(whole.recognitions)));
        cancel = false;
        std::thread canceller([&] {
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
            cancel = true;
        });
        ReadCosts cut;
        readPhotoText(*reader.value(), input, {}, BrandList::builtin(), {&cancel, &cut});
        canceller.join();
        QVERIFY(cut.cancelled);
        QVERIFY2(cut.recognitions < whole.recognitions, qPrintable(QStringLiteral("%1 of %2").arg(cut.recognitions).arg(whole.recognitions)));
    }

    // A sheet of text costs the CPU budget, not a recognition per line.
    void cpuBudgetBoundsAPhotoFullOfText()
    {
        auto reader = readerForASheet(200);
        QVERIFY(reader.ok());
        ReadCosts costs;
        const double before = processCpuMs();
        readPhotoText(*reader.value(), inputOf(sheetOfText()), {}, BrandList::builtin(), {nullptr, &costs});
        const double cpu = processCpuMs() - before;
        QVERIFY2(cpu < 1200, qPrintable(QString::number(cpu))); // the budget, the grace of a running recognition, the search
        QVERIFY2(costs.recognitions < 30, qPrintable(QString::number(costs.recognitions)));
    }

    // What OCR makes of edges and textures is not shown as text: a line is
    // shown when it holds a word, a number, an address or a brand of the list.
    void junkIsNotShown_data()
    {
        QTest::addColumn<QStringList>("words");
        QTest::addColumn<QList<double>>("confidence");
        QTest::addColumn<QList<bool>>("dictionary");
        QTest::addColumn<QString>("shown");
        QTest::newRow("S |") << QStringList{"S", "|"} << QList<double>{0.9, 0.9} << QList<bool>{false, false} << QString();
        QTest::newRow("/") << QStringList{"/"} << QList<double>{0.95} << QList<bool>{false} << QString();
        QTest::newRow("=|") << QStringList{"=|"} << QList<double>{0.9} << QList<bool>{false} << QString();
        QTest::newRow("} | A") << QStringList{"}", "|", QStringLiteral("\u0410")} << QList<double>{0.8, 0.8, 0.8} << QList<bool>{false, false, false}
                               << QString();
        QTest::newRow("Lt) =") << QStringList{"Lt)", "="} << QList<double>{0.8, 0.9} << QList<bool>{false, false} << QString();
        QTest::newRow("three letters, unsure") << QStringList{"Qxz"} << QList<double>{0.6} << QList<bool>{false} << QString();
        QTest::newRow("marks at the ends cut") << QStringList{"|", "fresh,", "|"} << QList<double>{0.9, 0.9, 0.9} << QList<bool>{false, true, false}
                                               << QStringLiteral("fresh,");
        // Two letters alone are what OCR makes of an edge or a texture, dictionary words or not.
        QTest::newRow("ik.)") << QStringList{"ik.)"} << QList<double>{0.37} << QList<bool>{true} << QString();
        QTest::newRow("fi") << QStringList{"fi"} << QList<double>{0.87} << QList<bool>{true} << QString();
        QTest::newRow("Wa") << QStringList{"Wa"} << QList<double>{0.56} << QList<bool>{true} << QString();
        QTest::newRow("BM") << QStringList{"BM"} << QList<double>{0.9} << QList<bool>{false} << QString();
        QTest::newRow("a dictionary word of two letters") << QStringList{"We"} << QList<double>{0.6} << QList<bool>{true} << QString();
        QTest::newRow("one- and two-letter tokens") << QStringList{"OE", "pl", "ON", "\\", "VES"} << QList<double>{0.8, 0.8, 0.8, 0.8, 0.8}
                                                    << QList<bool>{true, true, true, false, false} << QString();
        QTest::newRow("three letters alone, not in the dictionary") << QStringList{"Mee"} << QList<double>{0.8} << QList<bool>{false} << QString();
        QTest::newRow("short words beside a word") << QStringList{"eau", "de", "parfum"} << QList<double>{0.93, 0.92, 0.94}
                                                   << QList<bool>{true, true, true} << QStringLiteral("eau de parfum");
        QTest::newRow("Made in UK") << QStringList{"Made", "in", "UK"} << QList<double>{0.9, 0.9, 0.9} << QList<bool>{true, true, false}
                                    << QStringLiteral("Made in UK");
        QTest::newRow("a name plate") << QStringList{"RICOHFLEX"} << QList<double>{0.91} << QList<bool>{false} << QStringLiteral("RICOHFLEX");
        QTest::newRow("two sure three-letter words") << QStringList{"USB", "LED"} << QList<double>{0.9, 0.9} << QList<bool>{false, false}
                                                     << QStringLiteral("USB LED");
        QTest::newRow("a short brand of the list") << QStringList{"LG"} << QList<double>{0.9} << QList<bool>{false} << QStringLiteral("LG");
        QTest::newRow("a short brand in small letters") << QStringList{"lg"} << QList<double>{0.9} << QList<bool>{false} << QString();
        QTest::newRow("a phone number alone") << QStringList{"07911", "123456"} << QList<double>{0.6, 0.6} << QList<bool>{false, false}
                                              << QStringLiteral("07911 123456");
        QTest::newRow("a link") << QStringList{"vk.com/ab"} << QList<double>{0.6} << QList<bool>{false} << QStringLiteral("vk.com/ab");
        QTest::newRow("a number") << QStringList{"Call", "07911", "123456"} << QList<double>{0.9, 0.6, 0.6} << QList<bool>{true, false, false}
                                  << QStringLiteral("Call 07911 123456");
        QTest::newRow("a handle") << QStringList{"@olga25"} << QList<double>{0.6} << QList<bool>{false} << QStringLiteral("@olga25");
    }

    void junkIsNotShown()
    {
        QFETCH(QStringList, words);
        QFETCH(QList<double>, confidence);
        QFETCH(QList<bool>, dictionary);
        QFETCH(QString, shown);
        std::vector<ReadWord> read;
        for (int i = 0; i < words.size(); ++i)
            read.push_back({words[i], confidence[i], dictionary[i]});
        // The sample list holds LG: a brand shows alone, however short.
        QCOMPARE(shownWords(read, [](const QString &w) { return BrandList::builtin().names(w); }).join(QLatin1Char(' ')), shown);
    }

    // A line the search found in part ("Call 07911" of "Call 07911 123456",
    // the rest over another ground) is followed along its letters' colour
    // and read whole; a line found whole is left as it is, and letters of
    // another colour beyond it are not followed.
    void aCutLineIsReadWhole()
    {
        cv::Mat img(160, 1000, CV_8UC3, cv::Scalar(205, 200, 190));
        cv::rectangle(img, cv::Rect(420, 0, 580, 160), cv::Scalar(120, 170, 230), cv::FILLED); // a box behind the number's end
        const cv::Scalar ink(30, 30, 30);
        const cv::Vec3f inkColour(30, 30, 30);
        int baseline = 0;
        const int font = cv::FONT_HERSHEY_SIMPLEX;
        const float width = float(cv::getTextSize("Call 07911 123456", font, 1.5, 3, &baseline).width);
        const float cut = float(cv::getTextSize("Call 07911", font, 1.5, 3, &baseline).width);
        const float letters = float(cv::getTextSize("0", font, 1.5, 3, &baseline).height);
        cv::putText(img, "Call 07911 123456", {60, 100}, font, 1.5, ink, 3);
        cv::putText(img, "SALE", {int(60 + width + 2 * letters), 100}, font, 1.5, cv::Scalar(40, 40, 220), 3); // red: another line
        const auto lineBox = [&](float length) {
            return cv::RotatedRect({60 + length / 2, 100 - letters / 2}, {length + 1.6f * letters, letters * 5 / 3}, 0);
        };
        const cv::RotatedRect along = lineAlongLetters(img, lineBox(cut), inkColour);
        const float right = along.center.x + along.size.width / 2;
        QVERIFY2(right >= 60 + width && right <= 60 + width + 1.5f * letters, qPrintable(QString::number(right)));
        QCOMPARE(lineAlongLetters(img, lineBox(width), inkColour).size.width, lineBox(width).size.width);

        ReadBudget budget{nullptr, 0, 8, 0};
        const std::vector<TextLine> lines = m_reader->read({LineToRead{&img, lineBox(cut), 1, inkColour, 9}}, budget);
        const PhotoText text = analysePhotoText(lines, {});
        QCOMPARE(int(text.contacts.size()), 1);
        QCOMPARE(text.contacts.front().detail.value, QStringLiteral("+447911123456"));
    }

    // A number over a striped ground, two stripes in three of a grey near
    // the letters' colour: its image by the letters' colour keeps those
    // stripes grey, and one threshold for the whole image (Otsu's) would
    // blacken them with the letters; such an image is read with the local
    // threshold, and its words are shown. The same number on a plain
    // ground is read with the global one.
    void aLineOverGreyStripesIsReadWithTheLocalThreshold()
    {
        const cv::Vec3f inkColour(20, 20, 20);
        const int font = cv::FONT_HERSHEY_SIMPLEX;
        int baseline = 0;
        const float width = float(cv::getTextSize("Call 07911 123456", font, 1.5, 3, &baseline).width);
        const float letters = float(cv::getTextSize("0", font, 1.5, 3, &baseline).height);
        const cv::RotatedRect box({60 + width / 2, 100 - letters / 2}, {width + 1.6f * letters, letters * 5 / 3}, 0);
        const auto photo = [&](bool striped) {
            cv::Mat img(160, 1000, CV_8UC3, cv::Scalar(235, 235, 235));
            for (int x = 0; striped && x < img.cols; x += 36)
                cv::rectangle(img, cv::Rect(x, 0, 24, img.rows), cv::Scalar(43, 43, 43), cv::FILLED);
            cv::putText(img, "Call 07911 123456", {60, 100}, font, 1.5, cv::Scalar(20, 20, 20), 3);
            return img;
        };
        const cv::Mat striped = photo(true), plain = photo(false);
        QVERIFY(groundDarkensAtOneThreshold(colourDistanceImage(levelLine(striped, box), inkColour)));
        QVERIFY(!groundDarkensAtOneThreshold(colourDistanceImage(levelLine(plain, box), inkColour)));
        for (const cv::Mat *img : {&striped, &plain}) {
            ReadBudget budget{nullptr, 0, 8, 0};
            const std::vector<TextLine> lines = m_reader->read({LineToRead{img, box, 1, inkColour, 15}}, budget);
            // Shown: words read surely (at one threshold the striped line had none).
            QVERIFY2(!lines.empty() && !lines.front().text.isEmpty(), img == &striped ? "striped" : "plain");
            QVERIFY2(!analysePhotoText(lines, {}).contacts.empty(), img == &striped ? "striped" : "plain");
        }
    }

    // A line whose box the search set too high, its letters' feet cut off
    // (a shadow or a busy ground above them moved it): what the first reads
    // make of it comes near a number and is none, and the second look, a
    // box half as tall again, reads the number. A line of digits that is no
    // number (a barcode) is looked at again and still not flagged.
    void aLineCutAtItsFeetIsReadAgain_data()
    {
        QTest::addColumn<QString>("drawn");
        QTest::addColumn<float>("cut"); // of the letters' height
        QTest::addColumn<QString>("found");
        QTest::newRow("a number") << "0501141445" << 0.65f << "+996501141445";
        QTest::newRow("a barcode") << "EAN 5012345678900" << 0.55f << "";
    }
    void aLineCutAtItsFeetIsReadAgain()
    {
        QFETCH(QString, drawn);
        QFETCH(float, cut);
        QFETCH(QString, found);
        cv::Mat img(160, 900, CV_8UC3, cv::Scalar(60, 120, 170));
        const int font = cv::FONT_HERSHEY_DUPLEX;
        int baseline = 0;
        const cv::Size size = cv::getTextSize(drawn.toStdString(), font, 1.6, 2, &baseline);
        const cv::Vec3f ink(40, 230, 250);
        cv::putText(img, drawn.toStdString(), {60, 110}, font, 1.6, cv::Scalar(ink), 2, cv::LINE_AA);
        // The box's margin below the letters set `cut` of their height too high.
        const float letters = float(size.height), centre = 110 - (cut + 0.5f) * letters;
        const cv::RotatedRect box({60 + size.width / 2.0f, centre}, {size.width + 1.6f * letters, letters * 5 / 3}, 0);
        QStringList reads, secondLooks;
        TextReaderOptions options;
        options.onRecognition = [&](const cv::Mat &image, const QRect &, const QString &read, double) {
            reads << read;
            if (image.rows > kReadHeight * 3 / 2) // the second look's taller box; the first reads are kReadHeight and a border
                secondLooks << read;
        };
        auto reader = TextReader::open(options);
        QVERIFY(reader.ok());
        ReadBudget budget{nullptr, 0, 8, 0};
        const PhotoText text = analysePhotoText(reader.value()->read({LineToRead{&img, box, 1, ink, int(drawn.size())}}, budget), {});
        const QString all = reads.join(QLatin1String(" | "));
        // Three images and the other language read it first: four reads at most.
        QVERIFY2(reads.size() > 4 || found.size() > 0, qPrintable(all));
        // The second look reads as a number is written: digits, the marks
        // between them and the letters of "tel" (a barcode's "EAN" too).
        static const QRegularExpression numberCharacters(QStringLiteral(R"(^[0-9+()\-./:telTEL ]*$)"));
        QVERIFY2(!secondLooks.isEmpty(), qPrintable(all));
        for (const QString &read : secondLooks)
            QVERIFY2(numberCharacters.match(read).hasMatch(), qPrintable(all));
        if (found.isEmpty()) {
            QVERIFY2(text.contacts.empty(), qPrintable(all));
            return;
        }
        QCOMPARE(int(text.contacts.size()), 1);
        QCOMPARE(text.contacts.front().detail.value, found);
        QVERIFY(text.contacts.front().detail.possible); // read in an unsure read: for review
        for (const QString &read : reads.mid(0, reads.size() - 1)) // only the second look read it
            QVERIFY2(findContactDetails(read).empty(), qPrintable(all));
    }

    // Marks alone on a photo make no line of text.
    void marksAloneAreNoText()
    {
        cv::Mat img(354, 500, CV_8UC3, cv::Scalar(190, 175, 160));
        for (const auto &[mark, at] : std::vector<std::pair<std::string, cv::Point>>{{"S |", {40, 60}}, {"/", {300, 80}}, {"=|", {60, 200}}, {"} | ", {250, 300}}})
            cv::putText(img, mark, at, cv::FONT_HERSHEY_SIMPLEX, 1.2, cv::Scalar(20, 20, 20), 2, cv::LINE_AA);
        const PhotoText text = readPhotoText(*m_reader, inputOf(img), {});
        QStringList lines;
        for (const TextLine &l : text.lines)
            lines << l.text;
        QVERIFY2(lines.isEmpty(), qPrintable(lines.join(QLatin1String(" | "))));
    }

    // Lines shaped like a brand or a contact go to OCR, however few letters a
    // contact needs: a word of four letters (a brand's, a stock mark's
    // length), a small phone number, a line of words.
    void linesShapedLikeABrandOrAContactAreRead_data()
    {
        QTest::addColumn<QString>("written");
        QTest::addColumn<double>("scale"); // Hershey simplex capitals are about 22 px at scale 1
        QTest::addColumn<bool>("read");
        QTest::addColumn<bool>("contact");
        QTest::newRow("a four-letter word") << QStringLiteral("MWMW") << 1.4 << true << false;
        QTest::newRow("a small phone number") << QStringLiteral("Call 07911 123456") << 0.6 << true << true;
        QTest::newRow("a line of words") << QStringLiteral("Sold with its charger") << 0.8 << true << false;
    }

    void linesShapedLikeABrandOrAContactAreRead()
    {
        QFETCH(QString, written);
        QFETCH(double, scale);
        QFETCH(bool, read);
        QFETCH(bool, contact);
        cv::Mat img(375, 500, CV_8UC3, cv::Scalar(200, 190, 180));
        cv::putText(img, written.toStdString(), {40, 190}, cv::FONT_HERSHEY_SIMPLEX, scale, cv::Scalar(30, 30, 30), 2, cv::LINE_AA);
        ReadCosts costs;
        const PhotoText text = readPhotoText(*m_reader, inputOf(img), {}, BrandList::builtin(), {nullptr, &costs});
        QVERIFY2(costs.candidates >= 1, "the search finds the line"); // so the rule, not the search, decides
        QCOMPARE(costs.linesRead > 0, read);
        QCOMPARE(!text.contacts.empty(), contact);
    }

private:
    // Contact details drawn in a family of fonts, layouts and wordings on
    // real marketplace photos (benchkit/text_photos.h), and real photos left
    // as they are: how many of each are flagged.
    struct SetRead {
        int contacts = 0, flagged = 0, clean = 0;
    };
    SetRead readSet(SampleFamily family, int skip, int count, int untouched)
    {
        SetRead out;
        const QDir photos(test::sharedDir() + QStringLiteral("/testdata/marketplace/photos"));
        const QStringList all = photos.entryList({QStringLiteral("*.jpg")}, QDir::Files, QDir::Name);
        QStringList odd;
        for (int i = 1; i < all.size(); i += 2)
            odd << photos.filePath(all[i]);
        if (odd.size() < skip + count + untouched)
            return out; // the caller's count fails: the shared marketplace photos are needed (../shared/testdata/marketplace)
        QTemporaryDir dir;
        auto made = makeTextPhotos(odd.mid(skip, count), dir.path(), family);
        if (!made) {
            qWarning("%s", qPrintable(made.error().message)); // setup installs the fonts
            return out;
        }
        const auto read = [&](const QString &path) { return test::readPhotoFile(*m_reader, path).value_or(PhotoText{}); };
        for (const TextPhoto &p : made.value()) {
            if (p.kind == QLatin1String("stock"))
                continue;
            ++out.contacts;
            out.flagged += read(p.path).contacts.empty() ? 0 : 1;
        }
        for (const QString &path : odd.mid(odd.size() - untouched))
            out.clean += read(path).contacts.empty() ? 0 : 1;
        return out;
    }

private Q_SLOTS:
    // Contact details in fonts, layouts and number forms the reading was not
    // tuned on (the unseen family: `listinglens-bench text --count 60
    // --untouched 60` reads the same photos), and real marketplace photos
    // left as they are. Asserted at what was measured (recall 44 of 54,
    // 1 of 60 untouched flagged), less a margin for another processor's
    // rounding.
    void unseenFontsAreRead()
    {
        const SetRead r = readSet(SampleFamily::Unseen, 0, 60, 60);
        qInfo("unseen set: %d of %d contact photos flagged, %d of 60 untouched photos flagged", r.flagged, r.contacts, r.clean);
        QCOMPARE(r.contacts, 54);
        QVERIFY2(r.flagged >= 41, qPrintable(QString::number(r.flagged))); // measured 44
        QVERIFY2(r.clean <= 2, qPrintable(QString::number(r.clean)));      // measured 1: a shop's web address printed on its box
    }

    // The wide family, held out from tuning: fonts of other Debian packages
    // and light weights, text on a screen, colour on a ground of its
    // brightness, small, steep and two-line layouts (`listinglens-bench text
    // --set wide --count 60 --untouched 0` reads the same photos). Asserted
    // at what was measured (38 of 54), less a margin.
    void wideFontsAreRead()
    {
        const SetRead r = readSet(SampleFamily::Wide, 200, 60, 0);
        qInfo("wide set: %d of %d contact photos flagged", r.flagged, r.contacts);
        QCOMPARE(r.contacts, 54);
        QVERIFY2(r.flagged >= 35, qPrintable(QString::number(r.flagged))); // measured 38
    }
};

QTEST_GUILESS_MAIN(TestPhotoReading)
#include "tst_photo_reading.moc"
