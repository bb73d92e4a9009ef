#include "int8_scores.h"

#include <QRandomGenerator>
#include <QTest>

#include <vector>

using namespace listinglens;

namespace {

std::int32_t plainDot(const std::int8_t *a, const std::int8_t *b, int n)
{
    std::int32_t sum = 0;
    for (int i = 0; i < n; ++i)
        sum += std::int32_t(a[i]) * std::int32_t(b[i]);
    return sum;
}

// The dot products of one instruction set against the plain loop, for lengths
// that end inside a step of 16 or 32 codes and at the extremes (-128 x -128,
// 127 x -128).
void checkDots(Int8Isa isa)
{
    QRandomGenerator rng(5);
    for (int n : {0, 1, 7, 15, 16, 17, 31, 32, 33, 48, 63, 1280, 1283}) {
        std::vector<std::int8_t> a(std::size_t(n) + 1), b(std::size_t(n) + 1);
        for (int pass = 0; pass < 4; ++pass) {
            for (std::size_t i = 0; i < a.size(); ++i) {
                a[i] = pass == 0 ? std::int8_t(-128) : std::int8_t(int(rng.bounded(256)) - 128);
                b[i] = pass == 0 ? std::int8_t(-128) : pass == 1 ? std::int8_t(127) : std::int8_t(int(rng.bounded(256)) - 128);
            }
            // Started one code in: the rows of an index are not aligned.
            QCOMPARE(int8Dot(a.data() + 1, b.data() + 1, n, isa), plainDot(a.data() + 1, b.data() + 1, n));
        }
    }
}

void checkScores(Int8Isa isa)
{
    QRandomGenerator rng(9);
    for (int dim : {3, 16, 40, 1280}) {
        const std::size_t rows = 37;
        std::vector<std::int8_t> codes(rows * std::size_t(dim));
        std::vector<std::int8_t> query(static_cast<std::size_t>(dim));
        std::vector<float> scales(rows);
        for (auto &c : codes)
            c = std::int8_t(int(rng.bounded(255)) - 127);
        for (auto &c : query)
            c = std::int8_t(int(rng.bounded(255)) - 127);
        for (float &s : scales)
            s = float(rng.generateDouble() / 127.0);
        std::vector<float> out(rows, -2.0f);
        int8Scores(codes.data(), scales.data(), rows, dim, query.data(), 0.01f, out.data(), isa);
        for (std::size_t i = 0; i < rows; ++i)
            QCOMPARE(out[i], float(plainDot(query.data(), &codes[i * std::size_t(dim)], dim)) * 0.01f * scales[i]);
    }
}

// Best is checked only where it is AVX2: elsewhere it is the baseline, checked below.
bool bestIsAvx2()
{
    return QByteArray(int8BestInstructions()) == "avx2";
}

} // namespace

class TestInt8Scores : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { qInfo("Int8Isa::Best uses %s on this processor", int8BestInstructions()); }

    void baselineDotsAreExact() { checkDots(Int8Isa::Baseline); }
    void baselineScoresEveryRow() { checkScores(Int8Isa::Baseline); }

    void avx2DotsAreExact()
    {
        if (!bestIsAvx2())
            QSKIP("no AVX2 on this processor: its code is not checked here");
        checkDots(Int8Isa::Best);
    }
    void avx2ScoresEveryRow()
    {
        if (!bestIsAvx2())
            QSKIP("no AVX2 on this processor: its code is not checked here");
        checkScores(Int8Isa::Best);
    }
};

QTEST_GUILESS_MAIN(TestInt8Scores)
#include "tst_int8_scores.moc"
