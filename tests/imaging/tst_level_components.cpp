// levelComponents (level_components.h): the components of a map's pixels
// at or above a level, box for box, area for area and in the same order as
// cv::connectedComponentsWithStats gives them on the map thresholded there,
// on maps that look like the text gate's (specks, letters, texture) and on
// the odd shapes (one row, one column, odd sizes, all on, none on), with
// OpenCV's parallel labelling and with its sequential one.
#include "level_components.h"

#include <QTest>

#include <opencv2/imgproc.hpp>

#include <ctime>

Q_DECLARE_METATYPE(cv::Mat)

using namespace listinglens;

namespace {

double threadCpuMs()
{
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return double(t.tv_sec) * 1e3 + double(t.tv_nsec) / 1e6;
}

// What OpenCV makes of the same pixels: its components (label 0, the ground, left out), in label order.
std::vector<LevelComponent> opencvComponents(const cv::Mat &map, int level)
{
    cv::Mat on, labels, stats, centroids;
    cv::threshold(map, on, level - 1, 255, cv::THRESH_BINARY);
    const int n = cv::connectedComponentsWithStats(on, labels, stats, centroids, 8, CV_32S);
    std::vector<LevelComponent> out;
    for (int i = 1; i < n; ++i)
        out.push_back({cv::Rect(stats.at<int>(i, cv::CC_STAT_LEFT), stats.at<int>(i, cv::CC_STAT_TOP), stats.at<int>(i, cv::CC_STAT_WIDTH),
                                stats.at<int>(i, cv::CC_STAT_HEIGHT)),
                       stats.at<int>(i, cv::CC_STAT_AREA)});
    return out;
}

// Noise blurred by `blur` (0: none): blobs of every shape, touching at corners too.
cv::Mat noise(cv::Size size, double blur, int seed)
{
    cv::Mat m(size, CV_8UC1);
    cv::RNG rng{uint64(seed)};
    rng.fill(m, cv::RNG::UNIFORM, 0, 256);
    if (blur > 0)
        cv::GaussianBlur(m, m, cv::Size(0, 0), blur);
    cv::normalize(m, m, 0, 255, cv::NORM_MINMAX);
    return m;
}

// A top-hat of text on a grainy ground, as the gate thresholds it.
cv::Mat textTopHat(cv::Size size)
{
    cv::Mat img(size, CV_8UC1, cv::Scalar(120));
    cv::Mat grain(size, CV_8UC1);
    cv::randn(grain, cv::Scalar(0), cv::Scalar(12));
    img += grain;
    for (int y = 18; y < size.height; y += 23)
        cv::putText(img, "Call 07911 123456 or bob@example.com", {3 + y % 7, y}, cv::FONT_HERSHEY_SIMPLEX, 0.45 + (y % 3) * 0.1,
                    cv::Scalar(250), 1 + y % 2, cv::LINE_AA);
    cv::Mat thin;
    cv::morphologyEx(img, thin, cv::MORPH_TOPHAT, cv::getStructuringElement(cv::MORPH_RECT, cv::Size(15, 15)));
    return thin;
}

void compareWithOpenCv(const cv::Mat &map, int level)
{
    const std::vector<LevelComponent> mine = levelComponents(map, level), theirs = opencvComponents(map, level);
    QCOMPARE(mine.size(), theirs.size());
    for (std::size_t i = 0; i < mine.size(); ++i) {
        if (!(mine[i] == theirs[i])) {
            const auto text = [](const LevelComponent &c) {
                return QStringLiteral("%1,%2 %3x%4 area %5").arg(c.box.x).arg(c.box.y).arg(c.box.width).arg(c.box.height).arg(c.area);
            };
            QFAIL(qPrintable(QStringLiteral("component %1: %2, OpenCV %3").arg(i).arg(text(mine[i]), text(theirs[i]))));
        }
    }
}

} // namespace

class TestLevelComponents : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void sameAsOpenCv_data()
    {
        QTest::addColumn<cv::Mat>("map");
        QTest::addColumn<int>("level");
        QTest::addColumn<bool>("parallel");
        const std::vector<std::pair<const char *, cv::Mat>> maps{
            {"specks 500x375", noise({500, 375}, 0, 1)},
            {"blobs 500x375", noise({500, 375}, 1.5, 2)},
            {"large blobs 640x427", noise({640, 427}, 4, 3)},
            {"blobs, odd sizes 333x217", noise({333, 217}, 1.2, 4)},
            {"blobs 17x640", noise({17, 640}, 1, 5)},
            {"one row", noise({257, 1}, 0, 6)},
            {"one column", noise({1, 129}, 0, 7)},
            {"text 500x375", textTopHat({500, 375})},
            {"text 481x333", textTopHat({481, 333})},
        };
        for (const bool parallel : {true, false}) {
            for (const auto &[name, map] : maps) {
                for (const int level : {18, 54, 128, 200}) {
                    QTest::addRow("%s, level %d, %s", name, level, parallel ? "parallel" : "sequential") << map << level << parallel;
                }
            }
            QTest::addRow("all on, %s", parallel ? "parallel" : "sequential") << cv::Mat(101, 99, CV_8UC1, cv::Scalar(255)) << 1 << parallel;
            QTest::addRow("none on, %s", parallel ? "parallel" : "sequential") << cv::Mat(101, 99, CV_8UC1, cv::Scalar(0)) << 1 << parallel;
        }
    }
    void sameAsOpenCv()
    {
        QFETCH(cv::Mat, map);
        QFETCH(int, level);
        QFETCH(bool, parallel);
        const int threads = cv::getNumThreads();
        // Restored however the comparison ends (a failed QCOMPARE returns early).
        struct Restore {
            int threads;
            ~Restore() { cv::setNumThreads(threads); }
        } restoreThreads{threads};
        cv::setNumThreads(parallel ? std::max(2, threads) : 1);
        compareWithOpenCv(map, level);
    }

    // The reason for it, printed rather than asserted (a timed unit test
    // measures the machine's load): the CPU of each on the gate's maps.
    void costAgainstOpenCv()
    {
        const cv::Mat maps[] = {textTopHat({500, 375}), noise({500, 375}, 1.5, 2)};
        double mine = 0, theirs = 0;
        for (int round = 0; round < 20; ++round) {
            for (const cv::Mat &m : maps) {
                double start = threadCpuMs();
                QVERIFY(!levelComponents(m, 18).empty());
                mine += threadCpuMs() - start;
                start = threadCpuMs();
                QVERIFY(!opencvComponents(m, 18).empty());
                theirs += threadCpuMs() - start;
            }
        }
        qInfo("levelComponents %.2f ms a map, cv::connectedComponentsWithStats %.2f ms (this thread's CPU)", mine / 40, theirs / 40);
    }
};

QTEST_GUILESS_MAIN(TestLevelComponents)
#include "tst_level_components.moc"
