// Words printed on the item that name it (a name plate, a bottle's label)
// are read off the shared sample photos, and what OCR makes of edges and
// texture on them is not shown (photo_reading.h, text_words.h); an edge
// crossing a line near its end is cut off before OCR (line_edges.h).
#include "fixtures.h"
#include "line_edges.h"
#include "photo_file_text.h"

#include <QFileInfo>
#include <QTest>

#include <opencv2/imgproc.hpp>

using namespace listinglens;

namespace {

// A level line as the reader makes it (dark letters on a light ground, 48 px
// high, the letters in its middle three fifths) from column letterFrom, and
// columns edgeFrom to edgeTo dark from top to bottom: an edge when ground
// parts them from the letters.
cv::Mat levelLineWith(int edgeFrom, int edgeTo, int letterFrom)
{
    cv::Mat line(48, 400, CV_8U, cv::Scalar(230));
    cv::putText(line, "NAMEPLATE", {letterFrom, 38}, cv::FONT_HERSHEY_SIMPLEX, 1.1, cv::Scalar(20), 3, cv::LINE_AA);
    line.colRange(edgeFrom, edgeTo).setTo(20);
    return line;
}

} // namespace

class TestItemWords : public QObject {
    Q_OBJECT
    std::unique_ptr<TextReader> m_reader;

    // The lines shown for a photo, read as the lane reads it; the reader is
    // opened on first use (setup installs Tesseract and its packs).
    QStringList linesOf(const QString &photo)
    {
        if (!m_reader) {
            auto opened = TextReader::open();
            if (!opened)
                return {opened.error().message};
            m_reader = std::move(opened).value();
        }
        const std::optional<PhotoText> read = test::readPhotoFile(*m_reader, photo);
        if (!read)
            return {QStringLiteral("(not decoded)")};
        QStringList out;
        for (const TextLine &l : read->lines)
            out << l.text;
        return out;
    }

private Q_SLOTS:
    // What the panel shows for the sample photos: the item's own words, and
    // nothing on photos whose only reads were edges and fur.
    void samplePhotosShowTheirWords_data()
    {
        QTest::addColumn<QString>("photo");
        QTest::addColumn<QString>("line"); // a line shown; empty: no line at all
        // White capitals on the dark name plate of a reflex camera, 373 x 500:
        // the plate's rim once hid them from the gate and glued a bracket to the word.
        QTest::newRow("reflex_camera") << QStringLiteral("reflex_camera.jpg") << QStringLiteral("RICOHFLEX");
        QTest::newRow("perfume") << QStringLiteral("perfume.jpg") << QStringLiteral("eau de parfum");
        QTest::newRow("digital_watch, \"fi\" once") << QStringLiteral("digital_watch.jpg") << QString();
        QTest::newRow("golden_retriever, \"Wa\" once") << QStringLiteral("golden_retriever.jpg") << QString();
    }

    void samplePhotosShowTheirWords()
    {
        QFETCH(QString, photo);
        QFETCH(QString, line);
        const QString path = test::samplePhotosDir() + QLatin1Char('/') + photo;
        if (!QFileInfo::exists(path))
            QSKIP("../shared/testdata/photos is not here");
        const QStringList lines = linesOf(path);
        if (line.isEmpty())
            QVERIFY2(lines.isEmpty(), qPrintable(lines.join(QLatin1String(" | "))));
        else
            QVERIFY2(lines.contains(line), qPrintable(lines.join(QLatin1String(" | "))));
    }

    // An edge with ground between it and the letters goes with what lies past
    // it; a dark block that runs on into the letters (a shadow) stays, and so
    // does a line with no edge.
    void edgesAtTheEndsAreCut_data()
    {
        QTest::addColumn<int>("edgeFrom");
        QTest::addColumn<int>("edgeTo");
        QTest::addColumn<int>("letterFrom");
        QTest::addColumn<bool>("cut");
        QTest::newRow("a plate's rim, ground before the letters") << 20 << 24 << 40 << true;
        QTest::newRow("a shadow into the letters") << 0 << 44 << 40 << false;
        QTest::newRow("no edge") << 0 << 0 << 40 << false;
    }

    void edgesAtTheEndsAreCut()
    {
        QFETCH(int, edgeFrom);
        QFETCH(int, edgeTo);
        QFETCH(int, letterFrom);
        QFETCH(bool, cut);
        const cv::Mat line = levelLineWith(edgeFrom, edgeTo, letterFrom);
        const cv::Mat out = withoutEdgesAtEnds(line);
        QCOMPARE(out.size(), line.size());
        // The letters stay as they were.
        QCOMPARE(cv::norm(out.colRange(letterFrom + 4, 380), line.colRange(letterFrom + 4, 380), cv::NORM_INF), 0.0);
        if (cut)
            QVERIFY2(cv::countNonZero(out.colRange(0, edgeTo) < 128) == 0, "the edge is painted over");
        else
            QCOMPARE(cv::norm(out, line, cv::NORM_INF), 0.0);
    }
};

QTEST_GUILESS_MAIN(TestItemWords)
#include "tst_item_words.moc"
