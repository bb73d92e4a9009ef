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

} // namespace

class TestInt8Scores : public QObject {
    Q_OBJECT
private Q_SLOTS:
    // Both instruction sets give the exact sum, for lengths that end inside a
    // step of 16 or 32 codes and at the extremes (-128 x -128, 127 x -128).
    void dotsAreExact()
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
                const std::int32_t expected = plainDot(a.data() + 1, b.data() + 1, n);
                QCOMPARE(int8Dot(a.data() + 1, b.data() + 1, n, Int8Isa::Best), expected);
                QCOMPARE(int8Dot(a.data() + 1, b.data() + 1, n, Int8Isa::Baseline), expected);
            }
        }
    }

    void everyRowIsScored()
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
            for (Int8Isa isa : {Int8Isa::Best, Int8Isa::Baseline}) {
                std::vector<float> out(rows, -2.0f);
                int8Scores(codes.data(), scales.data(), rows, dim, query.data(), 0.01f, out.data(), isa);
                for (std::size_t i = 0; i < rows; ++i)
                    QCOMPARE(out[i], float(plainDot(query.data(), &codes[i * std::size_t(dim)], dim)) * 0.01f * scales[i]);
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestInt8Scores)
#include "tst_int8_scores.moc"
